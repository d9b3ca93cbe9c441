"""Idempotency-Key on POST /leads: the first answer is kept and replayed for every repeat."""

from __future__ import annotations

from sqlalchemy import func, select

from leadflow.models import Lead
from tests.builders import Api, make_api_key, make_lead, make_workspace

LEADS = "/api/v1/leads"


def keyed(key: str) -> dict[str, str]:
    return {"Idempotency-Key": key}


def lead_count(session, workspace) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).where(Lead.workspace_id == workspace.id))


def test_a_repeat_replays_the_first_answer_and_creates_nothing(api, session):
    body = {"full_name": "Lina Haddad", "email": "lina@example.com", "phone": "(415) 555-2671"}
    first = api.post(LEADS, json=body, headers=keyed("order-1"))
    again = api.post(LEADS, json=body, headers=keyed("order-1"))
    assert first.status_code == 201, first.text
    assert "Idempotent-Replayed" not in first.headers
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert lead_count(session, api.workspace) == 1


def test_a_replay_is_the_answer_given_then_not_the_lead_as_it_is_now(api):
    first = api.post(LEADS, json={"email": "then@example.com"}, headers=keyed("k-then"))
    lead_id = first.json()["lead"]["id"]
    api.patch(f"{LEADS}/{lead_id}", json={"title": "CFO"})
    again = api.post(LEADS, json={"email": "then@example.com"}, headers=keyed("k-then"))
    assert again.json()["lead"]["title"] is None
    assert again.json() == first.json()


def test_the_same_key_with_another_body_is_a_problem(api, session):
    api.post(LEADS, json={"email": "one@example.com"}, headers=keyed("reused"))
    other = api.post(LEADS, json={"email": "two@example.com"}, headers=keyed("reused"))
    assert other.status_code == 422
    assert other.headers["content-type"].startswith("application/problem+json")
    assert "Idempotency-Key" in other.json()["detail"]
    assert lead_count(session, api.workspace) == 1


def test_keys_belong_to_one_workspace(api, client, session):
    elsewhere = make_workspace(session)
    stranger = Api(client, make_api_key(session, elsewhere), elsewhere)
    mine = api.post(LEADS, json={"email": "same@example.com"}, headers=keyed("shared-key"))
    theirs = stranger.post(LEADS, json={"email": "other@example.com"}, headers=keyed("shared-key"))
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in theirs.headers
    assert theirs.json()["lead"]["email"] == "other@example.com"
    assert lead_count(session, elsewhere) == 1


def test_a_key_longer_than_255_characters_is_refused(api, session):
    response = api.post(LEADS, json={"email": "long@example.com"}, headers=keyed("k" * 256))
    assert 400 <= response.status_code < 500
    assert response.headers["content-type"].startswith("application/problem+json")
    assert lead_count(session, api.workspace) == 0


def test_a_key_of_255_characters_is_taken(api):
    first = api.post(LEADS, json={"email": "edge@example.com"}, headers=keyed("k" * 255))
    again = api.post(LEADS, json={"email": "edge@example.com"}, headers=keyed("k" * 255))
    assert first.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"


def test_a_blank_key_is_refused(api, session):
    response = api.post(LEADS, json={"email": "blank@example.com"}, headers=keyed("   "))
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert lead_count(session, api.workspace) == 0


def test_a_replayed_merge_answers_200_again(api, session):
    original = make_lead(session, api.workspace, email="merge@example.com")
    body = {"email": "MERGE@example.com", "title": "COO"}
    merged = api.post(LEADS, json=body, headers=keyed("merge-key"))
    again = api.post(LEADS, json=body, headers=keyed("merge-key"))
    assert merged.status_code == 200
    assert merged.json()["outcome"] == "merged"
    assert again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == merged.json()
    assert again.json()["lead"]["id"] == original.id
    merges = api.get(f"{LEADS}/{original.id}/merges").json()["items"]
    assert len(merges) == 1


def test_a_refused_request_is_not_remembered(api):
    refused = api.post(LEADS, json={"email": "not-an-email"}, headers=keyed("fix-and-retry"))
    fixed = api.post(LEADS, json={"email": "fixed@example.com"}, headers=keyed("fix-and-retry"))
    assert refused.status_code == 422
    assert fixed.status_code == 201
    assert "Idempotent-Replayed" not in fixed.headers
