"""Engines and sessions. Services never commit: the request or job that opened the session does."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from leadflow.config import get_settings


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


WRITES = "leadflow_writes"  # execution option: this transaction will write
_CACHE_KIB = 32 * 1024  # SQLite's page cache per connection


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable across app crashes in WAL mode
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute(f"PRAGMA cache_size=-{_CACHE_KIB}")
    # Checkpoint every ~40 MB of log rather than 4 MB: each checkpoint waits on fsync, and an
    # import of a million rows spent a tenth of its time there.
    cursor.execute("PRAGMA wal_autocheckpoint=10000")
    cursor.close()


# SQLite has one writer at a time. Threads of this process queue for it here rather than in
# SQLite's busy handler, which polls with sleeps of up to 100 ms: under a few dozen concurrent
# requests that polling, not the work, set the slowest answers (p99 of 560 ms for inbound
# webhooks, against 50 ms once they queued here). Other processes still meet the busy handler;
# one process per machine is what the embedded engine is for.
WRITER_WAIT_SECONDS = 30.0
BULK = "leadflow_bulk"  # execution option: this writer is bulk work (an import) and yields


class WriterTurns:
    """This process's turns at SQLite's single writer. Bulk work (imports, ingestion) waits
    while anyone else wants a turn, and asks ``wanted()`` between its steps to give its turn
    up early: a webhook or a lead's reply never waits behind more than one step of it.

    Not re-entrant, and not bound to a thread: a request's transaction may begin in one worker
    thread and commit in another (FastAPI runs a dependency's setup and teardown apart)."""

    def __init__(self) -> None:
        self._turn = threading.Condition()
        self._held = False
        self._waiting = 0  # writers other than bulk ones waiting for a turn

    def acquire(self, *, bulk: bool = False, timeout: float = WRITER_WAIT_SECONDS) -> bool:
        with self._turn:
            if not bulk:
                self._waiting += 1
            try:
                free = self._turn.wait_for(
                    lambda: not self._held and (not bulk or self._waiting == 0), timeout
                )
            finally:
                if not bulk:
                    self._waiting -= 1
            if free:
                self._held = True
            return free

    def release(self) -> None:
        with self._turn:
            self._held = False
            self._turn.notify_all()

    def wanted(self) -> bool:
        """Whether a writer other than bulk work is waiting for the turn."""
        return self._waiting > 0

    @property
    def held(self) -> bool:
        return self._held


WRITER = WriterTurns()


def writer_wanted() -> bool:
    """Whether, on SQLite, a writer other than bulk work waits for this process's turn; bulk
    work commits early when it does. Never on PostgreSQL, which has no single writer."""
    return WRITER.wanted()


class WriterTurnTimeout(sqlite3.OperationalError):
    """No turn at this process's writer lock came within the wait."""


class _QueuedWriter(sqlite3.Connection):
    """A driver connection that gives up this process's writer turn when its transaction ends."""

    holds_writer = False

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._give_up_writer()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._give_up_writer()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._give_up_writer()

    def _give_up_writer(self) -> None:
        if self.holds_writer:
            self.holds_writer = False
            WRITER.release()


def _begin_sqlite(connection: Connection) -> None:
    """A transaction that will write takes the write lock when it begins.

    Begun as a reader, it could not become a writer once another writer had committed
    (SQLITE_BUSY at once, whatever the busy timeout): that is how concurrent requests failed.
    Transactions that only read are left to the driver, which begins one only before a write,
    so a long-lived reader never holds a stale snapshot or the lock.
    """
    options = connection.get_execution_options()
    if not options.get(WRITES):
        return
    driver = connection.connection.driver_connection
    if not WRITER.acquire(bulk=bool(options.get(BULK))):
        raise WriterTurnTimeout("database is locked: no writer turn within 30 s")
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        WRITER.release()
        raise
    if isinstance(driver, _QueuedWriter):
        driver.holds_writer = True
    else:
        WRITER.release()


# A server that does not answer (a host down, packets dropped) fails a request within this,
# rather than after the system's TCP timeout of minutes.
_PG_CONNECT_TIMEOUT_SECONDS = 5


def build_engine(url: str) -> Engine:
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "factory": _QueuedWriter}
        )
        event.listen(engine, "connect", _tune_sqlite)
        event.listen(engine, "begin", _begin_sqlite)
        return engine
    connect_args: dict[str, Any] = {"connect_timeout": _PG_CONNECT_TIMEOUT_SECONDS}
    if "connect_timeout" in make_url(url).query:  # the operator's own wins
        connect_args = {}
    return create_engine(
        url, pool_pre_ping=True, pool_size=10, max_overflow=20, connect_args=connect_args
    )


