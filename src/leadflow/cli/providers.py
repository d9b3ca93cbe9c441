"""``leadflow connections``, ``leadflow quotas`` and ``leadflow alerts``: a workspace's own
provider accounts, its usage limits and budgets, and where its alerts go, as the API and the
dashboard set them."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, cast

import typer

from leadflow.cli.common import WorkspaceOption, errors
from leadflow.connections import service as connections
from leadflow.db import unit_of_work
from leadflow.exceptions import BadRequest
from leadflow.integrations.vendors import VENDORS
from leadflow.notifications import service as notifications
from leadflow.usage import service as usage
from leadflow.usage.schemas import Period
from leadflow.workspaces.service import get_workspace

connections_app = typer.Typer(help="A workspace's own provider accounts.", no_args_is_help=True)
quotas_app = typer.Typer(help="A workspace's usage limits and budgets.", no_args_is_help=True)
alerts_app = typer.Typer(help="Where a workspace's alerts go.", no_args_is_help=True)
MICROS_PER_DOLLAR = 1_000_000
PeriodOption = Annotated[str, typer.Option(help="day or month")]
ProviderOption = Annotated[
    str | None, typer.Option(help="one provider's use only (twilio, smtp...); absent: all")
]


@connections_app.command("list")
def connections_list(workspace: WorkspaceOption) -> None:
    """Every provider, what it is for, and whether the workspace connected it."""
    with errors(), unit_of_work() as session:
        found = get_workspace(session, workspace)
        connected = {c.provider for c in connections.connections(session, found.id)}
    for vendor in VENDORS.values():
        mark = "connected" if vendor.slug in connected else "-"
        typer.echo(f"{vendor.slug:18} {mark:10} {', '.join(vendor.capabilities):20} {vendor.title}")


@connections_app.command("set")
def connections_set(
    workspace: WorkspaceOption,
    provider: Annotated[str, typer.Argument(help="twilio, smtp, openai_compatible...")],
    settings: Annotated[
        list[str] | None,
        typer.Argument(help="name=value pairs; a secret given as name=- is asked for, unseen"),
    ] = None,
) -> None:
    """Connect the workspace's account at a provider (a secret left out keeps the saved one)."""
    with errors(), unit_of_work() as session:
        found = get_workspace(session, workspace)
        given = dict(_pair(item) for item in settings or [])
        connections.connect_keeping_secrets(
            session, workspace_id=found.id, provider=provider, settings=given
        )
        shown = connections.public_settings(session, found.id, provider)
    typer.echo(f"{provider} connected for {workspace}: {json.dumps(shown, ensure_ascii=False)}")


def _pair(item: str) -> tuple[str, Any]:
    name, equals, value = item.partition("=")
    if not equals or not name:
        raise BadRequest(f"expected name=value, not {item[:40]!r}")
    if value == "-":
        value = typer.prompt(name, hide_input=True)
    return name, value


@connections_app.command("remove")
def connections_remove(
    workspace: WorkspaceOption, provider: Annotated[str, typer.Argument()]
) -> None:
    """Forget the workspace's settings for a provider."""
    with errors(), unit_of_work() as session:
        connections.disconnect(
            session, workspace_id=get_workspace(session, workspace).id, provider=provider
        )
    typer.echo(f"{provider} disconnected from {workspace}")


@quotas_app.command("list")
def quotas_list(workspace: WorkspaceOption) -> None:
    """The workspace's limits, with what is used of each this period."""
    with errors(), unit_of_work() as session:
        quotas = usage.list_quotas(session, get_workspace(session, workspace).id)
    for quota in quotas:
        used, limit = (_shown(quota.metric, n) for n in (quota.used, quota.limit))
        alert = f"alert at {quota.alert_percent}%" if quota.alert_percent else "no alert"
        on = quota.provider or "every provider"
        typer.echo(f"{quota.metric} per {quota.period} on {on}: {used} of {limit} ({alert})")


@quotas_app.command("set")
def quotas_set(
    workspace: WorkspaceOption,
    metric: Annotated[str, typer.Argument(help="llm_tokens, sms, whatsapp, email, or cost")],
    limit: Annotated[str, typer.Option(help="units; for cost, US dollars (12.50)")],
    period: PeriodOption = "month",
    provider: ProviderOption = None,
    alert: Annotated[
        int | None, typer.Option(min=1, max=100, help="alert once a period past this %")
    ] = 80,
    no_alert: Annotated[bool, typer.Option("--no-alert", help="never alert on it")] = False,
) -> None:
    """Set the most of a metric (or of spending) the workspace may use per day or month."""
    with errors(), unit_of_work() as session:
        quota = usage.set_quota(
            session, get_workspace(session, workspace).id, metric=metric,
            period=_period(period), limit=_limit(metric, limit), provider=provider,
            alert_percent=None if no_alert else alert,
        )  # fmt: skip
    typer.echo(f"{metric} per {quota.period}: at most {_shown(metric, quota.limit)}")


@quotas_app.command("lift")
def quotas_lift(
    workspace: WorkspaceOption,
    metric: Annotated[str, typer.Argument()],
    period: Annotated[str | None, typer.Option(help="day or month; absent: both")] = None,
    provider: ProviderOption = None,
) -> None:
    """Lift a limit."""
    with errors(), unit_of_work() as session:
        usage.remove_quota(
            session, get_workspace(session, workspace).id, metric=metric,
            period=_period(period) if period else None, provider=provider,
        )  # fmt: skip
    typer.echo(f"the limit on {metric} is lifted")


def _period(text: str) -> Period:
    if text not in ("day", "month"):
        raise BadRequest("the period is day or month")
    return cast(Period, text)


def _limit(metric: str, text: str) -> int:
    try:
        amount = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise BadRequest(f"the limit is a number, not {text[:20]!r}") from None
    scaled = amount * MICROS_PER_DOLLAR if metric == "cost" else amount
    if not amount.is_finite() or amount < 0 or scaled != int(scaled) or scaled > 2**62:
        raise BadRequest("the limit is a whole number of units (a budget: dollars and cents)")
    return int(scaled)


def _shown(metric: str, amount: int) -> str:
    return f"${Decimal(amount) / MICROS_PER_DOLLAR:,.2f}" if metric == "cost" else f"{amount:,}"


@alerts_app.command("show")
def alerts_show(workspace: WorkspaceOption) -> None:
    """Where the workspace's alerts go."""
    with errors(), unit_of_work() as session:
        targets = notifications.targets(get_workspace(session, workspace))
    typer.echo(f"email: {', '.join(targets.emails) or 'the owner'}")
    typer.echo(f"sms: {targets.sms_number or 'none'}")


@alerts_app.command("set")
def alerts_set(
    workspace: WorkspaceOption,
    email: Annotated[
        list[str] | None, typer.Option(help="an address alerts go to (repeat for more)")
    ] = None,
    sms: Annotated[str | None, typer.Option(help="the number alerts are texted to")] = None,
) -> None:
    """Set where alerts go: no --email means the owner's address, no --sms no texts."""
    with errors(), unit_of_work() as session:
        targets = notifications.set_targets(
            session, get_workspace(session, workspace), emails=email or [], sms_number=sms
        )
    typer.echo(f"alerts: {', '.join(targets.emails) or 'the owner'}; sms {targets.sms_number}")
