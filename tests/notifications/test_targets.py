"""Where a workspace's alerts go is its own to set through the API: the addresses they are
emailed to (none: the owner's) and the number they are texted to."""

from __future__ import annotations

import pytest

from leadflow.models import Workspace
from leadflow.notifications.service import recipients
from leadflow.workspaces.service import add_member, create_user
from tests.builders import unique


def test_alert_targets_are_set_and_used(api, session):
    owner = create_user(session, email=f"{unique('owner')}@homes.sa", password="x" * 12)
    add_member(session, workspace=api.workspace, user=owner)
    session.commit()
    assert api.get("/api/v1/notifications/targets").json() == {"emails": [], "sms_number": None}
    workspace = session.get(Workspace, api.workspace.id)
    assert recipients(session, workspace) == [("email", owner.email)]

    put = api.put("/api/v1/notifications/targets", json={
        "emails": ["Sales@Homes.SA", "ops@homes.sa", "sales@homes.sa"],
        "sms_number": "+966 50 000 0001",
    })  # fmt: skip

    assert put.status_code == 200, put.text
    assert put.json() == {"emails": ["Sales@homes.sa", "ops@homes.sa", "sales@homes.sa"],
                          "sms_number": "+966500000001"}  # fmt: skip
    assert api.get("/api/v1/notifications/targets").json() == put.json()
    session.expire_all()
    assert recipients(session, session.get(Workspace, api.workspace.id)) == [
        ("email", "Sales@homes.sa"), ("email", "ops@homes.sa"), ("email", "sales@homes.sa"),
        ("sms", "+966500000001"),
    ]  # fmt: skip


def test_clearing_the_addresses_returns_alerts_to_the_owner(api, session):
    api.put("/api/v1/notifications/targets", json={"emails": ["ops@homes.sa"]})
    cleared = api.put("/api/v1/notifications/targets", json={"emails": [], "sms_number": None})
    assert cleared.json() == {"emails": [], "sms_number": None}


@pytest.mark.parametrize(
    "body",
    [
        {"emails": ["not an address"]},
        {"emails": [f"ops{n}@homes.sa" for n in range(6)]},
        {"sms_number": "call me"},
        {"emails": [], "fax": "+966500000001"},
    ],
)
def test_a_target_that_is_not_one_is_refused(api, body):
    refused = api.put("/api/v1/notifications/targets", json=body)
    assert refused.status_code == 422, refused.text
    assert api.get("/api/v1/notifications/targets").json() == {"emails": [], "sms_number": None}
