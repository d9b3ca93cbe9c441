"""Which account serves a workspace, for each capability: the workspace's own connection to a
vendor first (of several, the one changed last), then the platform's account at a vendor
(leadflow's settings), then the local default: the outbox for messages, no model at all (the
rules engine) for LLM work, the local parser for documents.

A workspace's connection never falls through to the platform's account: a business that
connected its own Twilio is answered from it, or not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy.orm import Session

from leadflow.config import get_settings
from leadflow.connections import service as connections
from leadflow.db import get_sessionmaker
from leadflow.integrations import vendors
from leadflow.integrations.llm.base import LLM, LLMFailed, Structured, T
from leadflow.integrations.messaging.base import Channel, DeliveryRefused, MessageSender
from leadflow.integrations.messaging.local import Outbox
from leadflow.integrations.parsing.base import DocumentParser
from leadflow.integrations.parsing.local import LocalParser
from leadflow.integrations.vendor import ProviderSettings, Vendor
from leadflow.providers.metering import METRIC, OUTBOX, Allowance, Metered
from leadflow.usage.service import check_quota

Source = Literal["workspace", "platform"]


@dataclass(frozen=True)
class Account:
    """An account at a vendor, and whose it is."""

    vendor: Vendor[Any]
    settings: ProviderSettings
    source: Source

    @property
    def name(self) -> str:
        """What a message records as the account that sent it: ``twilio:workspace``."""
        return f"{self.vendor.slug}:{self.source}"


def account_at(
    session: Session, workspace_id: int, slug: str, *, platform_only: bool = False
) -> Account | None:
    """The workspace's account at the vendor ``slug``, else the platform's; None without
    either. ``platform_only`` skips the workspace's own (a callback about a message the
    platform's account sent)."""
    vendor = connections.vendor_named(slug)
    if not platform_only:
        settings = connections.settings_of(session, workspace_id, slug)
        if settings is not None:
            return Account(vendor, settings, "workspace")
    platform = vendor.platform(get_settings())
    return None if platform is None else Account(vendor, platform, "platform")


def _first(
    session: Session,
    workspace_id: int,
    offering: Sequence[Vendor[Any]],
    usable: Callable[[Vendor[Any], ProviderSettings], bool] | None = None,
) -> Account | None:
    """The first account among ``offering``: the workspace's (the one changed last), else the
    platform's that is ``usable``."""
    connected = connections.connected_among(session, workspace_id, [v.slug for v in offering])
    if connected:
        slug, settings = connected[0]
        return Account(connections.vendor_named(slug), settings, "workspace")
    configured = get_settings()
    for vendor in offering:
        platform = vendor.platform(configured)
        if platform is not None and (usable is None or usable(vendor, platform)):
            return Account(vendor, platform, "platform")
    return None


def _reachable(account: Account) -> None:
    """A workspace's account may not point leadflow at a private network (SSRF)."""
    if account.source == "workspace":
        connections.refuse_private_address(account.vendor, account.settings, unresolvable_too=True)


# Messages


@dataclass(frozen=True)
class WayOut:
    """How a workspace's message on a channel leaves: the sender, and the account behind it
    (None for the outbox)."""

    sender: MessageSender
    account: Account | None

    @property
    def sent_via(self) -> str:
        return self.account.name if self.account else OUTBOX

    @property
    def provider(self) -> str:
        return self.account.vendor.slug if self.account else OUTBOX


def sender_for(session: Session, workspace_id: int, channel: Channel) -> WayOut:
    """The way out for the workspace's messages on ``channel``. The platform's account serves
    only a channel it names a sender for. DeliveryRefused when the workspace's own account
    cannot be used (its host is on a private network)."""
    account = _first(
        session, workspace_id, vendors.carrying(channel),
        usable=lambda vendor, settings: vendor.serves(settings, channel),
    )  # fmt: skip
    if account is None or account.vendor.sender is None:
        return WayOut(Outbox(), None)
    try:
        _reachable(account)
    except connections.AddressRefused as refused:
        raise DeliveryRefused(
            refused.message, provider=account.vendor.slug, reason="misconfigured"
        ) from refused
    return WayOut(account.vendor.sender(account.settings), account)


# LLMs


class _Unreachable:
    """The workspace's model, which may not be called: every call fails as refused, so the
    caller falls back to rules and says why."""

    def __init__(self, account: Account, reason: str) -> None:
        self.provider, self.model, self._reason = account.vendor.slug, "unreachable", reason

    def structured(self, **_request: Any) -> Structured[T]:
        raise LLMFailed(self._reason, provider=self.provider, model=self.model, reason="refused")


def llm_for(session: Session, workspace_id: int) -> Metered | None:
    """The workspace's model (its connection, else the platform's), asking the workspace's
    quotas and budgets before each call; None when there is none: rules decide."""
    account = _first(session, workspace_id, vendors.models())
    if account is None or account.vendor.llm is None:
        return None
    return _metered(account, workspace_id, account.vendor.llm)


def scorer_for(session: Session, workspace_id: int) -> Metered | None:
    """The workspace's external scorer, metered as a model is; None when it connected none."""
    account = _first(session, workspace_id, vendors.scorers())
    if account is None or account.vendor.scorer is None:
        return None
    return _metered(account, workspace_id, account.vendor.scorer)


def _metered(
    account: Account, workspace_id: int, build: Callable[[ProviderSettings], LLM]
) -> Metered:
    try:
        _reachable(account)
    except connections.AddressRefused as refused:
        return Metered(_Unreachable(account, refused.message))
    return Metered(build(account.settings), allowance=_allowance(workspace_id, account))


def _allowance(workspace_id: int, account: Account) -> Allowance:
    """Asks the workspace's quotas in a session of its own: the call happens outside any."""

    def allow(tokens: int, cost: int) -> None:
        with get_sessionmaker(writes=False)() as reader:
            check_quota(
                reader, workspace_id, metric=METRIC, quantity=tokens,
                provider=account.vendor.slug, cost_micros=cost,
            )  # fmt: skip

    return allow


# Documents


def parser_for(session: Session, workspace_id: int) -> DocumentParser:
    """The workspace's document parser (LlamaParse with the local one as its fallback, when
    connected or set for the platform), else the local parser."""
    account = _first(session, workspace_id, vendors.parsers())
    if account is None or account.vendor.parser is None:
        return LocalParser.from_settings(get_settings())
    return account.vendor.parser(account.settings)
