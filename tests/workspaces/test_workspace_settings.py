"""A workspace's API keys and business hours, changed through its service."""

from __future__ import annotations

import pytest

from leadflow.accounts.api_keys import workspace_for_api_key
from leadflow.agent.hours import working_days
from leadflow.exceptions import BadRequest, NotFound
from leadflow.workspaces import service
from tests.builders import make_workspace


def test_a_revoked_key_opens_nothing_and_revoking_twice_keeps_the_first_time(session):
    workspace = make_workspace(session)
    api_key, plaintext = service.create_api_key(session, workspace=workspace, name="zapier")
    assert workspace_for_api_key(session, plaintext) == workspace
    revoked = service.revoke_api_key(session, workspace_id=workspace.id, key_id=api_key.id)
    first = revoked.revoked_at
    assert first is not None
    assert workspace_for_api_key(session, plaintext) is None
    again = service.revoke_api_key(session, workspace_id=workspace.id, key_id=api_key.id)
    assert again.revoked_at == first
    assert service.api_keys(session, workspace_id=workspace.id) == [api_key]


def test_another_workspace_s_key_is_not_found(session):
    workspace, other = make_workspace(session), make_workspace(session)
    api_key, _ = service.create_api_key(session, workspace=other)
    with pytest.raises(NotFound):
        service.revoke_api_key(session, workspace_id=workspace.id, key_id=api_key.id)
    assert api_key.revoked_at is None


def test_business_hours_are_the_days_the_agent_offers_meetings_on(session):
    workspace = make_workspace(session, region="US")
    assert working_days(workspace.settings, workspace.default_region) == frozenset(range(5))
    service.set_business_hours(
        session, workspace=workspace, days=[6, 0, 0, 3], time_zone="Asia/Dubai"
    )
    assert workspace.settings["business_hours"] == {"days": [0, 3, 6]}
    assert working_days(workspace.settings, workspace.default_region) == {0, 3, 6}
    assert workspace.time_zone == "Asia/Dubai"


@pytest.mark.parametrize(
    ("days", "zone"), [([], "UTC"), ([7], "UTC"), ([-1], "UTC"), ([1], "Nowhere/Else"), ([1], "")]
)
def test_bad_business_hours_are_refused(session, days, zone):
    workspace = make_workspace(session)
    with pytest.raises(BadRequest):
        service.set_business_hours(session, workspace=workspace, days=days, time_zone=zone)
    assert workspace.time_zone == "UTC"
