"""Settings: the ideal customer profile and tier thresholds, business hours and time zone,
the agent's services and qualifying questions (with services suggested from the knowledge base),
providers (forms drawn from each vendor's settings schema; secrets are written, never shown),
where alerts go, usage limits and budgets, API keys, and outbound webhooks with their delivery
log. Every change goes through the domain's own service, as the API's does."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
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
from leadflow.knowledge.offerings import suggest_services
from leadflow.notifications import service as notifications
from leadflow.scoring import icp
from leadflow.scoring.schemas import Operator, ScoringSettingsIn
from leadflow.usage import service as usage
from leadflow.webhooks import service as webhooks
from leadflow.webhooks.schemas import EndpointCreate
from leadflow.workspaces import questions
from leadflow.workspaces import service as workspaces
from leadflow.workspaces.widget import WIDGET_LANGUAGES, widget_look

router = APIRouter(prefix="/settings")
ProviderSlug = Annotated[str, Path(max_length=40, pattern=r"^[a-z0-9_-]+$")]
OPERATORS = get_args(Operator)
TIME_ZONES = sorted(available_timezones())
DELIVERIES_SHOWN = 50
METRICS = ("llm_tokens", "cost", "sms", "whatsapp", "email")
PERIODS = ("day", "month")
MICROS_PER_DOLLAR = 1_000_000
NO_STORE = {"Cache-Control": "no-store"}


async def _form(request: Request) -> FormData:
    return await request.form()


FormDep = Annotated[FormData, Depends(_form)]


@router.get("")
def settings(
    request: Request, viewer: ViewerDep, session: SessionDep, suggested: bool = False
) -> Response:
    """``suggested``: the services suggested from the knowledge base fill the services field,
    for the person to edit before saving."""
    return _page(request, viewer, session, agent=_agent_form(session, viewer, suggested))


def _page(
    request: Request, viewer: Viewer, session: Session, status_code: int = 200, **shown: Any
) -> Response:
    """The settings page, with what a change just showed once (a new key) or refused."""
    workspace = viewer.workspace
    if "agent" not in shown:
        shown["agent"] = _agent_form(session, viewer, suggested=False)
    response = render(
        request, viewer, "settings/index.html", status_code=status_code,
        rules=icp.rules(session, workspace_id=workspace.id), operators=OPERATORS,
        value_as_text=value_as_text, tiers=icp.scoring_settings(workspace),
        days=working_days(workspace.settings or {}, workspace.default_region),
        time_zones=TIME_ZONES, providers=_providers(session, workspace.id),
        targets=notifications.targets(workspace), quotas=usage.list_quotas(session, workspace.id),
        metrics=METRICS, periods=PERIODS, vendors=list(VENDORS), dollars=_dollars,
        api_keys=workspaces.api_keys(session, workspace_id=workspace.id),
        endpoints=webhooks.list_endpoints(session, workspace_id=workspace.id),
        widget=widget_look(workspace), widget_languages=WIDGET_LANGUAGES, **shown,
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
            "value": "" if name in secrets else _shown(values.get(name, spec.get("default"))),
            "options": spec.get("enum") or [],
        }
        for name, spec in schema.get("properties", {}).items()
    ]  # fmt: skip
    return {
        "slug": vendor.slug, "title": vendor.title, "connected": connected, "fields": fields,
        "capabilities": vendor.capabilities,
    }  # fmt: skip


def _input_type(spec: dict[str, Any]) -> str:
    if spec.get("enum"):
        return "select"
    types = {spec.get("type")} | {part.get("type") for part in spec.get("anyOf", [])}
    return "number" if types & {"number", "integer"} else "text"


def _shown(value: object) -> str:
    return "" if value is None else str(value)


def _dollars(micros: int) -> str:
    return f"{Decimal(micros) / MICROS_PER_DOLLAR:,.2f}"


def _change(
    request: Request,
    viewer: Viewer,
    session: Session,
    change: Callable[[], Response],
    **typed: Any,
) -> Response:
    """Makes the change; a refusal is shown on the page, with nothing kept of it (but what
    ``typed`` gives back to the form)."""
    try:
        return change()
    except NotFound as error:
        session.rollback()
        return not_found(request, viewer, error.message)
    except LeadflowError as error:
        session.rollback()
        return _page(
            request, viewer, session, status_code=error.status, error=_words(error), **typed
        )
    except ValidationError as error:
        session.rollback()
        return _page(request, viewer, session, status_code=422, error=_invalid(error), **typed)


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


# The web chat's look


@router.post("/widget")
def change_widget(
    request: Request, viewer: ViewerDep, session: SessionDep, form: FormDep
) -> Response:
    def change() -> Response:
        workspaces.set_widget_look(
            session, workspace=viewer.workspace, colour=_text(form, "colour"),
            language=_text(form, "language"),
        )  # fmt: skip
        return redirect("/settings#widget", request)

    return _change(request, viewer, session, change)


# The agent's services and qualifying questions


def _agent_form(session: Session, viewer: Viewer, suggested: bool) -> dict[str, Any]:
    """The services (or, asked for, the suggested ones) and a row per slot: the asked ones in
    asking order, then the others."""
    workspace = viewer.workspace
    names = questions.services(workspace)
    suggestions = [] if names else suggest_services(session, workspace.id)
    asked = questions.qualifying_questions(workspace)
    rows = [{"slot": slot, "asked": True, **words} for slot, words in asked.items()]
    rows += [
        {"slot": slot, "asked": False, "en": "", "ar": ""} for slot in questions.SLOTS
        if slot not in asked
    ]  # fmt: skip
    filled = suggested and bool(suggestions)
    return {
        "services": "\n".join(suggestions if filled else names), "suggestions": suggestions,
        "filled": filled, "rows": rows,
    }  # fmt: skip


def _typed_questions(form: FormData) -> list[dict[str, Any]]:
    """The form's rows: each slot with its order, its words and whether it is asked."""
    rows = [
        {"slot": slot, "asked": bool(_text(form, f"ask_{slot}")),
         "order": _order(_text(form, f"order_{slot}"), i),
         "en": _text(form, f"en_{slot}"), "ar": _text(form, f"ar_{slot}")}
        for i, slot in enumerate(questions.SLOTS)
    ]  # fmt: skip
    return sorted(rows, key=lambda row: row["order"])


