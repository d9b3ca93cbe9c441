"""The event log: written with the change's commit and never without it, in order, paged with
``after``, and seen only by its own workspace."""

from __future__ import annotations

import asyncio
import threading

from sqlalchemy import select

from leadflow.db import unit_of_work
from leadflow.events.bell import get_bell
from leadflow.events.service import record
from leadflow.models import Event
from tests.builders import Api, make_api_key, make_workspace


def logged(session, workspace_id: int) -> list[tuple[str, dict]]:
    session.expire_all()
    rows = session.scalars(
        select(Event).where(Event.workspace_id == workspace_id).order_by(Event.id)
    )
    return [(row.type, row.data) for row in rows]


def test_events_are_written_when_the_change_commits_and_never_on_rollback(session, workspace):
    record(session, workspace.id, "test.undone", n=0)
    session.rollback()
    make_workspace(session)  # a later commit of the same session writes nothing stale
    assert logged(session, workspace.id) == []

    for n in (1, 2, 3):
        record(session, workspace.id, "test.done", n=n)
    assert logged(session, workspace.id) == []  # not before the commit
    session.commit()

    assert logged(session, workspace.id) == [("test.done", {"n": n}) for n in (1, 2, 3)]
    rows = session.scalars(select(Event).where(Event.workspace_id == workspace.id)).all()
    assert [row.occurred_at for row in rows] == sorted(row.occurred_at for row in rows)


def test_events_recorded_in_a_savepoint_go_with_it(session, workspace):
    with unit_of_work() as writer:
        record(writer, workspace.id, "test.before")
        savepoint = writer.begin_nested()
        record(writer, workspace.id, "test.in_rolled_back_savepoint")
        savepoint.rollback()
        with writer.begin_nested():
            record(writer, workspace.id, "test.in_released_savepoint")
        record(writer, workspace.id, "test.after")

    assert [kind for kind, _ in logged(session, workspace.id)] == [
        "test.before",
        "test.in_released_savepoint",
        "test.after",
    ]


def test_the_bell_rings_for_a_commit_and_not_for_a_rollback(workspace):
    async def rung_by(change) -> bool:
        waiter = get_bell().waiter(workspace.id)
        try:
            writer = threading.Thread(target=change)
            writer.start()
            rung = await waiter.wait(0.5)
            writer.join()
            return rung
        finally:
            waiter.close()

    def rolled_back() -> None:
        with unit_of_work() as session:
            record(session, workspace.id, "test.undone")
            session.rollback()

    def committed() -> None:
        with unit_of_work() as session:
            record(session, workspace.id, "test.done")

    assert asyncio.run(rung_by(rolled_back)) is False
    assert asyncio.run(rung_by(committed)) is True


def test_the_log_pages_forward_with_its_cursor(api, session):
    before = api.get("/api/v1/events", params={"limit": 500}).json()
    assert before["next_cursor"] is None
    start = before["items"][-1]["id"] if before["items"] else 0
    for n in range(5):
        record(session, api.workspace.id, "test.paged", n=n)
    session.commit()

    seen, params = [], {"limit": 2, "after": start}
    while True:
        page = api.get("/api/v1/events", params=params).json()
        assert len(page["items"]) <= 2
        seen.extend(page["items"])
        if page["next_cursor"] is None:
            break
        params = {"limit": 2, "after": start, "cursor": page["next_cursor"]}

    assert [item["data"]["n"] for item in seen] == [0, 1, 2, 3, 4]
    assert [item["id"] for item in seen] == sorted({item["id"] for item in seen})
    assert {item["type"] for item in seen} == {"test.paged"}


def test_paging_starts_from_after_0_as_the_readme_shows(api, session):
    record(session, api.workspace.id, "test.first")
    session.commit()

    from_zero = api.get("/api/v1/events", params={"after": 0})
    assert from_zero.status_code == 200, from_zero.text
    assert from_zero.json() == api.get("/api/v1/events").json()
    assert from_zero.json()["items"][-1]["type"] == "test.first"
    record(session, api.workspace.id, "test.second")
    session.commit()
    first = api.get("/api/v1/events", params={"after": 0, "limit": 1}).json()
    assert len(first["items"]) == 1
    second = api.get("/api/v1/events", params={"limit": 1, "cursor": first["next_cursor"]})
    assert second.json()["items"][0]["id"] > first["items"][0]["id"]
    refused = api.get("/api/v1/events", params={"after": -1})
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"


def test_another_workspaces_events_are_invisible(api, session, client):
    record(session, api.workspace.id, "test.private", secret="mine")
    session.commit()
    mine = api.get("/api/v1/events").json()["items"]
    assert [item["type"] for item in mine][-1] == "test.private"

    other = make_workspace(session)
    stranger = Api(client, make_api_key(session, other), other)
    for since in ({}, {"after": mine[0]["id"]}):
        page = stranger.get("/api/v1/events", params=since).json()
        assert all(item["type"] != "test.private" for item in page["items"])
        assert {item["id"] for item in page["items"]}.isdisjoint(item["id"] for item in mine)
