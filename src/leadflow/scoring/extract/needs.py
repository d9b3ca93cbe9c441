"""Need: the sentence in which the lead states a problem or a goal.

Strong cues name a need ("we need", "looking for", "our problem is", "نحتاج", "نبحث عن");
weak ones only a wish ("we want", "we'd like", "نبي", "أبغى"). A text's first strong need is
its need, else its first weak one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from leadflow.scoring.extract.text import fold, folded_words


@dataclass(frozen=True)
class Need:
    text: str
    evidence: str
    strong: bool


_NOT_A_NEED = r"(?!\s+to\s+(?:check|ask|talk|discuss|confirm|think|consult|run|speak|get approval))"
_ARABIC_PREFIX = r"(?<!\w)(?:و|ف)?"
_ARABIC_END = r"(?!\w)(?!\s+(?:اراجع|ارجع|اشاور|موافقه))"
_STRONG = re.compile(
    r"\b(?:we|i)(?:'re| are|'m| am)? (?:really |also |urgently )?(?:need|needs|require)\b"
    + _NOT_A_NEED
    + r"|\b(?:looking|searching) for\b|\blooking to\b"
    r"|\b(?:our|the|my) (?:main |biggest )?(?:problem|challenge|issue|pain|goal|aim)"
    r" (?:is|was)\b|\bstruggling (?:with|to)\b|\bwe have (?:a |an )?(?:problem|issue|trouble)\b"
    r"|\bhelp (?:us|me) (?:with|to)\b|\bour goal\b|"
    + _ARABIC_PREFIX
    + folded_words(
        "نحتاج", "نحتاجه", "محتاجين", "محتاج", "أحتاج", "نبحث عن", "أبحث عن", "ندور على",
        "عندنا مشكلة", "مشكلتنا", "هدفنا", "نسعى",
    )
    + _ARABIC_END
)  # fmt: skip
_WEAK = re.compile(
    r"\b(?:we|i)(?:'re| are|'m| am)? (?:really |also )?want\b|\binterested in\b"
    r"|\b(?:we|i)(?:'d| would) like (?:to|a|an|some)\b|\bwe're after\b"
    r"|\b(?:hoping|trying|planning) to\b|"
    + _ARABIC_PREFIX
    + folded_words(
        "نبغى", "أبغى", "ابغى", "ابي", "نبي", "نريد", "أريد", "نرغب في", "نرغب", "أرغب",
        "مهتمين بـ", "مهتمين", "مهتم", "نتطلع", "حابين", "نود",
    )
    + _ARABIC_END
)  # fmt: skip
_NEGATED = re.compile(
    r"(?:\b(?:don't|do not|doesn't|no longer|not|never)\s+|(?<!\w)(?:لا|ما|مو|مش)\s+)$"
)


def extract_need(text: str) -> Need | None:
    """The need the text states: from its cue to the end of its sentence."""
    folded = fold(text)
    for pattern, strong in ((_STRONG, True), (_WEAK, False)):
        for match in pattern.finditer(folded.text):
            if _NEGATED.search(folded.text[max(0, match.start() - 12) : match.start()]):
                continue
            _, sentence_end = folded.sentence_bounds(match.start())
            return Need(
                text=folded.quote(match.start(), max(sentence_end, match.end())),
                evidence=folded.evidence(match.start(), match.end()),
                strong=strong,
            )
    return None
