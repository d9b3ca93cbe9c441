"""The verdict: a 0-100 score that is the sum of its reasons, a tier, a persona, a confidence."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from leadflow.scoring.reasons import Reason, settle, top


@dataclass(frozen=True)
class Persona:
    name: str
    min_employees: int | None = None
    max_employees: int | None = None
    industries: tuple[str, ...] = ()


DEFAULT_PERSONAS = (
    Persona("enterprise", min_employees=1000),
    Persona("mid-market", min_employees=100, max_employees=999),
    Persona("SMB", max_employees=99),
)


@dataclass(frozen=True)
class ScoringSettings:
    hot: int = 70
    warm: int = 40
    half_life_days: float = 14.0
    model_weight: float = 0.5  # the predictive model's share of the score, when there is one
    personas: tuple[Persona, ...] = DEFAULT_PERSONAS

    @classmethod
    def of(cls, workspace_settings: Mapping[str, Any]) -> ScoringSettings:
        stored = dict(workspace_settings.get("scoring") or {})
        personas = tuple(Persona(**p) for p in stored.pop("personas", [])) or DEFAULT_PERSONAS
        known = {
            k: v
            for k, v in stored.items()
            if k in {"hot", "warm", "half_life_days", "model_weight"}
        }
        return cls(personas=personas, **known)


@dataclass(frozen=True)
class ModelView:
    """What the predictive model said of one lead, in probability: baseline plus contributions."""

    probability: float
    baseline: float
    contributions: Sequence[tuple[str, float]]


@dataclass(slots=True)
class Verdict:
    score: int
    tier: str
    persona: str | None
    confidence: float
    reasons: list[Reason] = field(default_factory=list)

    def reasons_as_json(self) -> list[dict[str, Any]]:
        return [{"points": r.points, "text": r.text, "source": r.source} for r in self.reasons]


def conversation_reasons(qualification: Mapping[str, Any], *, today: date) -> list[Reason]:
    """What the lead said in its messages, as points."""
    reasons = []
    budget = qualification.get("budget") or {}
    if budget.get("amount") is not None:
        reasons.append(
            Reason(
                10,
                f"stated a budget ({budget.get('currency') or ''} {budget['amount']})".replace(
                    "( ", "("
                ),
                "conversation",
            )
        )
    authority = qualification.get("authority") or {}
    if authority.get("decision_maker") is True:
        reasons.append(Reason(10, "makes the buying decision", "conversation"))
    elif authority.get("decision_maker") is False:
        reasons.append(Reason(-5, "needs someone else to decide", "conversation"))
    reasons.extend(_timeline(qualification.get("timeline") or {}, today))
    urgency = (qualification.get("urgency") or {}).get("level") or qualification.get(
        "urgency_level"
    )
    if urgency == "high":
        reasons.append(Reason(8, "says it is urgent", "conversation"))
    elif urgency == "low":
        reasons.append(Reason(-5, "says there is no rush", "conversation"))
    if (qualification.get("need") or {}).get("text"):
        reasons.append(Reason(5, "described what it needs", "conversation"))
    return reasons


def _timeline(timeline: Mapping[str, Any], today: date) -> list[Reason]:
    by = timeline.get("by")
    if not by:
        return []
    days = (date.fromisoformat(str(by)[:10]) - today).days
    if 0 <= days <= 90:
        return [Reason(10, f"wants it within {days} days", "conversation")]
    return [Reason(2, "has a timeline further out", "conversation")]


def judge(
    rule_reasons: Sequence[Reason],
    *,
    facts: Mapping[str, Any],
    settings: ScoringSettings,
    model: ModelView | None = None,
    signals: int = 0,
) -> Verdict:
    """Combines the rules' points with the model's view (when there is one) into the verdict."""
    reasons = list(rule_reasons)
    if model is not None:
        reasons = _blend(reasons, model, settings.model_weight)
    score, settled = settle(_at_most(reasons, 7))
    return Verdict(
        score=score,
        tier=tier_of(score, settings),
        persona=persona_of(facts, settings.personas),
        confidence=_confidence(facts, signals, model is not None),
        reasons=top(settled, 8),
    )


def _blend(rule_reasons: list[Reason], model: ModelView, weight: float) -> list[Reason]:
    share = 1 - weight
    blended = [Reason(points * share, text, source) for points, text, source in rule_reasons]
    blended.append(Reason(weight * 100 * model.baseline, _typical(model.baseline), "model"))
    blended.extend(
        Reason(weight * 100 * delta, _moves(label, delta > 0), "model")
        for label, delta in model.contributions
    )
    return blended


@lru_cache(maxsize=256)
def _typical(baseline: float) -> str:
    return f"leads like this one convert about {baseline:.0%} of the time"


@lru_cache(maxsize=65536)
def _moves(label: str, raises: bool) -> str:
    return f"{label} ({'raises' if raises else 'lowers'} the odds)"


def _at_most(reasons: list[Reason], count: int) -> list[Reason]:
    """The largest reasons, and the rest as one, so that what is shown still adds up."""
    if len(reasons) <= count:
        return reasons
    kept = top(reasons, count - 1)
    rest = sum(r.points for r in reasons) - sum(r.points for r in kept)
    return [*kept, Reason(rest, f"{len(reasons) - len(kept)} smaller reasons together", "several")]


def tier_of(score: int, settings: ScoringSettings) -> str:
    if score >= settings.hot:
        return "HOT"
    return "WARM" if score >= settings.warm else "COLD"


def persona_of(facts: Mapping[str, Any], personas: Sequence[Persona]) -> str | None:
    employees = _count(facts.get("employee_count"))
    industry = str(facts.get("industry") or "").casefold()
    for persona in personas:
        if persona.industries and industry not in {i.casefold() for i in persona.industries}:
            continue
        if _within(employees, persona.min_employees, persona.max_employees):
            return persona.name
    return None


def _count(value: Any) -> float | None:
    try:
        return None if value in (None, "") or isinstance(value, bool) else float(value)
    except (TypeError, ValueError):
        return None


def _within(employees: float | None, low: int | None, high: int | None) -> bool:
    if low is None and high is None:
        return True
    if employees is None:
        return False
    return (low is None or employees >= low) and (high is None or employees <= high)


def _confidence(facts: Mapping[str, Any], signals: int, modelled: bool) -> float:
    """How much the verdict rests on: facts known, signals seen, and a model's view."""
    known = sum(
        facts.get(name) not in (None, "")
        for name in ("industry", "employee_count", "title", "country")
    )
    return round(0.5 * known / 4 + 0.2 * min(signals, 5) / 5 + (0.3 if modelled else 0.0), 2)
