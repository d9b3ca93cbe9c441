"""Which language a lead wrote in: Arabic or English (the templates' languages)."""

from __future__ import annotations

import re
from typing import Literal

Language = Literal["en", "ar"]
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_LATIN = re.compile(r"[A-Za-z]")


def language_of(text: str, *, otherwise: Language = "en") -> Language:
    """Arabic when Arabic letters are at least as many as Latin ones; ``otherwise`` when the
    text has letters of neither."""
    arabic, latin = len(_ARABIC.findall(text)), len(_LATIN.findall(text))
    if arabic == latin == 0:
        return otherwise
    return "ar" if arabic >= latin else "en"
