"""Backups that restore: `leadflow backup` of a live installation while it takes leads, the data
destroyed, `leadflow restore`, and the leads, messages and uploads all there.
On PostgreSQL, the pg_dump and pg_restore commands the runbook gives, round-tripped."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from bench.servers import ROOT, leadflow_server
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from leadflow.cli import app as cli
from leadflow.config import get_settings
from leadflow.db import reset_engine_cache
from leadflow.models import Lead, Message
from leadflow.worker.queue import reset_queue
from tests.builders import make_lead, make_workspace
from tests.inbox.support import TWILIO_SID, twilio_signature
from tests.operations.support import prepare_workspace

SLUG = "backed-up"
UPLOAD = b"email,first_name\r\n" + b"".join(
    f"imported{n}@example.com,Person {n}\r\n".encode() for n in range(50)
)


def _leadflow(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "leadflow", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _sms(client: httpx.Client, base: str, phone: str) -> None:
    path = f"/api/v1/inbound/{SLUG}/twilio"
    params = {"MessageSid": f"SM{phone[1:]:0>32}", "AccountSid": TWILIO_SID, "From": phone,
              "To": "+966110000000", "Body": "Do you have villas?", "NumMedia": "0"}  # fmt: skip
    headers = {"x-twilio-signature": twilio_signature(base + path, params),
               "content-type": "application/x-www-form-urlencoded"}  # fmt: skip
    assert client.post(base + path, content=urlencode(params), headers=headers).status_code == 200


def _wait(condition, timeout: float = 60) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


class Writer(threading.Thread):
    """Creates leads through the API, one after another, until stopped: the live load."""

    def __init__(self, client: httpx.Client, base: str) -> None:
        super().__init__(daemon=True)
        self.client, self.base = client, base
        self.created: list[tuple[float, int]] = []  # (when acknowledged, lead id)
        self.stop = threading.Event()

    def run(self) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            answer = self.client.post(f"{self.base}/api/v1/leads", json={"email": f"w{n}@x.io"})
            assert answer.status_code == 201, answer.text
            self.created.append((time.monotonic(), answer.json()["lead"]["id"]))


def _uploads(data: Path) -> dict[Path, str]:
    files = (path for path in (data / "uploads").rglob("*") if path.is_file())
    return {path.relative_to(data): hashlib.sha256(path.read_bytes()).hexdigest() for path in files}


def _counts(database_url: str) -> dict[str, int]:
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            return {
                "leads": session.scalar(select(func.count()).select_from(Lead)) or 0,
                "messages in": session.scalar(
                    select(func.count()).where(Message.direction == "in")
                ) or 0,
                "messages out": session.scalar(
                    select(func.count()).where(Message.direction == "out")
                ) or 0,
            }  # fmt: skip
    finally:
        engine.dispose()


@pytest.mark.slow
@pytest.mark.embedded_only
def test_a_backup_taken_while_serving_restores_leads_messages_and_uploads(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    database_url = f"sqlite:///{data / 'leadflow.db'}"
    env = {**os.environ, "LEADFLOW_DATA_DIR": str(data), "LEADFLOW_DATABASE_URL": database_url,
           "LEADFLOW_EMBEDDED_WORKER": "true", "LEADFLOW_LOG_LEVEL": "WARNING"}  # fmt: skip
    key = prepare_workspace(database_url, SLUG)
    archive = tmp_path / "backups" / "leadflow.tar.gz"

    with (tmp_path / "server.log").open("wb") as log, leadflow_server(env, output=log) as (_, port):
        base = f"http://127.0.0.1:{port}"
        client = httpx.Client(timeout=30, headers={"Authorization": f"Bearer {key}"})
        upload = client.post(f"{base}/api/v1/imports", files={"file": ("leads.csv", UPLOAD)})
        assert upload.status_code == 202, upload.text
        imported = f"{base}/api/v1/imports/{upload.json()['id']}"
        _wait(lambda: client.get(imported).json()["status"] == "completed")
        for number in range(5):
            _sms(client, base, f"+96650900000{number}")
        _wait(lambda: _counts(database_url)["messages out"] == 5)

        writer = Writer(client, base)
        writer.start()
        _wait(lambda: len(writer.created) >= 20)
        started = time.monotonic()
        printed = _leadflow(env, "backup", "--out", str(archive))
        writer.stop.set()
        writer.join(timeout=30)
        client.close()
    before, uploads = _counts(database_url), _uploads(data)
    acknowledged = [lead_id for at, lead_id in writer.created if at < started]

    assert "sqlite database at revision" in printed
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    shutil.rmtree(data)
    assert "restored" in _leadflow(env, "restore", str(archive))

    after = _counts(database_url)
    assert after["messages in"] == after["messages out"] == before["messages in"] == 5
    assert after["leads"] <= before["leads"]
    assert uploads
    assert _uploads(data) == uploads
    with sqlite3.connect(data / "leadflow.db") as restored:
        assert restored.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        kept = {row[0] for row in restored.execute("SELECT id FROM lead")}
    assert set(acknowledged) <= kept, "a lead acknowledged before the backup began is missing"


# -- refusals ----------------------------------------------------------------------------------

runner = CliRunner()


@pytest.fixture
def elsewhere(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """The CLI's settings point at a SQLite installation of the test's own."""
    data = tmp_path / "data"
    monkeypatch.setenv("LEADFLOW_DATA_DIR", str(data))
    monkeypatch.setenv("LEADFLOW_DATABASE_URL", f"sqlite:///{data / 'leadflow.db'}")
    get_settings.cache_clear()
    reset_engine_cache()
    reset_queue()
    yield data
    reset_engine_cache()
    monkeypatch.undo()
    get_settings.cache_clear()
    reset_engine_cache()
    reset_queue()


def _archive(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def _one_line_error(result, words: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: ")
    assert words in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.embedded_only
def test_restore_over_a_database_asks_for_replace_and_then_replaces(elsewhere, tmp_path):
    assert runner.invoke(cli.app, ["migrate"]).exit_code == 0
    backup = runner.invoke(cli.app, ["backup", "--out", str(tmp_path / "b.tar.gz")])
    assert backup.exit_code == 0, backup.output
    engine = create_engine(f"sqlite:///{elsewhere / 'leadflow.db'}")
    with Session(engine) as session:
        make_lead(session, make_workspace(session), email="after-the-backup@example.com")
    engine.dispose()

    _one_line_error(runner.invoke(cli.app, ["restore", str(tmp_path / "b.tar.gz")]), "--replace")
    replaced = runner.invoke(cli.app, ["restore", str(tmp_path / "b.tar.gz"), "--replace"])
    assert replaced.exit_code == 0, replaced.output
    with sqlite3.connect(elsewhere / "leadflow.db") as restored:
        assert restored.execute("SELECT count(*) FROM lead").fetchone() == (0,)


@pytest.mark.embedded_only
def test_a_write_ahead_log_left_by_a_crash_is_not_replayed_into_the_restored_database(
    elsewhere, tmp_path
):
    assert runner.invoke(cli.app, ["migrate"]).exit_code == 0
    assert runner.invoke(cli.app, ["backup", "--out", str(tmp_path / "b.tar.gz")]).exit_code == 0
    reset_engine_cache()
    database = elsewhere / "leadflow.db"
    crashed = sqlite3.connect(database, isolation_level=None)
    crashed.execute("PRAGMA wal_autocheckpoint=0")  # its writes stay in the log, as at a crash
    crashed.execute("CREATE TABLE written_after_the_backup(x)")
    crashed.execute("INSERT INTO written_after_the_backup VALUES (1)")
    left = {suffix: Path(f"{database}{suffix}").read_bytes() for suffix in ("-wal", "-shm")}
    crashed.close()
    for suffix, content in left.items():  # what a killed process leaves beside the file
        Path(f"{database}{suffix}").write_bytes(content)

    replaced = runner.invoke(cli.app, ["restore", str(tmp_path / "b.tar.gz"), "--replace"])
    assert replaced.exit_code == 0, replaced.output
    with sqlite3.connect(elsewhere / "leadflow.db") as restored:
        assert restored.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        tables = {row[0] for row in restored.execute("SELECT name FROM sqlite_master")}
    assert "written_after_the_backup" not in tables
    assert "lead" in tables


@pytest.mark.embedded_only
@pytest.mark.parametrize(
    ("members", "words"),
    [
        ({"notes.txt": b"hello"}, "not a leadflow backup"),
        ({"manifest.json": json.dumps({"format": 99}).encode()}, "format 99"),
        ({"manifest.json": b"{}", "../../escaped": b"x"}, "not a leadflow backup"),
    ],
)
def test_a_foreign_or_hostile_archive_is_refused_and_nothing_is_touched(
    elsewhere, tmp_path, members, words
):
    archive = _archive(tmp_path / "x.tar.gz", members)
    _one_line_error(runner.invoke(cli.app, ["restore", str(archive), "--replace"]), words)
    assert not (tmp_path / "escaped").exists()
    assert not (elsewhere / "leadflow.db").exists()


@pytest.mark.embedded_only
def test_a_manifest_naming_a_file_outside_the_data_directory_is_refused(elsewhere, tmp_path):
    manifest = {"format": 1, "database": "sqlite", "revision": None,
                "files": [{"path": "../outside", "bytes": 1, "sha256": "0" * 64}]}  # fmt: skip
    archive = _archive(tmp_path / "x.tar.gz", {"manifest.json": json.dumps(manifest).encode()})
    _one_line_error(runner.invoke(cli.app, ["restore", str(archive)]), "outside the data")


# -- PostgreSQL --------------------------------------------------------------------------------


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.mark.scaleout
def test_on_postgresql_the_archive_holds_the_files_and_says_the_database_is_not_there(
    data_dir, tmp_path
):
    upload = data_dir / "uploads" / "files-only" / "leads.csv"
    upload.parent.mkdir(parents=True, exist_ok=True)
    upload.write_bytes(UPLOAD)
    result = runner.invoke(cli.app, ["backup", "--out", str(tmp_path / "files.tar.gz")])
    assert result.exit_code == 0, result.output
    assert "pg_dump" in result.stderr
    with tarfile.open(tmp_path / "files.tar.gz") as archive:
        names = archive.getnames()
    assert "files/uploads/files-only/leads.csv" in names
    assert not any(name.startswith("database/") for name in names)


@pytest.mark.scaleout
def test_pg_dump_and_pg_restore_as_the_runbook_gives_them(session, database, tmp_path):
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump and pg_restore are not installed")
    workspace = make_workspace(session)
    for n in range(3):
        make_lead(session, workspace, email=f"dumped{n}@example.com")
    dump = tmp_path / "leadflow.dump"
    subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", _libpq(database)], check=True)

    copy = make_url(database).set(database=f"{make_url(database).database}_restored")
    admin = create_engine(make_url(database).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{copy.database}"'))
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", f"--dbname={_libpq(copy.render_as_string(False))}",
             str(dump)],
            check=True,
        )  # fmt: skip
        restored = create_engine(copy)
        with restored.connect() as connection:
            emails = connection.scalars(
                text("SELECT email FROM lead WHERE workspace_id = :w ORDER BY email"),
                {"w": workspace.id},
            ).all()
            version = connection.scalar(text("SELECT version_num FROM alembic_version"))
        restored.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{copy.database}" WITH (FORCE)'))
        admin.dispose()
    assert emails == [f"dumped{n}@example.com" for n in range(3)]
    assert version is not None
