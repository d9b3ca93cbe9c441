"""One attempt at a delivery: the SSRF guard, a signed POST to the checked address, what came back.

No database here: the delivery job reads what to send, calls ``send`` outside any
transaction, then records the result.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC

import httpx

from leadflow import __version__
from leadflow.config import get_settings
from leadflow.kit import ssrf
from leadflow.kit.fetch import pinned_client
from leadflow.models import Event
from leadflow.webhooks import signing

USER_AGENT = f"leadflow-webhooks/{__version__}"
TIMEOUT_SECONDS = 10.0
EXCERPT_BYTES = 1024
MAX_ERROR = 500
# Where host names are looked up: tests put a fake DNS here.
resolver: ssrf.Resolver = ssrf.system_resolver


@dataclass(frozen=True)
class Message:
    delivery_id: int
    url: str
    secret: str | None  # None when it cannot be unsealed: the attempt fails and says why
    body: bytes

    @property
    def id(self) -> str:
        return signing.message_id(self.delivery_id)


@dataclass(frozen=True)
class AttemptResult:
    status_code: int | None = None
    error: str | None = None
    excerpt: str | None = None
    duration_ms: int = 0

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    @property
    def gone(self) -> bool:
        return self.status_code == 410


def body_of(event: Event) -> bytes:
    """The JSON our customers receive for an event; the same bytes on every retry."""
    data = dict(event.data)
    if event.lead_id is not None:
        data["lead_id"] = event.lead_id
    occurred = event.occurred_at.astimezone(UTC).isoformat().replace("+00:00", "Z")
    payload = {"type": event.type, "timestamp": occurred, "data": data}
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def check_target(url: str) -> ssrf.Target:
    allow_private = get_settings().allow_private_webhook_targets
    return ssrf.check_url(url, resolver=resolver, allow_private=allow_private)


def build_client() -> httpx.Client:
    return pinned_client(TIMEOUT_SECONDS)


def send(message: Message) -> AttemptResult:
    """POSTs the message, signed, to the address its URL was checked to lead to."""
    if message.secret is None:
        return AttemptResult(error="the signing secret cannot be unsealed: rotate it")
    started = time.perf_counter()
    try:
        target = check_target(message.url)
        with build_client() as client:
            status, excerpt, location = _post(client, target, message)
    except ssrf.RefusedUrl as error:
        return _failed(f"refused: {error}", started)
    except httpx.TimeoutException:
        return _failed(f"no answer within {TIMEOUT_SECONDS:g} s", started)
    except httpx.HTTPError as error:
        return _failed(f"could not connect: {type(error).__name__}: {error}", started)
    refusal = _status_error(status, location)
    return AttemptResult(status, refusal and refusal[:MAX_ERROR], excerpt, _elapsed_ms(started))


def _post(
    client: httpx.Client, target: ssrf.Target, message: Message
) -> tuple[int, str, str | None]:
    assert message.secret is not None
    headers = {
        **signing.signed_headers(
            message.secret, message_id=message.id, timestamp=int(time.time()), body=message.body
        ),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "host": target.host_header,
    }
    with client.stream(
        "POST",
        target.pinned_url,
        content=message.body,
        headers=headers,
        extensions={"sni_hostname": target.host},
    ) as response:
        return response.status_code, _excerpt(response), response.headers.get("location")


def _excerpt(response: httpx.Response) -> str:
    """The start of the answer, for the delivery log; the rest is never read."""
    read = b""
    for chunk in response.iter_bytes():
        read += chunk
        if len(read) >= EXCERPT_BYTES:
            break
    return read[:EXCERPT_BYTES].decode("utf-8", errors="ignore").replace("\x00", "")


def _status_error(status: int, location: str | None) -> str | None:
    if 200 <= status < 300:
        return None
    if 300 <= status < 400:
        return (
            f"answered {status} (to {location}): redirects are not followed; "
            "give the endpoint its final URL"
        ).replace("\x00", "")
    return f"answered {status}"


def _failed(error: str, started: float) -> AttemptResult:
    return AttemptResult(
        error=error.replace("\x00", "")[:MAX_ERROR], duration_ms=_elapsed_ms(started)
    )


def _elapsed_ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
