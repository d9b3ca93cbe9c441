"""Urgency: how soon the lead wants to move, in their own words.

A calm phrase that contains an urgent word ("not urgent", "no rush") is read as calm, and so is
any urgent or soon phrase a negator stands before within its clause ("don't need anything right
away", "مب مستعجل", "ما في عجلة"); where a text says both, the last thing it says wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from leadflow.scoring.extract.text import fold, folded_words, negated

Level = Literal["low", "medium", "high"]


@dataclass(frozen=True)
class Urgency:
    level: Level
    evidence: str


_A, _Z = r"(?<!\w)", r"(?!\w)"
_LEVELS: tuple[tuple[Level, re.Pattern[str]], ...] = (
    (
        "low",
        re.compile(
            r"\bjust (?:exploring|looking|browsing|researching|curious|checking|asking)\b"
            r"|\b(?:in )?no (?:rush|hurry|urgency|pressure)\b|\bnothing urgent\b"
            r"|\bnot (?:urgent|in a (?:rush|hurry)|a priority|a rush|time[- ]sensitive)\b"
            r"|\bisn't urgent\b|\b(?:exploring|researching) (?:options|the market|solutions)\b"
            r"|\bsometime (?:next year|later|in the future)\b|\bmaybe later\b"
            r"|\bdown the (?:road|line)\b|\bearly stages?\b|\bno timeline\b|"
            + _A
            + folded_words(
                "مجرد استفسار", "مجرد سؤال", "مجرد اطلاع", "للاطلاع فقط", "مو مستعجل",
                "مش مستعجل", "ليس مستعجلا", "غير مستعجل", "ما في استعجال", "مافي استعجال",
                "لا يوجد استعجال", "بدون استعجال", "على راحتكم", "براحتكم", "نستكشف",
                "مو مستعجلين", "غير مستعجلين", "ليس عاجلا", "مو ضروري", "ما في عجلة",
                "مافي عجلة", "لا عجلة", "مب مستعجل", "مب مستعجلين", "مش مستعجلين",
            )
            + _Z
        ),
    ),
    (
        "high",
        re.compile(
            r"\burgent(?:ly)?\b|\burgency\b|\basap\b|\bas soon as possible\b|\bright away\b"
            r"|\bimmediately\b|\bemergency\b|\bcritical\b|\bcan'?t wait\b|\btime[- ]sensitive\b"
            r"|\bno time to (?:lose|waste)\b"
            r"|\bright now\b|\bby tomorrow\b|\b(?:in a )?(?:rush|hurry)\b"
            r"|\btoday if (?:possible|you can|we can)\b|\b(?:by|before) (?:today|tonight|eod)\b"
            r"|\b(?:need|want)(?:s|ed)? (?:it |this |them )?(?:today|tonight)\b|"
            + _A
            + folded_words(
                "عاجل", "عاجلة", "مستعجل", "مستعجلين", "ضروري", "بسرعة", "بأسرع وقت",
                "في أسرع وقت", "أسرع وقت ممكن", "فوراً", "حالاً", "طارئ", "مستعجلة", "عجلة",
                "على عجلة", "استعجال", "اليوم إذا أمكن", "اليوم لو أمكن", "اليوم إن أمكن",
                "اليوم لو سمحت", "ضرورية", "ما نقدر ننتظر", "ما نقدر نستنى", "ما نقدر نصبر",
            )
            + _Z
        ),
    ),
    (
        "medium",
        re.compile(
            r"\bsoon(?:ish)?\b|\bshortly\b|\bin the (?:next|coming) (?:few )?(?:weeks|month)\b"
            r"|\b(?:this|next) (?:month|quarter)\b|"
            + _A
            + folded_words("قريباً", "قريب", "هذا الشهر", "الشهر القادم", "الشهر الجاي")
            + _Z
        ),
    ),
)  # fmt: skip


def extract_urgency(text: str) -> Urgency | None:
    """The urgency the text states, if it states one."""
    folded = fold(text)
    found: list[tuple[int, int, Level]] = []
    for level, pattern in _LEVELS:
        for match in pattern.finditer(folded.text):
            start, end = match.span()
            if not any(
                start < taken_end and taken_start < end for taken_start, taken_end, _ in found
            ):
                found.append((start, end, level))
    if not found:
        return None
    start, end, level = max(_calmed(folded.text, sorted(found)))
    return Urgency(level=level, evidence=folded.evidence(start, end))


def _calmed(text: str, found: list[tuple[int, int, Level]]) -> list[tuple[int, int, Level]]:
    """Each phrase, low where a negator stands before it (and after the phrase before it:
    "ما نقدر ننتظر، مستعجلين" negates nothing)."""
    calmed: list[tuple[int, int, Level]] = []
    since = 0
    for start, end, level in found:
        low = level != "low" and negated(text, start, since)
        calmed.append((start, end, "low" if low else level))
        since = end
    return calmed
