from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadflow.scoring.extract.amounts import extract_budget

ARABIC_INDIC = str.maketrans("0123456789,.", "٠١٢٣٤٥٦٧٨٩٬٫")  # noqa: RUF001


@pytest.mark.parametrize(
    ("text", "amount", "low", "currency"),
    [
        ("Our budget is $50k", "50000", None, "USD"),
        ("We have 50,000 USD for this", "50000", None, "USD"),
        ("USD 50k max", "50000", None, "USD"),
        ("around €1.2m", "1200000", None, "EUR"),
        ("Budget: SAR 200,000", "200000", None, "SAR"),
        ("ميزانيتنا 200 ألف ريال", "200000", None, "SAR"),
        ("الميزانية ٢٠٠٬٠٠٠ ر.س", "200000", None, "SAR"),  # noqa: RUF001
        ("we can do 1.5 million riyals", "1500000", None, "SAR"),
        ("budget of around 10-20k", "20000", "10000", None),
        ("between $10k and $20k", "20000", "10000", "USD"),
        ("we can spend 500-2k", "2000", "500", None),
        ("our budget is around 5000", "5000", None, None),
        ("budget for 2025 is 50k", "50000", None, None),
        ("ميزانيتنا حوالي 50 ألف", "50000", None, None),
        ("SR 5,000 per month", "5000", None, "SAR"),
        ("£3,500.50 a month", "3500.5", None, "GBP"),
        ("AED 75,000", "75000", None, "AED"),
        ("حوالي ٣ مليون درهم", "3000000", None, "AED"),
        ("budget 30-50 ألف ريال", "50000", "30000", "SAR"),
        ("1,500 Kuwaiti dinars", "1500", None, "KWD"),
        ("Meeting March 15; budget $3,000", "3000", None, "USD"),
        ("they raised, we budget $2b", "2000000000", None, "USD"),
    ],
)
def test_amounts(text: str, amount: str, low: str | None, currency: str | None) -> None:
    budget = extract_budget(text)
    assert budget is not None
    assert budget.amount == Decimal(amount)
    assert budget.low == (Decimal(low) if low else None)
    assert budget.currency == currency
    assert budget.evidence in text or budget.evidence.replace(" ", "") in text.replace(" ", "")


@pytest.mark.parametrize(
    "text",
    [
        "call me on +966 50 123 4567",
        "call 0501234567 about the budget",
        "my number is (555) 123-4567, budget tbd",
        "in 2025 our budget grew",
        "we have 50 employees",
        "revenue of $10m last year",
        "we grew 50% last year",
        "see you at 10:30 on 15/03/2026",
        "1 000 000 SAR",
        "we want it by March 15",
        "Q3 is when we start",
        "",
    ],
)
def test_not_amounts(text: str) -> None:
    assert extract_budget(text) is None


def test_the_surest_amount_wins() -> None:
    budget = extract_budget("We are 40 people. Our budget is $25k, last vendor charged 10k")
    assert budget is not None
    assert budget.amount == Decimal(25000)
    assert budget.evidence == "Our budget is $25k, last vendor charged 10k"


@given(st.text())
def test_never_raises(text: str) -> None:
    extract_budget(text)


@given(st.text(alphabet=st.sampled_from(list("0123456789٠١٢٣٤٥٦٧٨٩,.٬٫ -$€£kmKMريالألف"))))  # noqa: RUF001
def test_never_raises_on_number_soup(text: str) -> None:
    extract_budget(text)


CURRENCY_FORMS = {
    "USD": ["${n}", "{n} USD", "USD {n}", "{n} dollars", "US${n}"],
    "EUR": ["€{n}", "{n} EUR", "EUR {n}", "{n} euros"],
    "GBP": ["£{n}", "{n} GBP"],
    "SAR": ["SAR {n}", "{n} SAR", "{n} riyals", "{n} ريال", "{n} ر.س", "SR {n}"],
    "AED": ["AED {n}", "{n} درهم", "{n} dirhams"],
}


@st.composite
def written_amounts(draw: st.DrawFn) -> tuple[str, Decimal, str]:
    value = draw(st.integers(min_value=1, max_value=10**12))
    currency = draw(st.sampled_from(sorted(CURRENCY_FORMS)))
    form = draw(st.sampled_from(CURRENCY_FORMS[currency]))
    number = draw(
        st.sampled_from(
            [f"{value:,}", str(value)]
            + ([f"{value // 1000}k", f"{value // 1000} thousand"] if value % 1000 == 0 else [])
            + ([f"{value // 10**6}m", f"{value // 10**6} million"] if value % 10**6 == 0 else [])
            + ([f"{value // 1000} ألف"] if value % 1000 == 0 else [])
        )
    )
    if draw(st.booleans()):
        number = number.translate(ARABIC_INDIC)
    opener = draw(st.sampled_from(["Our budget is", "We can spend", "الميزانية", "Budget:", ""]))
    return f"{opener} {form.format(n=number)}.", Decimal(value), currency


