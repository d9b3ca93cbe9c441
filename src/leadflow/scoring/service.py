"""Scoring a lead: fit, intent, conversation and the predictive model, into one verdict that is
stored on the lead with its history, and announced when it changes or turns hot."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from leadflow.events.service import record
from leadflow.models import Activity, Company, Lead, Workspace
from leadflow.models.base import utcnow
from leadflow.scoring import fit as fit_rules
from leadflow.scoring import repository
from leadflow.scoring.intent import Signal, intent, signal_of
from leadflow.scoring.model_view import model_view
from leadflow.scoring.verdict import (
    ModelView,
    ScoringSettings,
    Verdict,
    conversation_reasons,
    judge,
)

ACTOR = "scoring"


def settings_of(workspace: Workspace) -> ScoringSettings:
    return ScoringSettings.of(workspace.settings or {})


def assess(session: Session, lead: Lead, *, now: datetime | None = None) -> Verdict:
    """The verdict on the lead as it stands, without storing it."""
    now = now or utcnow()
    workspace = session.get(Workspace, lead.workspace_id)
    assert workspace is not None
    settings = settings_of(workspace)
    company = session.get(Company, lead.company_id) if lead.company_id else None
    facts = fit_rules.facts_of(lead, company)
    checks = fit_rules.prepare(
        [_rule(r) for r in repository.rules(session, workspace.id, enabled_only=True)]
    )
    signals = [
        s
        for a in repository.signals_of(session, lead.id)
        if (s := signal_of(a.kind, a.occurred_at, a.data)) is not None
    ]
    reasons = [
        *fit_rules.fit(facts, checks),
        *intent(signals, now=now, half_life_days=settings.half_life_days),
        *conversation_reasons(lead.qualification or {}, today=now.date()),
    ]
    view = model_view(session, lead, company)
    return judge(reasons, facts=facts, settings=settings, model=view, signals=len(signals))


def judge_many(
    facts: Sequence[Mapping[str, Any]],
    signals: Sequence[Sequence[Signal]],
    *,
    rules: Sequence[fit_rules.Rule],
    settings: ScoringSettings,
    now: datetime,
    model_views: Sequence[ModelView | None] | None = None,
) -> list[Verdict]:
    """Verdicts for many leads at once, from what is already loaded (bulk rescoring)."""
    views = model_views if model_views is not None else [None] * len(facts)
    checks = fit_rules.prepare(rules)
    return [
        judge(
            [
                *fit_rules.fit(f, checks),
                *intent(s, now=now, half_life_days=settings.half_life_days),
            ],
            facts=f,
            settings=settings,
            model=v,
            signals=len(s),
        )
        for f, s, v in zip(facts, signals, views, strict=True)
    ]


def score(session: Session, lead: Lead, *, now: datetime | None = None) -> Verdict:
    """Scores the lead and keeps the verdict; its history and events follow any change."""
    verdict = assess(session, lead, now=now)
    previous_score, previous_tier = lead.score, lead.score_tier
    _store(lead, verdict)
    if (previous_score, previous_tier) != (verdict.score, verdict.tier):
        _remember_change(session, lead, verdict, previous_score, previous_tier)
    return verdict


def _store(lead: Lead, verdict: Verdict) -> None:
    lead.score, lead.score_tier = verdict.score, verdict.tier
    lead.score_reasons = verdict.reasons_as_json()
    lead.score_persona, lead.score_confidence = verdict.persona, verdict.confidence
    lead.scored_at = utcnow()


def _remember_change(
    session: Session, lead: Lead, verdict: Verdict, previous: int | None, previous_tier: str | None
) -> None:
    change: dict[str, Any] = {
        "score": verdict.score,
        "tier": verdict.tier,
        "previous_score": previous,
        "previous_tier": previous_tier,
        "persona": verdict.persona,
        "confidence": verdict.confidence,
        "reasons": verdict.reasons_as_json(),
    }
    session.add(
        Activity(
            workspace_id=lead.workspace_id, lead_id=lead.id, kind="score.changed",
            actor=ACTOR, data=change,
        )
    )  # fmt: skip
    record(session, lead.workspace_id, "lead.score_changed", lead_id=lead.id, **change)
    if verdict.tier == "HOT" and previous_tier != "HOT":
        record(
            session, lead.workspace_id, "lead.hot", lead_id=lead.id,
            score=verdict.score, reasons=verdict.reasons_as_json()[:3],
        )  # fmt: skip
        from leadflow.notifications.service import hot_lead

        hot_lead(session, lead, score=verdict.score, reasons=[r.text for r in verdict.reasons])


def _rule(row: Any) -> fit_rules.Rule:
    return fit_rules.Rule(row.field, row.operator, row.value, row.points, row.reason)
