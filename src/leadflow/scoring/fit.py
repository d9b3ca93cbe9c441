"""Fit: how closely a lead matches the workspace's ideal customer profile, rule by rule."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from leadflow.models import Company, Lead
from leadflow.scoring.reasons import Reason

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


def seniority(title: str | None) -> str | None:
    if not title:
        return None
    lowered = title.lower()
    for level, pattern in _SENIORITY:
        if pattern.search(lowered):
            return level
    return "individual"


def facts_of(lead: Lead, company: Company | None) -> dict[str, Any]:
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


def fit(facts: Mapping[str, Any], checks: Sequence[Check]) -> list[Reason]:
    return [check.reason for check in checks if check.test(facts.get(check.field))]


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
