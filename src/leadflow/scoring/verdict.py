"""The verdict: a 0-100 score that is the sum of its reasons, a tier, a persona, a confidence."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from leadflow.scoring.fit import Facts
from leadflow.scoring.reasons import Indices, Kind, Mask, Points, Reason, Reasons, settle_all

SHOWN_REASONS = 8  # at most: the seven largest, or six and the rest together, and bounds
KNOWN_FACTS = ("industry", "employee_count", "title", "country")  # what confidence rests on
SIGNALS_COUNTED = 5  # and as many signals as this


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
    # An external scorer's share (a workspace's stackAI flow), when it answered: out of what
    # the model leaves.
    external_weight: float = 0.3
    personas: tuple[Persona, ...] = DEFAULT_PERSONAS

    @classmethod
    def of(cls, workspace_settings: Mapping[str, Any]) -> ScoringSettings:
        stored = dict(workspace_settings.get("scoring") or {})
        personas = tuple(Persona(**p) for p in stored.pop("personas", [])) or DEFAULT_PERSONAS
        known = {
            k: v
            for k, v in stored.items()
            if k in {"hot", "warm", "half_life_days", "model_weight", "external_weight"}
        }
        return cls(personas=personas, **known)


@dataclass(frozen=True)
class ModelView:
    """What the predictive model said of one lead, in probability: baseline plus contributions."""

    probability: float
    baseline: float
    contributions: Sequence[tuple[str, float]]


@dataclass(frozen=True)
class ModelViews:
    """What the predictive model said of many leads, as arrays: each lead's probability,
    baseline and contributions (in probability), the words for a contribution written only
    when it is shown, for all the leads it is shown for at once. ``modelled`` is False for a
    lead the model said nothing of."""

    probability: Points
    baseline: Points
    contributions: Points  # leads x contributions, 0 where ``present`` is False
    present: Mask
    modelled: Mask
    labels: Callable[[Indices, int], list[str]]  # (leads, k) -> the words of their k-th

    @classmethod
    def of(cls, views: Sequence[ModelView | None]) -> ModelViews:
        width = max((len(view.contributions) for view in views if view), default=0)
        shape = (len(views), width)
        contributions, present = np.zeros(shape), np.zeros(shape, dtype=bool)
        labels: list[list[str]] = []
        for lead, view in enumerate(views):
            named = list(view.contributions) if view else []
            labels.append([label for label, _ in named])
            contributions[lead, : len(named)] = [delta for _, delta in named]
            present[lead, : len(named)] = True
        return cls(
            probability=np.array([view.probability if view else np.nan for view in views]),
            baseline=np.array([view.baseline if view else 0.0 for view in views]),
            contributions=contributions,
            present=present,
            modelled=np.array([view is not None for view in views], dtype=bool),
            labels=lambda leads, k: [labels[lead][k] for lead in leads.tolist()],
        )

    def view(self, lead: int) -> ModelView | None:
        if not self.modelled[lead]:
            return None
        shown = np.flatnonzero(self.present[lead]).tolist()
        return ModelView(
            probability=float(self.probability[lead]),
            baseline=float(self.baseline[lead]),
            contributions=[
                (self.labels(np.array([lead]), k)[0], float(self.contributions[lead, k]))
                for k in shown
            ],
        )


@dataclass(frozen=True)
class ExternalView:
    """What an external scorer (a workspace's stackAI flow) said of one lead: how likely it is
    to convert, and why, in the scorer's words."""

    scorer: str  # who said it, as a reason names it: "the stackAI flow"
    probability: float
    reasons: Sequence[str] = ()

    @property
    def words(self) -> str:
        said = f"{self.scorer} rates it {self.probability:.0%} likely to convert"
        return f"{said}: {'; '.join(self.reasons)}" if self.reasons else said


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
    if not qualification:  # most leads, and every imported one: nothing said, nothing to read
        return []
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
    external: ExternalView | None = None,
) -> Verdict:
    """Combines one lead's rule points with the model's and an external scorer's view (when
    there are) into its verdict: :func:`verdicts` of a batch of one."""
    (verdict,) = verdicts(
        Reasons.of([rule_reasons]),
        Facts([facts]),
        settings=settings,
        views=ModelViews.of([model]) if model else None,
        signals=[signals],
        external=[external] if external else None,
    )
    return verdict


def verdicts(
    reasons: Reasons,
    facts: Facts,
    *,
    settings: ScoringSettings,
    views: ModelViews | None,
    signals: Sequence[int],
    external: Sequence[ExternalView | None] | None = None,
) -> list[Verdict]:
    """Each lead's verdict from its rules' reasons, blended with the model's view of it and an
    external scorer's, where there are."""
    if views is not None or external is not None:
        reasons = _blend(reasons, views, external, settings)
    scores, settled = settle_all(_at_most(reasons, SHOWN_REASONS - 1))
    modelled = views.modelled if views is not None else np.zeros(len(facts), dtype=bool)
    personas = facts.read(
        ("employee_count", "industry"), lambda f: persona_of(f, settings.personas)
    )
    return [
        Verdict(score, tier, persona, confidence, reasons)
        for score, tier, persona, confidence, reasons in zip(
            scores.tolist(),
            _tiers(scores, settings),
            personas,
            _confidences(facts, signals, modelled),
            settled.largest_first().first(SHOWN_REASONS).rows(),
            strict=True,
        )
    ]


