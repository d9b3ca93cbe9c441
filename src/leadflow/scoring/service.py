"""Scoring a lead: fit, intent, conversation and the predictive model, into one verdict that is
stored on the lead with its history, and announced when it changes or turns hot."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from leadflow.connections.service import is_connected
from leadflow.events.service import record
from leadflow.kit.collector import collector_paused
from leadflow.models import Activity, Company, Lead, Workspace
from leadflow.models.base import utcnow
from leadflow.scoring import external, repository
from leadflow.scoring import fit as fit_rules
from leadflow.scoring.intent import Signal, intents, signal_of
from leadflow.scoring.model_view import model_view
from leadflow.scoring.reasons import Reasons
from leadflow.scoring.verdict import (
    ExternalView,
    ModelView,
    ModelViews,
    ScoringSettings,
    Verdict,
    conversation_reasons,
    verdicts,
)

ACTOR = "scoring"


def settings_of(workspace: Workspace) -> ScoringSettings:
    return ScoringSettings.of(workspace.settings or {})


def assess(session: Session, lead: Lead, *, now: datetime | None = None) -> Verdict:
    """The verdict on the lead as it stands, without storing it."""
    now = now or utcnow()
    workspace = session.get(Workspace, lead.workspace_id)
    assert workspace is not None
    company = session.get(Company, lead.company_id) if lead.company_id else None
    signals = [
        s
        for a in repository.signals_of(session, lead.id)
        if (s := signal_of(a.kind, a.occurred_at, a.data)) is not None
    ]
    (verdict,) = judge_many(
        [fit_rules.facts_of(lead, company)],
        [signals],
        rules=[_rule(r) for r in repository.rules(session, workspace.id, enabled_only=True)],
        settings=settings_of(workspace),
        now=now,
        model_views=[model_view(session, lead, company)],
        said=[lead.qualification or {}],
        external=[_external_view(session, lead)],
    )
    return verdict


def _external_view(session: Session, lead: Lead) -> ExternalView | None:
    """What the workspace's external scorer last said of the lead, while it is connected."""
    if not is_connected(session, lead.workspace_id, external.PROVIDER):
        return None
    said = repository.latest(session, lead.id, external.ACTIVITY)
    return external.view_of(said.data) if said is not None else None


def judge_many(
    facts: Sequence[Mapping[str, Any]],
    signals: Sequence[Sequence[Signal]],
    *,
    rules: Sequence[fit_rules.Rule],
    settings: ScoringSettings,
    now: datetime,
    model_views: ModelViews | Sequence[ModelView | None] | None = None,
    said: Sequence[Mapping[str, Any]] | None = None,
    external: Sequence[ExternalView | None] | None = None,
) -> list[Verdict]:
    """Verdicts for many leads at once, from what is already loaded: fit, intent and, when
    given, what each lead said (its qualification), the model's view of it and an external
    scorer's. Worked out column by column over the whole batch; one lead is a batch of one."""
    with collector_paused():  # a tuple per reason shown: millions in bulk, no cycles among them
        batch = fit_rules.Facts(facts)
        reasons = fit_rules.fits(batch, fit_rules.prepare(rules)).beside(
            intents(signals, now=now, half_life_days=settings.half_life_days)
        )
        if said is not None:
            today = now.date()
            reasons = reasons.beside(
                Reasons.of([conversation_reasons(q, today=today) for q in said])
            )
        if model_views is not None and not isinstance(model_views, ModelViews):
            model_views = ModelViews.of(model_views)
        counts = [len(s) for s in signals]
        return verdicts(
            reasons, batch, settings=settings, views=model_views, signals=counts, external=external
        )


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


def _rule(row: Any) -> fit_rules.Rule:
    return fit_rules.Rule(row.field, row.operator, row.value, row.points, row.reason)
