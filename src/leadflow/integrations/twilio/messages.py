"""SMS and WhatsApp through Twilio's Programmable Messaging API.

``POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json``, form-encoded, HTTP Basic auth
with the Account SID and Auth Token or an API key's SID and secret. WhatsApp addresses are the
E.164 number prefixed ``whatsapp:``. ``From`` is the sender and ``MessagingServiceSid`` the
Messaging Service; Twilio takes either or both. A template goes as ``ContentSid`` (and
``ContentVariables``, a JSON object) without ``Body``: since 2025-04-01 a WhatsApp template sent
as a Body outside the 24-hour window fails with 63016.

Twilio's Messages API takes no idempotency key, so the caller's is not sent. Refusals carry a
Twilio error code; the codes leadflow acts on are mapped to a :data:`RefusalReason` (Twilio
warns that codes get refined over time, so anything else is a plain ``rejected``).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import structlog

from leadflow.integrations.errors import ProviderRefused
from leadflow.integrations.http import ProviderClient, Sleep
from leadflow.integrations.messaging.base import (
    DeliveryRefused,
    Handed,
    Outgoing,
    RefusalReason,
    StatusCallbackInvalid,
    StatusUpdate,
    require_phone_number,
)
from leadflow.integrations.policy import ProviderPolicy
from leadflow.integrations.twilio.settings import TwilioSettings

log = structlog.get_logger()

TWILIO_URL = "https://api.twilio.com"
PROVIDER = "twilio"

# A message's life at Twilio (the Message resource's documented statuses).
STATUSES = frozenset(
    {
        "queued", "sending", "sent", "delivered", "undelivered", "failed", "read",
        "accepted", "scheduled", "canceled", "partially_delivered", "receiving", "received",
    }
)  # fmt: skip
FAILED_STATUSES = frozenset({"undelivered", "failed"})

# Twilio error codes that decide what leadflow does next, with what the user is shown.
REFUSALS: dict[str, tuple[RefusalReason, str]] = {
    "21610": (
        "opted_out",
        "the recipient has opted out of messages from this sender (they replied STOP); "
        "they can opt back in by replying START",
    ),
    "21211": ("invalid_recipient", "the recipient's number is not a valid phone number"),
    "21614": (
        "invalid_recipient",
        "the recipient's number is not a mobile number, so it cannot receive text messages",
    ),
    "21612": ("invalid_recipient", "Twilio cannot deliver to this number from this sender"),
    "30005": ("invalid_recipient", "the recipient's number is unknown or no longer in service"),
    "30006": (
        "invalid_recipient",
        "the recipient's number is a landline or its carrier cannot be reached",
    ),
    "63024": ("invalid_recipient", "the recipient's number cannot receive WhatsApp messages"),
    "63016": (
        "template_required",
        "WhatsApp allows a free-form message only within 24 hours of the lead's last message; "
        "outside that window, only an approved template can be sent",
    ),
    "20003": (
        "misconfigured",
        "Twilio did not accept the credentials: check the account SID and the auth token "
        "or API key",
    ),
    "20404": ("misconfigured", "Twilio does not know this account: check the account SID"),
    "21606": (
        "misconfigured",
        "the sender is not an SMS-capable Twilio number of this account",
    ),
    "21408": (
        "misconfigured",
        "this Twilio account may not send to the recipient's country (geographic permissions)",
    ),
    "21617": ("rejected", "the message is longer than Twilio's limit of 1,600 characters"),
    "30007": ("rejected", "the carrier filtered the message as unwanted"),
}

_SID = re.compile(r"[A-Z]{2}[0-9a-fA-F]{32}")
_ERROR_CODE = re.compile(r"[0-9]{1,10}")
_CODE_IN_TEXT = re.compile(r'"code"\s*:\s*"?([0-9]{1,10})')
_MESSAGE_IN_TEXT = re.compile(r'"message"\s*:\s*"([^"\\]*)')
_VENDOR_MESSAGE_CHARS = 200


class Twilio:
    """Sends SMS and WhatsApp messages from one Twilio account.

    ``sms_from`` and ``whatsapp_from`` are the default senders (E.164, or an alphanumeric
    sender ID for SMS); ``messaging_service_sid`` a Messaging Service used with or instead of
    them. Credentials are the ``auth_token``, or an ``api_key`` (its SID and secret).
    """

    name = PROVIDER

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str = "",
        api_key: tuple[str, str] | None = None,
        sms_from: str = "",
        whatsapp_from: str = "",
        messaging_service_sid: str = "",
        base_url: str = TWILIO_URL,
        policy: ProviderPolicy | None = None,
        sleep: Sleep | None = None,
    ) -> None:
        username, password = api_key or (account_sid, auth_token)
        if not (account_sid and username and password):
            raise ValueError("Twilio needs an account SID and an auth token or API key")
        self.account_sid = account_sid
        self.senders = {"sms": sms_from, "whatsapp": whatsapp_from.removeprefix("whatsapp:")}
        self.messaging_service_sid = messaging_service_sid
        credentials = base64.b64encode(f"{username}:{password}".encode()).decode()
        self._client = ProviderClient(
            PROVIDER,
            base_url=base_url or TWILIO_URL,
            headers={"Authorization": f"Basic {credentials}", "Accept": "application/json"},
            policy=policy,
            sleep=sleep,
            account=account_sid,
        )

    @classmethod
    def from_settings(cls, settings: TwilioSettings) -> Twilio:
        """The account's sender: its API key when it has one, else its auth token."""
        key_sid, key_secret = settings.api_key_sid, settings.api_key_secret.get_secret_value()
        return cls(
            account_sid=settings.account_sid,
            auth_token=settings.auth_token.get_secret_value(),
            api_key=(key_sid, key_secret) if key_sid and key_secret else None,
            sms_from=settings.sms_from,
            whatsapp_from=settings.whatsapp_from,
            messaging_service_sid=settings.messaging_service_sid,
        )

    def send(self, message: Outgoing) -> Handed:
        form = self.form(message)
        path = f"2010-04-01/Accounts/{self.account_sid}/Messages.json"
        try:
            response = self._client.request_sync("POST", path, data=form)
        except ProviderRefused as error:
            raise refusal(error) from error
        handed = handed_from(response)
        log.info(
            "message.handed",
            provider=PROVIDER,
            channel=message.channel,
            idempotency_key=message.idempotency_key,
            provider_message_id=handed.provider_message_id,
            status=handed.status,
        )
        return handed

    def form(self, message: Outgoing) -> dict[str, str]:
        """The request's form fields for ``message``."""
        if message.channel == "email":
            raise ValueError("Twilio sends SMS and WhatsApp messages, not email")
        to = require_phone_number(message.to, provider=PROVIDER)
        form = {"To": _address(message.channel, to), **self._sender(message)}
        if message.template:
            form["ContentSid"] = message.template
            if message.template_variables:
                form["ContentVariables"] = json.dumps(
                    message.template_variables, ensure_ascii=False
                )
        else:
            form["Body"] = message.body
        if message.status_callback:
            form["StatusCallback"] = message.status_callback
        return form

    def _sender(self, message: Outgoing) -> dict[str, str]:
        sender = (message.sender or self.senders[message.channel]).removeprefix("whatsapp:")
        fields = {"From": _address(message.channel, sender)} if sender else {}
        if self.messaging_service_sid:
            fields["MessagingServiceSid"] = self.messaging_service_sid
        if not fields:
            raise DeliveryRefused(
                f"no Twilio sender is configured for {message.channel}",
                provider=PROVIDER,
                reason="misconfigured",
            )
        return fields


