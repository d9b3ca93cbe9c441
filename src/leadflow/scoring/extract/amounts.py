"""Budgets: an amount of money, its currency, and the sentence that said it.

A number is read as money when a currency marks it ("$50k", "SAR 200,000", "200 ألف ريال",
Arabic-Indic digits with "ر.س"), when it follows a budget word ("our budget is around 5000"),
or when it carries a multiplier ("800k", "4.5m", "1.2 mil", "٩٥٠ ألف") in a sentence not about
revenue, staff or the like. Amounts in words are read too ("مليونين", "مليون ونص", "ربع
مليون", "ثلاث مئة ألف", "مليون و٢٠٠ ألف", "half a million"). Phone numbers, dates, times ("at
5") and bare years are masked first and never read as money; so are digit runs too long to be
an amount. A number with no currency that counts or measures something ("3 bedrooms", "40k
trucks", "150 m2", "200 متر") is not money: only a few words may follow an amount.

A range ("10-20k", "between $10k and $20k") gives its upper end as the amount (what the lead
said they could spend) and its lower end as ``low``. A multiplier written once applies to both
ends when that keeps the range in order. Riyals without a country are Saudi riyals, the
currency of most of our users; a dinar without a country has no currency code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from leadflow.scoring.extract.numbers import numbers_in_words
from leadflow.scoring.extract.text import Folded, fold, folded_words, key

_CURRENCY_WORDS: dict[str, str | None] = {
    "usd": "USD", "us$": "USD", "$": "USD", "dollar": "USD", "dollars": "USD",
    "eur": "EUR", "€": "EUR", "euro": "EUR", "euros": "EUR",
    "gbp": "GBP", "£": "GBP", "pound": "GBP", "pounds": "GBP", "sterling": "GBP",
    "sar": "SAR", "riyal": "SAR", "riyals": "SAR", "rial": "SAR", "rials": "SAR",
    "saudi riyal": "SAR", "saudi riyals": "SAR", "qatari riyal": "QAR", "qatari riyals": "QAR",
    "omani rial": "OMR", "omani rials": "OMR", "qar": "QAR", "omr": "OMR",
    "aed": "AED", "dirham": "AED", "dirhams": "AED", "dhs": "AED",
    "kwd": "KWD", "kuwaiti dinar": "KWD", "kuwaiti dinars": "KWD",
    "bhd": "BHD", "bahraini dinar": "BHD", "bahraini dinars": "BHD",
    "dinar": None, "dinars": None,
    "egp": "EGP", "jod": "JOD", "inr": "INR", "cad": "CAD", "aud": "AUD", "chf": "CHF",
    "ريال": "SAR", "ريالات": "SAR", "ريال سعودي": "SAR", "ر.س": "SAR", "ر س": "SAR",
    "﷼": "SAR", "ريال قطري": "QAR", "ر.ق": "QAR", "ريال عماني": "OMR",
    "درهم": "AED", "دراهم": "AED", "درهم إماراتي": "AED", "د.إ": "AED",
    "دولار": "USD", "دولارات": "USD", "دولار أمريكي": "USD",
    "يورو": "EUR", "جنيه": "EGP", "جنيه مصري": "EGP", "جنيه إسترليني": "GBP",
    "دينار": None, "دينار كويتي": "KWD", "د.ك": "KWD", "دينار بحريني": "BHD",
}  # fmt: skip
_PREFIX_ONLY = {"sr": "SAR", "us $": "USD"}
_MULTIPLIER_WORDS = {
    "k": 1_000, "thousand": 1_000, "thousands": 1_000, "grand": 1_000,
    "ألف": 1_000, "الف": 1_000, "آلاف": 1_000, "ألاف": 1_000,
    "m": 1_000_000, "mm": 1_000_000, "mn": 1_000_000, "mln": 1_000_000, "mil": 1_000_000,
    "million": 1_000_000, "millions": 1_000_000, "مليون": 1_000_000, "ملايين": 1_000_000,
    "b": 1_000_000_000, "bn": 1_000_000_000, "billion": 1_000_000_000, "مليار": 1_000_000_000,
}  # fmt: skip

_CURRENCIES = {fold(word).text: code for word, code in _CURRENCY_WORDS.items()}
_PREFIXES = {**_CURRENCIES, **{fold(word).text: code for word, code in _PREFIX_ONLY.items()}}
_MULTIPLIERS = {fold(word).text: factor for word, factor in _MULTIPLIER_WORDS.items()}

_EDGE = r"(?![^\W\d_])"  # no letter right after (digits and punctuation may follow)
_CURRENCY = folded_words(*_CURRENCY_WORDS)
_PREFIX = folded_words(*_CURRENCY_WORDS, *_PREFIX_ONLY)
_NUMBER = (
    r"(?<![\d.,])(?<!\d\s)(?:[1-9]\d{0,2}(?:,\d{3}){1,4}|[1-9]\d{0,14}|0)(?:\.\d{1,6})?"
    r"(?![\d]|,\d{3}|\.\d)"
)
_MULTIPLIER = (
    r"(?:\s?(?:k|mm|mn|mln|mil|bn)(?![a-z\d])|(?:m|b)(?![a-z\d²])"
    r"|\s?" + folded_words("thousand", "thousands", "grand", "million", "millions", "billion")
    + r"(?![a-z])|\s?" + folded_words("ألف", "آلاف", "مليون", "ملايين", "مليار") + r"(?!\w))"
)  # fmt: skip
_UP_TO = folded_words("الى", "إلى", "حتى", "لين", "لحد")  # folded: "الى" is written "الي"
_AMOUNT = re.compile(
    rf"(?P<between>\bbetween\s+|(?<!\w)بين\s+)?"
    rf"(?:(?<![^\W\d_])(?P<pre>{_PREFIX})\s?)?"
    rf"(?(pre)|(?<![^\W\d_]))(?P<n1>{_NUMBER})(?P<m1>{_MULTIPLIER})?"
    rf"(?:\s*(?:-|to\b|(?<!\w){_UP_TO}(?!\w)|(?(between)(?:and\b|(?<!\w)و)|(?!)))\s*"
    rf"(?:(?P<pre2>{_PREFIX})\s?)?(?P<n2>{_NUMBER})(?P<m2>{_MULTIPLIER})?)?"
    rf"(?:\s?(?P<post>{_CURRENCY}){_EDGE})?"
    r"(?!\s*%|(?:st|nd|rd|th)\b)"
)

_MONTHS = folded_words(
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "يناير", "فبراير", "مارس", "أبريل", "ابريل", "مايو", "يونيو",
    "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر",
)  # fmt: skip
_NOT_MONEY = re.compile(
    "|".join(
        (
            r"(?:\+|\b00)\d(?:[\s\-().]{0,2}\d){6,14}(?!\d)",  # international phone
            r"(?<![\w.,+])\(?0\d{1,3}\)?(?:[\s\-.]?\d){6,10}(?!\d)",  # national phone
            r"(?<![\w.,])\(?\d{3}\)?[\s\-.]\d{3}[\s\-.]\d{4}(?!\d)",  # 555-123-4567
            r"\b\d{4}-\d{1,2}-\d{1,2}\b",  # ISO date
            r"\b\d{1,2}(?P<separator>[/.\-])\d{1,2}(?P=separator)\d{2,4}\b",  # 15/03/2026
            r"\b\d{1,2}/\d{1,2}\b",
            r"\b\d{1,2}:\d{2}(?:\s?[ap]\.?m\.?)?",  # times
            r"\b\d{1,2}\s?[ap]\.?m\b\.?",
            rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}(?!\w)(?:,?\s+\d{{4}})?",
            rf"(?<!\w){_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?(?!\d)(?:,?\s+\d{{4}})?",
            r"\bq[1-4]\b|\bh[12]\b|\b24/7\b",
            r"\bat\s+\d{1,2}(?![\d.,])(?!\s*(?:k|m|mm|mn|mil|thousand|million)(?![a-z])|\s*%)",
            r"(?<!\w)" + folded_words("الساعة", "الساعه") + r"\s*\d{1,2}(?:[:.]\d{2})?(?!\d)",
        )
    )
)
_BUDGET_CUE = re.compile(
    r"\bbudget|\bspend|\bafford|\binvest|\bprice range|\bwilling to pay|\bcan pay"
    r"|ميزاني|" + folded_words("ندفع", "نصرف", "المبلغ", "مبلغ", "نستثمر", "بحدود")
)
_NOT_BUDGET_CUE = re.compile(
    r"\b(?:revenue|turnover|arr|mrr|raised|funding|valuation|salary|salaries|profit|"
    r"employees|staff|users|followers|visitors)\b|"
    + folded_words("إيرادات", "الإيرادات", "مبيعات", "المبيعات", "أرباح", "رواتب", "راتب", "تمويل")
)
_FILLER = (
    r"(?:[\s:=~\-(),]|\b(?:is|are|of|at|was|will|would|be|around|about|approx|approximately|"
    r"roughly|up|to|max|maximum|most|between|from|under|below|less|more|than|no|over|"
    r"near|close|somewhere|like|for|this|next|year|our|the|a|an|set|only|just|we|have|has|can|"
    r"could|is|in|range|total|overall|per|month|usd|sar)\b|"
    + folded_words("حوالي", "تقريبا", "في", "حدود", "هي", "هو", "من", "الى", "إلى", "لا", "تتجاوز")
    + "|"
    + folded_words("يقارب", "ما", "بين", "تقدر", "عندنا", "لدينا", "السنوية", "الشهرية", "ب")
    + r")*$"
)
_CUE_REACH = 80  # how far before a number its budget word may be
# The words that may follow an amount with no currency; any other word after it is what the
# number counts or measures ("3 bedrooms", "150 m2", "40k trucks").
_FOLLOWERS = {
    fold(word).text
    for word in (
        "for", "per", "a", "an", "each", "every", "monthly", "yearly", "annually", "annual",
        "total", "in", "max", "maximum", "min", "minimum", "tops", "top", "or", "and", "but",
        "to", "approx", "approximately", "roughly", "ish", "budget", "only", "all", "cash",
        "upfront", "including", "incl", "excluding", "excl", "vat", "plus", "is", "are", "was",
        "would", "will", "should", "can", "could", "we", "i", "if", "so", "that", "which",
        "with", "without", "range", "overall", "at", "on", "this", "next", "pm", "pa", "tbh",
        "though", "please", "pls", "inclusive", "net", "gross", "tax", "down", "deposit",
        "payment", "ok", "okay", "flexible", "negotiable", "more", "less", "now", "then",
        "too", "also", "as", "our", "my", "the", "give", "take", "or so", "mark", "area",
        "او", "أو", "لكن", "بس", "تقريبا", "تقريباً", "فقط", "كحد", "حد", "أقصى", "اقصى",
        "شهريا", "سنويا", "في", "على", "مع", "بدون", "شامل", "شاملة", "كاش", "نقدا", "كامل",
        "ميزانية", "ميزانيتي", "ميزانيتنا", "هي", "هو", "ممكن", "إذا", "اذا", "إن", "ان",
        "من", "إلى", "الى", "حتى", "كل", "عشان", "لو", "ما", "يعني", "والله", "أكثر", "اكثر",
        "أقل", "اقل", "قابل", "دفعة", "مقدم", "بالكثير", "بالكتير", "ولا", "بحدود", "حدود",
    )
}  # fmt: skip
_FOLLOWER_PREFIXES = tuple(fold(prefix).text for prefix in ("لل", "بال"))
_NEXT_WORD = re.compile(r"\s*([^\W_]+)")
_AFTER_CUE = re.compile(r"(?:" + _BUDGET_CUE.pattern + r")\w*" + _FILLER)


@dataclass(frozen=True)
class Budget:
    amount: Decimal
    low: Decimal | None
    currency: str | None
    quote: str
    evidence: str
    start: int
    strength: int


def tidy(value: Decimal) -> Decimal:
    """A plain Decimal: 1200000 rather than 1.2E+6 or 1200000.0."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def _number(digits: str, multiplier: str | None) -> Decimal | None:
    try:
        value = Decimal(digits.replace(",", ""))
    except InvalidOperation:
        return None
    if multiplier:
        value *= _MULTIPLIERS["".join(multiplier.split())]
    return value


