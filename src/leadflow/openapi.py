"""The OpenAPI document: each API operation lists the problem+json answers it can give, decided
here once from what the operation is (keyed, with a path id, with a body, a write) rather than
repeated on every route."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from leadflow.problems import API_PREFIX, PROBLEM_JSON, Problem

PROBLEM_REF = "#/components/schemas/Problem"
_WRITES = frozenset({"post", "put", "patch", "delete"})
_METHODS = _WRITES | {"get", "head", "options"}
_WHY = {
    "400": "the request cannot be used as it is (a cursor this API did not give out, a bad "
    "column mapping)",
    "401": "the API key is missing, unknown or revoked",
    "404": "no such object in this workspace",
    "409": "the change conflicts with what is there (a duplicate, an object already undone or "
    "replayed, a limit reached)",
    "413": "the body is larger than this operation accepts",
    "422": "the request does not match the schema; errors says where",
    "429": "too many requests, or a quota reached; see Retry-After",
    "503": "the database is unavailable for now; nothing changed, try again after Retry-After",
}


def install(app: FastAPI) -> None:
    app.openapi = lambda: _document(app)  # type: ignore[method-assign]


def _document(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is None:
        document = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        _add_problem_schema(document)
        for path, item in document.get("paths", {}).items():
            for method, operation in item.items():
                if method in _METHODS and path.startswith(API_PREFIX):
                    _document_problems(operation, method)
        _drop_unused_validation_schemas(document)
        _restore_nulls_of_examples(document["components"]["schemas"])
        app.openapi_schema = document
    return app.openapi_schema


def _add_problem_schema(document: dict[str, Any]) -> None:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(problem.pop("$defs", {}))
    schemas["Problem"] = problem


def _document_problems(operation: dict[str, Any], method: str) -> None:
    """Adds the statuses the operation can answer with, and gives every error its shape."""
    responses = operation.setdefault("responses", {})
    for status in _statuses(operation, method):
        responses.setdefault(status, {})
    for status, response in responses.items():
        if status[0] in "45":
            response.setdefault("description", _WHY.get(status, "an error"))
            response["content"] = {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_REF}}}


def _statuses(operation: dict[str, Any], method: str) -> list[str]:
    parameters = operation.get("parameters", [])
    keyed, has_body = "security" in operation, "requestBody" in operation
    rules = {
        "400": any(p["name"] == "cursor" for p in parameters),
        "401": keyed,
        "404": any(p["in"] == "path" for p in parameters),
        "409": keyed and method in _WRITES,
        "413": has_body,
        "422": bool(parameters) or has_body,
        "429": keyed,
        "503": True,
    }
    return [status for status, applies in rules.items() if applies]


def _drop_unused_validation_schemas(document: dict[str, Any]) -> None:
    """FastAPI's own 422 shape is never sent (see leadflow.problems): Problem replaces it."""
    schemas = document["components"]["schemas"]
    for name in ("HTTPValidationError", "ValidationError"):
        if f'"#/components/schemas/{name}"' not in str(document).replace("'", '"'):
            schemas.pop(name, None)


def _restore_nulls_of_examples(schemas: dict[str, Any]) -> None:
    """FastAPI leaves every null out of the document, the nulls of the examples too: a
    nullable field an example must show would be missing. The models' own examples go back."""
    for model in _models(BaseModel):
        extra = model.model_config.get("json_schema_extra")
        component = schemas.get(model.__name__)
        if isinstance(extra, dict) and "examples" in extra and component is not None:
            component["examples"] = extra["examples"]


def _models(base: type[BaseModel]) -> list[type[BaseModel]]:
    found = []
    for model in base.__subclasses__():
        found += [model, *_models(model)]
    return found