def _blend(
    rule_reasons: Reasons,
    views: ModelViews | None,
    external: Sequence[ExternalView | None] | None,
    settings: ScoringSettings,
) -> Reasons:
    """The rules' points scaled to what the model and the external scorer leave them, each
    lead as it was judged: the model's share is its baseline and contributions, the external
    scorer's one reason for its probability."""
    leads = rule_reasons.leads
    modelled = views.modelled if views is not None else np.zeros(leads, dtype=bool)
    said = list(external) if external is not None else [None] * leads
    judged = np.array([view is not None for view in said], dtype=bool)
    model_share = np.where(modelled, settings.model_weight, 0.0)
    external_share = np.where(judged, np.minimum(settings.external_weight, 1 - model_share), 0.0)
    share = (1 - model_share - external_share)[:, None]
    rules = Reasons(
        np.where((modelled | judged)[:, None], rule_reasons.points * share, rule_reasons.points),
        rule_reasons.present,
        rule_reasons.kind,
        rule_reasons.kinds,
    )
    others = [_model_reasons(views, settings.model_weight)] if views is not None else []
    if judged.any():
        others.append(_external_reasons(said, external_share))
    return rules.beside(*others)


def _external_reasons(said: Sequence[ExternalView | None], share: Points) -> Reasons:
    probability = np.array([view.probability if view else 0.0 for view in said])
    words = [view.words if view else "" for view in said]
    return Reasons.columns(
        (share * 100 * probability)[:, None],
        np.array([view is not None for view in said])[:, None],
        [Kind("external", lambda leads: [words[lead] for lead in leads.tolist()])],
    )


def _model_reasons(views: ModelViews, weight: float) -> Reasons:
    baseline = Reasons.columns(
        (weight * 100 * views.baseline)[:, None],
        views.modelled[:, None],
        [Kind("model", lambda leads: list(map(_typical, views.baseline[leads].tolist())))],
    )
    contributions = Reasons.columns(
        weight * 100 * views.contributions,
        views.present & views.modelled[:, None],
        [Kind("model", _moving(views, k)) for k in range(views.contributions.shape[1])],
    )
    return baseline.beside(contributions)


def _moving(views: ModelViews, k: int) -> Callable[[Indices], list[str]]:
    def words(leads: Indices) -> list[str]:
        raising = (views.contributions[leads, k] > 0).tolist()
        return [
            f"{label} ({'raises' if up else 'lowers'} the odds)"
            for label, up in zip(views.labels(leads, k), raising, strict=True)
        ]

    return words


@lru_cache(maxsize=256)
def _typical(baseline: float) -> str:
    return f"leads like this one convert about {baseline:.0%} of the time"


def _at_most(reasons: Reasons, count: int) -> Reasons:
    """Each lead's reasons as they are when it has ``count`` or fewer; else its largest, and
    the rest as one, so that what is shown still adds up."""
    many = reasons.present.sum(axis=1)
    crowded = many > count
    if not crowded.any():
        return reasons
    in_order = np.argsort(~reasons.present, axis=1, kind="stable")
    largest = reasons.order_by(np.abs(reasons.points))
    picked = reasons.taking(np.where(crowded[:, None], largest, in_order)[:, :count])
    rest = reasons.totals() - picked.first(count - 1).totals()
    hidden = many - (count - 1)
    several = Kind(
        "several", lambda leads: [f"{n} smaller reasons together" for n in hidden[leads].tolist()]
    )
    points, present, kind = picked.points, picked.present, picked.kind  # fresh arrays: taken
    points[crowded, -1], present[crowded, -1], kind[crowded, -1] = (
        rest[crowded], True, len(picked.kinds),
    )  # fmt: skip
    return Reasons(points, present, kind, (*picked.kinds, several))


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


def _tiers(scores: NDArray[np.int64], settings: ScoringSettings) -> list[str]:
    tiers = {score: tier_of(score, settings) for score in set(scores.tolist())}
    return [tiers[score] for score in scores.tolist()]


def _confidences(facts: Facts, signals: Sequence[int], modelled: Mask) -> list[float]:
    """Each lead's :func:`_confidence`, looked up among the few there can be."""
    known = np.count_nonzero([facts.test(name, _known) for name in KNOWN_FACTS], axis=0)
    seen = np.minimum(np.asarray(signals, dtype=np.intp), SIGNALS_COUNTED)
    return _confidence_cases()[known, seen, modelled.astype(np.intp)].tolist()


@lru_cache(maxsize=1)
def _confidence_cases() -> Points:
    """Every confidence there can be, by facts known, signals seen and model's view."""
    return np.array(
        [
            [[_confidence(k, s, m) for m in (False, True)] for s in range(SIGNALS_COUNTED + 1)]
            for k in range(len(KNOWN_FACTS) + 1)
        ]
    )


def _known(value: Any) -> bool:
    return value not in (None, "")


def _confidence(known: int, signals: int, modelled: bool) -> float:
    """How much the verdict rests on: facts known (of four), signals seen (five count fully),
    and a model's view."""
    seen = min(signals, SIGNALS_COUNTED)
    return round(0.5 * known / 4 + 0.2 * seen / SIGNALS_COUNTED + (0.3 if modelled else 0.0), 2)
