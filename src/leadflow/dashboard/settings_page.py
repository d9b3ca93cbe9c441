"""Settings: the ideal customer profile and tier thresholds, business hours and time zone,
providers (forms drawn from each provider's settings schema; secrets are written, never shown),
API keys, and outbound webhooks with their delivery log. Every change goes through the domain's
own service, as the API's does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, get_args
from zoneinfo import available_timezones

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from leadflow.agent.hours import working_days
from leadflow.connections import service as connections
from leadflow.dashboard.pages import Viewer, ViewerDep, not_found, redirect, render
from leadflow.dashboard.rule_form import rule_fields, value_as_text
from leadflow.dependencies import SessionDep
from leadflow.exceptions import BadRequest, LeadflowError, NotFound
from leadflow.integrations.vendor import Vendor
from leadflow.integrations.vendors import VENDORS
from leadflow.kit.schemas import IdPath
from leadflow.scoring import icp
from leadflow.scoring.schemas import Operator, ScoringSettingsIn
from leadflow.webhooks import service as webhooks
from leadflow.webhooks.schemas import EndpointCreate
from leadflow.workspaces import service as workspaces

router = APIRouter(prefix="/settings")
ProviderSlug = Annotated[str, Path(max_length=40, pattern=r"^[a-z0-9_-]+$")]
OPERATORS = get_args(Operator)
TIME_ZONES = sorted(available_timezones())
DELIVERIES_SHOWN = 50
NO_STORE = {"Cache-Control": "no-store"}


async def _form(request: Request) -> FormData:
    return await request.form()


FormDep = Annotated[FormData, Depends(_form)]


@router.get("")
def settings(request: Request, viewer: ViewerDep, session: SessionDep) -> Response:
    return _page(request, viewer, session)


def _page(
    request: Request, viewer: Viewer, session: Session, status_code: int = 200, **shown: Any
) -> Response:
    """The settings page, with what a change just showed once (a new key) or refused."""
    workspace = viewer.workspace
    response = render(
        request, viewer, "settings/index.html", status_code=status_code,
        rules=icp.rules(session, workspace_id=workspace.id), operators=OPERATORS,
        value_as_text=value_as_text, tiers=icp.scoring_settings(workspace),
        days=working_days(workspace.settings or {}, workspace.default_region),
        time_zones=TIME_ZONES, providers=_providers(session, workspace.id),
        api_keys=workspaces.api_keys(session, workspace_id=workspace.id),
        endpoints=webhooks.list_endpoints(session, workspace_id=workspace.id), **shown,
    )  # fmt: skip
    response.headers.update(NO_STORE)
    return response


def _providers(session: Session, workspace_id: int) -> list[dict[str, Any]]:
    connected = {c.provider for c in connections.connections(session, workspace_id)}
    return [
        _provider(session, workspace_id, vendor, vendor.slug in connected)
        for vendor in VENDORS.values()
    ]


def _provider(
    session: Session, workspace_id: int, vendor: Vendor[Any], connected: bool
) -> dict[str, Any]:
    schema = vendor.settings.model_json_schema()
    secrets = connections.secret_fields(vendor)
    saved = (
        connections.saved_secrets(session, workspace_id, vendor.slug) if connected else frozenset()
    )
    values = connections.public_settings(session, workspace_id, vendor.slug) if connected else {}
    required = set(schema.get("required", []))
    fields = [
        {
            "name": name, "label": spec.get("title", name), "help": spec.get("description"),
            "input": "password" if name in secrets else _input_type(spec),
            "secret": name in secrets, "saved": name in saved,
            "required": name in required and not (name in secrets and name in saved),
            "value": "" if name in secrets else values.get(name, spec.get("default", "")),
        }
        for name, spec in schema.get("properties", {}).items()
    ]  # fmt: skip
    return {
        "slug": vendor.slug, "title": vendor.title, "connected": connected, "fields": fields,
        "capabilities": vendor.capabilities,
    }  # fmt: skip


def _input_type(spec: dict[str, Any]) -> str:
    return "number" if spec.get("type") in ("number", "integer") else "text"


def _change(
    request: Request, viewer: Viewer, session: Session, change: Callable[[], Response]
) -> Response:
    """Makes the change; a refusal is shown on the page, with nothing kept of it."""
    try:
        return change()
    except NotFound as error:
        session.rollback()
        return not_found(request, viewer, error.message)
    except LeadflowError as error:
        session.rollback()
        return _page(request, viewer, session, status_code=error.status, error=_words(error))
    except ValidationError as error:
        session.rollback()
        return _page(request, viewer, session, status_code=422, error=_invalid(error))


def _words(error: LeadflowError) -> str:
    errors = error.extra.get("errors")
    if isinstance(errors, dict) and errors:
        details = "; ".join(f"{field}: {problem}" for field, problem in errors.items())
        return f"{error.message} ({details})"
    return error.message


def _invalid(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(map(str, e['loc'])) or 'form'}: {e['msg']}" for e in error.errors()
    )


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


# The ideal customer profile and the tiers


@router.post("/rules")
def add_rule(request: Request, viewer: ViewerDep, session: SessionDep, form: FormDep) -> Response:
    def change() -> Response:
        icp.add_rule(session, workspace_id=viewer.workspace.id, fields=rule_fields(form))
        return redirect("/settings#icp", request)

    return _change(request, viewer, session, change)


@router.get("/rules/{rule_id}")
def edit_rule(
    rule_id: IdPath, request: Request, viewer: ViewerDep, session: SessionDep
) -> Response:
    try:
        rule = icp.get_rule(session, workspace_id=viewer.workspace.id, rule_id=rule_id)
    except NotFound as error:
        return not_found(request, viewer, error.message)
    return render(
        request, viewer, "settings/rule.html", rule=rule, operators=OPERATORS,
        value_as_text=value_as_text,
    )  # fmt: skip


@router.post("/rules/{rule_id}")
def change_rule(
    rule_id: IdPath, request: Request, viewer: ViewerDep, session: SessionDep, form: FormDep
) -> Response:
    def change() -> Response:
        icp.change_rule(
            session, workspace_id=viewer.workspace.id, rule_id=rule_id, fields=rule_fields(form)
        )
        return redirect("/settings#icp", request)

    return _change(request, viewer, session, change)


@router.post("/rules/{rule_id}/delete")
def delete_rule(
    rule_id: IdPath, request: Request, viewer: ViewerDep, session: SessionDep
) -> Response:
    def change() -> Response:
        icp.remove_rule(session, workspace_id=viewer.workspace.id, rule_id=rule_id)
        return redirect("/settings#icp", request)

    return _change(request, viewer, session, change)


@router.post("/tiers")
def change_tiers(
    request: Request, viewer: ViewerDep, session: SessionDep, form: FormDep
) -> Response:
    def change() -> Response:
        current = icp.scoring_settings(viewer.workspace).model_dump()
        wanted = {"hot": _text(form, "hot"), "warm": _text(form, "warm")}
        settings = ScoringSettingsIn.model_validate({**current, **wanted})
        icp.change_scoring_settings(session, workspace=viewer.workspace, settings=settings)
        return redirect("/settings#tiers", request)

    return _change(request, viewer, session, change)


# Business hours


@router.post("/hours")
def change_hours(
    request: Request, viewer: ViewerDep, session: SessionDep, form: FormDep
) -> Response:
    def change() -> Response:
        days = [_day(value) for value in form.getlist("days")]
        workspaces.set_business_hours(
            session, workspace=viewer.workspace, days=days, time_zone=_text(form, "time_zone")
        )
        return redirect("/settings#hours", request)

    return _change(request, viewer, session, change)


def _day(value: object) -> int:
    if isinstance(value, str) and value.isdigit() and len(value) == 1:
        return int(value)
    return -1  # refused by the service with its own words


# Providers


@router.post("/providers/{provider}")
def connect_provider(
    provider: ProviderSlug, request: Request, viewer: ViewerDep, session: SessionDep, form: FormDep
) -> Response:
    def change() -> Response:
        vendor = connections.vendor_named(provider)
        fields = {name: _text(form, name) for name in vendor.settings.model_fields}
        connections.connect_keeping_secrets(
            session, workspace_id=viewer.workspace.id, provider=provider,
            settings={name: value for name, value in fields.items() if value},
        )  # fmt: skip
        return redirect("/settings#providers", request)

    return _change(request, viewer, session, change)


@router.post("/providers/{provider}/delete")
def disconnect_provider(
    provider: ProviderSlug, request: Request, viewer: ViewerDep, session: SessionDep
) -> Response:
    def change() -> Response:
        connections.disconnect(session, workspace_id=viewer.workspace.id, provider=provider)
        return redirect("/settings#providers", request)

    return _change(request, viewer, session, change)


# API keys


@router.post("/api-keys")
def create_api_key(
    request: Request, viewer: ViewerDep, session: SessionDep, form: FormDep
) -> Response:
    def change() -> Response:
        name = _text(form, "name")
        if len(name) > 100:
            raise BadRequest("an API key's name is at most 100 characters")
        api_key, plaintext = workspaces.create_api_key(
            session, workspace=viewer.workspace, name=name
        )
        return _page(request, viewer, session, status_code=201, new_key=(api_key, plaintext))

    return _change(request, viewer, session, change)


@router.post("/api-keys/{key_id}/revoke")
def revoke_api_key(
    key_id: IdPath, request: Request, viewer: ViewerDep, session: SessionDep
) -> Response:
    def change() -> Response:
        workspaces.revoke_api_key(session, workspace_id=viewer.workspace.id, key_id=key_id)
        return redirect("/settings#api-keys", request)

    return _change(request, viewer, session, change)


# Outbound webhooks


@router.post("/webhooks")
def create_endpoint(
    request: Request, viewer: ViewerDep, session: SessionDep, form: FormDep
) -> Response:
    def change() -> Response:
        types = [part.strip() for part in _text(form, "event_types").split(",") if part.strip()]
        fields = EndpointCreate.model_validate(
            {"url": _text(form, "url"), "description": _text(form, "description") or None,
             "event_types": types}
        )  # fmt: skip
        endpoint, secret = webhooks.create_endpoint(
            session, workspace_id=viewer.workspace.id, fields=fields
        )
        return _page(request, viewer, session, status_code=201, new_endpoint=(endpoint, secret))

    return _change(request, viewer, session, change)


@router.post("/webhooks/{endpoint_id}/delete")
def delete_endpoint(
    endpoint_id: IdPath, request: Request, viewer: ViewerDep, session: SessionDep
) -> Response:
    def change() -> Response:
        webhooks.delete_endpoint(session, workspace_id=viewer.workspace.id, endpoint_id=endpoint_id)
        return redirect("/settings#webhooks", request)

    return _change(request, viewer, session, change)


@router.get("/webhooks/{endpoint_id}")
def endpoint_deliveries(
    endpoint_id: IdPath, request: Request, viewer: ViewerDep, session: SessionDep
) -> Response:
    workspace_id = viewer.workspace.id
    try:
        endpoint = webhooks.get_endpoint(
            session, workspace_id=workspace_id, endpoint_id=endpoint_id
        )
    except NotFound as error:
        return not_found(request, viewer, error.message)
    rows, _ = webhooks.deliveries(
        session, workspace_id=workspace_id, endpoint_id=endpoint.id, state=None,
        limit=DELIVERIES_SHOWN, cursor=None,
    )  # fmt: skip
    log = [(delivery, kind, webhooks.attempt_log(session, delivery)) for delivery, kind in rows]
    return render(request, viewer, "settings/deliveries.html", endpoint=endpoint, log=log)
