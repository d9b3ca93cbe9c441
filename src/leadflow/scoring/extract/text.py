"""One comparable form of a lead's text, English and Arabic alike.

Folding lower-cases, strips accents and Arabic diacritics and tatweel, unifies alef, yeh and
teh marbuta, turns every script's digits into ASCII and the Arabic separators into ``,`` and
``.``. The extractors match against the folded text; each folded character remembers the
character of the source it came from, so evidence is quoted as the lead wrote it.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property

_DROPPED_CATEGORIES = frozenset({"Mn", "Me", "Cf"})
_SUBSTITUTES = {
    "\u066c": ",",  # Arabic thousands separator
    "\u066b": ".",  # Arabic decimal separator
    "\u060c": ",",  # Arabic comma
    "\u061b": ";",
    "\u061f": "?",
    "\u066a": "%",
    "\u0640": "",  # tatweel
    "\u0671": "\u0627",  # alef wasla -> alef
    "\u0649": "\u064a",  # alef maksura -> yeh
    "\u06cc": "\u064a",  # Persian yeh -> yeh
    "\u0629": "\u0647",  # teh marbuta -> heh
    "\u06a9": "\u0643",  # keheh -> kaf
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
}
_SENTENCE_END = re.compile(r"[!?;\n]+|\.+(?=\s|$)")
_EVIDENCE_LIMIT = 300


def fold_char(char: str) -> str:
    """The folded form of one character: zero, one or a few characters."""
    pieces = []
    for piece in unicodedata.normalize("NFKD", char):
        if unicodedata.category(piece) in _DROPPED_CATEGORIES:
            continue
        piece = _SUBSTITUTES.get(piece, piece)
        digit = unicodedata.decimal(piece, None) if len(piece) == 1 else None
        pieces.append(str(digit) if digit is not None else piece.lower())
    return "".join(pieces)


@dataclass(frozen=True)
class Folded:
    """Folded text with, for each of its characters, the index of the source character."""

    source: str
    text: str
    origin: tuple[int, ...]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        if start >= len(self.text):
            return len(self.source), len(self.source)
        finish = self.origin[max(start, end - 1)] + 1
        while finish < len(self.source) and not fold_char(self.source[finish]):
            finish += 1  # keep the diacritics that belong to the last letter
        return self.origin[start], finish

    def quote(self, start: int, end: int) -> str:
        """The source's words for the folded span, whitespace collapsed."""
        begin, finish = self.source_span(start, end)
        return " ".join(self.source[begin:finish].split())

    @cached_property
    def _boundaries(self) -> tuple[list[int], list[int]]:
        """Where each sentence end starts and where it ends, in order."""
        ends = list(_SENTENCE_END.finditer(self.text))
        return [end.start() for end in ends], [end.end() for end in ends]

    def sentence_bounds(self, position: int) -> tuple[int, int]:
        """The folded span of the sentence holding ``position``."""
        starts, ends = self._boundaries
        before = bisect_right(ends, position)
        start = ends[before - 1] if before else 0
        after = before
        while after < len(starts) and starts[after] < position:
            after += 1
        return start, starts[after] if after < len(starts) else len(self.text)

    def sentence(self, position: int) -> str:
        return self.text[slice(*self.sentence_bounds(position))]

    def evidence(self, start: int, end: int) -> str:
        """The sentence of the source that holds the folded span, as the lead wrote it."""
        sentence_start, sentence_end = self.sentence_bounds(start)
        # A long sentence is quoted near the span only: the rest would be cut anyway, and
        # quoting all of it for each amount in it would take time growing with its square.
        sentence_start = max(sentence_start, start - 2 * _EVIDENCE_LIMIT)
        sentence_end = min(max(sentence_end, end), end + 2 * _EVIDENCE_LIMIT)
        quote = self.quote(sentence_start, sentence_end)
        if len(quote) <= _EVIDENCE_LIMIT:
            return quote
        focus = self.quote(start, end)
        at = max(quote.find(focus), 0)
        begin = max(0, min(at - _EVIDENCE_LIMIT // 3, len(quote) - _EVIDENCE_LIMIT))
        return quote[begin : begin + _EVIDENCE_LIMIT].strip()

    def rewritten(self, replacements: list[tuple[int, int, str]]) -> Folded:
        """The text with each folded span ``(start, end, new)`` replaced, in order and apart;
        the new characters come from the span's source, so evidence still quotes the lead."""
        text: list[str] = []
        origin: list[int] = []
        done = 0
        for start, end, new in replacements:
            text.append(self.text[done:start])
            origin.extend(self.origin[done:start])
            text.append(new)
            origin.extend([self.origin[start]] + [self.origin[end - 1]] * (len(new) - 1))
            done = end
        text.append(self.text[done:])
        origin.extend(self.origin[done:])
        return Folded(source=self.source, text="".join(text), origin=tuple(origin))


def fold(source: str) -> Folded:
    characters: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(source):
        folded = char if char.isascii() and not char.isupper() else fold_char(char)
        characters.append(folded)
        origin.extend([index] * len(folded))
    return Folded(source=source, text="".join(characters), origin=tuple(origin))


def key(words: str) -> str:
    """Words as a lookup key: any run of whitespace one space."""
    return " ".join(words.split())


def folded_words(*words: str) -> str:
    """A regex alternation of words written as a lead would, folded, longest first."""
    variants = sorted({fold(word).text for word in words}, key=len, reverse=True)
    escaped = (re.escape(variant).replace(r"\ ", r"\s+") for variant in variants)
    return "(?:" + "|".join(escaped) + ")"


_NEGATOR = re.compile(
    r"(?:\b(?:not|no|never|without|nothing|don'?t|doesn'?t|didn'?t|isn'?t|aren'?t|wasn'?t|"
    r"won'?t|wouldn'?t|shouldn'?t|needn'?t)\b|(?<!\w)(?:"
    + "|".join(
        fold(word).text
        for word in (
            "مو",
            "مش",
            "مب",
            "ما",
            "مافي",
            "مافيه",
            "لا",
            "ليس",
            "ليست",
            "غير",
            "بدون",
            "مهو",
        )
    )
    + r")(?!\w))"
)
_CLAUSE_BREAK = re.compile(r"[,.;:!?\n]|\bbut\b|\bthough\b|(?<!\w)(?:لكن|بس|ولكن)(?!\w)")
_NEGATION_REACH = (
    4  # words between a negator and what it negates ("don't need anything right away")
)


def negated(text: str, start: int, since: int = 0) -> bool:
    """Whether the folded words just before ``start`` (after ``since``), within the clause,
    negate what follows."""
    before = text[max(since, start - 80) : start]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    clause = before[breaks[-1].end() :] if breaks else before
    words = clause.split()[-_NEGATION_REACH:]
    return any(_NEGATOR.fullmatch(word) for word in words)
