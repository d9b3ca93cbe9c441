from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadflow.scoring.extract.dates import extract_timeline

SATURDAY = date(2026, 11, 21)


@pytest.mark.parametrize(
    ("text", "by", "relative"),
    [
        ("We'd like it by March 15", date(2027, 3, 15), "March 15"),
        ("can we start next week?", date(2026, 11, 29), "next week"),
        ("in 2 weeks would be great", date(2026, 12, 5), "in 2 weeks"),
        ("must be live by the end of Q3", date(2027, 9, 30), "the end of Q3"),
        ("sometime this quarter", date(2026, 12, 31), "this quarter"),
        ("we need this ASAP", SATURDAY, "ASAP"),
        ("call me tomorrow", date(2026, 11, 22), "tomorrow"),
        ("within a month", date(2026, 12, 21), "within a month"),
        ("نبدأ الأسبوع القادم", date(2026, 11, 29), "الأسبوع القادم"),
        ("خلال شهر إن شاء الله", date(2026, 12, 21), "خلال شهر"),
        ("غداً إذا أمكن", date(2026, 11, 22), "غداً"),
        ("قبل نهاية السنة", date(2026, 12, 31), "قبل نهاية السنة"),
        ("خلال ثلاثة أشهر", date(2027, 2, 21), "خلال ثلاثة أشهر"),
        ("بعد أسبوعين", date(2026, 12, 5), "بعد أسبوعين"),
        ("خلال ٣ أيام", date(2026, 11, 24), "خلال ٣ أيام"),
        ("start of next month", date(2026, 12, 1), "start of next month"),
        ("in Q1 2027", date(2027, 3, 31), "Q1 2027"),
        ("deadline 15/03/2027", date(2027, 3, 15), "15/03/2027"),
        ("go-live 2027-01-10", date(2027, 1, 10), "2027-01-10"),
        ("next Friday works", date(2026, 11, 27), "next Friday"),
        ("يوم الخميس", date(2026, 11, 26), "يوم الخميس"),
        ("early January", date(2027, 1, 1), "early January"),
        ("الربع الثالث", date(2027, 9, 30), "الربع الثالث"),
        ("في شهر مارس", date(2027, 3, 31), "في شهر مارس"),
        ("on the 3rd of December", date(2026, 12, 3), "3rd of December"),
        ("end of next year", date(2027, 12, 31), "end of next year"),
        ("in a couple of weeks", date(2026, 12, 5), "in a couple of weeks"),
        ("الشهر الجاي", date(2026, 12, 31), "الشهر الجاي"),
        ("خلال a  couple\tof أسابيع", date(2026, 12, 5), "خلال a couple of أسابيع"),
        ("by the end of\n  next  month", date(2026, 12, 31), "the end of next month"),
    ],
)
def test_timelines(text: str, by: date, relative: str) -> None:
    timeline = extract_timeline(text, today=SATURDAY)
    assert timeline is not None
    assert (timeline.by, timeline.relative) == (by, relative)


@pytest.mark.parametrize(
    "text",
    ["hello there", "we may need it", "in 0 days", "February 30", "our budget is 20k", ""],
)
def test_no_timeline(text: str) -> None:
    assert extract_timeline(text, today=SATURDAY) is None


days = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))


@given(st.text(), days)
def test_never_raises(text: str, today: date) -> None:
    extract_timeline(text, today=today)


@given(
    today=days,
    phrase=st.sampled_from(
        [
            "next week", "next month", "next quarter", "next year", "the coming week",
            "الأسبوع القادم", "الشهر القادم", "السنة القادمة", "الشهر الجاي", "next monday",
            "next friday", "tomorrow", "غداً", "the day after tomorrow",
        ]
    ),
)  # fmt: skip
def test_next_is_after_today(today: date, phrase: str) -> None:
    timeline = extract_timeline(f"Let's talk {phrase}", today=today)
    assert timeline is not None
    assert timeline.by > today


@given(
    today=days,
    count=st.integers(min_value=1, max_value=99),
    unit=st.sampled_from(["days", "weeks", "months", "years", "أيام", "أسابيع", "أشهر", "سنوات"]),
    lead=st.sampled_from(["in", "within", "خلال", "بعد"]),
)
def test_in_n_is_after_today(today: date, count: int, unit: str, lead: str) -> None:
    if (lead in {"in", "within"}) != unit.isascii():
        lead = "in" if unit.isascii() else "خلال"
    timeline = extract_timeline(f"{lead} {count} {unit}", today=today)
    assert timeline is not None
    assert today < timeline.by <= today + timedelta(days=366 * count)
