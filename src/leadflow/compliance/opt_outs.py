"""The wordings of "stop contacting me", in English and Arabic, as people write them: the
carriers' keywords alone (STOP, UNSUBSCRIBE, ...) are in consent.py; these are the sentences.

A wording is an opt-out when it asks for the messages, calls or contact to stop, for the
sender to be taken off a list, says the number is wrong, or says plainly that the lead is not
interested and wants nothing more. Phrases that only look like it ("stop by tomorrow", "don't
stop the reminders", "how do I stop the leak") are not: every pattern names what is to stop."""

from __future__ import annotations

import re

_CONTACT = (
    r"(?:text(?:ing|s)?|messag(?:e|es|ing)|contact(?:ing)?|call(?:ing|s)?|email(?:ing|s)?|"
    r"e-?mails?|sms|whatsapp(?:ing)?|writ(?:e|ing)|send(?:ing)?(?:\s+me)?(?:\s+(?:any|these|this|"
    r"more|messages|texts|stuff|things))?|spam(?:ming)?|bother(?:ing)?|reach(?:ing)?\s+out|"
    r"hit(?:ting)?\s+me\s+up|ping(?:ing)?)"
)
_ME = r"(?:me|us|this\s+number|my\s+(?:number|phone|email|mobile))"
_LIST = r"(?:list|lists|database|contacts?|system|records?|mailing|marketing|crm|texts?|messages)"
_ENGLISH = [
    # stop / quit / cease ... texting me
    rf"\b(?:stop|quit|cease|end|pause|no\s+more)\s+(?:all\s+)?(?:the\s+|your\s+|these\s+|this\s+)?{_CONTACT}\b",
    rf"\b(?:stop|quit)\s+{_CONTACT}?\s*{_ME}\b",
    # don't / do not / never ... text me (again / anymore)
    rf"\b(?:do\s*n[o']?t|dont|never|pls\s+don'?t|please\s+don'?t|no\s+need\s+to)\s+(?:ever\s+)?{_CONTACT}\s+(?:to\s+)?{_ME}\b",
    r"\b(?:do\s*n[o']?t|dont)\s+(?:want|need)\s+(?:any\s+)?(?:more\s+)?(?:your\s+)?(?:messages|texts|emails|calls|contact|marketing)\b",
    # take / remove / delete me off your list
    rf"\b(?:take|remove|delete|drop|erase|scratch|cross)\s+{_ME}(?:\s+\w+)?\s+(?:off|from|out\s+of)\b",
    rf"\b(?:take|remove|delete|drop|erase)\s+(?:me|us|my\s+(?:number|details|data|info|name|email))\b.*\b{_LIST}\b",
    rf"\b(?:off|out\s+of)\s+(?:your|the|ur)\s+{_LIST}\b",
    r"\b(?:lose|forget|delete)\s+(?:my|this)\s+(?:number|contact|email)\b",
    r"\bunsub(?:scrib(?:e|ed|ing))?\b|\bopt(?:ing)?\s*-?\s*(?:me\s+|us\s+)?out\b|\bopted\s+out\b",
    r"\bwrong\s+(?:number|person|guy|lady|phone)\b|\bnot\s+the\s+right\s+(?:number|person)\b",
    r"\bleave\s+(?:me|us)\s+alone\b|\bgo\s+away\b|\bbuzz\s+off\b|\bget\s+lost\b",
    r"\b(?:stop|quit)\s*(?:it|now|please|pls|plz|thanks|thx)?\s*[.!]*$",
    r"^\s*(?:please\s+|pls\s+|plz\s+)?stop\b(?!\s+(?:by|at|in|over|the\s+(?:leak|water|damage)))",
    # not interested, wanting nothing more
    r"\b(?:not|no\s+longer|nt|arent|aren't|am\s+not|im\s+not|i'm\s+not)\s+interested\b",
    r"\bno\s+(?:longer|more)\s+(?:need|want)\s+(?:your|this|the)\b",
    r"\bwe\s+(?:went|are\s+going|have\s+gone|chose|picked)\s+with\s+(?:another|someone\s+else|a\s+different)\b.*\b(?:off|remove|stop|no\s+more|don'?t)\b",
]
_NOT_OPT_OUT = re.compile(
    r"\b(?:do\s*n[o']?t|dont|never)\s+stop\b|\bstop\s+by\b|\bcan\s+(?:you|u)\s+stop\b(?!\s+(?:texting|messaging|contacting|calling|emailing|sending))"
    r"|\bhow\s+(?:do|can|to)\s+(?:i|we|you)\s+stop\b|\bstop\s+(?:the\s+)?(?:leak|water|damp|mold|mould)",
    re.IGNORECASE,
)

