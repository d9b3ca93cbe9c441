"""draft_from_fields: one arriving lead validated and normalised, every reason reported at once."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadflow.identity.drafts import (
    LEAD_FIELDS,
    CompanyDraft,
    InvalidLead,
    LeadDraft,
    draft_from_fields,
)


def lead_fields(**changes: str | None) -> dict[str, str | None]:
    """Every field of a valid arriving lead from the UAE; ``changes`` replace fields."""
    fields: dict[str, str | None] = {
        "first_name": "Layla",
        "last_name": "Haddad",
        "email": "Layla.Haddad@Acme-Trading.ae",
        "phone": "050 123 4567",
        "whatsapp": "whatsapp:+971 50 765 4321",
        "title": "Head of Sales",
        "city": "Dubai",
        "country": "ae",
        "source": "webinar",
        "consent": "Yes",
        "time_zone": "Asia/Dubai",
        "company": "Acme Trading LLC",
        "website": "https://www.acme-trading.ae/about",
        "industry": "Logistics",
        "employee_count": "1,200",
        "annual_revenue": "$5m",
        "company_country": "AE",
    }
    return {**fields, **changes}


def draft(
    fields: dict[str, str | None], custom_fields: dict[str, object] | None = None
) -> LeadDraft:
    return draft_from_fields(fields, region="AE", custom_fields=custom_fields)


def reasons(fields: dict[str, str | None]) -> dict[str, str]:
    with pytest.raises(InvalidLead) as refused:
        draft(fields)
    assert str(refused.value)
    return refused.value.reasons


def company_of(**fields: str) -> CompanyDraft | None:
    return draft({"first_name": "Layla", "phone": "+971501234567", **fields}).company


# --- A whole record -------------------------------------------------------------------------


def test_a_full_record_is_normalised() -> None:
    assert draft(lead_fields(), custom_fields={"plan": "pro"}) == LeadDraft(
        first_name="Layla",
        last_name="Haddad",
        name_key="layla haddad",
        email="Layla.Haddad@acme-trading.ae",
        email_key="layla.haddad@acme-trading.ae",
        phone="+971501234567",
        whatsapp_id="+971507654321",
        title="Head of Sales",
        city="Dubai",
        country="AE",
        source="webinar",
        consent_status="granted",
        time_zone="Asia/Dubai",
        custom_fields={"plan": "pro"},
        company=CompanyDraft(
            name="Acme Trading LLC",
            name_key="acme trading",
            domain="acme-trading.ae",
            industry="Logistics",
            employee_count=1200,
            annual_revenue=5_000_000,
            country="AE",
        ),
    )


def test_text_is_trimmed_and_blank_text_is_missing() -> None:
    result = draft(lead_fields(title="  Head   of\tSales ", city="   ", source=""))
    assert (result.title, result.city, result.source) == ("Head of Sales", None, None)


# --- Names ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("full_name", "first", "last"),
    [
        ("Smith, John", "John", "Smith"),
        ("John Smith", "John", "Smith"),
        ("  John   Smith  ", "John", "Smith"),
        ("Smith,John", "John", "Smith"),
        ("Mary Ann Smith", "Mary", "Ann Smith"),
        ("Madonna", "Madonna", None),
        ("Smith,", None, "Smith"),
    ],
)
def test_full_name_is_split(full_name: str, first: str | None, last: str | None) -> None:
    result = draft({"full_name": full_name, "email": "j@acme.com"})
    assert (result.first_name, result.last_name) == (first, last)


def test_full_name_gives_way_to_first_or_last_name() -> None:
    result = draft({"full_name": "Smith, John", "last_name": "Doe", "email": "j@acme.com"})
    assert (result.first_name, result.last_name, result.name_key) == (None, "Doe", "doe")


def test_name_key_folds_case_and_accents() -> None:
    result = draft({"first_name": "JOSÉ", "last_name": "Núñez", "email": "j@acme.com"})
    assert result.name_key == "jose nunez"


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"first_name": "x" * 201}, "first_name"),
        ({"full_name": "John " + "x" * 201}, "last_name"),
        ({"title": "x" * 201}, "title"),
        ({"city": "x" * 201}, "city"),
        ({"source": "x" * 101}, "source"),
    ],
)
def test_long_text_is_refused(fields: dict[str, str], reason: str) -> None:
    assert reason in reasons({"email": "j@acme.com", **fields})


# --- Every reason at once -------------------------------------------------------------------


def test_a_bad_email_and_a_bad_phone_are_both_reported() -> None:
    found = reasons(lead_fields(email="layla at acme", phone="12"))
    assert set(found) == {"email", "phone"}
    assert "12" in found["phone"]


def test_every_bad_field_is_reported_at_once() -> None:
    found = reasons(
        lead_fields(
            email="layla@",
            phone="call me",
            whatsapp="whatsapp:+999",
            country="Atlantis",
            company_country="Middle East",
            consent="maybe",
            time_zone="Mars/Olympus_Mons",
            website="n/a",
            employee_count="lots",
            annual_revenue="undisclosed",
            title="x" * 201,
        )
    )
    assert set(found) == {
        "email", "phone", "whatsapp", "country", "company_country", "consent", "time_zone",
        "website", "employee_count", "annual_revenue", "title",
    }  # fmt: skip


# --- Enough to reach the person -------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"email": "layla@acme.com"},
        {"phone": "+971 50 123 4567"},
        {"whatsapp": "whatsapp:+971501234567"},
        {"full_name": "Layla Haddad", "company": "Acme"},
        {"last_name": "Haddad", "website": "acme.com"},
    ],
)
def test_a_lead_needs_a_way_to_reach_the_person(fields: dict[str, str]) -> None:
    assert draft(fields)


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"first_name": "Layla", "last_name": "Haddad"},
        {"company": "Acme", "website": "acme.com"},
        {"title": "CEO", "city": "Riyadh", "consent": "yes"},
        {"phone": "   ", "email": ""},
        {"phone": "whatsapp:"},
    ],
)
def test_a_lead_without_a_way_to_reach_the_person_is_refused(fields: dict[str, str]) -> None:
    assert reasons(fields) == {
        "lead": "needs an email, a phone or a WhatsApp number, or a name and a company"
    }


def test_the_reach_rule_stays_quiet_while_other_fields_are_wrong() -> None:
    assert set(reasons({"email": "not an email"})) == {"email"}


# --- Phones ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "raw"),
    [
        ("phone", "050 123 4567"),
        ("phone", "+971-50-123-4567"),
        ("phone", "whatsapp:+971501234567"),
        ("whatsapp", "WhatsApp: +971 50 123 4567"),
        ("whatsapp", "0501234567"),
    ],
)
def test_phones_use_the_region_and_drop_a_whatsapp_prefix(field: str, raw: str) -> None:
    result = draft({field: raw})
    assert (result.phone or result.whatsapp_id) == "+971501234567"


def test_phones_are_read_in_the_region_given() -> None:
    assert draft_from_fields({"phone": "050 123 4567"}, region="SA").phone == "+966501234567"


# --- Company --------------------------------------------------------------------------------


def test_company_domain_comes_from_the_website() -> None:
    company = company_of(company="Acme", website="https://www.acme.io/x", email="l@other.com")
    assert company == CompanyDraft(name="Acme", name_key="acme", domain="acme.io")


def test_company_domain_comes_from_a_work_email_when_a_company_is_named() -> None:
    company = company_of(company="Acme Inc.", email="Layla@Mail.ACME.com")
    assert company == CompanyDraft(name="Acme Inc.", name_key="acme", domain="mail.acme.com")


@pytest.mark.parametrize(
    "email", ["layla@gmail.com", "layla@googlemail.com", "layla@outlook.com", "layla@yahoo.com"]
)
def test_company_domain_never_comes_from_free_mail(email: str) -> None:
    assert company_of(company="Acme", email=email) == CompanyDraft(name="Acme", name_key="acme")


def test_a_work_email_alone_makes_no_company() -> None:
    assert company_of(email="layla@acme.com") is None


def test_a_website_alone_names_the_company_by_its_domain() -> None:
    company = company_of(website="https://acme.io")
    assert company is not None
    assert (company.name, company.domain) == ("acme.io", "acme.io")


@pytest.mark.parametrize(
    ("raw", "count"),
    [
        ("1,200", 1200),
        ("1 200", 1200),
        ("5k", 5000),
        ("5K", 5000),
        ("1.5k", 1500),
        ("500+", 500),
        ("12", 12),
        ("0", 0),
        ("2m", 2_000_000),
    ],
)
def test_employee_count_reads_people_numbers(raw: str, count: int) -> None:
    company = company_of(company="Acme", employee_count=raw)
    assert company is not None
    assert company.employee_count == count


@pytest.mark.parametrize(("raw", "count"), [("11-50", 30), ("5k-10k", 7500), ("10 - 50", 30)])
def test_employee_count_ranges_count_as_their_midpoint(raw: str, count: int) -> None:
    company = company_of(company="Acme", employee_count=raw)
    assert company is not None
    assert company.employee_count == count


@pytest.mark.parametrize(
    ("raw", "revenue"), [("$5m", 5_000_000), ("$1.2b", 1_200_000_000), ("250,000", 250_000)]
)
def test_annual_revenue_reads_money(raw: str, revenue: int) -> None:
    company = company_of(company="Acme", annual_revenue=raw)
    assert company is not None
    assert company.annual_revenue == revenue


@pytest.mark.parametrize("raw", ["abc", "k", "-5", "1e3", "about 50", "5 k people", "1.2.3"])
def test_employee_count_refuses_words(raw: str) -> None:
    assert set(reasons(lead_fields(employee_count=raw))) == {"employee_count"}


def test_employee_count_refuses_numbers_too_large_to_store() -> None:
    assert "too large" in reasons(lead_fields(employee_count="5000000000b"))["employee_count"]


@pytest.mark.parametrize(
    ("field", "raw", "value"),
    [("employee_count", "2.01k", 2010), ("annual_revenue", "$4.1m", 4_100_000)],
)
def test_decimal_multiples_are_exact(field: str, raw: str, value: int) -> None:
    company = draft(lead_fields(**{field: raw})).company
    assert company is not None
    assert getattr(company, field) == value


def test_a_number_with_hundreds_of_digits_is_refused_not_crashed() -> None:
    assert "employee_count" in reasons(lead_fields(employee_count="9" * 400))


def test_a_long_chain_of_dashes_is_refused_not_crashed() -> None:
    assert "employee_count" in reasons(lead_fields(employee_count="1-" * 1200 + "1"))


# --- Consent, time zone, country ------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("yes", "granted"),
        ("Y", "granted"),
        ("TRUE", "granted"),
        ("1", "granted"),
        ("opt-in", "granted"),
        ("Opted  In", "granted"),
        ("subscribed", "granted"),
        ("granted", "granted"),
        ("No", "denied"),
        ("false", "denied"),
        ("0", "denied"),
        ("opt-out", "denied"),
        ("opted out", "denied"),
        ("Unsubscribed", "denied"),
        ("unknown", "unknown"),
        ("", "unknown"),
        (None, "unknown"),
    ],
)
def test_consent_words(raw: str | None, status: str) -> None:
    assert draft(lead_fields(consent=raw)).consent_status == status


@pytest.mark.parametrize("raw", ["maybe", "yes please", "ok", "2"])
def test_consent_refuses_other_words(raw: str) -> None:
    assert set(reasons(lead_fields(consent=raw))) == {"consent"}


@pytest.mark.parametrize(
    "zone", ["Europe/London", "Asia/Riyadh", "America/Argentina/Buenos_Aires", "UTC"]
)
def test_time_zone_accepts_iana_names(zone: str) -> None:
    assert draft(lead_fields(time_zone=zone)).time_zone == zone


@pytest.mark.parametrize(
    "zone",
    ["Mars/Olympus_Mons", "GMT+3", "asia/dubai", "Europe/", "../../etc/passwd", "/etc/localtime"],
)
def test_time_zone_refuses_other_names(zone: str) -> None:
    assert set(reasons(lead_fields(time_zone=zone))) == {"time_zone"}


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("sa", "SA"),
        ("Saudi Arabia", "SA"),
        ("KSA", "SA"),
        ("السعودية", "SA"),
        ("Deutschland", "DE"),
        ("U.K.", "GB"),
        ("United Arab Emirates", "AE"),
    ],
)
def test_countries_are_read_as_codes(raw: str, code: str) -> None:
    result = draft(lead_fields(country=raw, company_country=raw))
    assert result.country == code
    assert result.company is not None
    assert result.company.country == code


@pytest.mark.parametrize("raw", ["Atlantis", "Middle East", "XX", "EU", "S1", "SAU", "s.a"])
@pytest.mark.parametrize("field", ["country", "company_country"])
def test_countries_refuse_anything_else(field: str, raw: str) -> None:
    assert set(reasons(lead_fields(**{field: raw}))) == {field}


# --- Any input at all -----------------------------------------------------------------------


def field_values(name: str) -> st.SearchStrategy[str | None]:
    plausible = {**lead_fields(), "full_name": "Haddad, Layla"}[name]
    return st.none() | st.just(plausible) | st.text(max_size=60)


arriving_fields = st.fixed_dictionaries(
    {}, optional={name: field_values(name) for name in LEAD_FIELDS}
)


def outcome(fields: dict[str, str | None], region: str) -> LeadDraft | InvalidLead:
    try:
        return draft_from_fields(fields, region=region)
    except InvalidLead as refused:
        return refused


@settings(max_examples=300, deadline=None)
@given(fields=arriving_fields, region=st.sampled_from(("US", "GB", "AE", "SA", "DE", "IN")))
def test_any_fields_give_a_draft_or_invalid_lead(
    fields: dict[str, str | None], region: str
) -> None:
    result = outcome(fields, region)
    if isinstance(result, InvalidLead):
        assert result.reasons
        assert set(result.reasons) <= {*LEAD_FIELDS, "lead"}
        return
    reachable = result.email_key or result.phone or result.whatsapp_id
    assert reachable or (result.name_key and result.company)
    assert result.consent_status in ("granted", "denied", "unknown")
    assert LeadDraft.from_record(result.as_record()) == result
