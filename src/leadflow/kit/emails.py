"""Email addresses: tidied as the person wrote them, and the key that names the mailbox."""

from __future__ import annotations

import re

_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]{0,61}[A-Za-z0-9])"
)
_GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})


class InvalidEmail(ValueError):
    pass


def normalize_email(raw: str) -> tuple[str, str]:
    """(email as the person wrote it but tidied, the key that identifies the mailbox)."""
    email = raw.strip().strip("<>").strip()
    if email.lower().startswith("mailto:"):
        email = email[7:]
    if len(email) > 254:
        raise InvalidEmail("email address is longer than 254 characters")
    if not email.isascii():
        email = _ascii_domain(email)
        if len(email) > 254:
            raise InvalidEmail("email address is longer than 254 characters")
    if not _EMAIL.fullmatch(email):
        raise InvalidEmail(f"not an email address: {raw.strip()[:80]!r}")
    local, _, domain = email.rpartition("@")
    if len(local) > 64:
        raise InvalidEmail("the part before @ is longer than 64 characters")
    domain = domain.lower()
    return f"{local}@{domain}", mailbox_key(local, domain)


def mailbox_key(local: str, domain: str) -> str:
    local = local.lower()
    if domain in _GMAIL_DOMAINS:
        # Gmail ignores dots and +tags; an address that is nothing but a tag stays itself.
        local = local.split("+", 1)[0].replace(".", "") or local
        domain = "gmail.com"
    return f"{local}@{domain}"


def _ascii_domain(email: str) -> str:
    local, at, domain = email.rpartition("@")
    if not at or not local.isascii():
        raise InvalidEmail(f"not an email address: {email[:80]!r}")
    try:
        return f"{local}@{domain.encode('idna').decode('ascii')}"
    except UnicodeError:
        raise InvalidEmail(f"not an email address: {email[:80]!r}") from None
