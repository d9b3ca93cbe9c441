"""The same person arriving twice at once is still one lead (the unique email index decides)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from leadflow.models import Lead, MergeRecord


def test_simultaneous_arrivals_of_one_person_make_one_lead(api, session):
    payloads = [{"email": "Race@Example.com", "title": f"try {n}"} for n in range(8)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(lambda body: api.post("/api/v1/leads", json=body), payloads))

    assert sorted(r.status_code for r in responses) == [200] * 7 + [201]
    assert len({r.json()["lead"]["id"] for r in responses}) == 1
    leads = select(func.count()).where(Lead.workspace_id == api.workspace.id)
    merges = select(func.count()).where(MergeRecord.workspace_id == api.workspace.id)
    assert session.scalar(leads) == 1
    assert session.scalar(merges) == 7


def test_simultaneous_retries_with_one_idempotency_key_do_the_work_once(api, session):
    body = {"email": "once@example.com"}
    headers = {"Idempotency-Key": "same-key"}

    with ThreadPoolExecutor(max_workers=6) as pool:
        responses = list(
            pool.map(lambda _: api.post("/api/v1/leads", json=body, headers=headers), range(6))
        )

    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["lead"]["id"] for r in responses}) == 1
    merges = select(func.count()).where(MergeRecord.workspace_id == api.workspace.id)
    assert session.scalar(merges) == 0
