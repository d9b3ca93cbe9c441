"""`leadflow secrets rotate` and `leadflow serve`'s refusal of a weak key beyond loopback."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import uvicorn
from sqlalchemy import delete, select
from typer.testing import CliRunner

from leadflow.cli import app as cli
from leadflow.config import PLACEHOLDER_SECRET
from leadflow.connections.service import connect, settings_of
from leadflow.kit.crypto import is_sealed_under_current_key
from leadflow.models import ProviderConnection, Workspace
from leadflow.webhooks.schemas import EndpointCreate
from leadflow.webhooks.service import create_endpoint, endpoint_secret
from tests.builders import make_workspace
from tests.secret_keys import keys_in_use

runner = CliRunner()
OLD, NEW, LOST = "o" * 48, "n" * 48, "l" * 48
TWILIO = {"account_sid": "AC" + "0" * 32, "auth_token": "a-twilio-auth-token"}


def leadflow(*args: str):
    return runner.invoke(cli.app, list(args))


@pytest.fixture
def suite_key(session, monkeypatch) -> Iterator[str]:
    """The key the rest of the suite sealed its secrets under. Rotation reseals every
    workspace's secrets: afterwards they are put back under it, and the workspaces made here
    (one of them sealed under a lost key) go."""
    key = os.environ["LEADFLOW_SECRET_KEY"]
    made = set(session.scalars(select(Workspace.id)).all())
    yield key
    session.rollback()
    session.execute(delete(Workspace).where(Workspace.id.not_in(made)))
    session.commit()
    with keys_in_use(monkeypatch, key, NEW, OLD):
        assert leadflow("secrets", "rotate").exit_code == 0


def sealed_connection(session, monkeypatch, key: str):
    with keys_in_use(monkeypatch, key):
        workspace = make_workspace(session)
        connect(session, workspace_id=workspace.id, provider="twilio", settings=TWILIO)
        fields = EndpointCreate(url="https://hooks.example.com/x")
        endpoint, secret = create_endpoint(session, workspace_id=workspace.id, fields=fields)
        session.commit()
    return workspace, endpoint, secret


def test_rotate_reseals_every_secret_so_the_old_key_can_go(session, monkeypatch, suite_key):
    workspace, endpoint, secret = sealed_connection(session, monkeypatch, OLD)
    with keys_in_use(monkeypatch, NEW, OLD, suite_key):
        rotated = leadflow("secrets", "rotate")
    assert rotated.exit_code == 0, rotated.output
    assert "resealed" in rotated.stdout
    session.expire_all()
    with keys_in_use(monkeypatch, NEW):
        stored = settings_of(session, workspace.id, "twilio")
        assert stored is not None
        assert stored.auth_token.get_secret_value() == TWILIO["auth_token"]
        assert (
            endpoint_secret(session, workspace_id=workspace.id, endpoint_id=endpoint.id) == secret
        )
        sealed = session.scalars(
            select(ProviderConnection.sealed_config).where(
                ProviderConnection.workspace_id == workspace.id
            )
        ).one()
        assert is_sealed_under_current_key(sealed)


def test_rotate_says_which_secrets_no_known_key_opens(session, monkeypatch, suite_key):
    sealed_connection(session, monkeypatch, LOST)
    with keys_in_use(monkeypatch, NEW, suite_key):
        rotated = leadflow("secrets", "rotate")
    assert rotated.exit_code == 1
    assert "open under no known key" in rotated.stderr


def as_development_with_key(monkeypatch, key: str) -> list[dict[str, object]]:
    real = cli.get_settings()
    weak = real.model_copy(update={"environment": "development", "secret_key": key})
    monkeypatch.setattr(cli, "get_settings", lambda: weak)
    started: list[dict[str, object]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: started.append(kwargs))
    return started


def test_serve_refuses_to_listen_beyond_loopback_with_a_weak_key(monkeypatch):
    started = as_development_with_key(monkeypatch, PLACEHOLDER_SECRET)
    refused = leadflow("serve", "--host", "0.0.0.0", "--port", "8123")
    assert refused.exit_code == 1
    assert "refusing to listen on 0.0.0.0" in refused.stderr
    assert started == []


def test_serve_on_loopback_or_with_a_strong_key_starts(monkeypatch):
    started = as_development_with_key(monkeypatch, PLACEHOLDER_SECRET)
    assert leadflow("serve", "--host", "127.0.0.1", "--port", "8123").exit_code == 0
    started = as_development_with_key(monkeypatch, "s" * 40)
    assert leadflow("serve", "--host", "0.0.0.0", "--port", "8123").exit_code == 0
    assert [call["host"] for call in started] == ["0.0.0.0"]
    assert started[0]["timeout_graceful_shutdown"] == cli.GRACEFUL_SHUTDOWN_SECONDS
