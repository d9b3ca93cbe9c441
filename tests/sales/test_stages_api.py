"""The sales stages through the API: listed with their leads, replaced, refused in words; a lead
moved by key or role; the outcome route moves the lead to Won or Lost."""

from __future__ import annotations

from tests.builders import make_lead, make_workspace

URL = "/api/v1/workspace/stages"


def test_the_stages_are_listed_in_order_with_their_leads(api, session):
    make_lead(session, api.workspace)
    listed = api.get(URL)
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert body["next_cursor"] is None
    assert [(s["key"], s["label"], s["leads"]) for s in body["items"]] == [
        ("new", "New", 1), ("contacted", "Contacted", 0), ("qualified", "Qualified", 0),
        ("meeting", "Meeting booked", 0), ("won", "Won", 0), ("lost", "Lost", 0),
    ]  # fmt: skip


def test_stages_are_replaced_and_a_bad_list_is_refused_as_a_problem(api):
    put = api.put(URL, json={"stages": [
        {"key": "new"}, {"name": "Site visit"}, {"key": "won", "name": "Signed"}, {"key": "lost"},
    ]})  # fmt: skip
    assert put.status_code == 200, put.text
    assert [s["label"] for s in put.json()["items"]] == ["New", "Site visit", "Signed", "Lost"]
    refused = api.put(URL, json={"stages": [{"key": "won"}, {"key": "new"}, {"key": "lost"}]})
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "new stage comes first" in refused.json()["detail"]
    assert api.put(URL, json={"stages": [{"key": "new"}] * 13}).status_code == 422
    assert api.put(URL, json={"stages": "new"}).status_code == 422
    assert len(api.get(URL).json()["items"]) == 4


def test_a_lead_is_moved_by_key_or_role_and_the_outcome_route_moves_it_too(api, session):
    lead = make_lead(session, api.workspace)
    moved = api.post(f"/api/v1/leads/{lead.id}/sales-stage", json={"stage": "qualified"})
    assert moved.status_code == 200, moved.text
    assert moved.json()["key"] == "qualified"
    won = api.put(f"/api/v1/leads/{lead.id}/outcome", json={"outcome": "won"})
    assert won.status_code == 200, won.text
    shown = api.get(f"/api/v1/leads/{lead.id}").json()
    assert (shown["sales_stage"], shown["outcome"]) == ("won", "won")
    listed = api.get("/api/v1/leads", params={"sales_stage": "won"}).json()["items"]
    assert [item["id"] for item in listed] == [lead.id]
    nowhere = api.post(f"/api/v1/leads/{lead.id}/sales-stage", json={"stage": "nowhere"})
    assert nowhere.status_code == 404


def test_another_workspaces_lead_is_not_found(api, session):
    stranger = make_lead(session, make_workspace(session))
    moved = api.post(f"/api/v1/leads/{stranger.id}/sales-stage", json={"stage": "won"})
    assert moved.status_code == 404
