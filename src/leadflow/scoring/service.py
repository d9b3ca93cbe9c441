"""Scoring a lead: fit, intent, conversation and the predictive model, into one verdict that is
stored on the lead with its history, and announced when it changes or turns hot."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter
from typing import Any

import structlog
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from leadflow.connections.service import is_connected
from leadflow.events.service import record
from leadflow.identity.service import NewLead
from leadflow.kit.collector import collector_paused
from leadflow.models import Activity, Company, Lead, LeadStage, Workspace
from leadflow.models.base import utcnow
from leadflow.scoring import external, repository
from leadflow.scoring import fit as fit_rules
from leadflow.scoring.features import lead_row
from leadflow.scoring.fit import CompanyFacts, LeadFacts
from leadflow.scoring.intent import Signal, intents, signal_of
from leadflow.scoring.model_view import trained, views
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
log = structlog.get_logger()


def settings_of(workspace: Workspace) -> ScoringSettings:
    return ScoringSettings.of(workspace.settings or {})


def assess(session: Session, lead: Lead, *, now: datetime | None = None) -> Verdict:
    """The verdict on the lead as it stands, without storing it."""
    company = session.get(Company, lead.company_id) if lead.company_id else None
    set_committed_value(lead, "company", company)
    (verdict,) = assess_many(session, lead.workspace_id, [lead], now=now)
    return verdict


def assess_many(
    session: Session,
    workspace_id: int,
    leads: Sequence[Lead | LeadFacts],
    *,
    now: datetime | None = None,
    new: bool = False,
) -> list[Verdict]:
    """The verdicts on many of a workspace's leads (their companies loaded, or read as plain
    facts) as they stand, without storing them: what each needs read in one query per kind,
    then judged in bulk. ``new``: leads being created in this transaction, which can have no
    intent signal nor external scorer's view yet, so neither is looked for."""
    workspace = session.get(Workspace, workspace_id)
    assert workspace is not None
    ids = [lead.id for lead in leads]
    timelines = {} if new else repository.signals_of(session, ids)
    model = trained(session, workspace_id)
    return judge_many(
        [fit_rules.facts_of(lead, lead.company) for lead in leads],
        [_signals(timelines.get(lead_id, ())) for lead_id in ids],
        rules=[_rule(r) for r in repository.rules(session, workspace_id, enabled_only=True)],
        settings=settings_of(workspace),
        now=now or utcnow(),
        model_views=views(model, [lead_row(lead) for lead in leads]) if model else None,
        said=[lead.qualification or {} for lead in leads],
        external=[None] * len(ids) if new else _external_views(session, workspace_id, ids),
    )


def _signals(timeline: Iterable[Activity]) -> list[Signal]:
    return [
        signal
        for entry in timeline
        if (signal := signal_of(entry.kind, entry.occurred_at, entry.data)) is not None
    ]


def _external_views(
    session: Session, workspace_id: int, lead_ids: Sequence[int]
) -> list[ExternalView | None]:
    """What the workspace's external scorer last said of each lead, while it is connected."""
    if not is_connected(session, workspace_id, external.PROVIDER):
        return [None] * len(lead_ids)
    said = repository.latest_of(session, lead_ids, external.ACTIVITY)
    return [external.view_of(said[i].data) if i in said else None for i in lead_ids]


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
    keep(session, lead, verdict)
    return verdict


def keep(session: Session, lead: Lead, verdict: Verdict) -> None:
    """Keeps the verdict on the lead; its history and events follow any change."""
    previous_score, previous_tier = lead.score, lead.score_tier
    _store(lead, verdict)
    if (previous_score, previous_tier) != (verdict.score, verdict.tier):
        _remember_change(session, lead, verdict, previous_score, previous_tier)


def keep_judged(
    session: Session, workspace_id: int, judged: Mapping[int, tuple[datetime | None, Verdict]]
) -> None:
    """Keeps verdicts made elsewhere (bulk rescoring), by lead id with when the lead had last
    been scored as they were made: a lead scored since keeps its newer verdict."""
    for lead in repository.leads(session, workspace_id, list(judged)):
        scored_at, verdict = judged[lead.id]
        if lead.scored_at == scored_at:
            keep(session, lead, verdict)


def _store(lead: Lead, verdict: Verdict) -> None:
    for name, value in stored(verdict).items():
        setattr(lead, name, value)


def stored(verdict: Verdict, *, at: datetime | None = None) -> dict[str, Any]:
    """The lead's score columns as the verdict leaves them: the one place they are set."""
    return {
        "score": verdict.score,
        "score_tier": verdict.tier,
        "score_reasons": verdict.reasons_as_json(),
        "score_persona": verdict.persona,
        "score_confidence": verdict.confidence,
        "scored_at": at or utcnow(),
    }


@dataclass
class Judged:
    """A batch of leads judged in bulk: each verdict by lead id with the scored_at the lead had
    when it was judged, and the leads that could not be judged, with why."""

    verdicts: dict[int, tuple[datetime | None, Verdict]] = field(default_factory=dict)
    failures: dict[int, str] = field(default_factory=dict)


def judge_batch(
    reader: Session, workspace_id: int, leads: Sequence[Lead | LeadFacts], *, new: bool = False
) -> Judged:
    """Judges the leads (their companies loaded) in bulk, as ``score`` would judge each. Should
    the batch fail, each lead is judged alone, so one lead that cannot be scored is reported
    and the others are scored all the same. ``new``: as for ``assess_many``."""
    judged = Judged()
    try:
        verdicts = assess_many(reader, workspace_id, leads, new=new)
    except Exception:
        log.warning("scoring.batch.failed", workspace_id=workspace_id, leads=len(leads))
        for lead in leads:
            _judge_alone(reader, workspace_id, lead, judged, new=new)
        return judged
    for lead, verdict in zip(leads, verdicts, strict=True):
        judged.verdicts[lead.id] = (lead.scored_at, verdict)
    return judged


