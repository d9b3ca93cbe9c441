"""Twilio's callbacks (kept by the webhook inbox, verified there): an incoming SMS or WhatsApp
message becomes a conversation's message; a status callback moves an outgoing message on."""

from __future__ import annotations

from urllib.parse import parse_qsl

import structlog
from sqlalchemy.orm import Session

from leadflow.conversations import repository
from leadflow.conversations.service import Inbound, receive
from leadflow.inbox.email_form import email_form
from leadflow.inbox.handlers import handles
from leadflow.models import InboundWebhook, Workspace

log = structlog.get_logger()
WHATSAPP = "whatsapp:"
# Twilio's message statuses, in the order a message goes through them.
PROGRESS = ("accepted", "queued", "sending", "sent", "delivered", "read")
FAILED = ("failed", "undelivered")


@handles("twilio")
def twilio_callback(session: Session, delivery: InboundWebhook) -> None:
    form = dict(parse_qsl(delivery.body.decode("utf-8", errors="replace"), keep_blank_values=True))
    if "MessageStatus" in form and "Body" not in form:
        _status(session, delivery.workspace_id, form)
        return
    workspace = session.get(Workspace, delivery.workspace_id)
    assert workspace is not None
    inbound = inbound_from_twilio(form, received_at=delivery.received_at)
    if inbound is None:
        log.info("twilio.callback_ignored", inbox_id=delivery.id, fields=sorted(form)[:20])
        return
    receive(session, workspace, inbound)


def inbound_from_twilio(form: dict[str, str], *, received_at: object = None) -> Inbound | None:
    sender, body = form.get("From", ""), form.get("Body", "")
    if not sender or not (body.strip() or form.get("NumMedia", "0") not in ("", "0")):
        return None
    channel = "whatsapp" if sender.lower().startswith(WHATSAPP) else "sms"
    return Inbound(
        channel=channel, sender=sender[len(WHATSAPP):] if channel == "whatsapp" else sender,
        body=body.strip() or "[media]", provider="twilio",
        provider_message_id=form.get("MessageSid") or form.get("SmsMessageSid"),
        received_at=received_at,  # type: ignore[arg-type]
        sender_name=form.get("ProfileName") or None,
    )  # fmt: skip


def _status(session: Session, workspace_id: int, form: dict[str, str]) -> None:
    sid, status = form.get("MessageSid", ""), form.get("MessageStatus", "").lower()
    message = repository.message_from(session, workspace_id, "twilio", sid) if sid else None
    if message is None or status not in PROGRESS + FAILED:
        return
    if status in FAILED:
        code = form.get("ErrorCode")
        message.status, message.error = status, f"Twilio error {code}" if code else status
        return
    if message.status not in PROGRESS or PROGRESS.index(status) > PROGRESS.index(message.status):
        message.status = status


@handles("sendgrid")
def sendgrid_inbound_email(session: Session, delivery: InboundWebhook) -> None:
    content_type = str(delivery.headers.get("content-type", ""))
    email = email_form(delivery.body, content_type)
    if not email.sender or not email.text:
        log.info("sendgrid.email_ignored", inbox_id=delivery.id)
        return
    workspace = session.get(Workspace, delivery.workspace_id)
    assert workspace is not None
    body = email.text if not email.subject else f"{email.subject}\n\n{email.text}"
    inbound = Inbound(
        channel="email", sender=email.sender, body=body[:4000], provider="sendgrid",
        provider_message_id=email.message_id, received_at=delivery.received_at,
        sender_name=email.sender_name,
    )  # fmt: skip
    receive(session, workspace, inbound)
