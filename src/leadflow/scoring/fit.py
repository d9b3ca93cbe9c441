"""Fit: how closely a lead matches the workspace's ideal customer profile, rule by rule."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, TypeVar

import numpy as np

from leadflow.models import Company, Lead
from leadflow.scoring.reasons import Indices, Kind, Mask, Reason, Reasons

T = TypeVar("T")

_EXECUTIVE = (
    r"\b(ceo|cfo|cto|coo|cmo|cro|chief|founder|co-?founder|owner|president|partner"
    r"|managing director|gm|general manager)\b"
)
_SENIORITY = (
    ("executive", re.compile(_EXECUTIVE)),
    ("vp", re.compile(r"\b(vp|vice president|svp|evp)\b")),
    ("director", re.compile(r"\b(director|head of|head)\b")),
    ("manager", re.compile(r"\b(manager|lead|supervisor)\b")),
)  # fmt: skip


@dataclass(frozen=True)
class Rule:
    field: str
    operator: str
    value: Any
    points: int
    reason: str


@lru_cache(maxsize=4096)  # titles repeat: an import reads a few thousand kinds a million times
def seniority(title: str | None) -> str | None:
    if not title:
        return None
    lowered = title.lower()
    for level, pattern in _SENIORITY:
        if pattern.search(lowered):
            return level
    return "individual"


@dataclass(frozen=True, slots=True)
class CompanyFacts:
    """What judging reads of a company, read as a plain row rather than an object."""

    name: str
    domain: str | None
    industry: str | None
    employee_count: int | None
    annual_revenue: int | None
    country: str | None


@dataclass(frozen=True, slots=True)
class LeadFacts:
    """What judging reads of a lead (``facts_of``, ``features.lead_row``, its qualification),
    read as a plain row rather than an object: a bulk read is several times cheaper."""

    company: CompanyFacts | None
    id: int
    title: str | None
    email: str | None
    phone: str | None
    whatsapp_id: str | None
    city: str | None
    source: str | None
    origin: str
    country: str | None
    custom_fields: dict[str, Any]
    qualification: dict[str, Any]
    scored_at: datetime | None


def facts_of(lead: Lead | LeadFacts, company: Company | CompanyFacts | None) -> dict[str, Any]:
    """What the rules can look at: the lead, its company, and its custom fields."""
    facts: dict[str, Any] = {
        "title": lead.title,
        "seniority": seniority(lead.title),
        "email": lead.email,
        "phone": lead.phone,
        "whatsapp_id": lead.whatsapp_id,
        "city": lead.city,
        "source": lead.source,
        "country": lead.country or (company.country if company else None),
        "company": company.name if company else None,
        "website": company.domain if company else None,
        "industry": company.industry if company else None,
        "employee_count": company.employee_count if company else None,
        "annual_revenue": company.annual_revenue if company else None,
    }
    facts.update({f"custom:{k}": v for k, v in (lead.custom_fields or {}).items()})
    return facts


@dataclass(frozen=True)
class Check:
    """A rule made ready to test many leads: its value parsed once, not once per lead."""

    field: str
    test: Callable[[Any], bool]
    reason: Reason


def prepare(rules: Sequence[Rule]) -> list[Check]:
    return [
        Check(
            rule.field, _PREPARE[rule.operator](rule.value), Reason(rule.points, rule.reason, "fit")
        )
        for rule in rules
    ]


class Facts:
    """What the rules can look at, for many leads at once. Each fact is gathered once, and a
    reading of it (a rule's test, a persona's bounds) runs once per distinct value: leads
    share industries, countries and sizes."""

    def __init__(self, leads: Sequence[Mapping[str, Any]]) -> None:
        self.leads = leads
        self._columns: dict[str, tuple[Indices, list[Any]]] = {}

    def __len__(self) -> int:
        return len(self.leads)

    def test(self, name: str, test: Callable[[Any], bool]) -> Mask:
        """``test`` of each lead's fact ``name``."""
        numbers, values = self._column(name)
        return np.array([test(value) for value in values], dtype=bool)[numbers]

    def read(self, names: Sequence[str], reading: Callable[[Mapping[str, Any]], T]) -> list[T]:
        """``reading`` of each lead's facts ``names`` (given as a mapping)."""
        columns = [self._column(name) for name in names]
        sizes = tuple(max(len(values), 1) for _, values in columns)
        combined = np.ravel_multi_index(tuple(numbers for numbers, _ in columns), sizes)
        distinct, back = np.unique(combined, return_inverse=True)
        read = [
            reading(
                {name: values[n] for name, (_, values), n in zip(names, columns, at, strict=True)}
            )
            for at in zip(*np.unravel_index(distinct, sizes), strict=True)
        ]
        return [read[n] for n in back.tolist()]

    def _column(self, name: str) -> tuple[Indices, list[Any]]:
        if name not in self._columns:
            self._columns[name] = _numbered([facts.get(name) for facts in self.leads])
        return self._columns[name]


