"""Addresses as an SMTP server takes them: one mailbox, ASCII (an international domain in its
IDNA form), nothing that could open another header."""

from __future__ import annotations

import re
from email.utils import parseaddr

_MAILBOX = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]{0,61}[A-Za-z0-9]"
)


def mailbox(text: str) -> str:
    """``text`` as a mailbox (``dana@example.com``, its domain in lower case); ValueError when
    it is not one."""
    address = text.strip().strip("<>").strip()
    local, at, domain = address.rpartition("@")
    if not at or not local.isascii() or len(address) > 254 or len(local) > 64:
        raise ValueError(f"not an email address: {text.strip()[:80]!r}")
    try:
        domain = domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise ValueError(f"not an email address: {text.strip()[:80]!r}") from None
    if not _MAILBOX.fullmatch(f"{local}@{domain}"):
        raise ValueError(f"not an email address: {text.strip()[:80]!r}")
    return f"{local}@{domain}"


def from_address(sender: str) -> tuple[str, str]:
    """(display name, address) of a From value; ValueError when it holds no valid address."""
    name, address = parseaddr(sender)
    try:
        return name, mailbox(address)
    except ValueError as error:
        raise ValueError(f"not a From address: {sender[:80]!r}") from error
