"""A workspace's provider accounts: validated by the vendor's schema, sealed at rest. Which
vendors there are, and what their settings are, is the integrations' registry's to say."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Sequence
from typing import Any

import structlog
from pydantic import SecretStr, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from leadflow.config import get_settings
from leadflow.exceptions import LeadflowError, NotFound, UnprocessableInput
from leadflow.integrations.vendor import ProviderSettings, Vendor
from leadflow.integrations.vendors import VENDORS
from leadflow.kit import fetch, ssrf
from leadflow.kit.crypto import Unsealable, reseal, seal, unseal
from leadflow.models import ProviderConnection

log = structlog.get_logger()
# Called when a connection changes here: whoever remembers settings forgets them at once.
on_change: list[Callable[[], None]] = []


def vendor_named(slug: str) -> Vendor[Any]:
    vendor = VENDORS.get(slug)
    if vendor is None:
        raise NotFound(f"no provider called {slug!r}; known: {', '.join(sorted(VENDORS))}")
    return vendor


def connect(
    session: Session, *, workspace_id: int, provider: str, settings: dict[str, Any]
) -> ProviderConnection:
    """Saves (or replaces) the workspace's settings for ``provider``."""
    vendor = vendor_named(provider)
    try:
        validated = vendor.settings.model_validate(settings)
    except ValidationError as error:
        raise UnprocessableInput(
            f"these {vendor.title} settings are not valid",
            errors={".".join(map(str, e["loc"])) or "settings": e["msg"] for e in error.errors()},
        ) from error
    refuse_private_address(vendor, validated, unresolvable_too=False)
    sealed = seal(json.dumps(_plain(validated)))
    connection = _find(session, workspace_id, provider)
    if connection is None:
        connection = ProviderConnection(workspace_id=workspace_id, provider=provider)
        session.add(connection)
    connection.sealed_config, connection.enabled = sealed, True
    session.flush()
    _changed()
    return connection


def connect_keeping_secrets(
    session: Session, *, workspace_id: int, provider: str, settings: dict[str, Any]
) -> ProviderConnection:
    """Like ``connect``, but a secret left empty keeps the one already saved: a form never
    shows a secret back, so an empty field means "unchanged"."""
    vendor = vendor_named(provider)
    kept = _stored(session, workspace_id, provider)
    merged = dict(settings)
    for name in secret_fields(vendor):
        if not merged.get(name) and name in kept:
            merged[name] = kept[name]
    return connect(session, workspace_id=workspace_id, provider=provider, settings=merged)


def secret_fields(vendor: Vendor[Any]) -> frozenset[str]:
    """The settings that are secrets: written, never read back."""
    fields = vendor.settings.model_fields
    return frozenset(name for name, field in fields.items() if field.annotation is SecretStr)


class AddressRefused(UnprocessableInput):
    """A workspace's settings point leadflow at a private or reserved address (SSRF)."""

    title = "Address refused"


def refuse_private_address(
    vendor: Vendor[Any], settings: ProviderSettings, *, unresolvable_too: bool
) -> None:
    """Refuses settings whose host is on a private network, unless the platform allows it.
    A host that cannot be resolved yet is refused only when ``unresolvable_too``."""
    address = vendor.address(settings)
    if address is None or get_settings().allow_private_provider_hosts:
        return
    try:
        ssrf.check_host(*address, resolver=fetch.resolver)
    except ssrf.UnresolvableHost as unresolvable:
        if unresolvable_too:
            raise AddressRefused(f"{vendor.title}: {unresolvable}") from None
    except ssrf.RefusedUrl as refused:
        raise AddressRefused(
            f"{vendor.title}: {refused}; a workspace's provider must be on the public internet"
        ) from None


def public_settings(session: Session, workspace_id: int, provider: str) -> dict[str, Any]:
    """The saved settings that are not secrets, to fill a form with."""
    hidden = secret_fields(vendor_named(provider))
    stored = _stored(session, workspace_id, provider)
    return {name: value for name, value in stored.items() if name not in hidden}