@given(written_amounts())
def test_written_amount_reads_back(example: tuple[str, Decimal, str]) -> None:
    text, value, currency = example
    budget = extract_budget(text)
    assert budget is not None, text
    assert (budget.amount, budget.currency) == (value, currency), text


@st.composite
def phone_numbers(draw: st.DrawFn) -> str:
    digits = draw(st.text(alphabet="0123456789", min_size=7, max_size=7))
    prefix = draw(st.sampled_from(["50", "55", "56", "59", "54"]))
    local = prefix + digits
    return draw(
        st.sampled_from(
            [
                f"+966 {local[:2]} {local[2:5]} {local[5:]}",
                f"+966{local}",
                f"00966{local}",
                f"0{local}",
                f"0{local[:2]}-{local[2:5]}-{local[5:]}",
                f"+971 {local[:2]} {local[2:5]} {local[5:]}",
                f"({local[:3]}) {local[3:6]}-{local[6:]}1",
                f"+1 {local[:3]} {local[3:6]} {local[6:]}1",
            ]
        )
    )


@given(
    phone=phone_numbers(),
    year=st.integers(min_value=1900, max_value=2100),
    template=st.sampled_from(
        [
            "Our budget for {year} is approved, call me on {phone}",
            "Budget: {phone}",
            "الميزانية لعام {year} جاهزة، اتصل على {phone}",
            "Since {year} we spend our budget wisely. WhatsApp {phone}",
            "budget is {year}",
        ]
    ),
)
def test_phone_numbers_and_years_are_not_budgets(phone: str, year: int, template: str) -> None:
    assert extract_budget(template.format(phone=phone, year=year)) is None


# How real leads wrote their budgets.
@pytest.mark.parametrize(
    ("text", "amount", "low", "currency"),
    [
        ("Looking for a villa, about 4.5 million", "4500000", None, None),
        ("4.5m", "4500000", None, None),
        ("around 800k", "800000", None, None),
        ("800K SAR", "800000", None, "SAR"),
        ("we can go 1.2 mil", "1200000", None, None),
        ("up to 2m", "2000000", None, None),
        ("between 600 and 700k", "700000", "600000", None),
        ("40k-50k", "50000", "40000", None),
        ("٩٥٠ ألف", "950000", None, None),
        ("٣٥ ألف ريال", "35000", None, "SAR"),
        ("مليونين", "2000000", None, None),
        ("الميزانية مليون ونص", "1500000", None, None),
        ("ربع مليون", "250000", None, None),
        ("نص مليون ريال", "500000", None, "SAR"),
        ("ثلاث مئة ألف", "300000", None, None),
        ("٣٠٠ الف", "300000", None, None),
        ("مليون و٢٠٠ ألف", "1200000", None, None),
        ("مليونين ونص درهم", "2500000", None, "AED"),
        ("خمسة وعشرين ألف", "25000", None, None),
        ("۵۰۰ هزار تومان، budget ۵۰۰k", "500000", None, None),  # Persian digits  # noqa: RUF001
        ("٢٫٥ مليون", "2500000", None, None),  # noqa: RUF001
        ("١٬٢٠٠٬٠٠٠ ريال", "1200000", None, "SAR"),  # noqa: RUF001
        ("AED 90,000", "90000", None, "AED"),
        ("٩٠ ألف درهم", "90000", None, "AED"),
        ("budget 5000 USD", "5000", None, "USD"),
        ("$5,000", "5000", None, "USD"),
        ("5000 dollars", "5000", None, "USD"),
        ("half a million", "500000", None, None),
        ("3 bedrooms, budget around 800k", "800000", None, None),
        ("we have 40 trucks and a budget of 2m", "2000000", None, None),
        ("villa 400 m2 for 3.5m riyals", "3500000", None, "SAR"),
    ],
)
def test_how_leads_write_amounts(
    text: str, amount: str, low: str | None, currency: str | None
) -> None:
    budget = extract_budget(text)
    assert budget is not None, text
    assert (budget.amount, budget.low, budget.currency) == (
        Decimal(amount),
        Decimal(low) if low else None,
        currency,
    )
    assert budget.evidence in text


