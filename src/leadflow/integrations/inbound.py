"""A provider's callback as it arrived, and what every vendor's signature check shares: the raw
request, a constant-time compare, a timestamp window, and the one error for a bad signature.

Each vendor verifies its own scheme in its own package (``integrations/<vendor>/``); the inbox
hands it a :class:`Delivery` and the settings of the account that should have signed it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from leadflow.exceptions import LeadflowError

TOLERANCE_SECONDS = 300
# The query parameter a callback URL carries when the platform's account (not the workspace's
# own) sent the message the callback is about: its signature is checked against that account.
ACCOUNT_PARAMETER = "account"
PLATFORM_ACCOUNT = "platform"


class SignatureRejected(LeadflowError):
    status = 401
    title = "Signature rejected"


@dataclass(frozen=True)
class Delivery:
    """A provider's request as it arrived: what its signature covers."""

    method: str
    url: str  # the URL the provider called, as it called it
    headers: Mapping[str, str]  # lower-case names
    body: bytes
    content_type: str

    def form(self) -> dict[str, str]:
        """The body as a form (``application/x-www-form-urlencoded``)."""
        pairs = parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True)
        return dict(pairs)

    def query(self) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(self.url).query, keep_blank_values=True))


def equal(expected: bytes | str, given: str) -> bool:
    expected_text = expected.decode() if isinstance(expected, bytes) else expected
    return hmac.compare_digest(expected_text.encode(), given.encode())


def header(delivery: Delivery, name: str) -> str:
    value = delivery.headers.get(name, "").strip()
    if not value:
        raise SignatureRejected(f"the {name} header is missing")
    return value


def fresh(timestamp_seconds: float, now: float) -> None:
    if abs(now - timestamp_seconds) > TOLERANCE_SECONDS:
        raise SignatureRejected("the signature's timestamp is outside the 5-minute window")


def number(text: str, what: str) -> int:
    if not text.isdigit() or len(text) > 16:
        raise SignatureRejected(f"the {what} is not a number")
    return int(text)


def body_digest(body: bytes) -> str:
    """An event id for a delivery that names none: the body's hash."""
    return "sha256:" + hashlib.sha256(body).hexdigest()
