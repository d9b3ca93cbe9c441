"""Fit: how closely a lead matches the workspace's ideal customer profile, rule by rule."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from leadflow.models import Company, Lead
from leadflow.scoring.reasons import Reason

OPERATORS = ("in", "not_in", "between", "at_least", "at_most", "contains", "present", "missing")
FIELDS = (
    "industry", "employee_count", "annual_revenue", "country", "title", "seniority", "email",
    "phone", "whatsapp_id", "city", "source", "company", "website",
)  # fmt: skip

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


def fit(facts: Mapping[str, Any], rules: Sequence[Rule]) -> list[Reason]:
    return [
        Reason(rule.points, rule.reason, "fit")
        for rule in rules
        if _CHECKS[rule.operator](facts.get(rule.field), rule.value)
    ]


def _text(value: Any) -> str:
    return str(value).strip().casefold()


def _one_of(value: Any, wanted: Any) -> bool:
    if value in (None, ""):
        return False
    choices = wanted if isinstance(wanted, list) else [wanted]
    return _text(value) in {_text(choice) for choice in choices}


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value in (None, ""):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _between(value: Any, bounds: Any) -> bool:
    number = _number(value)
    low, high = [*bounds, None, None][:2] if isinstance(bounds, list) else (None, None)
    return (
        number is not None
        and (low is None or number >= float(low))
        and (high is None or number <= float(high))
    )


def _at_least(value: Any, bound: Any) -> bool:
    number = _number(value)
    return number is not None and number >= float(bound)


def _at_most(value: Any, bound: Any) -> bool:
    number = _number(value)
    return number is not None and number <= float(bound)


def _contains(value: Any, words: Any) -> bool:
    if value in (None, ""):
        return False
    text = _text(value)
    return any(_text(word) in text for word in (words if isinstance(words, list) else [words]))


_CHECKS: dict[str, Callable[[Any, Any], bool]] = {
    "in": _one_of,
    "not_in": lambda value, wanted: value not in (None, "") and not _one_of(value, wanted),
    "between": _between,
    "at_least": _at_least,
    "at_most": _at_most,
    "contains": _contains,
    "present": lambda value, _: value not in (None, ""),
    "missing": lambda value, _: value in (None, ""),
}
