"""A vendor, registered once (:mod:`leadflow.integrations.vendors`): its slug and title, the
settings an account there needs (a pydantic schema: the dashboard draws it as a form and the
API publishes it), how to read the platform's own account from leadflow's settings, how it
signs and what it means by its callbacks, and which of our interfaces it implements.

Nothing here knows about workspaces: choosing an account (the workspace's connection, then the
platform's, then the local default) is the caller's business.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from leadflow.config import Settings
from leadflow.integrations.inbound import Delivery
from leadflow.integrations.llm.base import LLM
from leadflow.integrations.messaging.base import (
    Channel,
    InboundMessage,
    MessageSender,
    StatusUpdate,
)
from leadflow.integrations.parsing.base import DocumentParser


class ProviderSettings(BaseModel):
    """An account's settings at a vendor. A field typed ``SecretStr`` is a secret: written,
    sealed at rest, never shown again."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


S = TypeVar("S", bound=ProviderSettings)


class PlatformMisconfigured(ValueError):
    """The platform's account at a vendor is set in its settings only in part."""


Callback = InboundMessage | StatusUpdate
# (the delivery, the settings of the account that should have signed it, now) -> event id
Verifier = Callable[[Delivery, S, float], str]
InboundParser = Callable[[Delivery], Sequence[Callback]]
# (host, port) a workspace's settings make leadflow connect to, for the SSRF guard
Address = tuple[str, int]


def _no_account(_settings: Settings) -> None:
    return None


def _no_address(_settings: Any) -> None:
    return None


def _every_channel(_settings: Any, _channel: Channel) -> bool:
    return True


@dataclass(frozen=True)
class Vendor(Generic[S]):
    """One vendor: what an account there is, and what leadflow does with one.

    ``platform`` reads the platform's account from leadflow's settings (None when it has none;
    PlatformMisconfigured when it is set in part). ``sender`` builds the way out for the
    ``channels`` it carries (``serves`` says whether an account can send on a channel without
    being told its sender); ``llm`` a model; ``scorer`` an external scorer behind the LLM
    interface; ``parser`` a document parser. ``verify`` checks a callback's signature and names
    its event id; ``parse`` reads it into our types (nothing it does not understand).
    ``address`` is where a workspace's settings point leadflow (a host it does not choose).
    """

    slug: str
    title: str
    settings: type[S]
    platform: Callable[[Settings], S | None] = _no_account
    verify: Verifier[S] | None = None
    parse: InboundParser | None = None
    channels: frozenset[Channel] = frozenset()
    sender: Callable[[S], MessageSender] | None = None
    serves: Callable[[S, Channel], bool] = _every_channel
    llm: Callable[[S], LLM] | None = None
    scorer: Callable[[S], LLM] | None = None
    parser: Callable[[S], DocumentParser] | None = None
    address: Callable[[S], Address | None] = _no_address

    @property
    def capabilities(self) -> tuple[str, ...]:
        """What a connection to this vendor is for, in words the API shows."""
        offered: list[str] = [*sorted(self.channels)] if self.sender else []
        for name, implementation in (
            ("llm", self.llm), ("scoring", self.scorer), ("parsing", self.parser),
            ("inbound", self.verify),
        ):  # fmt: skip
            if implementation is not None:
                offered.append(name)
        return tuple(offered)
