from __future__ import annotations

from tests.builders import make_lead


def test_create_then_read_a_lead(api):
    created = api.post(
        "/api/v1/leads",
        json={
            "full_name": "Noura Al-Qahtani",
            "email": "Noura@Example.com",
            "phone": "(415) 555-2671",
            "company": "Acme Inc",
            "website": "https://www.acme.com/about",
        },
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["outcome"] == "created"
    lead = body["lead"]
    assert (lead["first_name"], lead["last_name"]) == ("Noura", "Al-Qahtani")
    assert lead["email"] == "Noura@example.com"
    assert lead["phone"] == "+14155552671"
    assert lead["company"]["domain"] == "acme.com"
    read = api.get(f"/api/v1/leads/{lead['id']}")
    assert read.status_code == 200
    assert read.json()["email"] == "Noura@example.com"


def test_the_same_person_again_merges_instead_of_creating_a_twin(api):
    first = api.post("/api/v1/leads", json={"email": "sam@example.com"}).json()
    again = api.post(
        "/api/v1/leads",
        json={"email": "SAM@example.com ", "phone": "+1 415 555 0134", "title": "CFO"},
    )
    assert again.status_code == 200
    body = again.json()
    assert (body["outcome"], body["matched_on"]) == ("merged", "email")
    assert body["lead"]["id"] == first["lead"]["id"]
    assert body["lead"]["title"] == "CFO"


def test_invalid_lead_is_a_problem_with_every_reason(api):
    response = api.post("/api/v1/leads", json={"email": "not-an-email", "phone": "12"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert set(response.json()["errors"]) == {"email", "phone"}


def test_list_paginates_with_cursor(api, session):
    for n in range(7):
        make_lead(session, api.workspace, email=f"page{n}@example.com")
    seen, cursor = [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = api.get("/api/v1/leads", params=params).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 7 == len(set(seen))
    assert seen == sorted(seen, reverse=True)
