"""Who may call the API, and how every refusal reads: problem+json (RFC 9457)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from leadflow.app import create_app
from leadflow.models import ApiKey
from leadflow.models.base import utcnow

PROBLEM = "application/problem+json"
OPENAPI = create_app().openapi()
PATHS_WITH_IDS = [
    (method.upper(), path)
    for path, operations in OPENAPI["paths"].items()
    for method in operations
    if re.search(r"{\w+_id}", path)
]


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    return body


def revoke_keys(session, workspace) -> None:
    for key in session.scalars(select(ApiKey).where(ApiKey.workspace_id == workspace.id)):
        key.revoked_at = utcnow()
    session.commit()


# --- Authentication -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Basic dXNlcjpwYXNz"}, {"Authorization": "Bearer "}, {"X-API-Key": ""}],
    ids=["none", "basic", "empty-bearer", "empty-x-api-key"],
)
def test_a_request_without_a_key_is_unauthorized(client, headers):
    response = client.get("/api/v1/leads", headers=headers)
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_an_unknown_key_is_unauthorized(client):
    response = client.get("/api/v1/leads", headers={"Authorization": "Bearer lf_not_a_real_key"})
    assert_problem(response, 401)


def test_a_revoked_key_is_unauthorized(api, session):
    assert api.get("/api/v1/leads").status_code == 200
    revoke_keys(session, api.workspace)
    assert_problem(api.get("/api/v1/leads"), 401)
    assert_problem(api.post("/api/v1/leads", json={"email": "late@example.com"}), 401)


@pytest.mark.parametrize("case", ["unknown", "revoked"])
def test_every_401_says_how_to_authenticate(api, client, session, case):
    if case == "revoked":
        revoke_keys(session, api.workspace)
        response = api.get("/api/v1/leads")
    else:
        response = client.get("/api/v1/leads", headers={"Authorization": "Bearer lf_nope"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_the_key_may_come_in_x_api_key(api, client):
    key = api.headers["Authorization"].removeprefix("Bearer ")
    response = client.get("/api/v1/workspace", headers={"X-API-Key": key})
    assert response.status_code == 200
    assert response.json()["id"] == api.workspace.id


def test_the_bearer_scheme_is_case_insensitive(api, client):
    key = api.headers["Authorization"].removeprefix("Bearer ")
    assert client.get("/api/v1/workspace", headers={"Authorization": f"bearer {key}"}).is_success


def test_the_workspace_answers_with_its_form_token(api):
    body = api.get("/api/v1/workspace").json()
    assert body["slug"] == api.workspace.slug
    assert body["form_token"] == api.workspace.form_token


# --- Errors as problem+json -----------------------------------------------------------------


def test_an_unknown_route_is_a_problem(api):
    assert_problem(api.get("/api/v1/no-such-thing"), 404)


def test_a_wrong_method_is_a_problem_that_names_an_allowed_one(api):
    response = api.put("/api/v1/leads", json={})
    assert_problem(response, 405)
    # Starlette names the methods of the first route on the path only (here POST, not GET too)
    allowed = set(response.headers["Allow"].replace(" ", "").split(","))
    assert allowed
    assert allowed <= {"GET", "POST"}


@pytest.mark.parametrize(
    ("body", "location", "kind"),
    [
        ({"email": "a@example.com", "employee_count": "many"}, "employee_count", "int_parsing"),
        ({"email": ["a@example.com"]}, "email", "string_type"),
        ({"email": "a@example.com", "emial": "typo@example.com"}, "emial", "extra_forbidden"),
        ({"email": "a@example.com", "custom_fields": {"": 1}}, "custom_fields", "value_error"),
    ],
)
def test_a_body_that_does_not_match_the_schema_is_a_problem(api, body, location, kind):
    problem = assert_problem(api.post("/api/v1/leads", json=body), 422)
    (error,) = problem["errors"]
    assert error["loc"] == ["body", location]
    assert error["type"] == kind
    assert error["msg"]


def test_a_body_that_is_not_json_is_a_problem(api):
    response = api.post(
        "/api/v1/leads", content=b"{oops", headers={"Content-Type": "application/json"}
    )
    problem = assert_problem(response, 422)
    assert problem["errors"]


def test_a_query_that_does_not_match_the_schema_is_a_problem(api):
    problem = assert_problem(api.get("/api/v1/leads", params={"limit": 0, "stage": "won"}), 422)
    assert {tuple(e["loc"]) for e in problem["errors"]} == {("query", "limit"), ("query", "stage")}


def test_a_path_id_that_is_not_a_number_is_a_problem(api):
    problem = assert_problem(api.get("/api/v1/leads/abc"), 422)
    assert problem["errors"][0]["loc"] == ["path", "lead_id"]


@pytest.mark.parametrize(("method", "path"), PATHS_WITH_IDS)
def test_an_id_beyond_64_bits_is_not_found(api, method, path):
    url = re.sub(r"{\w+_id}", str(2**63), path)
    body = {"json": {"title": "CEO"}} if method == "PATCH" else {}
    response = getattr(api, method.lower())(url, **body)
    assert response.status_code in (404, 422)


@pytest.mark.parametrize("name", ["company_id", "owner_id"])
def test_a_filter_id_beyond_64_bits_is_not_a_server_error(api, name):
    response = api.get("/api/v1/leads", params={name: 2**63})
    assert response.status_code in (200, 422)


# --- Operations and documentation -----------------------------------------------------------


def test_health_answers_without_a_key(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["version"]


def test_the_openapi_document_is_served(client):
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.json()["paths"].keys() == OPENAPI["paths"].keys()


@pytest.mark.parametrize(
    ("method", "path"),
    [(m.upper(), p) for p, operations in OPENAPI["paths"].items() for m in operations],
)
def test_every_operation_is_described(method, path):
    operation = OPENAPI["paths"][path][method.lower()]
    assert operation.get("summary") or operation.get("description")
    assert operation.get("description"), f"{method} {path} needs its one-line docstring"
