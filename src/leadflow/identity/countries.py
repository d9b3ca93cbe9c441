"""Country names, as exports write them, to ISO 3166 codes.

``country_names.csv`` holds each region's name in English, Arabic and eight more languages,
taken once from the locale data the phonenumbers package ships (Apache-2.0): that module
costs 100 MB of memory to import, the table a few kilobytes. The abbreviations CRMs use are
added below.
"""

from __future__ import annotations

import csv
import unicodedata
from functools import lru_cache
from pathlib import Path

import phonenumbers

_NAMES_FILE = Path(__file__).with_name("country_names.csv")

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
    with _NAMES_FILE.open(encoding="utf-8", newline="") as handle:
        names = {_fold(row["name"]): row["code"] for row in csv.DictReader(handle)}
    names.update(_ALIASES)
    return names


def country_code(value: str) -> str | None:
    """The two-letter code for a code or a country's name, or None if it is neither."""
    folded = _fold(value)
    if len(folded) == 2 and folded.isascii() and folded.upper() in phonenumbers.SUPPORTED_REGIONS:
        return folded.upper()
    return _names().get(folded)
