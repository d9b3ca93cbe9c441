"""GET /api/v1/conversations: the workspace's conversations filtered by whether they need a
person, who handles them and their channel, a page at a time."""

from __future__ import annotations

from tests.builders import make_conversation, make_lead, make_workspace


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.text
    return [item["conversation"]["id"] for item in response.json()["items"]]


def test_needs_person_lists_the_oldest_waiting_first(api, session):
    workspace = api.workspace
    handed_off = make_conversation(
        session, make_lead(session, workspace, first_name="Huda", email="huda@example.com"),
        ("in", "A person?", 30), ("out", "Someone will write", 30), handled_by="person",
    )  # fmt: skip
    unanswered = make_conversation(
        session, make_lead(session, workspace), ("in", "Hello?", 90), channel="email"
    )
    answered = make_conversation(
        session, make_lead(session, workspace), ("in", "Hours?", 20), ("out", "9 to 5", 19)
    )
    make_conversation(session, make_lead(session, make_workspace(session)), ("in", "x", 99))

    waiting = api.get("/api/v1/conversations", params={"needs_person": "true"})
    assert _ids(waiting) == [unanswered.id, handed_off.id]
    second = waiting.json()["items"][1]
    assert second["lead_name"] == "Huda"
    assert second["lead_id"] == handed_off.lead_id
    assert second["last_message"] == "Someone will write"
    assert second["needs_person"] is True
    assert second["waiting_since"] is not None
    assert waiting.json()["next_cursor"] is None

    assert _ids(api.get("/api/v1/conversations", params={"needs_person": "false"})) == [answered.id]
    assert set(_ids(api.get("/api/v1/conversations"))) == {
        handed_off.id, unanswered.id, answered.id
    }  # fmt: skip
    by_person = api.get("/api/v1/conversations", params={"handled_by": "person"})
    assert _ids(by_person) == [handed_off.id]
    assert _ids(api.get("/api/v1/conversations", params={"channel": "email"})) == [unanswered.id]


def test_the_list_comes_a_page_at_a_time(api, session):
    made = [
        make_conversation(session, make_lead(session, api.workspace), ("in", f"m{n}", 50 - n))
        for n in range(3)
    ]
    first = api.get("/api/v1/conversations", params={"needs_person": "true", "limit": 2})
    assert _ids(first) == [made[0].id, made[1].id]
    cursor = first.json()["next_cursor"]
    rest = api.get(
        "/api/v1/conversations", params={"needs_person": "true", "limit": 2, "cursor": cursor}
    )
    assert _ids(rest) == [made[2].id]
    assert rest.json()["next_cursor"] is None
    refused = api.get("/api/v1/conversations", params={"cursor": cursor})  # another sort's
    assert refused.status_code == 400


def test_filters_outside_the_named_states_are_refused(api):
    assert api.get("/api/v1/conversations", params={"handled_by": "robot"}).status_code == 422
    assert api.get("/api/v1/conversations", params={"channel": "fax"}).status_code == 422
    assert api.get("/api/v1/conversations").json() == {"items": [], "next_cursor": None}
