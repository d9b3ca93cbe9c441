"""Timelines: when the lead wants it, resolved against the time the lead wrote.

A named period ("next week", "this quarter", "end of Q3", "الشهر القادم") resolves to its last
day; "start of"/"early" to its first. Weeks are ISO weeks (Monday to Sunday). "In N days"
counts from today; "ASAP" and "today" are today. A day of a month without a year ("by March
15") is its next occurrence on or after today; a numeric date is read day first (15/03/2026),
as our users write it, or as ISO (2026-03-15). A season ("before summer") is the northern
one, by months; Ramadan and the two Eids ("بعد العيد", "before ramadan") are their next dates in
a table of the Umm al-Qura calendar. The first timeline in a text is the one kept.

A timeline is when the lead wants to buy, so a day named for a visit or a call ("can you come
tomorrow", "call me Thursday", "نزوركم يوم الأحد") is not one, nor a negated "right away", nor
a date already past when the lead wrote.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from leadflow.scoring.extract.text import Folded, fold, folded_words, key, negated


@dataclass(frozen=True)
class Timeline:
    by: date
    relative: str
    evidence: str


_MONTH_NAMES = {
    1: ("january", "jan", "يناير", "كانون الثاني"),
    2: ("february", "feb", "فبراير", "شباط"),
    3: ("march", "mar", "مارس", "آذار"),
    4: ("april", "apr", "أبريل", "ابريل", "نيسان"),
    5: ("may", "مايو", "أيار"),
    6: ("june", "jun", "يونيو", "حزيران"),
    7: ("july", "jul", "يوليو", "تموز"),
    8: ("august", "aug", "أغسطس", "آب"),
    9: ("september", "sept", "sep", "سبتمبر", "أيلول"),
    10: ("october", "oct", "أكتوبر", "تشرين الأول"),
    11: ("november", "nov", "نوفمبر", "تشرين الثاني"),
    12: ("december", "dec", "ديسمبر", "كانون الأول"),
}
_MONTHS = {fold(name).text: month for month, names in _MONTH_NAMES.items() for name in names}
_MONTH = folded_words(*(name for names in _MONTH_NAMES.values() for name in names))
_WEEKDAY_NAMES = {
    0: ("monday", "mon", "الاثنين", "الإثنين"),
    1: ("tuesday", "tue", "tues", "الثلاثاء"),
    2: ("wednesday", "wed", "الأربعاء"),
    3: ("thursday", "thu", "thurs", "الخميس"),
    4: ("friday", "fri", "الجمعة"),
    5: ("saturday", "sat", "السبت"),
    6: ("sunday", "sun", "الأحد"),
}
_WEEKDAYS = {fold(name).text: day for day, names in _WEEKDAY_NAMES.items() for name in names}
_WEEKDAY = folded_words(*(name for names in _WEEKDAY_NAMES.values() for name in names))
_COUNTS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "a couple of": 2,
    "couple of": 2, "a couple": 2, "a few": 3, "few": 3, "several": 3,
    "ثلاث": 3, "ثلاثة": 3, "أربع": 4, "أربعة": 4, "خمس": 5, "خمسة": 5, "ست": 6, "ستة": 6,
    "سبع": 7, "سبعة": 7, "ثمان": 8, "ثمانية": 8, "تسع": 9, "تسعة": 9, "عشر": 10, "عشرة": 10,
}  # fmt: skip
_COUNT_WORDS = {fold(word).text: count for word, count in _COUNTS.items()}
_COUNT = folded_words(*_COUNTS)
_UNIT_WORDS: dict[str, tuple[str, int]] = {
    "day": ("day", 1), "days": ("day", 1), "week": ("week", 1), "weeks": ("week", 1),
    "month": ("month", 1), "months": ("month", 1), "quarter": ("quarter", 1),
    "quarters": ("quarter", 1), "year": ("year", 1), "years": ("year", 1),
    "يوم": ("day", 1), "أيام": ("day", 1), "يومين": ("day", 2),
    "أسبوع": ("week", 1), "أسابيع": ("week", 1), "أسبوعين": ("week", 2),
    "شهر": ("month", 1), "أشهر": ("month", 1), "شهور": ("month", 1), "شهرين": ("month", 2),
    "سنة": ("year", 1), "سنوات": ("year", 1), "سنتين": ("year", 2), "عام": ("year", 1),
    "أعوام": ("year", 1), "عامين": ("year", 2),
}  # fmt: skip
_UNITS = {fold(word).text: unit for word, unit in _UNIT_WORDS.items()}
_UNIT = folded_words(*_UNIT_WORDS)
_PERIOD_WORDS = {
    "week": "week", "month": "month", "quarter": "quarter", "year": "year",
    "الأسبوع": "week", "الشهر": "month", "الربع": "quarter", "السنة": "year", "العام": "year",
}  # fmt: skip
_PERIODS = {fold(word).text: period for word, period in _PERIOD_WORDS.items()}
_AR_PERIOD = folded_words("الأسبوع", "الشهر", "الربع", "السنة", "العام")
_AR_NEXT = folded_words("القادم", "القادمة", "المقبل", "المقبلة", "الجاي", "الجاية", "الياي")
_AR_END = folded_words("نهاية", "آخر", "اخر", "بنهاية", "في نهاية", "قبل نهاية")
_AR_START = folded_words("بداية", "أول", "مطلع", "في بداية")
_AR_THIS = folded_words("هذا", "هذه", "هالـ")
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "الأول": 1, "الثاني": 2, "الثالث": 3,
    "الرابع": 4,
}  # fmt: skip
_ORDINAL_WORDS = {fold(word).text: number for word, number in _ORDINALS.items()}
_ORDINAL = folded_words(*_ORDINALS)
_A = r"(?<!\w)"  # a word starts here (Arabic letters are word characters too)
_Z = r"(?!\w)"


def _end_of_month(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _period(today: date, period: str, offset: int, start: bool) -> date:
    """The first or last day of the period ``offset`` periods from the one holding today."""
    if period == "week":
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=offset)
        return monday if start else monday + timedelta(days=6)
    if period == "year":
        year = today.year + offset
        return date(year, 1, 1) if start else date(year, 12, 31)
    size = 3 if period == "quarter" else 1
    first_month = (today.month - 1) // size * size + 1
    first = _add_months(date(today.year, first_month, 1), offset * size)
    if start:
        return first
    last = _add_months(first, size - 1)
    return _end_of_month(last.year, last.month)


def _after(today: date, count: int, unit: str) -> date:
    if unit == "day":
        return today + timedelta(days=count)
    if unit == "week":
        return today + timedelta(weeks=count)
    months = count * {"month": 1, "quarter": 3, "year": 12}[unit]
    return _add_months(today, months)


def _quarter(today: date, number: int, year: int | None, start: bool) -> date:
    candidate = year or today.year
    last = _end_of_month(candidate, number * 3)
    if year is None and last < today:
        candidate += 1
    first = date(candidate, number * 3 - 2, 1)
    return first if start else _end_of_month(candidate, number * 3)


def _next_day_of_month(today: date, month: int, day: int, year: int | None) -> date | None:
    try:
        found = date(year or today.year, month, day)
        if year is None and found < today:
            found = date(today.year + 1, month, day)
    except ValueError:
        return None
    return found


def _year(text: str | None) -> int | None:
    if not text:
        return None
    digits = text.strip("' ")
    return int(digits) if len(digits) == 4 else 2000 + int(digits)


def _edge(words: str | None) -> bool:
    """Whether the words before a period ask for its start rather than its end."""
    return bool(words) and bool(re.search(r"start|beginning|early|بدايه|اول|مطلع", words or ""))


Resolver = Callable[[re.Match[str], date], date | None]


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    resolve: Resolver
    day: bool  # names a single day, which may be one for a visit or a call
    negatable: bool  # "not right away" says nothing of when


_RULES: list[_Rule] = []


def _rule(
    pattern: str, *, day: bool = False, negatable: bool = False
) -> Callable[[Resolver], Resolver]:
    def register(resolver: Resolver) -> Resolver:
        _RULES.append(_Rule(re.compile(pattern), resolver, day, negatable))
        return resolver

    return register


_START_OR_END = r"(?:(?P<edge>(?:the\s+)?(?:end|start|beginning|middle)\s+of|early|late|mid)\s+)?"


@_rule(
    r"\basap\b|\bas soon as (?:possible|we can)\b|\bright away\b|\bimmediately\b"
    r"|\bright now\b|"
    + _A
    + folded_words("بأسرع وقت", "في أسرع وقت", "أسرع وقت ممكن", "فوراً", "حالاً")
    + _Z,
    negatable=True,
)
def _at_once(match: re.Match[str], today: date) -> date:
    return today


@_rule(r"\btoday\b|\btonight\b|" + _A + folded_words("اليوم", "الليلة") + _Z, day=True)
def _today(match: re.Match[str], today: date) -> date:
    return today


@_rule(
    r"\b(?:the\s+)?day after tomorrow\b|" + folded_words("بعد غد", "بعد بكرة", "بعد بكره"), day=True
)
def _day_after_tomorrow(match: re.Match[str], today: date) -> date:
    return today + timedelta(days=2)


@_rule(
    r"\btomorrow\b|\btmrw\b|" + _A + folded_words("غداً", "غدا", "بكرة", "بكره", "بكرا") + _Z,
    day=True,
)
def _tomorrow(match: re.Match[str], today: date) -> date:
    return today + timedelta(days=1)


_ABOUT = r"(?:(?:about|around|roughly|approximately|approx\.?|maybe|just|some|like|only)\s+)?"
_AR_ABOUT = r"(?:" + folded_words("حوالي", "تقريبا", "تقريباً", "قرابة", "نحو") + r"\s+)?"


@_rule(
    r"\b(?:in|within|after|over)\s+(?:the\s+next\s+)?"
    + _ABOUT
    + r"(?:(?P<n>\d{1,3})|(?P<word>"
    + _COUNT
    + r"))\s+(?P<unit>days?|weeks?|months?|quarters?|years?)\b"
    r"|\b(?:(?P<n2>\d{1,3})|(?P<word2>" + _COUNT + r"))\s+(?P<unit2>days?|weeks?|months?|years?)"
    r"\s+(?:from now|from today|time)\b"
)
def _in_english(match: re.Match[str], today: date) -> date | None:
    digits, word = match["n"] or match["n2"], match["word"] or match["word2"]
    count = int(digits) if digits else _COUNT_WORDS[key(word)]
    unit = _UNITS[key(match["unit"] or match["unit2"])][0]
    return _after(today, count, unit) if count > 0 else None


@_rule(
    _A
    + folded_words("خلال", "في غضون", "في خلال", "بعد")
    + r"\s+"
    + _AR_ABOUT
    + r"(?:(?P<n>\d{1,3})\s+|(?P<word>"
    + _COUNT
    + r")\s+)?(?P<unit>"
    + _UNIT
    + r")"
    + _Z
)
def _in_arabic(match: re.Match[str], today: date) -> date | None:
    unit, base = _UNITS[key(match["unit"])]
    if match["n"]:
        count = int(match["n"])
    elif match["word"]:
        count = _COUNT_WORDS[key(match["word"])]
    else:
        count = base
    return _after(today, count, unit) if count > 0 else None


@_rule(
    r"\b" + _START_OR_END + r"(?:(?P<which>this|next|the coming|coming|current|the)\s+)"
    r"(?P<period>week|month|quarter|year)\b|\b(?P<short>eo[wmqy])\b"
)
def _named_period(match: re.Match[str], today: date) -> date | None:
    if match["short"]:
        period = {"w": "week", "m": "month", "q": "quarter", "y": "year"}[match["short"][-1]]
        return _period(today, period, 0, start=False)
    which = match["which"]
    if which == "the" and not match["edge"]:
        return None
    offset = 1 if "next" in which or "coming" in which else 0
    return _period(today, match["period"], offset, start=_edge(match["edge"]))


@_rule(
    _A
    + r"(?:(?P<edge>"
    + _AR_END
    + "|"
    + _AR_START
    + r")\s+)?(?:(?P<this>"
    + _AR_THIS
    + r")\s+)?(?P<period>"
    + _AR_PERIOD
    + r")(?:\s+(?P<next>"
    + _AR_NEXT
    + r"|"
    + folded_words("الحالي", "الحالية")
    + r"))?"
    + _Z
)
def _named_period_arabic(match: re.Match[str], today: date) -> date | None:
    if not (match["edge"] or match["this"] or match["next"]):
        return None
    period = _PERIODS[key(match["period"])]
    offset = 1 if match["next"] and "حالي" not in match["next"] else 0
    return _period(today, period, offset, start=_edge(match["edge"]))


@_rule(
    r"\b" + _START_OR_END + r"(?:the\s+)?(?:q(?P<q>[1-4])|(?P<ordinal>first|second|third|fourth)"
    r"\s+quarter)(?:\s*(?:of\s+)?(?P<year>\d{4}|'\d{2}))?\b"
    r"|" + _A + r"(?:(?P<edge2>" + _AR_END + "|" + _AR_START + r")\s+)?الربع\s+(?P<ordinal2>"
    + _ORDINAL + r")(?:\s+(?:من\s+)?(?:عام\s+)?(?P<year2>\d{4}))?" + _Z
)  # fmt: skip
def _quarter_named(match: re.Match[str], today: date) -> date:
    ordinal = match["ordinal"] or match["ordinal2"]
    number = int(match["q"]) if match["q"] else _ORDINAL_WORDS[key(ordinal)]
    start = _edge(match["edge"] or match["edge2"])
    return _quarter(today, number, _year(match["year"] or match["year2"]), start)


@_rule(
    r"\b(?P<m1>" + _MONTH + r")\.?\s+(?P<d1>\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y1>\d{4}))?"
    r"|(?<![\d.,/])(?P<d2>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>" + _MONTH + r")"
    + _Z + r"(?:,?\s+(?P<y2>\d{4}))?",
    day=True,
)  # fmt: skip
def _day_of_month(match: re.Match[str], today: date) -> date | None:
    month = _MONTHS[key(match["m1"] or match["m2"])]
    day = int(match["d1"] or match["d2"])
    year = match["y1"] or match["y2"]
    return _next_day_of_month(today, month, day, int(year) if year else None)


@_rule(
    r"\b(?:by|in|before|until|till|for|during|(?P<edge>(?:the\s+)?(?:end|start|beginning)\s+of"
    r"|early|mid|late))\s+(?P<month>" + _MONTH + r")\b(?!\.?\s+\d{1,2}(?!\d))"
    r"(?:\s+(?P<year>\d{4}))?"
    r"|" + _A + r"(?:(?P<edge2>" + _AR_END + "|" + _AR_START + r")\s+)?(?:"
    + folded_words("في", "قبل", "بحلول", "خلال") + r"\s+)?شهر\s+(?P<month2>" + _MONTH + r")"
    + _Z + r"(?:\s+(?P<year2>\d{4}))?"
)  # fmt: skip
def _month(match: re.Match[str], today: date) -> date | None:
    month = _MONTHS[key(match["month"] or match["month2"])]
    year_text = match["year"] or match["year2"]
    year = int(year_text) if year_text else today.year
    if not year_text and _end_of_month(year, month) < today:
        year += 1
    edge = match["edge"] or match["edge2"] or ""
    if "mid" in edge:
        return date(year, month, 15)
    return date(year, month, 1) if _edge(edge) else _end_of_month(year, month)


@_rule(
    r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b"
    r"|(?<![\d.,])(?P<d2>\d{1,2})(?P<sep>[/.\-])(?P<m2>\d{1,2})(?P=sep)(?P<y2>\d{4}|\d{2})\b",
    day=True,
)
def _numeric(match: re.Match[str], today: date) -> date | None:
    year = int(match["y"]) if match["y"] else _year(match["y2"]) or today.year
    try:
        if match["y"]:
            return date(year, int(match["m"]), int(match["d"]))
        return date(year, int(match["m2"]), int(match["d2"]))
    except ValueError:
        return None


@_rule(
    r"\b(?:(?P<next>next|this|coming|by|on|before|until)\s+)?(?P<day>" + _WEEKDAY + r")\b"
    r"|" + _A + r"(?:يوم\s+)(?P<day2>" + _WEEKDAY + r")(?:\s+(?P<next2>" + _AR_NEXT + r"))?" + _Z,
    day=True,
)
def _weekday(match: re.Match[str], today: date) -> date | None:
    if not (match["next"] or match["day2"]):
        return None
    weekday = _WEEKDAYS[key(match["day"] or match["day2"])]
    ahead = (weekday - today.weekday()) % 7 or 7
    return today + timedelta(days=ahead)


_SEASONS = {
    "spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12,
    "الربيع": 3, "الصيف": 6, "الخريف": 9, "الشتاء": 12,
}  # fmt: skip
_SEASON_STARTS = {fold(word).text: month for word, month in _SEASONS.items()}
_BEFORE = {fold(word).text for word in ("before", "قبل")}
_AFTER = {fold(word).text for word in ("after", "بعد")}
_BY_START = re.compile(r"^(?:by|until|till|start of|beginning of|early|بحلول|بدايه|اول|مطلع)$")


def _season(today: date, first_month: int, following: bool) -> tuple[date, date]:
    """The first and last day of the next season starting in ``first_month`` that has not
    ended (``following``: that has not begun)."""
    for year in (today.year - 1, today.year, today.year + 1):
        start = date(year, first_month, 1)
        end = _add_months(start, 2)
        end = _end_of_month(end.year, end.month)
        if (start > today) if following else (end >= today):
            return start, end
    raise ValueError("no season ahead")  # unreachable: one starts within a year


def _around(edge: str, start: date, end: date) -> date:
    """The day a phrase around a stretch of days ("before summer", "after Ramadan") asks for."""
    if edge in _BEFORE:
        return start - timedelta(days=1)
    if edge in _AFTER:
        return end + timedelta(days=1)
    return start if _BY_START.match(edge) else end


_EDGE_WORDS = (
    r"(?P<edge>before|after|by|until|till|in|during|for|start of|beginning of|end of|early|late)"
)
_AR_EDGE_WORDS = (
    r"(?P<edge2>"
    + folded_words("قبل", "بعد", "في", "خلال", "بحلول", "بداية", "نهاية", "آخر")
    + r")"
)


@_rule(
    r"\b" + _EDGE_WORDS + r"\s+(?:the\s+)?(?:(?P<next>this|next|coming)\s+)?"
    r"(?P<season>spring|summer|autumn|fall|winter)\b"
    r"|" + _A + _AR_EDGE_WORDS + r"\s+(?P<season2>"
    + folded_words("الربيع", "الصيف", "الخريف", "الشتاء")
    + r")(?:\s+(?P<next2>" + _AR_NEXT + r"))?" + _Z
)  # fmt: skip
def _season_named(match: re.Match[str], today: date) -> date:
    first_month = _SEASON_STARTS[key(match["season"] or match["season2"])]
    following = bool(match["next2"]) or match["next"] == "next"
    start, end = _season(today, first_month, following)
    return _around(key(match["edge"] or match["edge2"]), start, end)


# Approximate (a day either way, as the moon is sighted), after the Umm al-Qura calendar:
# the first of Ramadan, Eid al-Fitr (the first of Shawwal), Eid al-Adha (the tenth of Dhu
# al-Hijjah), for the Hijri years 1446 to 1452.
_HIJRI_YEARS = (
    (date(2025, 3, 1), date(2025, 3, 30), date(2025, 6, 6)),
    (date(2026, 2, 18), date(2026, 3, 20), date(2026, 5, 27)),
    (date(2027, 2, 8), date(2027, 3, 10), date(2027, 5, 17)),
    (date(2028, 1, 28), date(2028, 2, 26), date(2028, 5, 5)),
    (date(2029, 1, 16), date(2029, 2, 14), date(2029, 4, 24)),
    (date(2030, 1, 5), date(2030, 2, 4), date(2030, 4, 13)),
    (date(2030, 12, 26), date(2031, 1, 24), date(2031, 4, 2)),
)
_EID_DAYS = {"fitr": 3, "adha": 4}
_FEASTS = {
    "ramadan": "ramadan", "ramadhan": "ramadan", "ramzan": "ramadan", "رمضان": "ramadan",
    "eid": "eid", "العيد": "eid", "عيد": "eid",
    "eid al fitr": "fitr", "eid al-fitr": "fitr", "eid ul fitr": "fitr", "eid fitr": "fitr",
    "عيد الفطر": "fitr", "العيد الصغير": "fitr",
    "eid al adha": "adha", "eid al-adha": "adha", "eid ul adha": "adha", "eid adha": "adha",
    "عيد الأضحى": "adha", "العيد الكبير": "adha",
}  # fmt: skip
_FEAST_WORDS = {fold(word).text: feast for word, feast in _FEASTS.items()}
_FEAST = folded_words(*_FEASTS)


def _feast_days(today: date, feast: str, following: bool) -> tuple[date, date] | None:
    """The first and last day of the next Ramadan or Eid that has not ended (``following``:
    that has not begun), or None past the table."""
    spans = []
    for ramadan, fitr, adha in _HIJRI_YEARS:
        if feast == "ramadan":
            spans.append((ramadan, fitr - timedelta(days=1)))
        if feast in ("fitr", "eid"):
            spans.append((fitr, fitr + timedelta(days=_EID_DAYS["fitr"] - 1)))
        if feast in ("adha", "eid"):
            spans.append((adha, adha + timedelta(days=_EID_DAYS["adha"] - 1)))
    ahead = [
        (start, end)
        for start, end in sorted(spans)
        if (start > today if following else end >= today)
    ]
    return ahead[0] if ahead else None


@_rule(
    r"\b" + _EDGE_WORDS + r"\s+(?:the\s+)?(?:(?P<next>next|coming)\s+)?"
    r"(?:(?:holy\s+)?month\s+of\s+)?(?P<feast>" + _FEAST + r")\b"
    r"|" + _A + _AR_EDGE_WORDS + r"\s+(?:شهر\s+)?(?P<feast2>" + _FEAST + r")"
    r"(?:\s+(?P<next2>" + _AR_NEXT + r"))?" + _Z
)  # fmt: skip
def _feast_named(match: re.Match[str], today: date) -> date | None:
    edge = key(match["edge"] or match["edge2"])
    feast = _FEAST_WORDS[key(match["feast"] or match["feast2"])]
    following = edge in _BEFORE or bool(match["next"] or match["next2"])
    days = _feast_days(today, feast, following)
    if days is None:
        return None
    start, end = days
    if feast != "ramadan" and edge in _AFTER:
        # "after Eid" is read as from Eid on; during Eid, from its last day
        return start if start >= today else end
    return _around(edge, start, end)


_FOR_A_VISIT = re.compile(
    r"\b(?:visit\w*|come|came|drop by|stop by|pop (?:by|in)|call\w*|ring|phone|talk|chat|speak"
    r"|meet\w*|see you|view(?:ing)?|tour|appointment|demo|inspect\w*)\b|"
    + r"(?<!\w)(?:و|ف)?"
    + folded_words(
        "زيارة", "زياره", "ازور", "نزور", "نزوركم", "تزور", "تزورنا", "زورونا", "اتصل", "اتصلوا",
        "اتصال", "كلمني", "كلموني", "نتكلم", "نتواصل", "تواصل", "موعد", "مقابلة", "اجتماع",
        "نلتقي", "نجتمع", "تعال", "تعالوا", "تجي", "تجون", "تمر", "معاينة", "مكالمة",
    )
    + _Z
)  # fmt: skip
_CLAUSE = re.compile(r"[,;:!?\n]|\.(?:\s|$)|\bbut\b|(?<!\w)(?:لكن|بس)(?!\w)")


@dataclass(frozen=True)
class _Clauses:
    """Where the text's clauses break: commas, stops, "but"s."""

    text: str
    starts: list[int]
    ends: list[int]

    @classmethod
    def of(cls, text: str) -> _Clauses:
        breaks = list(_CLAUSE.finditer(text))
        return cls(text, [found.start() for found in breaks], [found.end() for found in breaks])

    def around(self, start: int, end: int) -> str:
        """The words around a match up to the nearest breaks."""
        before = bisect_right(self.ends, start)
        after = bisect_left(self.starts, end)
        begin = self.ends[before - 1] if before else 0
        finish = self.starts[after] if after < len(self.starts) else len(self.text)
        return self.text[begin:finish]


def _matches(folded: Folded, today: date) -> Iterator[tuple[int, int, date]]:
    text = folded.text
    clauses = _Clauses.of(text)
    for rule in _RULES:
        for match in rule.pattern.finditer(text):
            start, end = match.span()
            if rule.negatable and negated(text, start):
                continue
            if rule.day and _FOR_A_VISIT.search(clauses.around(start, end)):
                continue
            try:
                resolved = rule.resolve(match, today)
            except (ValueError, OverflowError):  # past the last year a date can hold
                continue
            if resolved is not None and resolved >= today:
                yield start, end, resolved


def extract_timeline(text: str, *, today: date) -> Timeline | None:
    """The first timeline the text gives; the longest phrase where several overlap."""
    folded = fold(text)
    found = sorted(_matches(folded, today), key=lambda m: (m[0], -(m[1] - m[0])))
    if not found:
        return None
    start, end, by = found[0]
    return Timeline(by=by, relative=folded.quote(start, end), evidence=folded.evidence(start, end))
