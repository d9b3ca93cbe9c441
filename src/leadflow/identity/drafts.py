"""A lead as it arrives, validated and normalised: the one shape every intake path produces."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from leadflow.exceptions import UnprocessableInput
from leadflow.identity.countries import country_code
from leadflow.identity.keys import (
    FREE_MAIL_DOMAINS,
    InvalidWebsite,
    company_name_key,
    email_domain,
    normalize_domain,
    person_name_key,
)
from leadflow.identity.phones import InvalidPhone, to_e164
from leadflow.kit.emails import InvalidEmail, normalize_email

# The fields a lead can arrive with, by their canonical names.
LEAD_FIELDS = (
    "first_name", "last_name", "full_name", "email", "phone", "whatsapp", "title", "city",
    "country", "source", "consent", "time_zone", "company", "website", "industry",
    "employee_count", "annual_revenue", "company_country",
)  # fmt: skip
_CONSENT_WORDS = {
    "granted": "granted", "yes": "granted", "y": "granted", "true": "granted", "1": "granted",
    "opt-in": "granted", "opted in": "granted", "subscribed": "granted",
    "denied": "denied", "no": "denied", "n": "denied", "false": "denied", "0": "denied",
    "opt-out": "denied", "opted out": "denied", "unsubscribed": "denied",
    "unknown": "unknown", "": "unknown",
}  # fmt: skip
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_MULTIPLIERS = {"k": 1_000, "m": 1_000_000, "b": 1_000_000_000}
_TEXT_LIMITS = {"first_name": 200, "last_name": 200, "title": 200, "city": 200, "source": 100}


class InvalidLead(UnprocessableInput):
    """The lead cannot be taken as it is; ``reasons`` says why, field by field.

    Every intake path reports it as it is: a 422 with ``errors`` through the API and the web
    form, a rejected row with its reasons in an import.
    """

    def __init__(self, reasons: dict[str, str]) -> None:
        self.reasons = reasons
        joined = "; ".join(f"{name}: {why}" for name, why in reasons.items())
        super().__init__(joined, errors=reasons)


class CompanyDraft(NamedTuple):
    name: str | None = None
    name_key: str | None = None
    domain: str | None = None
    industry: str | None = None
    employee_count: int | None = None
    annual_revenue: int | None = None
    country: str | None = None


class LeadDraft(NamedTuple):
    """Immutable and a tuple underneath: imports pass millions of them between processes."""

    first_name: str | None = None
    last_name: str | None = None
    name_key: str | None = None
    email: str | None = None
    email_key: str | None = None
    phone: str | None = None
    whatsapp_id: str | None = None
    title: str | None = None
    city: str | None = None
    country: str | None = None
    source: str | None = None
    consent_status: str = "unknown"
    time_zone: str | None = None
    custom_fields: dict[str, Any] = {}
    company: CompanyDraft | None = None

    def as_record(self) -> dict[str, Any]:
        record = self._asdict()
        record["company"] = None if self.company is None else self.company._asdict()
        return record

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> LeadDraft:
        company = record.get("company")
        values = {k: v for k, v in record.items() if k in cls._fields and k != "company"}
        return cls(**values, company=CompanyDraft(**company) if company else None)


PlainDraft = tuple[Any, ...]


def plain_drafts(drafts: Sequence[LeadDraft]) -> list[PlainDraft]:
    """Drafts as plain tuples (their company too), to send to another process: pickle calls
    a NamedTuple's Python-level __getnewargs__ and __new__ for each one, plain tuples not."""
    return [(*draft[:-1], draft[-1] and tuple(draft[-1])) for draft in drafts]


def drafts_from_plain(plain: Sequence[PlainDraft]) -> list[LeadDraft]:
    """``plain_drafts`` undone, without calling the classes' Python-level constructors."""
    new = tuple.__new__
    return [new(LeadDraft, (*p[:-1], p[-1] and new(CompanyDraft, p[-1]))) for p in plain]


def tidy_text(value: str) -> str | None:
    """Whitespace tidied (every run one space, none at the ends); None when nothing is left."""
    if value.isprintable() and "  " not in value and value[:1] != " " and value[-1:] != " ":
        return value or None
    cleaned = " ".join(value.split())
    return cleaned or None


def _split_full_name(full_name: str) -> tuple[str | None, str | None]:
    if "," in full_name:  # "Smith, John"
        last, _, first = full_name.partition(",")
        return tidy_text(first), tidy_text(last)
    first, _, last = full_name.partition(" ")
    return tidy_text(first), tidy_text(last)


def _whole_number(value: str, name: str, reasons: dict[str, str]) -> int | None:
    """ "1,200", "5k", "$2.5M", "1000+"; a range such as "11-50" counts as its midpoint."""
    low, dash, high = value.partition("-")
    bounds = [_count(low), _count(high)] if dash else [_count(value)]
    if None in bounds:
        reasons[name] = f"not a number: {value[:40]!r}"
        return None
    number = sum(bounds) // len(bounds)  # type: ignore[arg-type]
    if number >= 2**62:
        reasons[name] = "number is too large"
        return None
    return number


def _count(text: str) -> int | None:
    compact = text.replace(",", "").replace(" ", "").lstrip("$").rstrip("+")
    multiplier = _MULTIPLIERS.get(compact[-1:].lower(), 1)
    if multiplier != 1:
        compact = compact[:-1]
    if len(compact) > 20 or not _NUMBER.fullmatch(compact):
        return None
    return int(Decimal(compact) * multiplier)


