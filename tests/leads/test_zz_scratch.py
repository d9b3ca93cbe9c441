from tests.builders import make_lead
from sqlalchemy import select
from leadflow.models import Lead


def test_probe(api, session):
    a = make_lead(session, api.workspace, email="a@example.com", last_name="Zed")
    r = api.get("/api/v1/leads", params={"created_after": "2024-01-01T00:00:00"})
    print("naive created_after", r.status_code, r.text[:200])
    r = api.get("/api/v1/leads", params={"created_after": "2024-01-01T00:00:00Z"})
    print("aware created_after", r.status_code, len(r.json()["items"]))
    for n in range(3):
        make_lead(session, api.workspace, email=f"b{n}@example.com", last_name=f"L{n}")
    page = api.get("/api/v1/leads", params={"sort": "last_name", "limit": 2}).json()
    r = api.get("/api/v1/leads", params={"sort": "created_at", "limit": 2, "cursor": page["next_cursor"]})
    print("cursor across sorts", r.status_code, r.text[:200])
    import base64, json
    for raw in ([{"dt": "2020-01-01T00:00:00"}, 5], [[1], 5], [1.5, 5], "x", [None, 3]):
        c = base64.urlsafe_b64encode(json.dumps(raw).encode()).decode().rstrip("=")
        r = api.get("/api/v1/leads", params={"cursor": c})
        print("cursor", raw, r.status_code, r.text[:150])
    r = api.get("/api/v1/leads", params={"cursor": "!!!garbage"})
    print("garbage", r.status_code, r.text[:150])
    # consent patch
    r = api.patch(f"/api/v1/leads/{a.id}", json={"consent": "denied"})
    print("consent patch", r.status_code, r.json().get("consent_status"))
    r = api.get("/api/v1/nope")
    print(r.status_code, r.headers, r.text)
    r = api.put(f"/api/v1/leads/{a.id}")
    print(r.status_code, r.headers, r.text)
    r = api.client.get("/api/v1/leads", headers={"Authorization": "Bearer nope"})
    print(r.status_code, r.headers, r.text)
    r = api.post("/api/v1/leads", json={"email": "q@example.com"}, headers={"Idempotency-Key": "k" * 300})
    print(r.status_code, r.text[:300])
    r = api.post("/api/v1/leads", json={"email": "q@example.com"}, headers={"Idempotency-Key": "   "})
    print(r.status_code, r.text[:300])
