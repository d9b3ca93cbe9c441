"""A lead as it arrives, validated and normalised: the one shape every intake path produces."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from leadflow.identity.keys import (
    FREE_MAIL_DOMAINS,
    InvalidEmail,
    InvalidWebsite,
    company_name_key,
    email_domain,
    normalize_domain,
    normalize_email,
    person_name_key,
)
from leadflow.identity.phones import InvalidPhone, to_e164

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
_COUNTRY = re.compile(r"[A-Za-z]{2}")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_TEXT_LIMITS = {"first_name": 200, "last_name": 200, "title": 200, "city": 200, "source": 100}


class InvalidLead(ValueError):
    """The lead cannot be taken as it is; ``reasons`` says why, field by field."""

    def __init__(self, reasons: dict[str, str]) -> None:
        self.reasons = reasons
        super().__init__("; ".join(f"{name}: {why}" for name, why in reasons.items()))


@dataclass(slots=True)
class CompanyDraft:
    name: str | None = None
    name_key: str | None = None
    domain: str | None = None
    industry: str | None = None
    employee_count: int | None = None
    annual_revenue: int | None = None
    country: str | None = None


@dataclass(slots=True)
class LeadDraft:
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
    custom_fields: dict[str, Any] = field(default_factory=dict)
    company: CompanyDraft | None = None

    def as_record(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> LeadDraft:
        company = record.get("company")
        values = {k: v for k, v in record.items() if k in cls.__slots__ and k != "company"}
        return cls(**values, company=CompanyDraft(**company) if company else None)


def _text(value: str | None) -> str | None:
    if value is None:
        return None
    cleaned = " ".join(value.split())
    return cleaned or None


def _split_full_name(full_name: str) -> tuple[str | None, str | None]:
    if "," in full_name:  # "Smith, John"
        last, _, first = full_name.partition(",")
        return _text(first), _text(last)
    first, _, last = full_name.partition(" ")
    return _text(first), _text(last)


def _whole_number(value: str, name: str, reasons: dict[str, str]) -> int | None:
    compact = value.replace(",", "").replace(" ", "").lstrip("$").rstrip("+")
    multiplier = 1
    if compact[-1:].lower() in ("k", "m", "b"):
        multiplier = {"k": 1_000, "m": 1_000_000, "b": 1_000_000_000}[compact[-1].lower()]
        compact = compact[:-1]
    if not _NUMBER.fullmatch(compact):
        reasons[name] = f"not a number: {value[:40]!r}"
        return None
    number = int(float(compact) * multiplier)
    if number >= 2**62:
        reasons[name] = "number is too large"
        return None
    return number


class _DraftBuilder:
    def __init__(self, fields: dict[str, str | None], region: str) -> None:
        self.fields = {k: _text(v) for k, v in fields.items()}
        self.region = region
        self.reasons: dict[str, str] = {}

    def get(self, name: str) -> str | None:
        return self.fields.get(name)

    def build(self, custom_fields: dict[str, Any]) -> LeadDraft:
        draft = LeadDraft(custom_fields=custom_fields)
        self._names(draft)
        self._contact(draft)
        self._profile(draft)
        draft.company = self._company(draft.email_key)
        if not self.reasons and not (
            draft.email_key
            or draft.phone
            or draft.whatsapp_id
            or (draft.name_key and draft.company)
        ):
            self.reasons["lead"] = (
                "needs an email, a phone or a WhatsApp number, or a name and a company"
            )
        if self.reasons:
            raise InvalidLead(self.reasons)
        return draft

    def _names(self, draft: LeadDraft) -> None:
        draft.first_name, draft.last_name = self.get("first_name"), self.get("last_name")
        full_name = self.get("full_name")
        if full_name and not (draft.first_name or draft.last_name):
            draft.first_name, draft.last_name = _split_full_name(full_name)
        draft.name_key = person_name_key(draft.first_name, draft.last_name)

    def _contact(self, draft: LeadDraft) -> None:
        if email := self.get("email"):
            try:
                draft.email, draft.email_key = normalize_email(email)
            except InvalidEmail as error:
                self.reasons["email"] = str(error)
        draft.phone = self._phone("phone")
        draft.whatsapp_id = self._phone("whatsapp")

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

    def _profile(self, draft: LeadDraft) -> None:
        for name, limit in _TEXT_LIMITS.items():
            value = (
                self.get(name) if name not in ("first_name", "last_name") else getattr(draft, name)
            )
            if value and len(value) > limit:
                self.reasons[name] = f"longer than {limit} characters"
        draft.title, draft.city, draft.source = (
            self.get("title"),
            self.get("city"),
            self.get("source"),
        )
        draft.country = self._country("country")
        consent = (self.get("consent") or "").lower()
        if consent not in _CONSENT_WORDS:
            self.reasons["consent"] = (
                f"not a consent answer (yes/no/granted/denied): {consent[:40]!r}"
            )
        draft.consent_status = _CONSENT_WORDS.get(consent, "unknown")
        if zone := self.get("time_zone"):
            try:
                ZoneInfo(zone)
                draft.time_zone = zone
            except (ZoneInfoNotFoundError, ValueError):
                self.reasons["time_zone"] = f"not a time zone: {zone[:64]!r}"

    def _country(self, name: str) -> str | None:
        value = self.get(name)
        if value is None:
            return None
        if not _COUNTRY.fullmatch(value):
            self.reasons[name] = f"not a two-letter country code: {value[:40]!r}"
            return None
        return value.upper()

    def _company(self, email_key: str | None) -> CompanyDraft | None:
        name, website = self.get("company"), self.get("website")
        domain = None
        if website:
            try:
                domain = normalize_domain(website)
            except InvalidWebsite as error:
                self.reasons["website"] = str(error)
        elif email_key and name and email_domain(email_key) not in FREE_MAIL_DOMAINS:
            domain = email_domain(email_key)
        if not (name or domain):
            return None
        company = CompanyDraft(name=name or domain, domain=domain)
        company.name_key = company_name_key(company.name or "") or None
        company.industry = self.get("industry")
        company.country = self._country("company_country")
        for numeric in ("employee_count", "annual_revenue"):
            if raw := self.get(numeric):
                setattr(company, numeric, _whole_number(raw, numeric, self.reasons))
        return company


def draft_from_fields(
    fields: dict[str, str | None], *, region: str, custom_fields: dict[str, Any] | None = None
) -> LeadDraft:
    """Validate and normalise one arriving lead; raises InvalidLead with every reason at once."""
    return _DraftBuilder(fields, region).build(custom_fields or {})