def _order(text: str, fallback: int) -> int:
    # an order left empty or mistyped keeps the slot's place among the others
    return int(text) if text.isdigit() and len(text) < 4 else len(questions.SLOTS) + fallback


@router.post("/agent")
def change_agent(
    request: Request, viewer: ViewerDep, session: SessionDep, form: FormDep
) -> Response:
    names = [line.strip() for line in _text(form, "services").splitlines() if line.strip()]
    rows = _typed_questions(form)

    def change() -> Response:
        asked = [{k: row[k] for k in ("slot", "en", "ar")} for row in rows if row["asked"]]
        workspaces.set_agent_settings(
            session, workspace=viewer.workspace, services=names, questions=asked
        )
        return redirect("/settings#agent", request)

    typed = {"services": "\n".join(names), "suggestions": [], "filled": False, "rows": rows}
    return _change(request, viewer, session, change, agent=typed)


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


# Alerts and usage limits


@router.post("/alerts")
def change_alerts(
    request: Request, viewer: ViewerDep, session: SessionDep, form: FormDep
) -> Response:
    def change() -> Response:
        emails = [part for part in re.split(r"[,;\s]+", _text(form, "emails")) if part]
        notifications.set_targets(
            session, viewer.workspace, emails=emails, sms_number=_text(form, "sms_number") or None
        )
        return redirect("/settings#alerts", request)

    return _change(request, viewer, session, change)


@router.post("/limits")
def set_limit(request: Request, viewer: ViewerDep, session: SessionDep, form: FormDep) -> Response:
    def change() -> Response:
        metric, period = _chosen(form, "metric", METRICS), _chosen(form, "period", PERIODS)
        alert = _text(form, "alert_percent")
        usage.set_quota(
            session, viewer.workspace.id, metric=metric, period=period,  # type: ignore[arg-type]
            limit=_limit(metric, _text(form, "limit")), provider=_provider_named(form),
            alert_percent=_whole(alert, "alert") if alert else None,
        )  # fmt: skip
        return redirect("/settings#limits", request)

    return _change(request, viewer, session, change)


@router.post("/limits/delete")
def lift_limit(request: Request, viewer: ViewerDep, session: SessionDep, form: FormDep) -> Response:
    def change() -> Response:
        usage.remove_quota(
            session, viewer.workspace.id, metric=_chosen(form, "metric", METRICS),
            period=_chosen(form, "period", PERIODS),  # type: ignore[arg-type]
            provider=_provider_named(form),
        )  # fmt: skip
        return redirect("/settings#limits", request)

    return _change(request, viewer, session, change)


def _chosen(form: FormData, name: str, choices: tuple[str, ...]) -> str:
    value = _text(form, name)
    if value not in choices:
        raise BadRequest(f"{name} is one of {', '.join(choices)}")
    return value


def _provider_named(form: FormData) -> str | None:
    provider = _text(form, "provider")
    if provider and provider not in VENDORS:
        raise BadRequest(f"no provider called {provider[:40]!r}")
    return provider or None


def _limit(metric: str, text: str) -> int:
    """The limit in the metric's units; a budget is written in dollars and kept in micros."""
    if metric != "cost":
        return _whole(text, "limit")
    try:
        dollars = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise BadRequest("a budget is an amount in dollars, like 25 or 12.50") from None
    if not dollars.is_finite() or not 0 <= dollars <= 10**12:
        raise BadRequest("a budget is an amount in dollars, like 25 or 12.50")
    return int(dollars * MICROS_PER_DOLLAR)


def _whole(text: str, what: str) -> int:
    if not text.isdigit() or len(text) > 15:
        raise BadRequest(f"the {what} is a whole number")
    return int(text)


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