def _address(channel: str, number: str) -> str:
    return f"whatsapp:{number}" if channel == "whatsapp" else number


# --- What Twilio answers -------------------------------------------------------------------


def handed_from(response: httpx.Response) -> Handed:
    """The Message resource Twilio answered, read defensively: it took the message, so an
    unreadable answer is logged and handed back without an id rather than sent again."""
    try:
        answer: Any = response.json()
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        log.warning("twilio.unreadable_answer", http_status=response.status_code)
        return Handed(provider=PROVIDER, provider_message_id=None, status="queued")
    sid = answer.get("sid")
    status = answer.get("status")
    return Handed(
        provider=PROVIDER,
        provider_message_id=sid if isinstance(sid, str) and _SID.fullmatch(sid) else None,
        status=status if status in STATUSES else "queued",
        sent_at=_timestamp(answer.get("date_sent")) or _timestamp(answer.get("date_created")),
    )


def _timestamp(value: Any) -> datetime | None:
    """An RFC 2822 date as Twilio writes them (``Fri, 13 Aug 2010 01:16:24 +0000``)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def refusal(error: ProviderRefused) -> DeliveryRefused:
    """Twilio's error answer (``{"code": 21610, "message": ..., "more_info": ...}``) as a
    DeliveryRefused with leadflow's reason and words for the codes it knows."""
    code, vendor_message = _error_body(error.provider_detail)
    reason, explanation = REFUSALS.get(code or "", ("rejected", ""))
    if not explanation:
        said = f": {vendor_message}" if vendor_message else ""
        explanation = f"Twilio refused the message (error {code or error.provider_status}){said}"
    return DeliveryRefused(
        explanation,
        provider=PROVIDER,
        reason=reason,
        provider_code=code,
        provider_status=error.provider_status,
        provider_detail=error.provider_detail,
    )


