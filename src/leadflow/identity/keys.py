"""The keys identity resolution compares: normalised email, website domain, name keys."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_HOSTNAME = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]")
FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "ymail.com", "hotmail.com",
        "hotmail.co.uk", "outlook.com", "live.com", "msn.com", "icloud.com", "me.com", "mac.com",
        "aol.com", "proton.me", "protonmail.com", "gmx.com", "gmx.de", "web.de", "mail.com",
        "yandex.ru", "yandex.com", "zoho.com", "qq.com", "163.com",
    }
)  # fmt: skip
_LEGAL_SUFFIXES = frozenset(
    {
        "inc", "incorporated", "llc", "ltd", "limited", "corp", "corporation", "co", "company",
        "gmbh", "ag", "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "plc", "pty", "llp", "lp",
        "oy", "ab", "as", "kk", "est", "wll", "fze", "fzco", "the",
    }
)  # fmt: skip
_WORD = re.compile(r"\w+")
_INITIALISM = re.compile(r"(?<!\w)(?:\w\.){2,}")  # "S.A.", "U.K."


class InvalidWebsite(ValueError):
    pass


def email_domain(email_key: str) -> str:
    return email_key.rpartition("@")[2]


@lru_cache(maxsize=16384)  # imports repeat each company's website across its people
def normalize_domain(raw: str) -> str:
    """The bare host of a website as people write it: ``https://www.Acme.com/x`` -> ``acme.com``."""
    host = raw.strip().lower()
    if "://" in host:
        host = host.split("://", 1)[1]
    host = host.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    host = host.rsplit("@", 1)[-1].split(":", 1)[0].rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise InvalidWebsite(f"not a website: {raw.strip()[:80]!r}") from None
    if len(host) > 253 or not _HOSTNAME.fullmatch(host):
        raise InvalidWebsite(f"not a website: {raw.strip()[:80]!r}")
    return host


def _fold(text: str) -> list[str]:
    if text.isascii():
        folded = text.casefold()
    else:
        decomposed = unicodedata.normalize("NFKD", text).casefold()
        folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    if "." in folded:
        folded = _INITIALISM.sub(lambda found: found.group(0).replace(".", ""), folded)
    if "&" in folded:
        folded = folded.replace("&", " and ")
    return _WORD.findall(folded)


@lru_cache(maxsize=16384)  # imports repeat each company's name across its people
def company_name_key(name: str) -> str:
    """Accent-, case- and punctuation-free, legal suffixes dropped: "ACME, Inc." -> "acme"."""
    words = _fold(name)
    while len(words) > 1 and words[-1] in _LEGAL_SUFFIXES:
        words.pop()
    if len(words) > 1 and words[0] == "the":
        words.pop(0)
    return " ".join(words)


def person_name_key(first: str | None, last: str | None) -> str | None:
    words = _fold(f"{first or ''} {last or ''}")
    return " ".join(words) or None
