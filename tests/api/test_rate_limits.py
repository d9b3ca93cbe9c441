"""Limits on API keys: an address guessing keys is made to wait (429, Retry-After), even for a
key it got right; each valid key has its own generous rate."""

from __future__ import annotations

import secrets

from tests.api.test_auth_and_problems import assert_problem
from tests.builders import make_api_key


def with_key(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_an_address_guessing_keys_waits_even_for_the_right_one(api, configured):
    configured(api_key_misses_per_minute=3)
    for _ in range(3):
        guess = with_key(f"lf_{secrets.token_urlsafe(32)}")
        assert_problem(api.client.get("/api/v1/leads", headers=guess), 401)

    problem = assert_problem(api.client.get("/api/v1/leads", headers=with_key("lf_x")), 429)
    assert "unknown or revoked API keys" in problem["detail"]
    refused = api.get("/api/v1/leads")  # the workspace's real key, from the same address
    assert_problem(refused, 429)
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    upload = api.post("/api/v1/imports", files={"file": ("a.csv", b"Email\nx@example.com\n")})
    assert_problem(upload, 429)  # an upload's key is looked up apart, and limited the same


def test_guesses_at_an_upload_count_too(api, configured):
    configured(api_key_misses_per_minute=2)
    for _ in range(2):
        guess = with_key(f"lf_{secrets.token_urlsafe(32)}")
        upload = api.client.post(
            "/api/v1/imports", headers=guess, files={"file": ("a.csv", b"Email\n")}
        )
        assert_problem(upload, 401)
    assert_problem(api.get("/api/v1/leads"), 429)


def test_a_valid_key_does_not_count_as_a_guess(api, configured):
    configured(api_key_misses_per_minute=3)
    for _ in range(10):
        assert api.get("/api/v1/leads").status_code == 200
    assert_problem(api.client.get("/api/v1/leads", headers=with_key("lf_wrong")), 401)


def test_each_key_has_its_own_rate(api, session, configured):
    configured(api_key_rate_limit_per_minute=5)
    for _ in range(5):
        assert api.get("/api/v1/leads").status_code == 200
    refused = api.get("/api/v1/leads")
    problem = assert_problem(refused, 429)
    assert "this API key" in problem["detail"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60

    other_key = make_api_key(session, api.workspace)
    assert api.client.get("/api/v1/leads", headers=with_key(other_key)).status_code == 200