def _judge_alone(
    reader: Session, workspace_id: int, lead: Lead | LeadFacts, judged: Judged, *, new: bool
) -> None:
    try:
        (verdict,) = assess_many(reader, workspace_id, [lead], new=new)
    except Exception as error:  # reported with the batch; the other leads go on
        log.warning("scoring.lead.failed", lead_id=lead.id, error=str(error))
        judged.failures[lead.id] = f"{type(error).__name__}: {error}"[:300]
        return
    judged.verdicts[lead.id] = (lead.scored_at, verdict)


# An imported lead's automation is its scoring: once scored, it leaves the board's automation
# column for its sales stage.
_DONE = {"stage": LeadStage.completed.value, "pipeline_progress": 100}


def keep_batch(session: Session, judged: Judged, *, judged_here: bool = False) -> Counter[str]:
    """Keeps a batch's verdicts in one statement (a lead scored since keeps its newer one),
    without a timeline entry or an event per lead (ADR 0019). ``judged_here``: judged in
    ``session``'s own transaction, after its first write (so holding the writer): none of its
    leads can have been scored since. How many leads were kept, by tier."""
    now = utcnow()
    rows = [
        {"id": lead_id, "was": was, "updated_at": now, **stored(verdict, at=now), **_DONE}
        for lead_id, (was, verdict) in judged.verdicts.items()
    ]
    if judged_here:
        repository.write_verdicts(session, rows, tuple(_DONE))
    else:
        repository.keep_verdicts(session, rows, tuple(_DONE))
    return Counter(verdict.tier for _, verdict in judged.verdicts.values())


class ImportScoring:
    """Scores what one import chunk (ADR 0019) writes, in the import's own transaction, as
    each lead would be scored alone: the leads it creates are judged from what intake holds
    (``NewLeadsJudge``), their verdicts written by intake's own INSERT; then (``finish``) those
    of the import's own leads the chunk changed by merging arrivals into them are read back,
    judged and rewritten, and one ``import.scored`` event tells of them all."""

    # What ``stored`` sets (updated_at is the INSERT's own), then _DONE.
    columns = (*(c for c in repository.SCORE_COLUMNS if c != "updated_at"), *_DONE)

    def __init__(self, session: Session, workspace_id: int, *, import_id: int, origin: str):
        self.session = session
        self.workspace_id = workspace_id
        self.import_id = import_id
        self.origin = origin
        self.judged = Judged()
        self.created: set[int] = set()

    def __call__(self, leads: Sequence[NewLead]) -> list[tuple[Any, ...] | None]:
        """The score columns, stage and progress of each new lead; None for one that could not
        be judged (it is written unscored, and reported)."""
        facts = [_facts_of_new(lead) for lead in leads]
        judged = judge_batch(self.session, self.workspace_id, facts, new=True)
        self.judged.verdicts.update(judged.verdicts)
        self.judged.failures.update(judged.failures)
        self.created.update(lead.id for lead in leads)
        now = utcnow()
        done = tuple(_DONE.values())
        scored = itemgetter(*self.columns[: -len(done)])
        return [
            (*scored(stored(found[1], at=now)), *done)
            if (found := judged.verdicts.get(lead.id))
            else None
            for lead in leads
        ]

    def finish(self, changed: Sequence[int]) -> tuple[int, dict[int, str]]:
        """Scores again the import's own leads of earlier chunks that this one ``changed``,
        and tells of the chunk's scoring. How many of the created leads were scored, and those
        that could not be, with why."""
        again = [i for i in dict.fromkeys(changed) if i not in self.created]
        leads = repository.lead_facts(self.session, self.workspace_id, again, origin=self.origin)
        if leads:
            rescored = judge_batch(self.session, self.workspace_id, leads)
            keep_batch(self.session, rescored, judged_here=True)
            self.judged.verdicts.update(rescored.verdicts)
            self.judged.failures.update(rescored.failures)
        judged = self.judged
        if judged.verdicts or judged.failures:
            tiers = Counter(verdict.tier for _, verdict in judged.verdicts.values())
            tell_of_imported(self.session, self.workspace_id, self.import_id, judged, tiers)
        failures = {i: why for i, why in judged.failures.items() if i in self.created}
        return sum(1 for i in judged.verdicts if i in self.created), failures


def _facts_of_new(lead: NewLead) -> LeadFacts:
    company = None if lead.company is None else CompanyFacts(*lead.company)
    return LeadFacts(
        company, lead.id, lead.title, lead.email, lead.phone, lead.whatsapp_id, lead.city,
        lead.source, lead.origin, lead.country, lead.custom_fields or {}, {}, None,
    )  # fmt: skip


def tell_of_imported(
    session: Session, workspace_id: int, import_id: int, judged: Judged, tiers: Counter[str]
) -> None:
    """The one event that tells of a batch of an import's leads scored, not one per lead."""
    record(
        session, workspace_id, "import.scored", import_id=import_id, scored=len(judged.verdicts),
        failed=len(judged.failures), tiers=dict(tiers),
        hot_lead_ids=[i for i, (_, v) in judged.verdicts.items() if v.tier == "HOT"],
    )  # fmt: skip


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
