"""What the rules engine says, in each language it speaks."""

from __future__ import annotations

from leadflow.kit.language import Language

TEMPLATES: dict[str, dict[Language, str]] = {
    "answer": {"en": "{answer}", "ar": "{answer}"},
    "ask_service": {
        "en": "Are you looking to buy, to rent or to invest?",
        "ar": "هل تبحث عن الشراء أم الإيجار أم الاستثمار؟",
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
        "en": "Which area or city do you prefer?",
        "ar": "ما هي المنطقة أو المدينة التي تفضلها؟",
    },
    "offer_times": {
        "en": "We would be glad to. We can meet {slots}. Which suits you best?",
        "ar": "يسعدنا ذلك. يمكننا الترتيب {slots}. أي موعد يناسبك؟",
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


def say(key: str, language: Language, **values: str) -> str:
    return TEMPLATES[key][language].format(**values)