@pytest.mark.parametrize(
    "text",
    [
        "call me on 0501234567",
        "we move in 2027",
        "budget: 2027",
        "150 m2",
        "our budget is for a 150 m2 flat",
        "200 متر",
        "ميزانيتي لـ 200 متر",
        "3 bedrooms",
        "budget for 3 bedrooms",
        "40 trucks",
        "we run 40k trucks a year",
        "call me at 5",
        "budget call at 5 tomorrow",
        "الساعة ٥ مساء",  # noqa: RUF001
        "ألف شكر",
        "a million thanks",
    ],
)
def test_what_is_not_an_amount(text: str) -> None:
    assert extract_budget(text) is None


WESTERN_TO_ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
WESTERN_TO_PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
DIGITS = st.sampled_from([None, WESTERN_TO_ARABIC, WESTERN_TO_PERSIAN])
OPENERS = st.sampled_from(["", "Budget", "our budget is about", "الميزانية", "ميزانيتي حوالي"])


def _digits(number: str, script: dict[int, int] | None) -> str:
    return number.translate(script) if script else number


@given(
    st.integers(min_value=1, max_value=999_999),
    DIGITS,
    st.sampled_from(["k", "K", " k", " ألف", " الف", " thousand"]),
    OPENERS,
)
def test_thousands_multiply_by_a_thousand(
    number: int, script: dict[int, int] | None, thousand: str, opener: str
) -> None:
    text = f"{opener} {_digits(str(number), script)}{thousand}".strip()
    budget = extract_budget(text)
    assert budget is not None, text
    assert budget.amount == number * 1000, text


@given(
    st.decimals(min_value=Decimal("0.1"), max_value=Decimal(999), places=1),
    DIGITS,
    st.sampled_from(["m", "M", " million", " mil", " مليون"]),
    OPENERS,
)
def test_millions_multiply_by_a_million(
    number: Decimal, script: dict[int, int] | None, million: str, opener: str
) -> None:
    written = _digits(str(number), script)
    if script and opener.isascii() is False:
        written = written.replace(".", "٫")  # noqa: RUF001
    budget = extract_budget(f"{opener} {written}{million}".strip())
    assert budget is not None, written
    assert budget.amount == number * 1_000_000


@given(
    st.integers(min_value=1, max_value=998),
    st.integers(min_value=1, max_value=999),
    DIGITS,
    st.sampled_from(["{a}-{b}k", "{a}k-{b}k", "between {a} and {b}k", "بين {a} و{b} ألف",
                     "{a} to {b}k", "من {a} الى {b} ألف"]),
)  # fmt: skip
def test_a_range_gives_both_ends(
    low: int, span: int, script: dict[int, int] | None, form: str
) -> None:
    high = low + span
    text = form.format(a=_digits(str(low), script), b=_digits(str(high), script))
    budget = extract_budget(f"budget {text}")
    assert budget is not None, text
    assert (budget.amount, budget.low) == (high * 1000, low * 1000), text


ARABIC_UNITS = {"ثلاث": 3, "أربع": 4, "خمس": 5, "ست": 6, "سبع": 7, "ثمان": 8, "تسع": 9}


@given(
    st.sampled_from(sorted(ARABIC_UNITS)),
    st.sampled_from(["مية", "مئة", "مائة"]),
    st.sampled_from(["ألف", "الف"]),
    st.sampled_from(["", " ريال"]),
)
def test_arabic_hundreds_of_thousands_in_words(
    unit: str, hundred: str, thousand: str, currency: str
) -> None:
    budget = extract_budget(f"الميزانية {unit} {hundred} {thousand}{currency}")
    assert budget is not None
    assert budget.amount == ARABIC_UNITS[unit] * 100_000


@given(st.integers(min_value=1, max_value=999), DIGITS, st.sampled_from(["و", "و "]))
def test_a_million_and_thousands(thousands: int, script: dict[int, int] | None, joint: str) -> None:
    budget = extract_budget(f"مليون {joint}{_digits(str(thousands), script)} ألف")
    assert budget is not None
    assert budget.amount == 1_000_000 + thousands * 1000


@given(
    st.integers(min_value=1, max_value=999),
    DIGITS,
    st.sampled_from(["bedrooms", "trucks", "m2", "sqm", "متر", "غرف", "شاحنة", "employees"]),
    st.sampled_from(["Budget for {n} {noun}", "الميزانية لـ {n} {noun}", "{n} {noun}"]),
)
def test_a_count_of_things_is_not_money(
    number: int, script: dict[int, int] | None, noun: str, form: str
) -> None:
    text = form.format(n=_digits(str(number), script), noun=noun)
    assert extract_budget(text) is None, text


@given(st.integers(min_value=1900, max_value=2100), DIGITS)
def test_a_year_alone_is_not_money(year: int, script: dict[int, int] | None) -> None:
    written = _digits(str(year), script)
    assert extract_budget(f"we plan to buy in {written}") is None
    assert extract_budget(f"نبي نشتري في {written}") is None