# SQLite's result codes for a file it cannot reach or use for now, as opposed to a statement
# it refuses (no such table, a constraint): extended codes share these prefixes.
_SQLITE_AWAY = (
    "SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_CANTOPEN", "SQLITE_IOERR", "SQLITE_FULL",
    "SQLITE_READONLY", "SQLITE_PROTOCOL",
)  # fmt: skip
# PostgreSQL's SQLSTATE classes for a server going away or out of room: connection exceptions,
# an operator's or a crash's shutdown, a server still starting, too many connections, disk full.
_POSTGRES_AWAY = ("08", "57P", "53")


def database_unavailable(error: BaseException) -> bool:
    """Whether ``error`` means the database cannot be reached or used for now (a 503, worth
    retrying) rather than that a statement was wrong (a bug)."""
    if isinstance(error, sa_exc.TimeoutError):  # no pooled connection came free in time
        return True
    if isinstance(error, sa_exc.DBAPIError):
        return error.connection_invalidated or _driver_error_unavailable(error.orig)
    return _driver_error_unavailable(error)


def _driver_error_unavailable(error: BaseException | None) -> bool:
    if isinstance(error, sqlite3.Error):
        name = getattr(error, "sqlite_errorname", None) or ""
        return name.startswith(_SQLITE_AWAY) or isinstance(error, WriterTurnTimeout)
    import psycopg

    if isinstance(error, psycopg.OperationalError | psycopg.InterfaceError):
        return error.sqlstate is None or error.sqlstate.startswith(_POSTGRES_AWAY)
    return False


@lru_cache
def get_engine() -> Engine:
    return build_engine(get_settings().resolved_database_url)


@lru_cache
def get_sessionmaker(*, writes: bool = True) -> sessionmaker[Session]:
    """Sessions whose transactions write (the default) or only read."""
    engine = get_engine().execution_options(**{WRITES: writes})
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def unit_of_work(*, writes: bool = True) -> Iterator[Session]:
    """One transaction: commits when the block ends cleanly, rolls back otherwise."""
    session = get_sessionmaker(writes=writes)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def one_connection(*, sqlite_cache_kib: int = _CACHE_KIB) -> Iterator[sessionmaker[Session]]:
    """Writing sessions of bulk work that all use one connection, held for the block: a bulk
    job's transactions find the pages they touched still in its cache (the pool hands
    connections out in turn). On SQLite its page cache is ``sqlite_cache_kib`` for the block,
    and its writer turns yield to everyone else's (``WriterTurns``)."""
    engine = get_engine().execution_options(**{WRITES: True, BULK: True})
    with engine.connect() as connection:
        driver = connection.connection.driver_connection
        if isinstance(driver, sqlite3.Connection):  # a PRAGMA here begins no transaction
            driver.execute(f"PRAGMA cache_size=-{sqlite_cache_kib}")
        try:
            yield sessionmaker(connection, expire_on_commit=False)
        finally:
            if isinstance(driver, sqlite3.Connection):
                with suppress(sqlite3.Error):  # never in place of the error that ended the block
                    driver.execute(f"PRAGMA cache_size=-{_CACHE_KIB}")


def reset_engine_cache() -> None:
    """Forget engines built from earlier settings (tests and the CLI switch databases)."""
    if get_engine.cache_info().currsize:
        get_engine().dispose()
    get_engine.cache_clear()
    get_sessionmaker.cache_clear()
