"""Test setup: a real, migrated database per test process; SQLite by default, PostgreSQL when
LEADFLOW_TEST_DATABASE_URL points at a server (the scale-out suite)."""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

SCALEOUT_URL = os.environ.get("LEADFLOW_TEST_DATABASE_URL", "")
# Set before any test module builds an app: jobs run when a test says so (settle_jobs), or in
# a consumer the test starts itself, never in a background writer racing the test's session.
os.environ["LEADFLOW_EMBEDDED_WORKER"] = "false"
# Property tests check what code does, not how fast: on a machine busy with other work, a first
# example took 0.3-0.5 s against hypothesis's 200 ms deadline in five different test files.
settings.register_profile("leadflow", deadline=None)
settings.load_profile("leadflow")


def _fresh_postgres_database(admin_url: str) -> tuple[str, str]:
    name = f"leadflow_test_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False), name


def _drop_postgres_database(admin_url: str, name: str) -> None:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session", autouse=True)
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("leadflow-data")
    os.environ["LEADFLOW_ENVIRONMENT"] = "test"
    os.environ["LEADFLOW_SECRET_KEY"] = secrets.token_urlsafe(48)
    os.environ["LEADFLOW_DATA_DIR"] = str(data_dir)
    dropped: str | None = None
    if SCALEOUT_URL:
        url, dropped = _fresh_postgres_database(SCALEOUT_URL)
    else:
        url = f"sqlite:///{data_dir / 'leadflow.db'}"
    os.environ["LEADFLOW_DATABASE_URL"] = url

    from leadflow import catalogue
    from leadflow.config import get_settings
    from leadflow.db import get_engine, reset_engine_cache
    from leadflow.migrations.runner import upgrade_to_head

    catalogue.load()  # the tests are a composition root: every job and reaction declared

    get_settings.cache_clear()
    reset_engine_cache()
    upgrade_to_head(get_engine())
    yield url
    reset_engine_cache()
    if dropped:
        _drop_postgres_database(SCALEOUT_URL, dropped)


@pytest.fixture(autouse=True)
def fresh_limits() -> None:
    """Every test starts with no rate-limit counts against it: hits, sign-in attempts."""
    from leadflow.kit.ratelimit import reset_limits

    reset_limits()


@pytest.fixture(autouse=True)
def closed_breakers() -> None:
    """Every test starts with every provider's breaker closed: a breaker another test opened
    (they live in the process) would refuse this test's sends."""
    from leadflow.integrations.breaker import reset_breakers

    reset_breakers()


@pytest.fixture
def configured(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """Settings for one test, as the environment gives them:
    ``configured(form_rate_limit_per_minute=3)`` sets LEADFLOW_FORM_RATE_LIMIT_PER_MINUTE."""
    from leadflow.config import get_settings
    from leadflow.kit.ratelimit import reset_limits

    def configure(**values: object) -> None:
        for name, value in values.items():
            monkeypatch.setenv(f"LEADFLOW_{name.upper()}", str(value))
        get_settings.cache_clear()
        reset_limits()

    yield configure
    monkeypatch.undo()
    get_settings.cache_clear()
    reset_limits()


@pytest.fixture
def lifted_limits(configured: Callable[..., None]) -> None:
    """No rate limit at all, for a test that sends more than any limit allows on purpose."""
    configured(rate_limits_enabled=False)


@pytest.fixture
def session(database: str) -> Iterator[Session]:
    from leadflow.db import get_sessionmaker

    # A test holds its session open across requests: it must not hold the write lock too.
    with get_sessionmaker(writes=False)() as session:
        yield session


@pytest.fixture
def data_dir() -> Path:
    from leadflow.config import get_settings

    return get_settings().data_dir


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked ``scaleout`` run in the scale-out suite only (make test-scaleout)."""
    if SCALEOUT_URL:
        return
    elsewhere = pytest.mark.skip(reason="scale-out suite only: LEADFLOW_TEST_DATABASE_URL unset")
    for item in items:
        if item.get_closest_marker("scaleout"):
            item.add_marker(elsewhere)


def pytest_report_header() -> str:
    engine = "PostgreSQL (scale-out suite)" if SCALEOUT_URL else "SQLite (embedded suite)"
    return f"leadflow database: {engine}"


@pytest.fixture
def client(database: str) -> Iterator[object]:
    from fastapi.testclient import TestClient

    from leadflow.app import create_app

    with TestClient(create_app(), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def second_client_factory(client: Any) -> Iterator[Callable[[], Any]]:
    """More browsers on the same server as ``client``, each with its own cookies."""
    from fastapi.testclient import TestClient

    opened: list[TestClient] = []

    def another() -> TestClient:
        opened.append(TestClient(client.app, raise_server_exceptions=False))
        return opened[-1]

    yield another
    for other in opened:
        other.close()


@pytest.fixture
def second_client(second_client_factory: Callable[[], Any]) -> Any:
    """Another browser on the same server as ``client``."""
    return second_client_factory()


@pytest.fixture
def workspace(session: Session) -> object:
    from tests.builders import make_workspace

    return make_workspace(session)


@pytest.fixture
def api(client: object, session: Session, workspace: object) -> object:
    from tests.builders import Api, make_api_key

    return Api(client, make_api_key(session, workspace), workspace)  # type: ignore[arg-type]


def pytest_terminal_summary(terminalreporter: Any) -> None:
    from tests.dashboard.support import SCREENSHOTS

    shots = sorted(SCREENSHOTS.glob("*.png")) if SCREENSHOTS.exists() else []
    if shots:
        terminalreporter.write_line(f"dashboard screenshots ({len(shots)}): {SCREENSHOTS}")


@pytest.fixture
def twilio_api() -> Iterator[Any]:
    """Twilio's Messages API for the tests' Twilio account, mocked at the transport: a
    workspace that connected it sends its replies there."""
    from tests.conversations.support import twilio_takes_messages

    with twilio_takes_messages() as router:
        yield router


@pytest.fixture
def other_site() -> Iterator[tuple[str, dict[str, str]]]:
    """A site of another origin (its own port) serving the page it is given, under the
    security policy it is given, if any."""
    served: dict[str, str] = {}

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = served.get("page", "").encode()
            self.send_response(200)
            if served.get("policy"):
                self.send_header("content-security-policy", served["policy"])
            self.send_header("content-type", "text/html; charset=utf-8")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", served
    finally:
        server.shutdown()
        server.server_close()
