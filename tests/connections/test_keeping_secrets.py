"""A provider's settings changed from a form: an empty secret keeps the saved one, and what
the form may show back holds no secret."""

from __future__ import annotations

import pytest

from leadflow.connections import service
from leadflow.exceptions import UnprocessableInput
from leadflow.integrations.vendors import VENDORS
from tests.builders import make_workspace

FIRST = {"org_id": "org-1", "flow_id": "flow-1", "api_key": "first-key-123", "timeout_seconds": 10}


def test_an_empty_secret_keeps_the_saved_one(session):
    workspace = make_workspace(session)
    service.connect(session, workspace_id=workspace.id, provider="stackai", settings=FIRST)
    service.connect_keeping_secrets(
        session, workspace_id=workspace.id, provider="stackai",
        settings={"org_id": "org-2", "flow_id": "flow-1", "api_key": ""},
    )  # fmt: skip
    kept = service.settings_of(session, workspace.id, "stackai")
    assert kept is not None
    assert kept.api_key.get_secret_value() == "first-key-123"
    assert kept.org_id == "org-2"
    service.connect_keeping_secrets(
        session, workspace_id=workspace.id, provider="stackai",
        settings={"org_id": "org-2", "flow_id": "flow-1", "api_key": "second-key-456"},
    )  # fmt: skip
    changed = service.settings_of(session, workspace.id, "stackai")
    assert changed is not None
    assert changed.api_key.get_secret_value() == "second-key-456"


def test_what_a_form_shows_back_holds_no_secret(session):
    workspace = make_workspace(session)
    service.connect(session, workspace_id=workspace.id, provider="stackai", settings=FIRST)
    shown = service.public_settings(session, workspace.id, "stackai")
    assert shown == {"org_id": "org-1", "flow_id": "flow-1", "timeout_seconds": 10}
    assert service.saved_secrets(session, workspace.id, "stackai") == {"api_key"}
    assert service.secret_fields(VENDORS["twilio"]) == {"auth_token", "api_key_secret"}


def test_a_first_connection_still_needs_its_secret(session):
    workspace = make_workspace(session)
    with pytest.raises(UnprocessableInput):
        service.connect_keeping_secrets(
            session, workspace_id=workspace.id, provider="stackai",
            settings={"org_id": "org-1", "flow_id": "flow-1", "api_key": ""},
        )  # fmt: skip
    assert service.saved_secrets(session, workspace.id, "stackai") == frozenset()
