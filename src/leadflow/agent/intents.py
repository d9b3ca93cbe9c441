"""What a lead's message wants beyond an answer: to stop being contacted, to talk to a person,
or to meet (a visit, an appointment, a call at a time). Read by rules first (the wordings
people use, with the negatives that share their words), then by meaning: the message's
embedding against examples of each intent and of messages that only look like one, in English
and Arabic; the nearest examples vote, and an intent needs a clear lead over the negatives.

Opting out is read by compliance's own rules (compliance/opt_outs.py) before anything here:
a stop is never left to a guess."""

from __future__ import annotations

import re
from functools import cache
from typing import Literal

import numpy as np

from leadflow.compliance.opt_outs import is_opt_out
from leadflow.knowledge.embedder import Vectors, get_embedder

Intent = Literal["opt_out", "person", "meeting"]
# A message this close to an intent's examples, and closer to them than to any negative by the
# margin, has that intent (cosines; docs/adr/0018).
INTENT_COSINE = 0.62
MARGIN = 0.04

_PERSON = re.compile(
    r"\b(?:talk|speak|chat)\s+(?:to|with)\s+(?:a\s+|an\s+|the\s+|your\s+|some\s*one|any\s*one)?"
    r"(?:human|real|person|people|someone|somebody|anyone|representative|rep|agent|manager|"
    r"sales|team|staff|owner|supervisor|advisor|adviser|consultant)"
    r"|\b(?:real|actual|live)\s+(?:person|human|people|agent)\b"
    r"|\bare\s+(?:you|u)\s+(?:a\s+)?(?:bot|robot|machine|ai|human|real)\b|\bis\s+this\s+(?:a\s+)?(?:bot|robot|automated|ai)\b"
    r"|\b(?:get|put|connect|transfer)\s+me\s+(?:to|through\s+to|with)\s+(?:a|an|the|your|someone)\b"
    r"|\bhave\s+(?:someone|somebody|a\s+person|your\s+manager|the\s+manager)\s+(?:call|contact|phone|ring|text)\s+me\b"
    r"|\bnot\s+a\s+(?:bot|robot|machine)\b|\b(?:human|person)\s+please\b"
    r"|\b(?:get|give|find)\s+me\s+(?:your|the|a)\s+(?:\w+\s+)?(?:manager|supervisor|boss|owner|director|head)\b",
    re.IGNORECASE,
)
_PERSON_AR = re.compile(
    r"(?:ابي|أبي|ابغى|أبغى|اريد|أريد|بدي|ودي|ممكن)\s*[\u0627\u0623]?(?:كلم|تكلم|اتكلم|أتكلم|احكي|أحكي|اتواصل|أتواصل)\s*(?:مع\s+)?"
    r"(?:شخص|احد|أحد|موظف|انسان|إنسان|المدير|مدير|المسؤول|مسؤول|الادارة|الإدارة|خدمة\s+العملاء|حد)"
    r"|(?:انت|أنت|انتي|هذا|هل\s+انت|هل\s+أنت)\s*(?:روبوت|بوت|آلي|الي|رد\s+آلي|رد\s+الي)"
    r"|(?:حولني|حوّلني|حولوني|وصلني|وصّلني)\s+(?:على|الى|إلى|ل|مع)\s*(?:ال)?(?:مسؤول|موظف|مدير|إدارة|ادارة|شخص|احد|أحد)"
    r"|(?:المدير|المسؤول|مدير\s+المبيعات)\s+(?:ي|)(?:تصل|كلمني|يكلمني|يتواصل|يرد)"
    r"|(?:موظف|شخص|إنسان|انسان)\s+(?:حقيقي|حقيقى)|(?:خلوا|خل|خلي)\s*(?:احد|أحد|موظف|المدير)\s*(?:يكلمني|يتصل|يتواصل)",
)
_WHEN = (
    r"(?:tomorrow|tmrw|2morrow|today|tonight|(?:this|next)\s+week|(?:sun|mon|tues?|wed(?:nes)?|"
    r"thu(?:rs)?|fri|sat(?:ur)?)(?:day)?\b|\d{1,2}(?::\d\d)?\s*(?:am|pm))"
)
_MEETING = re.compile(
    r"\b(?:book|schedule|arrange|set\s*up|fix|reserve|get)\s+(?:me\s+)?(?:in\s+)?(?:a|an|the|my|our|one|for)?\s*"
    r"(?:\w+\s+)?(?:visit|inspection|appointment|appt|meeting|call|demo|survey|site\s+visit|consultation|consult|check-?up|slot|session|viewing|tour)\b"
    r"|\b(?:fit|squeeze)\s+(?:me|us)\s+in\b"
    r"|\b(?:can|could|would)\s+(?:you|u|ur\s+\w+|your\s+\w+|someone|the\s+\w+)\s+(?:come|visit|pop\s+over|drop\s+by|swing\s+by)\b"
    r"|\b(?:come|visit)\s+(?:over\s+)?(?:tomorrow|today|tmrw|2morrow|this|next|on\s+(?:sun|mon|tue|wed|thu|fri|sat))"
    r"|\bcall\s+me\s+(?:at|tomorrow|today|on|after|before|this|next|around|back)\b"
    r"|\b(?:i|we)\s*(?:'d|\s+would|\s+want|\s+wanna|\s+need)\s+(?:like\s+)?(?:to\s+)?(?:book|schedule|come\s+in|visit|see\s+(?:a|the)\s+(?:doctor|dentist))\b"
    r"|\b(?:available|free|availability)\s+(?:tomorrow|today|this|next|on|for\s+(?:a|an))\b"
    r"|\bwhen\s+(?:can|could)\s+(?:you|u|someone|ur)\s+(?:come|start|do\s+it|visit)\b"
    rf"|\b(?:book|schedule|reserve|do|have|set\s*up)\s+(?:me\s+|us\s+)?(?:a|an|the|my|our)?\s*(?:\w+\s+){{0,2}}(?:for|on|at|this|next)?\s*{_WHEN}",
    re.IGNORECASE,
)
_MEETING_AR = re.compile(
    r"(?:ابي|أبي|ابغى|أبغى|اريد|أريد|بدي|ودي|ممكن|أحجز|احجز|حجز)\s*(?:لي\s+)?(?:احجز|أحجز|حجز|موعد|زيارة|معاينة|فحص|كشف|عرض\s+تجريبي|ديمو|مكالمة|اتصال)"
    r"|(?:متى|امتى)\s+(?:تقدر|تقدرون|تقدرو|ممكن)\s*(?:ت|ي)?(?:جي|جون|جو|زور|زورون|مر|مرون)"
    r"|(?:تقدرون|تقدر|ممكن)\s+(?:ت|ي)(?:جون|جي|زورون|مرون|فحصون)\s+(?:بكرة|بكره|اليوم|السبت|الأحد|الاحد|الاثنين|الإثنين|الثلاثاء|الأربعاء|الاربعاء|الخميس)"
    r"|(?:اتصلوا|كلموني|اتصل|تتصلون|تتصل|تكلموني|تكلمني)\s+(?:علي|عليا|بي)?\s*(?:بكرة|بكره|الساعة|بعد|اليوم)"
    r"|(?:نبي|نبغى|نبغي|نريد|ابي|أبي|ابغى)\s+[\u0646\u0627\u0623]?حجز"
    r"|(?:فيه|في|عندكم)\s+(?:موعد|مواعيد)\s+(?:بكرة|بكره|اليوم|متاح|فاضي|هالأسبوع|الأسبوع)",
)
# Questions about how meetings work are questions, not requests for one.
_ABOUT_MEETINGS = re.compile(
    r"\bhow\s+(?:far|long|early|much|many)\b|\bdo\s+(?:i|we)\s+(?:need|have)\s+to\s+book\b"
    r"|\bhow\s+do\s+(?:i|we)\s+book\b|\bcancel|\breschedul|\bwhat\s+happens\s+if\b"
    r"|كم\s+(?:سعر|يوم|ساعة|مدة)|قبل\s+كم|(?:الغاء|إلغاء|تأجيل|تاجيل)",
    re.IGNORECASE,
)

