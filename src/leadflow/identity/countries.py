"""Country names, as exports write them, to ISO 3166 codes.

Names come from the locale data phonenumbers ships (English in its default slot, and some
twenty other languages, Arabic among them), plus the abbreviations CRMs use.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import phonenumbers
from phonenumbers.geodata.locale import LOCALE_DATA

_ALIASES = {
    "usa": "US", "us": "US", "u s": "US", "u s a": "US", "united states": "US", "america": "US",
    "uk": "GB", "u k": "GB", "great britain": "GB", "britain": "GB", "england": "GB",
    "scotland": "GB", "wales": "GB", "northern ireland": "GB", "uae": "AE", "u a e": "AE",
    "emirates": "AE", "ksa": "SA", "saudi": "SA", "kingdom of saudi arabia": "SA",
    "south korea": "KR", "korea": "KR", "russia": "RU", "holland": "NL", "czechia": "CZ",
    "turkiye": "TR", "viet nam": "VN", "ivory coast": "CI",
}  # fmt: skip


def _fold(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join("".join(c if c.isalnum() else " " for c in plain).split())


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    names: dict[str, str] = {}
    for region, by_language in LOCALE_DATA.items():
        if region not in phonenumbers.SUPPORTED_REGIONS:
            continue
        for name in by_language.values():
            if not name.startswith("*"):
                names.setdefault(_fold(name), region)
    names.update(_ALIASES)
    return names


def country_code(value: str) -> str | None:
    """The two-letter code for a code or a country's name, or None if it is neither."""
    folded = _fold(value)
    if len(folded) == 2 and folded.isascii() and folded.upper() in phonenumbers.SUPPORTED_REGIONS:
        return folded.upper()
    return _names().get(folded)