def _numbered(values: list[Any]) -> tuple[Indices, list[Any]]:
    """Each value's number among the distinct values, and those values. A value's type counts:
    True, 1 and 1.0 are equal in Python, not to a rule."""
    numbers: dict[tuple[type, Any], int] = {}
    try:
        keys = zip(map(type, values), values, strict=True)
        found = [numbers.setdefault(key, len(numbers)) for key in keys]
    except TypeError:  # a value that cannot be a key (a list in a custom field) stands alone
        return np.arange(len(values)), values
    return np.array(found, dtype=np.intp), [value for _, value in numbers]


def fits(facts: Facts, checks: Sequence[Check]) -> Reasons:
    """The rules each lead meets: a column per rule, in the rules' order."""
    met = np.zeros((len(facts), len(checks)), dtype=bool)
    for column, check in enumerate(checks):
        met[:, column] = facts.test(check.field, check.test)
    points = np.array([check.reason.points for check in checks], dtype=np.float64)
    kinds = [Kind("fit", check.reason.text) for check in checks]
    return Reasons.columns(np.where(met, points, 0.0), met, kinds)


def fit(facts: Mapping[str, Any], checks: Sequence[Check]) -> list[Reason]:
    return fits(Facts([facts]), checks).rows()[0]


def _text(value: Any) -> str:
    return str(value).strip().casefold()


def _choices(wanted: Any) -> frozenset[str]:
    return frozenset(_text(choice) for choice in (wanted if isinstance(wanted, list) else [wanted]))


def _blank(value: Any) -> bool:
    return value is None or value == ""


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or _blank(value):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _one_of(wanted: Any) -> Callable[[Any], bool]:
    choices = _choices(wanted)
    return lambda value: not _blank(value) and _text(value) in choices


def _none_of(wanted: Any) -> Callable[[Any], bool]:
    choices = _choices(wanted)
    return lambda value: not _blank(value) and _text(value) not in choices


def _between(bounds: Any) -> Callable[[Any], bool]:
    low, high = [*bounds, None, None][:2] if isinstance(bounds, list) else (None, None)
    least = float("-inf") if low is None else float(low)
    most = float("inf") if high is None else float(high)

    def test(value: Any) -> bool:
        number = _number(value)
        return number is not None and least <= number <= most

    return test


def _at_least(bound: Any) -> Callable[[Any], bool]:
    return _between([bound, None])


def _at_most(bound: Any) -> Callable[[Any], bool]:
    return _between([None, bound])


def _contains(words: Any) -> Callable[[Any], bool]:
    wanted = _choices(words)
    return lambda value: not _blank(value) and any(word in _text(value) for word in wanted)


_PREPARE: dict[str, Callable[[Any], Callable[[Any], bool]]] = {
    "in": _one_of,
    "not_in": _none_of,
    "between": _between,
    "at_least": _at_least,
    "at_most": _at_most,
    "contains": _contains,
    "present": lambda _: lambda value: not _blank(value),
    "missing": lambda _: _blank,
}

OPERATORS_PREPARED = frozenset(_PREPARE)
