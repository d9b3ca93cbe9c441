"""Service interest: which of the workspace's own services the lead names.

Names match whole words after folding (case, accents, Arabic diacritics and letter variants),
with an English plural, or Arabic proclitics ("و", "ب", "ل", the article "ال"), allowed on
each word: "CRM setups" names "CRM setup", "لتصميم المواقع" names "تصميم مواقع".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from leadflow.scoring.extract.text import fold

_PROCLITICS = "[وف]?(?:[بلك]?ال|لل|[بلك])?"


def _word(word: str) -> str:
    if re.fullmatch(r"[a-z0-9&+.\-']+", word):
        return re.escape(word) + "(?:s|es)?"
    return _PROCLITICS + re.escape(word.removeprefix("ال") if len(word) > 4 else word)


def service_pattern(name: str) -> re.Pattern[str] | None:
    words = fold(name).text.split()
    if not words:
        return None
    return re.compile(r"(?<!\w)" + r"[\s\-]+".join(_word(word) for word in words) + r"(?!\w)")


def match_services(text: str, services: Sequence[str]) -> list[str]:
    """The services the text names, as the workspace spells them, in the workspace's order."""
    folded = fold(text).text
    named = []
    for service in services:
        if not isinstance(service, str):  # workspace settings are JSON: skip what is not a name
            continue
        pattern = service_pattern(service)
        if pattern is not None and pattern.search(folded):
            named.append(service)
    return named