class _DraftBuilder:
    """Reads one arrival's fields, already tidied (``tidy_text``) and without blanks."""

    def __init__(self, fields: Mapping[str, str], region: str) -> None:
        self.get = fields.get
        self.region = region
        self.reasons: dict[str, str] = {}

    def build(self, custom_fields: dict[str, Any]) -> LeadDraft:
        first_name, last_name, name_key = self._names()
        email, email_key = self._email()
        phone, whatsapp_id = self._phone("phone"), self._phone("whatsapp")
        title, city, source = (self._bounded(name) for name in ("title", "city", "source"))
        country = self._country("country")
        consent_status = self._consent()
        time_zone = self._time_zone()
        company = self._company(email_key)
        reachable = email_key or phone or whatsapp_id
        if not self.reasons and not (reachable or (name_key and company)):
            self.reasons["lead"] = (
                "needs an email, a phone or a WhatsApp number, or a name and a company"
            )
        if self.reasons:
            raise InvalidLead(self.reasons)
        return LeadDraft(
            first_name, last_name, name_key, email, email_key, phone, whatsapp_id, title, city,
            country, source, consent_status, time_zone, custom_fields, company,
        )  # fmt: skip

    def _names(self) -> tuple[str | None, str | None, str | None]:
        first, last = self.get("first_name"), self.get("last_name")
        full_name = self.get("full_name")
        if full_name and not (first or last):
            first, last = _split_full_name(full_name)
        for name, value in (("first_name", first), ("last_name", last)):
            if value and len(value) > _TEXT_LIMITS[name]:
                self.reasons[name] = f"longer than {_TEXT_LIMITS[name]} characters"
        return first, last, person_name_key(first, last)

    def _email(self) -> tuple[str | None, str | None]:
        if email := self.get("email"):
            try:
                return normalize_email(email)
            except InvalidEmail as error:
                self.reasons["email"] = str(error)
        return None, None

    def _phone(self, name: str) -> str | None:
        raw = self.get(name)
        if raw and raw.lower().startswith("whatsapp:"):
            raw = raw[9:]
        if not raw:
            return None
        try:
            return to_e164(raw, self.region)
        except InvalidPhone as error:
            self.reasons[name] = f"{error}: {raw[:40]!r}"
            return None

    def _bounded(self, name: str) -> str | None:
        value = self.get(name)
        if value and len(value) > _TEXT_LIMITS[name]:
            self.reasons[name] = f"longer than {_TEXT_LIMITS[name]} characters"
        return value

    def _consent(self) -> str:
        consent = (self.get("consent") or "").lower()
        if consent not in _CONSENT_WORDS:
            self.reasons["consent"] = (
                f"not a consent answer (yes/no/granted/denied): {consent[:40]!r}"
            )
        return _CONSENT_WORDS.get(consent, "unknown")

    def _time_zone(self) -> str | None:
        zone = self.get("time_zone")
        if not zone:
            return None
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            self.reasons["time_zone"] = f"not a time zone: {zone[:64]!r}"
            return None
        return zone

    def _country(self, name: str) -> str | None:
        value = self.get(name)
        if value is None:
            return None
        code = country_code(value)
        if code is None:
            self.reasons[name] = f"not a country: {value[:40]!r}"
        return code

    def _company(self, email_key: str | None) -> CompanyDraft | None:
        name, website = self.get("company"), self.get("website")
        mail_domain = email_domain(email_key) if email_key and name and not website else None
        company, reasons = _company_draft(
            name,
            website,
            mail_domain,
            self.get("industry"),
            self.get("employee_count"),
            self.get("annual_revenue"),
            self.get("company_country"),
        )
        self.reasons.update(reasons)
        return company


@lru_cache(maxsize=16384)  # imports repeat each company's facts across its people
def _company_draft(
    name: str | None,
    website: str | None,
    mail_domain: str | None,
    industry: str | None,
    employee_count: str | None,
    annual_revenue: str | None,
    country: str | None,
) -> tuple[CompanyDraft | None, tuple[tuple[str, str], ...]]:
    """The company an arrival names and the reasons its facts are refused, in field order.
    ``mail_domain`` is the domain of the arrival's email, given only when it has no website."""
    reasons: dict[str, str] = {}
    domain = None
    if website:
        try:
            domain = normalize_domain(website)
        except InvalidWebsite as error:
            reasons["website"] = str(error)
    elif mail_domain and mail_domain not in FREE_MAIL_DOMAINS:
        domain = mail_domain
    if not (name or domain):
        return None, tuple(reasons.items())
    numbers = {
        field: _whole_number(raw, field, reasons)
        for field, raw in (("employee_count", employee_count), ("annual_revenue", annual_revenue))
        if raw
    }
    code = country_code(country) if country is not None else None
    if country is not None and code is None:
        reasons["company_country"] = f"not a country: {country[:40]!r}"
    label = name or domain
    company = CompanyDraft(
        name=label,
        name_key=company_name_key(label or "") or None,
        domain=domain,
        industry=industry,
        country=code,
        **numbers,
    )
    return company, tuple(reasons.items())


def draft_from_fields(
    fields: dict[str, str | None], *, region: str, custom_fields: dict[str, Any] | None = None
) -> LeadDraft:
    """Validate and normalise one arriving lead; raises InvalidLead with every reason at once."""
    tidied = {
        name: text
        for name, value in fields.items()
        if value is not None and (text := tidy_text(value)) is not None
    }
    return draft_from_tidy_fields(tidied, region=region, custom_fields=custom_fields)


def draft_from_tidy_fields(
    fields: Mapping[str, str], *, region: str, custom_fields: dict[str, Any] | None = None
) -> LeadDraft:
    """``draft_from_fields`` for fields already tidied (``tidy_text``), blanks left out."""
    return _DraftBuilder(fields, region).build(custom_fields or {})
