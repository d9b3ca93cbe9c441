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
        ("can we start tomorrow", date(2026, 11, 22), "tomorrow"),
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
    timeline = extract_timeline(f"We'd like to start {phrase}", today=today)
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


SENT = date(2026, 11, 21)  # a Saturday


# How real leads said when.
@pytest.mark.parametrize(
    ("text", "by", "relative"),
    [
        ("we need it in about 3 weeks", date(2026, 12, 12), "in about 3 weeks"),
        ("handover is in about 3 weeks", date(2026, 12, 12), "in about 3 weeks"),
        ("in 6 weeks", date(2027, 1, 2), "in 6 weeks"),
        ("end of next month", date(2026, 12, 31), "end of next month"),
        ("by end of Jan", date(2027, 1, 31), "end of Jan"),
        ("we move in March", date(2027, 3, 31), "in March"),
        ("next quarter", date(2027, 3, 31), "next quarter"),
        ("Q2", date(2027, 6, 30), "Q2"),
        ("before summer", date(2027, 5, 31), "before summer"),
        ("by summer", date(2027, 6, 1), "by summer"),
        ("before ramadan", date(2027, 2, 7), "before ramadan"),
        ("after Ramadan", date(2027, 3, 10), "after Ramadan"),
        ("بعد العيد", date(2027, 3, 10), "بعد العيد"),
        ("بعد عيد الأضحى", date(2027, 5, 17), "بعد عيد الأضحى"),
        ("قبل العيد الكبير", date(2027, 5, 16), "قبل العيد الكبير"),
        ("بعد رمضان", date(2027, 3, 10), "بعد رمضان"),
        ("قبل رمضان", date(2027, 2, 7), "قبل رمضان"),
        ("قبل الصيف", date(2027, 5, 31), "قبل الصيف"),
        ("الشهر الجاي", date(2026, 12, 31), "الشهر الجاي"),
        ("بعد أسبوعين", date(2026, 12, 5), "بعد أسبوعين"),
        ("خلال ٣ أسابيع", date(2026, 12, 12), "خلال ٣ أسابيع"),
        ("خلال تقريبا ۳ أسابيع", date(2026, 12, 12), "خلال تقريبا ۳ أسابيع"),
        ("I'd like to visit on Sunday. We want to move in by next month",
         date(2026, 12, 31), "next month"),
    ],
)  # fmt: skip
def test_how_leads_say_when(text: str, by: date, relative: str) -> None:
    timeline = extract_timeline(text, today=SENT)
    assert timeline is not None, text
    assert (timeline.by, timeline.relative) == (by, relative)
    assert relative in timeline.evidence


@pytest.mark.parametrize(
    "text",
    [
        "I'd like to visit on Sunday",
        "can you come tomorrow",
        "call me thursday",
        "call me on Thursday",
        "can we meet on the 3rd of December?",
        "I can view the flat tomorrow at 5",
        "please call me today",
        "ممكن نزوركم يوم الأحد",
        "اتصل علي بكرة",
        "ممكن موعد يوم الخميس",
        "we don't need anything right away",
        "deadline was 15/03/2020",
    ],
)
def test_a_day_for_a_visit_or_a_call_is_no_timeline(text: str) -> None:
    assert extract_timeline(text, today=SENT) is None


FEAST_PHRASES = ["بعد العيد", "قبل العيد", "بعد رمضان", "قبل رمضان", "في رمضان", "after eid",
                 "before Ramadan", "after eid al-adha", "بعد عيد الفطر"]  # fmt: skip
TABLE_DAYS = st.dates(min_value=date(2025, 1, 1), max_value=date(2030, 12, 1))


@given(TABLE_DAYS, st.sampled_from(FEAST_PHRASES))
def test_ramadan_and_eid_are_ahead(today: date, phrase: str) -> None:
    timeline = extract_timeline(f"we plan to buy {phrase}", today=today)
    assert timeline is not None
    assert today <= timeline.by <= today + timedelta(days=366)


@given(days, st.text())
def test_a_date_read_is_never_before_the_sent_time(today: date, text: str) -> None:
    timeline = extract_timeline(text, today=today)
    assert timeline is None or timeline.by >= today


WORDS = (  # noqa: SIM905
    "in about within after before by end of next this the early late week weeks month months "
    "quarter Q1 Q3 2020 2027 3 15 March Jan summer winter ramadan eid tomorrow today Sunday "
    "visit call me on 15/03/2020 2019-01-01 خلال بعد قبل العيد رمضان الصيف الشهر الجاي "
    "أسبوعين ٣ ۳ أسابيع يوم الأحد بكرة"
).split()


@given(days, st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join))
def test_timeline_words_are_never_before_the_sent_time(today: date, text: str) -> None:
    timeline = extract_timeline(text, today=today)
    assert timeline is None or timeline.by >= today


ARABIC_INDIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@given(
    days,
    st.integers(min_value=1, max_value=52),
    st.booleans(),
    st.sampled_from(["in about {n} weeks", "in {n} weeks", "within {n} weeks",
                     "خلال {n} أسابيع", "بعد {n} أسابيع", "خلال حوالي {n} أسابيع"]),
)  # fmt: skip
def test_in_n_weeks_is_n_weeks_on(today: date, weeks: int, arabic_digits: bool, form: str) -> None:
    number = str(weeks).translate(ARABIC_INDIC_DIGITS) if arabic_digits else str(weeks)
    timeline = extract_timeline(form.format(n=number), today=today)
    assert timeline is not None
    assert timeline.by == today + timedelta(weeks=weeks)


@given(
    days,
    st.sampled_from(["visit", "call me", "come", "meet", "نزوركم", "اتصل علي", "موعد"]),
    st.sampled_from(["tomorrow", "on Sunday", "next Friday", "on March 15", "بكرة", "يوم الأحد"]),
)
def test_a_visit_day_is_never_a_timeline(today: date, visit: str, day: str) -> None:
    assert extract_timeline(f"{visit} {day}", today=today) is None
