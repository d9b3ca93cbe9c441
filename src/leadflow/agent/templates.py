"""What the rules engine says, in each language it speaks."""

from __future__ import annotations

from leadflow.kit.language import Language

TEMPLATES: dict[str, dict[Language, str]] = {
    "answer": {"en": "{answer}", "ar": "{answer}"},
    "ask_service": {
        "en": "What can we help you with?",
        "ar": "كيف يمكننا مساعدتك؟",
    },
    "ask_service_from": {
        "en": "Which of our services are you interested in: {services}?",
        "ar": "أي خدماتنا تهمك: {services}؟",
    },
    "ask_budget": {
        "en": "What budget do you have in mind?",
        "ar": "ما هي الميزانية التي تفكر بها؟",
    },
    "ask_timeline": {
        "en": "When would you like this to happen?",
        "ar": "متى تريد أن يتم ذلك؟",
    },
    "ask_location": {
        "en": "Which area or city are you in?",
        "ar": "في أي منطقة أو مدينة أنت؟",
    },
    "offer_times": {
        "en": "We would be glad to. We can meet {slots}. Which suits you best?",
        "ar": "يسعدنا ذلك. يمكننا الترتيب {slots}. أي موعد يناسبك؟",
    },
    "check": {
        "en": "Good question. Let me check with the team at {business} and come back to you "
        "shortly.",
        "ar": "سؤال جيد. سأتحقق من ذلك مع فريق {business} وأعود إليك قريباً.",
    },
    "handoff": {
        "en": "Thank you for your message. A colleague from {business} will reply to you shortly.",
        "ar": "شكراً لرسالتك. سيرد عليك أحد زملائنا في {business} قريباً.",
    },
    "opt_out": {
        "en": "You will get no more messages from {business}. Reply START to hear from us again.",
        "ar": "لن تصلك رسائل أخرى من {business}. أرسل START إذا أردت التواصل مجدداً.",
    },
    "opt_in": {
        "en": "Welcome back: you will hear from {business} again. Reply STOP at any time to stop.",
        "ar": "أهلاً بعودتك، ستصلك رسائل {business} مجدداً. أرسل STOP في أي وقت للإيقاف.",
    },
    "help": {
        "en": "This is {business}. Ask us anything, or reply STOP to stop our messages.",
        "ar": "معك {business}. اسألنا عن أي شيء، أو أرسل STOP لإيقاف رسائلنا.",
    },
    "disqualify": {
        "en": "Thank you for thinking of {business}. This is not something we can help with, "
        "but we wish you every success.",
        "ar": "شكراً لتواصلك مع {business}. هذا ليس مما نقدمه، ونتمنى لك التوفيق.",
    },
}
JOINS: dict[Language, str] = {"en": " or ", "ar": " أو "}
_COMMAS: dict[Language, str] = {"en": ", ", "ar": "، "}


def listed(items: list[str], language: Language) -> str:
    """ "a, b or c", as each language lists choices."""
    if len(items) < 2:
        return "".join(items)
    return _COMMAS[language].join(items[:-1]) + JOINS[language] + items[-1]


def say(key: str, language: Language, **values: str) -> str:
    return TEMPLATES[key][language].format(**values)
