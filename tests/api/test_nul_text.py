"""PostgreSQL text cannot hold U+0000; every path refuses it with a clear error, never a 500."""

from __future__ import annotations

import pytest


def test_a_lead_with_a_nul_is_refused(api):
    response = api.post("/api/v1/leads", json={"email": "nul@example.com", "title": "C\u0000EO"})
    assert response.status_code == 422
    assert "NUL" in response.text


def test_a_custom_field_name_with_a_nul_is_refused(api):
    response = api.post(
        "/api/v1/leads", json={"email": "nul2@example.com", "custom_fields": {"a\u0000b": "x"}}
    )
    assert response.status_code == 422


@pytest.mark.parametrize("parameter", ["q", "source", "score_tier", "cursor"])
def test_a_query_with_a_nul_is_refused(api, parameter):
    response = api.get("/api/v1/leads", params={parameter: "a\u0000b"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")


def test_a_search_with_a_nul_is_refused(api):
    assert api.get("/api/v1/leads/search", params={"q": "\u0000"}).status_code == 422


def test_a_form_with_a_nul_is_refused(api, client):
    token = api.get("/api/v1/workspace").json()["form_token"]
    response = client.post(
        f"/api/v1/forms/{token}", data={"Email": "x@example.com", "Notes": "a\u0000"}
    )
    assert response.status_code == 422