def _error_body(detail: str) -> tuple[str | None, str]:
    try:
        body = json.loads(detail)
    except ValueError:
        body = None
    if isinstance(body, dict):
        code = body.get("code")
        message = body.get("message")
        code_text = str(code) if isinstance(code, int | str) else ""
        return (
            code_text if _ERROR_CODE.fullmatch(code_text) else None,
            message[:_VENDOR_MESSAGE_CHARS] if isinstance(message, str) else "",
        )
    # The detail is cut to a few hundred characters: what is left of the JSON, read by pattern.
    code_found = _CODE_IN_TEXT.search(detail)
    message_found = _MESSAGE_IN_TEXT.search(detail)
    return (
        code_found.group(1) if code_found else None,
        message_found.group(1)[:_VENDOR_MESSAGE_CHARS] if message_found else "",
    )


# --- Status callbacks ----------------------------------------------------------------------


def parse_status_callback(form: Mapping[str, str]) -> StatusUpdate:
    """A status callback's form (``MessageSid``, ``MessageStatus``, ``ErrorCode``) as a
    StatusUpdate; StatusCallbackInvalid when it is not one. The request's signature is
    verified before this, by the webhook inbox."""
    sid = form.get("MessageSid") or form.get("SmsSid") or ""
    if not _SID.fullmatch(sid):
        raise StatusCallbackInvalid("the status callback has no valid MessageSid")
    status = form.get("MessageStatus") or form.get("SmsStatus") or ""
    if status not in STATUSES:
        raise StatusCallbackInvalid(f"the status callback has an unknown status {status[:40]!r}")
    code = form.get("ErrorCode") or None
    if code is not None and not _ERROR_CODE.fullmatch(code):
        raise StatusCallbackInvalid(
            f"the status callback has an unreadable ErrorCode {code[:40]!r}"
        )
    if status not in FAILED_STATUSES:
        return StatusUpdate(provider_message_id=sid, status=status, error_code=code)
    reason, explanation = REFUSALS.get(code or "", (None, ""))
    if not explanation:
        explanation = "Twilio could not deliver the message" + (f" (error {code})" if code else "")
    return StatusUpdate(
        provider_message_id=sid,
        status=status,
        error_code=code,
        error_message=explanation,
        reason=reason,
    )