def _is_year(digits: str) -> bool:
    return len(digits) == 4 and digits.isdigit() and 1900 <= int(digits) <= 2100


def _counts_something(masked: str, end: int) -> bool:
    """Whether the word right after an amount says what it counts or measures."""
    found = _NEXT_WORD.match(masked, end)
    if found is None:
        return False
    word = found[1]
    if word[0] in "وف" and word[1:] in _FOLLOWERS:  # "و" and "ف" join the next word in Arabic
        return False
    return word not in _FOLLOWERS and not word.startswith(_FOLLOWER_PREFIXES)


def _mask(text: str) -> str:
    return _NOT_MONEY.sub(lambda match: " " * len(match.group()), text)


def _range(match: re.Match[str]) -> tuple[Decimal, Decimal | None, int] | None:
    """The upper end, the lower end and where the amount ends in the text."""
    first = _number(match["n1"], match["m1"])
    if first is None:
        return None
    if match["n2"] is None:
        return first, None, match.end()
    second = _number(match["n2"], match["m2"])
    if match["m2"] and not match["m1"]:
        scaled = _number(match["n1"], match["m2"])
        if scaled is not None and scaled <= (second or 0):
            first = scaled
    if second is None or second <= first:
        end = match.end("m1") if match["m1"] else match.end("n1")
        return first, None, end
    return second, first, match.end()