def saved_secrets(session: Session, workspace_id: int, provider: str) -> frozenset[str]:
    """Which secrets have a value saved (never the values)."""
    stored = _stored(session, workspace_id, provider)
    return frozenset(n for n in secret_fields(vendor_named(provider)) if stored.get(n))


class ConnectionUnreadable(LeadflowError):
    """The connection's settings were sealed under a secret key leadflow no longer has: the
    operator restores that key (LEADFLOW_PREVIOUS_SECRET_KEYS) or the settings are entered
    again. Nothing the caller sent is at fault, so it is not a 4xx; nor is it a crash."""

    status = 503
    title = "Connection unreadable"


def _opened(connection: ProviderConnection) -> dict[str, Any]:
    try:
        stored = json.loads(unseal(connection.sealed_config))
    except Unsealable:
        log.error("connection.unsealable", workspace_id=connection.workspace_id,
                  provider=connection.provider)  # fmt: skip
        raise ConnectionUnreadable(
            f"the {connection.provider} settings of this workspace were sealed under a secret "
            "key leadflow no longer has: enter them again, or restore the old key"
        ) from None
    return stored if isinstance(stored, dict) else {}


def _stored(session: Session, workspace_id: int, provider: str) -> dict[str, Any]:
    connection = _find(session, workspace_id, provider)
    return {} if connection is None else _opened(connection)


def reseal_all(session: Session, *, batch: int = 500) -> tuple[int, int]:
    """Seals every workspace's settings under the current secret key; (resealed, unreadable).
    Settings no known key opens are left as they are, and logged."""
    resealed = unreadable = 0
    for connection in session.scalars(select(ProviderConnection).execution_options(
            yield_per=batch)):  # fmt: skip
        try:
            connection.sealed_config = reseal(connection.sealed_config)
            resealed += 1
        except Unsealable:
            unreadable += 1
            log.error("connection.unsealable", workspace_id=connection.workspace_id,
                      provider=connection.provider)  # fmt: skip
    session.flush()
    return resealed, unreadable


def _changed() -> None:
    for forget in on_change:
        forget()


def _plain(settings: ProviderSettings) -> dict[str, Any]:
    return {
        name: value.get_secret_value() if hasattr(value, "get_secret_value") else value
        for name, value in settings
    }


def disconnect(session: Session, *, workspace_id: int, provider: str) -> None:
    connection = _find(session, workspace_id, provider)
    if connection is None:
        raise NotFound(f"this workspace has no {provider} connection")
    session.delete(connection)
    _changed()


def connections(session: Session, workspace_id: int) -> Sequence[ProviderConnection]:
    return session.scalars(
        select(ProviderConnection)
        .where(ProviderConnection.workspace_id == workspace_id)
        .order_by(ProviderConnection.provider)
    ).all()


def settings_of(session: Session, workspace_id: int, provider: str) -> ProviderSettings | None:
    """The workspace's settings for ``provider``, unsealed; None when it has not connected it."""
    connection = _find(session, workspace_id, provider)
    if connection is None or not connection.enabled:
        return None
    return vendor_named(provider).settings.model_validate(_opened(connection))


def connected_among(
    session: Session, workspace_id: int, providers: Collection[str]
) -> list[tuple[str, ProviderSettings]]:
    """The workspace's enabled connections to any of ``providers``, unsealed, the one changed
    last first."""
    rows = session.scalars(
        select(ProviderConnection)
        .where(
            ProviderConnection.workspace_id == workspace_id,
            ProviderConnection.provider.in_(list(providers)),
            ProviderConnection.enabled.is_(True),
        )
        .order_by(ProviderConnection.updated_at.desc(), ProviderConnection.id.desc())
    ).all()
    return [
        (row.provider, vendor_named(row.provider).settings.model_validate(_opened(row)))
        for row in rows
    ]


def is_connected(session: Session, workspace_id: int, provider: str) -> bool:
    connection = _find(session, workspace_id, provider)
    return connection is not None and connection.enabled


def _find(session: Session, workspace_id: int, provider: str) -> ProviderConnection | None:
    return session.scalars(
        select(ProviderConnection).where(
            ProviderConnection.workspace_id == workspace_id,
            ProviderConnection.provider == provider,
        )
    ).first()
