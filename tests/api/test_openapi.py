"""The OpenAPI document tells the truth: which operations need the API key, the problem+json
answers each can give, and one page shape for every list."""

from __future__ import annotations

import re
from typing import Any

import jsonschema_rs
import pytest
import schemathesis

from leadflow.app import create_app

OPENAPI = create_app().openapi()
PROBLEM = "application/problem+json"
KEYED = [{"ApiKeyBearer": []}, {"ApiKeyHeader": []}]
# Called by strangers: a web form, the web chat, a provider's callback. Each has its own guard
# (an unguessable token, a signature) and no API key.
PUBLIC = re.compile(r"^/api/v1/(forms|chat|inbound)/")
# Another change in flight moves the conversations' lists to pages; until it lands they are
# bare lists, and named here so that no other list can slip by.
BARE_LISTS_OF_CONVERSATIONS = {
    "/api/v1/leads/{lead_id}/conversations",
    "/api/v1/conversations/{conversation_id}/messages",
}
# A report of the period's totals, one a metric: not a list of the workspace's objects.
REPORTS = {"/api/v1/usage"}
OPERATIONS = [
    (method, path, operation)
    for path, item in OPENAPI["paths"].items()
    if path.startswith("/api/")
    for method, operation in item.items()
]
IDS = [f"{method.upper()} {path}" for method, path, _ in OPERATIONS]


def schema_of(reference: dict[str, Any]) -> dict[str, Any]:
    name = reference["$ref"].removeprefix("#/components/schemas/")
    return OPENAPI["components"]["schemas"][name]


def success(operation: dict[str, Any]) -> dict[str, Any] | None:
    ok = next(v for k, v in operation["responses"].items() if k.startswith("2"))
    return ok.get("content", {}).get("application/json", {}).get("schema")


def conforms(body: Any, name: str) -> bool:
    schema = {"$ref": f"#/components/schemas/{name}", "components": OPENAPI["components"]}
    return jsonschema_rs.validator_for(schema).is_valid(body)


def test_the_document_is_valid_openapi():
    schemathesis.openapi.from_dict(OPENAPI).validate()
    assert OPENAPI["components"]["securitySchemes"] == {
        "ApiKeyBearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "The workspace's API key: 'Authorization: Bearer <key>'",
        },
        "ApiKeyHeader": {
            "type": "apiKey",
            "in": "header",
            "name": "X-API-Key",
            "description": "The workspace's API key in an X-API-Key header",
        },
    }


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS, ids=IDS)
def test_an_operation_declares_the_key_exactly_when_it_needs_one(method, path, operation):
    if PUBLIC.match(path):
        assert "security" not in operation
    else:
        assert operation["security"] == KEYED


def test_every_keyed_operation_refuses_a_request_without_the_key(client):
    for method, path, operation in OPERATIONS:
        if "security" in operation:
            url = re.sub(r"{\w+}", "1", path)
            response = client.request(method.upper(), url)
            assert response.status_code == 401, f"{method} {path}: {response.status_code}"


def test_the_key_opens_the_api_in_either_header(client, api):
    key = api.headers["Authorization"].removeprefix("Bearer ")
    for headers in ({"Authorization": f"Bearer {key}"}, {"X-API-Key": key}):
        assert client.get("/api/v1/workspace", headers=headers).status_code == 200


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS, ids=IDS)
def test_an_operation_documents_its_problems(method, path, operation):
    responses = operation["responses"]
    expected = {"503"}
    if "security" in operation:
        expected |= {"401", "429"}
    if "{" in path:
        expected.add("404")
    if "requestBody" in operation:
        expected |= {"413", "422"}
    if "security" in operation and method in {"post", "put", "patch", "delete"}:
        expected.add("409")
    assert expected <= set(responses)
    errors = {status: r for status, r in responses.items() if status[0] in "45"}
    for status, response in errors.items():
        assert response["content"] == {
            PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}
        }, status
        assert response["description"]


def test_the_problem_schema_is_what_the_api_renders(api, client):
    refusals = [
        client.get("/api/v1/leads"),  # 401
        api.get("/api/v1/leads/999999"),  # 404
        api.post("/api/v1/leads", json={"email": 7}),  # 422, with errors
        api.get("/api/v1/leads", params={"cursor": "nonsense"}),  # 400
    ]

    assert [r.status_code for r in refusals] == [401, 404, 422, 400]
    for refusal in refusals:
        assert refusal.headers["content-type"].startswith(PROBLEM)
        assert conforms(refusal.json(), "Problem"), refusal.text
    assert not conforms({"title": "no status", "detail": "x"}, "Problem")
    assert "HTTPValidationError" not in OPENAPI["components"]["schemas"]


def test_every_list_is_a_page_of_items_with_a_next_cursor():
    lists = []
    for method, path, operation in OPERATIONS:
        schema = success(operation) if method == "get" else None
        if schema is None or path in BARE_LISTS_OF_CONVERSATIONS | REPORTS:
            continue
        assert schema.get("type") != "array", f"{path} answers a bare list"
        shape = schema_of(schema) if "$ref" in schema else schema
        if "items" in shape.get("properties", {}):
            assert set(shape["properties"]) == {"items", "next_cursor"}, path
            assert shape["required"] == ["items"], path
            lists.append(path)
    assert "/api/v1/imports" in lists
    assert len(lists) >= 20


def test_the_lists_answer_pages(api):
    for method, path, operation in OPERATIONS:
        schema = success(operation) if method == "get" else None
        if schema is None or "{" in path or "$ref" not in schema or path in REPORTS:
            continue
        if "items" in schema_of(schema).get("properties", {}):
            params = {"q": "a"} if path.endswith("/search") else {}
            page = api.get(path, params=params)
            assert page.status_code == 200, f"{path}: {page.text}"
            assert set(page.json()) == {"items", "next_cursor"}, path


def test_the_main_schemas_carry_examples():
    schemas = OPENAPI["components"]["schemas"]
    for name in (
        "LeadCreate",
        "IntakeOut",
        "LeadOut",
        "ImportJobOut",
        "SearchIn",
        "SearchOut",
        "Problem",
    ):
        (example,) = schemas[name]["examples"]
        assert conforms(example, name), name
