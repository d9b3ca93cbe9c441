"""Which lead field each column of an import file holds, from the names CRMs give them.

A header is matched after folding case and dropping spaces, punctuation, underscores and
hyphens, so "E-mail Address", "email_address" and "EmailAddress" are one name. A column that
matches no field, or a field an earlier column already took, becomes a custom field: an
import never drops a column unless the user says so.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from leadflow.identity.drafts import LEAD_FIELDS

IGNORE = "ignore"
CUSTOM = "custom"  # keep the column as a custom field, even where its name is a lead field's
# Columns leadflow's own export adds (its ids, stages, scores): facts of the workspace the file
# came from, so an import leaves them out instead of keeping them as custom fields.
SYSTEM_PREFIX = "leadflow:"
CUSTOM_KEY_LENGTH = 64

# Header names as the usual exports write them: HubSpot, Salesforce, Pipedrive, Zoho, Close,
# Apollo, LinkedIn Sales Navigator, Mailchimp, Google Contacts and Outlook. Each field's own
# name matches too. "URL" is left out: LinkedIn means the person's profile by it, Close the
# company's site.
_HEADER_NAMES = {
    "first_name": (
        "First Name", "Given Name", "First", "Forename", "Person - First Name",
        "Contact First Name",
    ),
    "last_name": (
        "Last Name", "Surname", "Family Name", "Last", "Person - Last Name", "Contact Last Name",
    ),
    "full_name": (
        "Name", "Full Name", "Contact Name", "Contact", "Person Name", "Person - Name",
        "Display Name", "Contact Full Name",
    ),
    "email": (
        "Email", "E-mail", "Email Address", "E-mail Address", "Email 1 - Value",
        "E-mail 1 - Value", "Work Email", "Business Email", "Primary Email", "Contact Email",
        "Email - Work", "Person - Email", "Person - Email - Work",
    ),
    "phone": (
        "Phone", "Phone Number", "Mobile Phone", "Mobile Phone Number", "Mobile",
        "Mobile Number", "Cell", "Cell Phone", "Business Phone", "Work Phone", "Direct Phone",
        "Work Direct Phone", "Corporate Phone", "Primary Phone", "Phone 1 - Value", "Telephone",
        "Contact Phone", "Phone - Work", "Phone - Mobile", "Person - Phone",
        "Person - Phone - Work",
    ),
    "whatsapp": (
        "WhatsApp Number", "WhatsApp Phone", "WhatsApp Phone Number", "WhatsApp ID",
    ),
    "title": (
        "Job Title", "Title", "Position", "Role", "Job Role", "Job Position", "Designation",
        "Contact Title", "Organization Title", "Organization 1 - Title", "Person - Job Title",
    ),
    "city": ("City", "Mailing City", "Address City", "Address 1 - City", "Business City"),
    "country": (
        "Country", "Country Code", "Country/Region", "Mailing Country", "Address Country",
        "Address 1 - Country", "Business Country", "Business Country/Region",
    ),
    "source": ("Lead Source", "Source", "Original Source", "Contact Source"),
    "consent": (
        "Consent", "Marketing Consent", "Email Consent", "GDPR Consent", "Email Opt In",
        "Opt In", "Marketing Opt In",
    ),
    "time_zone": ("Time Zone", "Timezone", "TZ"),
    "company": (
        "Company", "Company Name", "Account Name", "Account", "Organization", "Organisation",
        "Organization Name", "Organisation Name", "Organization 1 - Name", "Organization - Name",
        "Person - Organization", "Company / Account", "Associated Company", "Employer",
        "Current Company",
    ),
    "website": (
        "Website", "Web Site", "Website URL", "Company Website", "Company URL", "Web Page",
        "Website 1 - Value", "Domain", "Company Domain", "Company Domain Name",
    ),
    "industry": ("Industry", "Company Industry", "Sector"),
    "employee_count": (
        "Employees", "Number of Employees", "No. of Employees", "# Employees", "Employee Count",
        "Company Size", "Headcount", "Company Headcount",
    ),
    "annual_revenue": ("Annual Revenue", "Revenue", "Company Revenue"),
    "company_country": (
        "Company Country", "Account Country", "Organization Country", "Billing Country",
    ),
}  # fmt: skip
# Arabic names, matched after the same folding plus Arabic's (see ``_header_key``).
_ARABIC_HEADER_NAMES = {
    "first_name": ("الاسم الأول", "الاسم الاول"),
    "last_name": ("اسم العائلة", "الاسم الأخير", "اسم الأب"),
    "full_name": ("الاسم", "الاسم الكامل", "اسم العميل", "اسم جهة الاتصال"),
    "email": (
        "البريد الإلكتروني", "البريد الالكتروني", "البريد", "الإيميل", "إيميل", "الايميل",
    ),
    "phone": (
        "الجوال", "رقم الجوال", "الهاتف", "رقم الهاتف", "الموبايل", "رقم الموبايل",
        "الهاتف المحمول",
    ),
    "whatsapp": ("واتساب", "رقم الواتساب", "رقم واتساب"),
    "company": ("الشركة", "اسم الشركة", "المؤسسة", "الجهة"),
    "title": ("المسمى الوظيفي", "الوظيفة", "المنصب"),
    "city": ("المدينة",),
    "country": ("الدولة", "البلد"),
    "website": ("الموقع", "الموقع الإلكتروني", "الموقع الالكتروني"),
    "source": ("المصدر",),
    "industry": ("القطاع", "المجال"),
}  # fmt: skip
# Columns that are no lead field but have a usual name: their custom field gets that name
# (an Arabic header has no letters the ASCII key keeps).
_CUSTOM_KEY_BY_HEADER = {"ملاحظات": "notes", "الملاحظات": "notes", "ملاحظة": "notes"}


# Arabic is spelled several ways: hamza on alef or not, teh marbuta written as heh, alef
# maqsura as yeh, with or without tatweel and vowel marks.
_ALEF, _HEH, _YEH = "\u0627", "\u0647", "\u064a"
_ARABIC_FOLDS = str.maketrans(
    {
        "\u0623": _ALEF,  # alef with hamza above
        "\u0625": _ALEF,  # alef with hamza below
        "\u0622": _ALEF,  # alef with madda
        "\u0671": _ALEF,  # alef wasla
        "\u0629": _HEH,  # teh marbuta
        "\u0649": _YEH,  # alef maqsura
        "\u0640": None,  # tatweel
    }
)


def _header_key(header: str) -> str:
    return re.sub(r"[\W_]+", "", header.casefold().translate(_ARABIC_FOLDS))


def _field_by_header_key() -> dict[str, str]:
    by_key: dict[str, str] = {}
    for field in LEAD_FIELDS:
        names = (*_HEADER_NAMES.get(field, ()), *_ARABIC_HEADER_NAMES.get(field, ()))
        for name in (field, *names):
            claimed = by_key.setdefault(_header_key(name), field)
            if claimed != field:
                raise ValueError(f"header {name!r} names both {claimed} and {field}")
    return by_key


_FIELD_BY_HEADER_KEY = _field_by_header_key()
_CUSTOM_KEY_BY_HEADER_KEY = {_header_key(name): key for name, key in _CUSTOM_KEY_BY_HEADER.items()}


@dataclass(frozen=True)
class ColumnMap:
    """Cell index -> lead field (``fields``) or custom field key (``custom``); the indexes in
    neither are columns the user chose to leave out."""

    header: tuple[str, ...]
    fields: dict[int, str]
    custom: dict[int, str]

    @classmethod
    def from_header(cls, header: list[str], overrides: dict[str, str] | None = None) -> ColumnMap:
        """Map each column by its name. ``overrides`` maps a header, as written, to a lead
        field, to "custom" to keep it as a custom field, or to "" or "ignore" to leave the
        column out; it wins over the names."""
        targets = _override_targets(overrides or {})
        named = set(header)
        if missing := [name for name in targets if name not in named]:
            raise ValueError(f"no column named {', '.join(map(repr, missing))} in this file")
        fields = _claim_fields(header, targets)
        leftover = [
            index
            for index, name in enumerate(header)
            if index not in fields
            and targets.get(name) != IGNORE
            and not name.startswith(SYSTEM_PREFIX)
        ]
        return cls(tuple(header), fields, _custom_keys(header, leftover))

    @property
    def width(self) -> int:
        return len(self.header)

    def split(self, cells: list[str]) -> tuple[dict[str, str | None], dict[str, str]]:
        """One row as (lead fields, None when empty; custom fields, only those not empty).
        Cells past the header are not looked at."""
        if len(cells) < len(self.header):
            cells = cells + [""] * (len(self.header) - len(cells))
        fields = {field: cells[index] or None for index, field in self.fields.items()}
        custom = {key: cells[index] for index, key in self.custom.items() if cells[index]}
        return fields, custom

    def describe(self) -> dict[str, str]:
        """Header -> lead field, "custom:<key>" or "ignore": the mapping as users see it."""
        shown = dict(self.fields)
        shown.update({index: f"custom:{key}" for index, key in self.custom.items()})
        return {name: shown.get(index, IGNORE) for index, name in enumerate(self.header)}


def _override_targets(overrides: dict[str, str]) -> dict[str, str]:
    targets = {}
    for header, target in overrides.items():
        if target not in LEAD_FIELDS and target not in ("", IGNORE, CUSTOM):
            raise ValueError(
                f"column {header!r} cannot be mapped to {target!r}: use one of "
                f"{', '.join(LEAD_FIELDS)}, {CUSTOM!r} to keep it as a custom field, "
                f"or {IGNORE!r} to leave it out"
            )
        targets[header] = target or IGNORE
    return targets


def _claim_fields(header: list[str], targets: dict[str, str]) -> dict[int, str]:
    """Overridden columns claim their field first, then the others in order; the first
    column to claim a field keeps it."""
    overridden = [(i, targets[name]) for i, name in enumerate(header) if name in targets]
    named = [
        (i, _FIELD_BY_HEADER_KEY.get(_header_key(name)))
        for i, name in enumerate(header)
        if name not in targets
    ]
    claimed: dict[str, int] = {}
    for index, field in [*overridden, *named]:
        if field is not None and field not in (IGNORE, CUSTOM):
            claimed.setdefault(field, index)
    return dict(sorted((index, field) for field, index in claimed.items()))


def _custom_keys(header: list[str], indexes: list[int]) -> dict[int, str]:
    """A key per kept column, made unique with a number: "notes", "notes_2", "notes_3". Each
    name's last number is remembered, so a thousand columns of one name cost no more to
    number than a thousand different ones."""
    keys: dict[int, str] = {}
    taken: set[str] = set()
    numbered: dict[str, int] = {}
    for index in indexes:
        name = _custom_key(header[index]) or f"column_{index + 1}"
        key, number = name, numbered.get(name, 1)
        while key in taken:
            number += 1
            suffix = f"_{number}"
            key = name[: CUSTOM_KEY_LENGTH - len(suffix)].rstrip("_") + suffix
        numbered[name] = number
        keys[index] = key
        taken.add(key)
    return keys


def _custom_key(header: str) -> str:
    if key := _CUSTOM_KEY_BY_HEADER_KEY.get(_header_key(header)):
        return key
    ascii_text = unicodedata.normalize("NFKD", header).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")
    return slug[:CUSTOM_KEY_LENGTH].rstrip("_")
