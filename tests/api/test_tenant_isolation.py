"""Another workspace's object is a 404 on every route that names one (OWASP API1)."""

from __future__ import annotations

import base64
import re

import pytest

from leadflow.app import create_app
from leadflow.models import Conversation
from tests.builders import (
    Api,
    make_api_key,
    make_dead_job,
    make_lead,
    make_webhook_delivery,
    make_webhook_endpoint,
    make_workspace,
)

# Addressed without an API key: by an unguessable token, or signed by the provider.
PUBLIC_ROUTES = {
    "/api/v1/forms/{form_token}",
    "/api/v1/inbound/{workspace_slug}/{provider}",
    "/api/v1/chat/{form_token}/start",
    "/api/v1/chat/{form_token}/messages",
    "/api/v1/chat/{form_token}/stream",
    "/api/v1/chat/{form_token}/look",
}
# Slots named by the caller, not objects: a PUT fills the caller's own, whatever it is called.
OWN_SLOTS = {("PUT", "/api/v1/connections/{provider}"), ("PUT", "/api/v1/quotas/{metric}")}


def _routes_with_ids() -> list[tuple[str, str]]:
    """Every API operation whose path names an object, from the app's own route table."""
    paths = create_app().openapi()["paths"]
    return [
        (method.upper(), path)
        for path, operations in paths.items()
        if path.startswith("/api/v1") and "{" in path and path not in PUBLIC_ROUTES
        for method in operations
        if (method.upper(), path) not in OWN_SLOTS
    ]


ROUTES = _routes_with_ids()
# A body the route accepts, so the answer is about the id, not the body.
RULE = {"field": "industry", "operator": "in", "value": ["x"], "points": 1, "reason": "hijacked"}
VALID_BODIES = {
    "/api/v1/webhooks/endpoints/{endpoint_id}": {"description": "hijacked"},
    "/api/v1/leads/{lead_id}/activities": {"kind": "reply"},
    "/api/v1/leads/{lead_id}/outcome": {"outcome": "won"},
    "/api/v1/leads/{lead_id}/sales-stage": {"stage": "won"},
    "/api/v1/leads/{lead_id}/notes": {"text": "hijacked"},
    "/api/v1/leads/{lead_id}/calls": {"outcome": "connected"},
    "/api/v1/scoring/rules/{rule_id}": RULE,
    "/api/v1/knowledge/bases/{kb_id}/faqs": {"question": "hijacked?", "answer": "yes"},
    "/api/v1/knowledge/bases/{kb_id}/faqs/bulk": {"faqs": [{"question": "q", "answer": "a"}]},
    "/api/v1/knowledge/bases/{kb_id}/documents/url": {"url": "https://example.com/"},
    "/api/v1/knowledge/bases/{kb_id}/documents/text": {"title": "hijacked", "text": "x"},
    "/api/v1/conversations/{conversation_id}/messages": {"body": "hijacked"},
}
# Routes that take an upload instead of a JSON body.
VALID_FILES = {
    "/api/v1/knowledge/bases/{kb_id}/documents": {"file": ("x.txt", b"hijacked", "text/plain")},
}


@pytest.fixture
def owner_objects(api, session):
    lead = make_lead(session, api.workspace, email="owner@example.com")
    merged = api.post("/api/v1/leads", json={"email": "OWNER@example.com", "title": "CEO"}).json()
    upload = api.post(
        "/api/v1/imports",
        files={"file": ("leads.csv", b"Email\nx@example.com\nbad\n", "text/csv")},
    )
    assert upload.status_code == 202, upload.text
    endpoint, _ = make_webhook_endpoint(session, api.workspace)
    return {
        "lead_id": lead.id,
        "merge_id": merged["merge_id"],
        "import_id": upload.json()["id"],
        "dead_job_id": make_dead_job(session, api.workspace, lead_id=lead.id),
        "endpoint_id": endpoint.id,
        "delivery_id": make_webhook_delivery(session, endpoint, lead_id=lead.id).id,
        "provider": _connected(api, "standard"),
        "metric": _capped(api, "sms"),
        "rule_id": api.post("/api/v1/scoring/rules", json=RULE).json()["id"],
        **_knowledge(api),
        "conversation_id": _conversation(session, lead).id,
    }


def _conversation(session, lead) -> Conversation:
    conversation = Conversation(
        workspace_id=lead.workspace_id, lead_id=lead.id, channel="sms", address="+15550100"
    )
    session.add(conversation)
    session.commit()
    return conversation


def _knowledge(api) -> dict[str, object]:
    kb = api.post("/api/v1/knowledge/bases", json={"name": "owner's"}).json()
    faq = {"question": "Secret?", "answer": "Yes."}
    document = api.post(f"/api/v1/knowledge/bases/{kb['id']}/faqs", json=faq).json()
    return {"kb_id": kb["id"], "document_id": document["id"], "client_id": api.workspace.slug}


def _connected(api, provider: str) -> str:
    secret = "whsec_" + base64.b64encode(b"leadflow-tenant-test-secret-32by").decode()
    response = api.put(
        f"/api/v1/connections/{provider}", json={"settings": {"signing_secret": secret}}
    )
    assert response.status_code == 200, response.text
    return provider


def _capped(api, metric: str) -> str:
    assert (
        api.put(f"/api/v1/quotas/{metric}", json={"period": "day", "limit": 5}).status_code == 200
    )
    return metric


def test_every_route_with_an_id_is_covered():
    params = {p for _, path in ROUTES for p in re.findall(r"{(\w+)}", path)}
    assert params == {
        "lead_id", "merge_id", "import_id", "dead_job_id", "endpoint_id", "delivery_id",
        "provider", "metric", "rule_id", "kb_id", "document_id", "client_id",
        "conversation_id",
    }, "a new route needs an object here"  # fmt: skip


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_another_workspaces_object_is_not_found(method, path, owner_objects, client, session):
    stranger_workspace = make_workspace(session)
    stranger = Api(client, make_api_key(session, stranger_workspace), stranger_workspace)
    url = path.format(**owner_objects)
    payload = VALID_BODIES.get(path, {"title": "hijacked"})
    body = {"json": payload} if method in ("PATCH", "POST", "PUT") else {}
    if method == "POST" and path in VALID_FILES:
        body = {"files": VALID_FILES[path]}
    response = getattr(stranger, method.lower())(url, **body)
    assert response.status_code == 404, f"{method} {url} -> {response.status_code}"
    assert response.headers["content-type"].startswith("application/problem+json")


def test_lists_search_and_export_show_nothing_of_another_workspace(api, session, client):
    make_lead(session, api.workspace, email="secret@example.com", company="Secret Corp")
    other = make_workspace(session)
    stranger = Api(client, make_api_key(session, other), other)
    assert stranger.get("/api/v1/leads").json()["items"] == []
    assert stranger.get("/api/v1/leads/search", params={"q": "secret"}).json()["items"] == []
    assert "secret@example.com" not in stranger.get("/api/v1/exports/leads.csv").text
