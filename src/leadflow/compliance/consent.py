"""What a lead's own words say about being contacted: stop, start again, or help. A one-word
message is read as the carriers' keywords are (STOP, START, HELP...); longer ones by the
wordings people use ("please stop texting me"), in English and Arabic, because consent may be
revoked by any reasonable means (FCC, in force since 2025-04-11)."""

from __future__ import annotations

import re
from typing import Literal

ConsentWord = Literal["opt_out", "opt_in", "help"]

OPT_OUT_KEYWORDS = frozenset(
    {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout", "opt-out",
     "ايقاف", "إيقاف", "توقف", "الغاء", "إلغاء", "stopp"}
)  # fmt: skip
OPT_IN_KEYWORDS = frozenset({"start", "unstop", "yes", "ابدأ", "ابدا"})
HELP_KEYWORDS = frozenset({"help", "info", "مساعدة"})
_OPT_OUT_WORDINGS = re.compile(
    r"\b(stop|quit|no more)\s+(texting|messaging|contacting|sending|calling|messages|texts)\b"
    r"|\bunsubscribe\b|\bopt\s*-?\s*out\b|\bremove me\b|\btake me off\b|\bleave me alone\b"
    r"|\bdo\s*n[o']?t\s+(text|message|contact|call|write to)\s+me\b"
    r"|لا\s+(تراسلني|ترسل|تتصل|تتواصل)|توقف(وا)?\s+عن\s+(مراسلتي|الارسال|الإرسال|ارسال|إرسال)"
    r"|الغاء\s+الاشتراك|إلغاء\s+الاشتراك",
    re.IGNORECASE,
)
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")


def consent_word(text: str) -> ConsentWord | None:
    """``opt_out``, ``opt_in`` or ``help`` when that is what the message says; else None."""
    words = text.split()
    if len(words) == 1:
        keyword = _EDGES.sub("", words[0]).casefold()
        if keyword in OPT_OUT_KEYWORDS:
            return "opt_out"
        if keyword in OPT_IN_KEYWORDS:
            return "opt_in"
        if keyword in HELP_KEYWORDS:
            return "help"
    if _OPT_OUT_WORDINGS.search(text):
        return "opt_out"
    return None
