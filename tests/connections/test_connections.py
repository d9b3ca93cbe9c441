"""Provider connections: validated by each provider's schema, secrets sealed and never shown."""

from __future__ import annotations

from sqlalchemy import select

from leadflow.models import ProviderConnection
from tests.inbox.support import SIGNING_SECRET, TWILIO_SID, TWILIO_TOKEN


def test_providers_describe_their_settings_with_secrets_write_only(api):
    providers = {p["slug"]: p for p in api.get("/api/v1/connections/providers").json()["items"]}

    twilio = providers["twilio"]["settings_schema"]["properties"]
    assert twilio["auth_token"]["writeOnly"] is True
    assert "writeOnly" not in twilio["account_sid"]


def test_a_connection_is_sealed_at_rest_and_never_echoed(api, session):
    response = api.put(
        "/api/v1/connections/twilio",
        json={"settings": {"account_sid": TWILIO_SID, "auth_token": TWILIO_TOKEN}},
    )

    assert response.status_code == 200, response.text
    assert TWILIO_TOKEN not in response.text
    assert TWILIO_TOKEN not in api.get("/api/v1/connections").text
    sealed = session.scalar(
        select(ProviderConnection.sealed_config).where(
            ProviderConnection.workspace_id == api.workspace.id
        )
    )
    assert TWILIO_TOKEN not in sealed
    assert TWILIO_SID not in sealed


def test_invalid_settings_are_a_422_naming_the_field(api):
    response = api.put("/api/v1/connections/twilio", json={"settings": {"account_sid": "nope"}})

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert "account_sid" in errors
    assert "auth_token" in errors


def test_connect_replaces_and_disconnect_forgets(api):
    settings = {"signing_secret": SIGNING_SECRET}
    assert api.put("/api/v1/connections/standard", json={"settings": settings}).status_code == 200
    assert api.put("/api/v1/connections/standard", json={"settings": settings}).status_code == 200
    assert [c["provider"] for c in api.get("/api/v1/connections").json()["items"]] == ["standard"]

    assert api.delete("/api/v1/connections/standard").status_code == 204
    assert api.get("/api/v1/connections").json()["items"] == []
    assert api.delete("/api/v1/connections/standard").status_code == 404


def test_an_unknown_provider_is_a_404(api):
    response = api.put("/api/v1/connections/nosuch", json={"settings": {}})

    assert response.status_code == 404
    assert "twilio" in response.json()["detail"]
