"""The form of a text the keyword index holds, and of a query's words: case folded, and Arabic
brought to one spelling (no diacritics or tatweel; alef, yeh, teh marbuta and hamza carriers
unified) with its article and leading conjunctions and prepositions taken off, so that
"الأسعار" and "اسعار", "وبالتقسيط" and "تقسيط" meet. English stemming is the index's own."""

from __future__ import annotations

import re

_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
# Alef with hamza above or below, with madda, and wasla become a bare alef; alef maqsura a yeh;
# teh marbuta a heh; waw and yeh with hamza plain waw and yeh.
_LETTERS = str.maketrans(
    "\u0623\u0625\u0622\u0671\u0649\u0629\u0624\u0626",
    "\u0627\u0627\u0627\u0627\u064a\u0647\u0648\u064a",
)
_ARABIC_WORD = re.compile(r"[\u0621-\u064a]+")
# Longest first: "وبال" before "بال" before "ال".
_PREFIXES = ("وبال", "وكال", "وفال", "ولل", "وال", "بال", "كال", "فال", "لل", "ال", "و")
_WORD = re.compile(r"\w+", re.UNICODE)

_STOPWORD_TEXT = """
a about an and any are as at be been but by can could do does for from get got has have how
i if in into is it its me my of on or our please so some than that the their them then there
these they this those to us was we were what when where which who why will with would you your
في من على الي عن ما ماذا هل هو هي انا نحن انت هذا هذه ذلك تلك التي الذي كيف كم متي مع او ان
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
MAX_QUERY_WORDS = 16


def searchable(text: str) -> str:
    """The text as the keyword index should see it."""
    folded = _DIACRITICS.sub("", text.casefold()).translate(_LETTERS)
    return _ARABIC_WORD.sub(lambda word: _without_prefix(word.group()), folded)


def query_words(query: str) -> list[str]:
    """The words of a search worth matching, in order, each once."""
    words: dict[str, None] = {}
    for word in _WORD.findall(searchable(query)):
        if len(word) > 1 and word not in STOPWORDS:
            words.setdefault(word)
    return list(words)[:MAX_QUERY_WORDS]


def _without_prefix(word: str) -> str:
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            return word[len(prefix) :]
    return word