EXAMPLES: dict[str, tuple[str, ...]] = {
    "person": (
        "I want to talk to a real person",
        "can I speak with someone from your team",
        "are you a bot?",
        "put me through to a human please",
        "I'd rather deal with a person",
        "get your manager to call me",
        "is there anyone there who isn't automated",
        "ابي اكلم موظف",
        "ممكن احد من الفريق يتواصل معي",
        "انت روبوت؟",
        "أريد التحدث مع شخص حقيقي",
        "خلوا المدير يكلمني",
    ),
    "meeting": (
        "can you come tomorrow morning",
        "I'd like to book an appointment",
        "when is your next free slot",
        "can we set up a call on Thursday",
        "fit me in this week please",
        "I want to schedule a visit",
        "book me a demo",
        "is someone available to come on Sunday",
        "ابي احجز موعد",
        "متى تقدرون تجون؟",
        "ممكن زيارة يوم الأحد",
        "احجز لي عرض تجريبي",
        "ودي اجي العيادة بكرة",
    ),
    "none": (
        "the agent who sold me the flat recommended you",
        "my manager asked me to get a price",
        "how far in advance should I book",
        "do you work on weekends",
        "can a real engineer check the roof?",
        "is it a person or a company that owns you",
        "what happens if I cancel my appointment",
        "how much is it",
        "do you have parking",
        "what does the report include",
        "how long does it take",
        "do you accept insurance",
        "المكتب اللي باع لي الشقة نصحني فيكم",
        "كم السعر",
        "وش يشمل التقرير",
        "كم مدة الفحص",
        "هل تقبلون التأمين",
        "قبل كم يوم لازم احجز",
    ),
}


def read(text: str, vector: Vectors | None = None) -> Intent | None:
    """The message's intent, if it has one; ``vector`` is its embedding when already made."""
    if is_opt_out(text):
        return "opt_out"
    by_rules = _by_rules(text)
    if by_rules is not None:
        return by_rules
    return _by_meaning(get_embedder().embed_one(text) if vector is None else vector)


def _by_rules(text: str) -> Intent | None:
    if _PERSON.search(text) or _PERSON_AR.search(text):
        return "person"
    if (_MEETING.search(text) or _MEETING_AR.search(text)) and not _ABOUT_MEETINGS.search(text):
        return "meeting"
    return None


def _by_meaning(vector: Vectors) -> Intent | None:
    labels, matrix = examples()
    cosines = matrix @ vector
    best: dict[str, float] = {}
    for label, cosine in zip(labels, cosines, strict=True):
        best[label] = max(best.get(label, -1.0), float(cosine))
    negative = best.pop("none", -1.0)
    label, cosine = max(best.items(), key=lambda item: item[1])
    if cosine >= INTENT_COSINE and cosine >= negative + MARGIN:
        return "person" if label == "person" else "meeting"
    return None


@cache
def examples() -> tuple[tuple[str, ...], Vectors]:
    labels = tuple(label for label, texts in EXAMPLES.items() for _ in texts)
    texts = [text for texts in EXAMPLES.values() for text in texts]
    return labels, np.asarray(get_embedder().embed(texts), dtype=np.float32)
