"""Several processes of a new version starting together on one PostgreSQL database migrate it
one at a time: none fails on tables another has just made."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from pathlib import Path
from subprocess import PIPE, STDOUT

import pytest
from alembic.script import ScriptDirectory
from bench.servers import ROOT
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from leadflow.migrations.runner import alembic_config, current_revision

pytestmark = pytest.mark.scaleout
PROCESSES = 3

# Each process imports leadflow, says it is ready, and migrates once told to go: all at once.
MIGRATE_ON_GO = """
import sys, time
from pathlib import Path
from leadflow.db import get_engine
from leadflow.migrations.runner import upgrade_to_head
folder = Path(sys.argv[1])
(folder / f"ready-{sys.argv[2]}").touch()
while not (folder / "go").exists():
    time.sleep(0.01)
upgrade_to_head(get_engine())
"""


def test_processes_started_together_migrate_one_at_a_time(database, tmp_path: Path):
    admin = create_engine(database, isolation_level="AUTOCOMMIT")
    fresh = make_url(database).set(database=f"leadflow_migrate_{secrets.token_hex(4)}")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{fresh.database}"'))
    env = {**os.environ, "LEADFLOW_DATABASE_URL": fresh.render_as_string(hide_password=False)}
    try:
        command = [sys.executable, "-c", MIGRATE_ON_GO, str(tmp_path)]
        processes = [
            subprocess.Popen(
                [*command, str(n)], cwd=ROOT, env=env, stdout=PIPE, stderr=STDOUT, text=True
            )
            for n in range(PROCESSES)
        ]
        deadline = time.monotonic() + 120
        while len(list(tmp_path.glob("ready-*"))) < PROCESSES and time.monotonic() < deadline:
            time.sleep(0.05)
        (tmp_path / "go").touch()
        outcomes = [process.communicate(timeout=120) for process in processes]
        codes = [process.returncode for process in processes]
        assert codes == [0] * PROCESSES, [out[-1500:] for out, _ in outcomes]
        engine = create_engine(fresh)
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        assert current_revision(engine) == head
        engine.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{fresh.database}" WITH (FORCE)'))
        admin.dispose()
