"""The dashboard's words in English and Arabic. Each area keeps its own catalogue,
``locales/<area>.json``, holding ``{"en": {key: text}, "ar": {key: text}}``; a key missing in
Arabic falls back to English, and a test keeps the two complete.

A text that counts something may be a set of plural forms, ``{"one": ..., "two": ...,
"few": ..., "many": ..., "other": ...}`` (Babel's names); ``translate`` picks the one the
language's plural rules give for the ``count`` value ("مقطع واحد", "مقطعان", "3 مقاطع")."""

from __future__ import annotations

import json
import math
from datetime import timedelta
from functools import cache
from pathlib import Path

from babel.dates import format_timedelta
from starlette.requests import Request

from leadflow.dashboard.formats import babel_locale, number_text

LANGUAGES = {"en": "English", "ar": "العربية"}
RIGHT_TO_LEFT = frozenset({"ar"})
DEFAULT = "en"
COOKIE = "leadflow_lang"
LOCALES = Path(__file__).parent / "locales"


Text = str | dict[str, str]


@cache
def catalogue() -> dict[str, dict[str, Text]]:
    """Every key of every area, by language; a key defined by two areas is an error."""
    merged: dict[str, dict[str, Text]] = {language: {} for language in LANGUAGES}
    for path in sorted(LOCALES.glob("*.json")):
        for language, texts in json.loads(path.read_text(encoding="utf-8")).items():
            if language not in merged:
                raise ValueError(f"{path.name}: unknown language {language!r}")
            twice = merged[language].keys() & texts.keys()
            if twice:
                raise ValueError(f"{path.name}: keys defined elsewhere too: {sorted(twice)}")
            merged[language].update(texts)
    return merged


def translate(language: str, key: str, **values: object) -> str:
    texts = catalogue()
    text = texts.get(language, {}).get(key) or texts[DEFAULT].get(key) or key
    if isinstance(text, dict):
        return _counted(language, text, values)
    return text.format(**values) if values else text


def plural_form(language: str, count: float) -> str:
    """Babel's name for the form a count takes: "one", "two", "few", "many", "zero", "other"."""
    return str(babel_locale(language).plural_form(abs(count)))


def _counted(language: str, forms: dict[str, str], values: dict[str, object]) -> str:
    count = values.get("count", 0)
    number = count if isinstance(count, int | float) else 0
    text = forms.get(plural_form(language, number)) or forms["other"]
    return text.format(**{**values, "count": number_text(number, language)})


def language_of(request: Request) -> str:
    """The language the person chose, else the first of their browser's we speak."""
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT


def direction(language: str) -> str:
    return "rtl" if language in RIGHT_TO_LEFT else "ltr"


def duration(language: str, seconds: float) -> str:
    """A wait in words ("2 minutes", "دقيقتان"), rounded up: never sooner than it is."""
    whole = max(1, math.ceil(seconds))
    if whole >= 60:
        whole = math.ceil(whole / 60) * 60
    return format_timedelta(timedelta(seconds=whole), threshold=1, locale=language)