def _sentence_cues(sentence: str) -> tuple[bool, bool]:
    """Whether a sentence is about a budget, and whether it may be about one at all."""
    about_budget = bool(_BUDGET_CUE.search(sentence))
    return about_budget, about_budget or not _NOT_BUDGET_CUE.search(sentence)


def _strength(
    folded: Folded,
    masked: str,
    match: re.Match[str],
    currency: bool,
    cues: dict[int, tuple[bool, bool]],
) -> int:
    """3 or 4 for a currency, 2 after a budget word, 1 for "20k" in a sentence about money."""
    sentence_start, sentence_end = folded.sentence_bounds(match.start())
    if sentence_start not in cues:
        cues[sentence_start] = _sentence_cues(folded.text[sentence_start:sentence_end])
    about_budget, may_be_budget = cues[sentence_start]
    if not may_be_budget:
        return 0
    if currency:
        return 3 + about_budget
    if _is_year(match["n1"]) and not match["m1"] and match["n2"] is None:
        return 0
    if _counts_something(masked, match.end()):
        return 0
    before = masked[max(sentence_start, match.start("n1") - _CUE_REACH) : match.start("n1")]
    if _AFTER_CUE.search(before):
        return 2
    return 1 if match["m1"] or match["m2"] else 0


def find_budgets(text: str) -> list[Budget]:
    """Every amount of money in the text, in order, each with how sure we are of it."""
    folded = numbers_in_words(fold(text))
    masked = _mask(folded.text)
    budgets = []
    cues: dict[int, tuple[bool, bool]] = {}  # by sentence start
    for match in _AMOUNT.finditer(masked):
        marker = match["pre"] or match["pre2"] or match["post"]
        bounds = _range(match)
        if bounds is None:
            continue
        high, low, end = bounds
        strength = _strength(folded, masked, match, marker is not None, cues)
        if strength == 0:
            continue
        currency = _PREFIXES.get(key(marker)) if marker else None
        start = match.start("pre") if match["pre"] else match.start("n1")
        budgets.append(
            Budget(
                amount=tidy(high),
                low=tidy(low) if low is not None else None,
                currency=currency,
                quote=folded.quote(start, end),
                evidence=folded.evidence(start, end),
                start=start,
                strength=strength,
            )
        )
    return budgets


def extract_budget(text: str) -> Budget | None:
    """The budget the text states: the surest amount, the first of equals."""
    budgets = find_budgets(text)
    if not budgets:
        return None
    return max(budgets, key=lambda budget: (budget.strength, -budget.start))
