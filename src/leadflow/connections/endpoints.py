from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response

from leadflow.connections import service
from leadflow.connections.schemas import ConnectionIn, ConnectionOut, ProviderOut
from leadflow.dependencies import SessionDep, WorkspaceDep
from leadflow.integrations.vendor import Vendor
from leadflow.integrations.vendors import VENDORS
from leadflow.kit.pagination import Page

router = APIRouter(tags=["connections"])
ProviderSlug = Annotated[str, Path(max_length=40, pattern=r"^[a-z0-9_-]+$")]


def _schema(vendor: Vendor[Any]) -> dict[str, Any]:
    schema = vendor.settings.model_json_schema()
    for field in schema.get("properties", {}).values():
        if field.get("format") == "password":
            field["writeOnly"] = True
    return schema


@router.get("/connections/providers", response_model=Page[ProviderOut])
def list_providers(workspace: WorkspaceDep) -> Page[ProviderOut]:
    """Providers a workspace can connect, what each is for, and the settings each one needs
    (all on one page)."""
    items = [
        ProviderOut(
            slug=v.slug,
            title=v.title,
            capabilities=list(v.capabilities),
            settings_schema=_schema(v),
        )
        for v in VENDORS.values()
    ]
    return Page[ProviderOut](items=items)


@router.get("/connections", response_model=Page[ConnectionOut])
def list_connections(session: SessionDep, workspace: WorkspaceDep) -> Page[ConnectionOut]:
    """This workspace's provider connections, at most one a provider, all on one page (their
    secrets are never shown again)."""
    connections = service.connections(session, workspace.id)
    return Page[ConnectionOut](
        items=[ConnectionOut.model_validate(c, from_attributes=True) for c in connections]
    )


@router.put("/connections/{provider}", response_model=ConnectionOut)
def connect_provider(
    provider: ProviderSlug, payload: ConnectionIn, session: SessionDep, workspace: WorkspaceDep
) -> ConnectionOut:
    """Connect the workspace's account at a provider, or replace its settings."""
    connection = service.connect(
        session, workspace_id=workspace.id, provider=provider, settings=payload.settings
    )
    return ConnectionOut.model_validate(connection, from_attributes=True)


@router.delete("/connections/{provider}", status_code=204)
def disconnect_provider(
    provider: ProviderSlug, session: SessionDep, workspace: WorkspaceDep
) -> Response:
    """Forget the workspace's settings for a provider."""
    service.disconnect(session, workspace_id=workspace.id, provider=provider)
    return Response(status_code=204)