_ARABIC = [
    # don't send / contact / call me ("لا", not "ما": "ما ترسل لي" asks for something)
    r"لا\s*(?:عاد\s+|تعيد\s+|تعيدون\s+)?(?:ت|ي)(?:رسل|راسل|تصل|تواصل|كلم|دق)(?:و|ون|وا|ين)?(?:ن)?(?:\s*(?:لي|علي|عليا|معي|على\s+رقمي))?",
    r"(?:وقف|أوقف|اوقف|اوقفوا|وقفوا|وقّفوا|كف|كفوا|بطل|بطلوا|بطّلوا)\s*(?:و|وا)?\s*(?:عن\s+)?(?:ال)?(?:رسائل|مسجات|رسايل|ارسال|إرسال|مراسل|اتصال|إزعاج|ازعاج|الازعاج)",
    r"(?:ايقاف|إيقاف|توقيف|وقف)\s+(?:جميع\s+|كل\s+)?(?:ال)?(?:رسائل|رسايل|مسجات|اتصالات|تواصل|ارسال|إرسال)",
    r"عدم\s+(?:ال)?(?:تواصل|اتصال|إرسال|ارسال|مراسل|إزعاج|ازعاج)",
    r"(?:الغ|ألغ|إلغ|الغي|الغوا)(?:اء|ي|وا)?\s*(?:ال)?(?:اشتراك|اشتراكي)",
    r"(?:احذف|إحذف|احذفوا|امسح|امسحوا|شيل|شيلوا|ازيل|أزيلوا|ازيلوا)\s*(?:و|وا)?\s*(?:رقمي|اسمي|ايميلي|بريدي|بياناتي|هذا\s+الرقم)",
    r"(?:الرقم|رقمي|رقم)\s+(?:غلط|خطأ|خطا|مو\s+صحيح|غير\s+صحيح)|رقم\s+غلط",
    r"(?:مو|مب|ما\s*ني|مانى|ماني|لست|غير|مش)\s*مهتم",
    r"(?:ما|لا)\s*(?:ابي|أبي|ابغى|أبغى|اريد|أريد|بدي|ودي)\s*(?:اي\s+|أي\s+)?(?:رسائل|مسجات|رسايل|اتصالات|تواصل)",
    r"(?:ما|لا)\s*(?:ابي|أبي|ابغى|أبغى|اريد|أريد)\s*(?:منكم\s+)?(?:شي|شيء|شيئ)",
    r"(?:خلاص|بس)\s*(?:لا\s+|ما\s+)?(?:ترسل|ترسلون|تراسل|تتصل)",
    r"(?:اتركوني|اتركني|خلوني\s+في\s+حالي|خلني\s+في\s+حالي)",
]
_OPT_OUT = re.compile("|".join(_ENGLISH + _ARABIC), re.IGNORECASE)


def is_opt_out(text: str) -> bool:
    """Whether ``text`` asks, in any usual wording, to be contacted no more."""
    if _NOT_OPT_OUT.search(text) and not _explicit(text):
        return False
    return _OPT_OUT.search(text) is not None


_EXPLICIT = re.compile(
    r"\bunsubscrib|\bopt\s*-?\s*out\b|\bremove\s+me\b|\btake\s+me\s+off\b|\bwrong\s+number\b",
    re.IGNORECASE,
)


def _explicit(text: str) -> bool:
    return _EXPLICIT.search(text) is not None
