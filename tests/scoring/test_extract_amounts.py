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
