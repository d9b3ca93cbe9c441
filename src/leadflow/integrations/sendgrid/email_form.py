"""An email as an inbound-parse webhook posts it: a multipart form with the sender, subject,
text and the original headers. Read with the standard library's MIME parser; what the sender
quoted of earlier messages is left out of the text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import message_from_bytes
from email import policy as email_policy
from email.utils import parseaddr

MAX_FIELD_BYTES = 1_000_000
_QUOTE_STARTS = re.compile(
    r"^(>|on .{3,200} wrote:$|-{2,} ?original message ?-{2,}|from: |في .{3,200} كتب:)",
    re.IGNORECASE,
)
_MESSAGE_ID = re.compile(r"^message-id:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class EmailForm:
    sender: str  # the address, lower case
    sender_name: str | None
    subject: str
    text: str  # the new part of the message
    message_id: str | None


def email_form(body: bytes, content_type: str) -> EmailForm:
    fields = form_fields(body, content_type)
    name, address = parseaddr(fields.get("from", ""))
    found = _MESSAGE_ID.search(fields.get("headers", ""))
    return EmailForm(
        sender=address.strip().lower(),
        sender_name=name.strip() or None,
        subject=fields.get("subject", "").strip(),
        text=new_part(fields.get("text") or _text_of_html(fields.get("html", ""))),
        message_id=found.group(1).strip("<>") if found else None,
    )


def form_fields(body: bytes, content_type: str) -> dict[str, str]:
    """The form's text fields by name (files are left out)."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = message_from_bytes(head + body, policy=email_policy.default)
    fields: dict[str, str] = {}
    if not message.is_multipart():
        return fields
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str) or part.get_filename():
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            fields[name] = payload[:MAX_FIELD_BYTES].decode("utf-8", errors="replace")
    return fields


def new_part(text: str) -> str:
    """The message without what it quotes of earlier ones."""
    kept = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if _QUOTE_STARTS.match(line.strip()):
            break
        kept.append(line)
    return "\n".join(kept).strip()


def _text_of_html(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()
