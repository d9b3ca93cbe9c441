"""A chunk's sentences, as character spans of its text: the units an answer is picked from.

Lines (list items, table rows, paragraphs) end a sentence, and so do . ! ? ؟ and an ellipsis;
a sentence of fewer than three words ("No.", "Yes, always.") joins the one after it, so an
answer never stands apart from what it answers, and so does one cut at an abbreviation's full
stop ("Dr.")."""

from __future__ import annotations

import re

_END = re.compile(r"(?<=[.!?\u061f\u2026])[\"'\u201d\u2019)\]]*\s+|\n+")
_MIN_WORDS = 3
# A full stop after these ends no sentence ("Dr. Lina", "approx. 3 hours", "No. 12").
_ABBREVIATION = re.compile(
    r"(?:\b(?:dr|mr|mrs|ms|prof|st|no|nos|approx|incl|excl|est|min|max|vs|e\.g|i\.e|"
    r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun|"
    r"ave|blvd|rd|bldg|apt|dept|co|ltd|inc|p\.o)|\b[a-z])\.$",
    re.IGNORECASE,
)
MAX_SENTENCES = 64  # per chunk; a chunk is at most the model's window, so rarely reached

Span = tuple[int, int]


def sentence_spans(text: str) -> list[Span]:
    """The (start, end) of each sentence of ``text``, in order, whitespace trimmed."""
    spans: list[Span] = []
    start = 0
    for match in _END.finditer(text):
        spans.extend(_trimmed(text, start, match.start()))
        start = match.end()
    spans.extend(_trimmed(text, start, len(text)))
    return _joined_short(text, spans)[:MAX_SENTENCES]


def _trimmed(text: str, start: int, end: int) -> list[Span]:
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return []
    offset = start + piece.index(stripped)
    return [(offset, offset + len(stripped))]


def _joined_short(text: str, spans: list[Span]) -> list[Span]:
    joined: list[Span] = []
    pending: int | None = None  # where a too-short sentence began
    for start, end in spans:
        begin = start if pending is None else pending
        sentence = text[begin:end]
        if len(sentence.split()) < _MIN_WORDS or _ABBREVIATION.search(sentence):
            pending = begin
            continue
        joined.append((begin, end))
        pending = None
    if pending is not None:
        if joined:
            joined[-1] = (joined[-1][0], spans[-1][1])
        else:
            joined.append((pending, spans[-1][1]))
    return joined
