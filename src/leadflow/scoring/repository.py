from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, case, func, select, update
from sqlalchemy.orm import Session, load_only, selectinload

from leadflow.kit.bulk import update_rows
from leadflow.kit.pagination import Sort, fetch_page
from leadflow.models import Activity, Company, IcpRule, Lead, ScoringModel
from leadflow.models.base import table
from leadflow.scoring.fit import CompanyFacts, LeadFacts
from leadflow.scoring.intent import WEIGHTS


def rules(session: Session, workspace_id: int, *, enabled_only: bool = False) -> Sequence[IcpRule]:
    query = select(IcpRule).where(IcpRule.workspace_id == workspace_id).order_by(IcpRule.id)
    if enabled_only:
        query = query.where(IcpRule.enabled.is_(True))
    return session.scalars(query).all()


def rule(session: Session, workspace_id: int, rule_id: int) -> IcpRule | None:
    return session.scalars(
        select(IcpRule).where(IcpRule.id == rule_id, IcpRule.workspace_id == workspace_id)
    ).first()


def scored_leads(session: Session, workspace_id: int, *, after: int, limit: int) -> Sequence[Lead]:
    """The workspace's leads that have a score, by id after ``after``, with their companies."""
    return session.scalars(
        select(Lead)
        .where(Lead.workspace_id == workspace_id, Lead.id > after, Lead.scored_at.is_not(None))
        .options(selectinload(Lead.company))
        .order_by(Lead.id)
        .limit(limit)
    ).all()


def leads_from(
    session: Session, workspace_id: int, *, origin: str, after: int, limit: int
) -> Sequence[Lead]:
    """The workspace's leads that came in through ``origin`` ("import:12"), by id after
    ``after``, with their companies."""
    return session.scalars(
        select(Lead)
        .where(Lead.workspace_id == workspace_id, Lead.id > after, Lead.origin == origin)
        .options(load_only(*_JUDGED), selectinload(Lead.company).load_only(*_JUDGED_COMPANY))
        .order_by(Lead.id)
        .limit(limit)
    ).all()


def lead_facts(
    session: Session, workspace_id: int, lead_ids: Sequence[int], *, origin: str
) -> list[LeadFacts]:
    """Those of the leads that came in through ``origin``, by id, as plain facts with their
    companies': read as rows, without building objects (an import judges a million)."""
    rows = session.execute(
        select(*_FACTS, Lead.company_id, *_COMPANY_FACTS)
        .outerjoin(Company, Company.id == Lead.company_id)
        .where(Lead.workspace_id == workspace_id, Lead.id.in_(lead_ids), Lead.origin == origin)
        .order_by(Lead.id)
    ).all()
    width = len(_FACTS)
    return [
        LeadFacts(None if row[width] is None else CompanyFacts(*row[width + 1 :]), *row[:width])
        for row in rows
    ]


def keep_verdicts(
    session: Session, verdicts: Sequence[dict[str, Any]], columns: Sequence[str] = ()
) -> int:
    """Writes verdicts (each a lead's ``SCORE_COLUMNS`` by its ``id``, with the scored_at it
    was judged at, ``was``) in one statement; a lead scored since keeps its newer verdict.
    The number of leads written."""
    ids = [verdict["id"] for verdict in verdicts]
    now = dict(session.execute(select(Lead.id, Lead.scored_at).where(Lead.id.in_(ids))).all())
    kept = [v for v in verdicts if v["id"] in now and now[v["id"]] == v["was"]]
    write_verdicts(session, kept, columns)
    return len(kept)


def write_verdicts(
    session: Session, verdicts: Sequence[dict[str, Any]], columns: Sequence[str] = ()
) -> None:
    """Writes verdicts (each a lead's ``SCORE_COLUMNS`` and ``columns`` by its ``id``) in one
    statement."""
    update_rows(session, table(Lead), verdicts, (*SCORE_COLUMNS, *columns))


SCORE_COLUMNS = (
    "score", "score_tier", "score_reasons", "score_persona", "score_confidence", "scored_at",
    "updated_at",
)  # fmt: skip
# What judging a lead reads of it and of its company (``fit.facts_of``, ``features.lead_row``,
# its qualification): loading only these makes a batch's leads several times cheaper to read.
_JUDGED = (
    Lead.id, Lead.workspace_id, Lead.company_id, Lead.title, Lead.email, Lead.phone,
    Lead.whatsapp_id, Lead.city, Lead.source, Lead.origin, Lead.country, Lead.custom_fields,
    Lead.qualification, Lead.scored_at,
)  # fmt: skip
# In the order of ``fit.LeadFacts`` (after its company) and ``fit.CompanyFacts``.
_FACTS = (
    Lead.id, Lead.title, Lead.email, Lead.phone, Lead.whatsapp_id, Lead.city, Lead.source,
    Lead.origin, Lead.country, Lead.custom_fields, Lead.qualification, Lead.scored_at,
)  # fmt: skip
_COMPANY_FACTS = (
    Company.name, Company.domain, Company.industry, Company.employee_count,
    Company.annual_revenue, Company.country,
)  # fmt: skip
_JUDGED_COMPANY = (
    Company.id, Company.name, Company.domain, Company.industry, Company.employee_count,
    Company.annual_revenue, Company.country,
)  # fmt: skip


def leads(session: Session, workspace_id: int, lead_ids: Sequence[int]) -> Sequence[Lead]:
    return session.scalars(
        select(Lead).where(Lead.workspace_id == workspace_id, Lead.id.in_(lead_ids))
    ).all()


def signals_of(session: Session, lead_ids: Sequence[int]) -> dict[int, list[Activity]]:
    """Each lead's timeline entries that say something about intent, in the order they came."""
    entries = session.scalars(
        select(Activity)
        .where(Activity.lead_id.in_(lead_ids), Activity.kind.in_(list(WEIGHTS)))
        .order_by(Activity.lead_id, Activity.occurred_at, Activity.id)
    )
    timelines: dict[int, list[Activity]] = {}
    for entry in entries:
        timelines.setdefault(entry.lead_id, []).append(entry)
    return timelines


def latest_of(session: Session, lead_ids: Sequence[int], kind: str) -> dict[int, Activity]:
    """Each lead's latest timeline entry of ``kind``, for the leads that have one."""
    entries = session.scalars(
        select(Activity)
        .where(Activity.lead_id.in_(lead_ids), Activity.kind == kind)
        .order_by(Activity.occurred_at, Activity.id)
    )
    return {entry.lead_id: entry for entry in entries}


def score_history(session: Session, workspace_id: int, lead_id: int) -> Sequence[Activity]:
    return session.scalars(
        _score_changes(workspace_id, lead_id).order_by(
            Activity.occurred_at.desc(), Activity.id.desc()
        )
    ).all()


_NEWEST_CHANGE = Sort(
    key="-occurred_at", column=Activity.occurred_at, id_column=Activity.id, kind=datetime
)


def score_history_page(
    session: Session, workspace_id: int, lead_id: int, *, limit: int, cursor: str | None
) -> tuple[list[Activity], str | None]:
    statement = _score_changes(workspace_id, lead_id)
    return fetch_page(session, statement, _NEWEST_CHANGE, limit=limit, cursor=cursor)


def _score_changes(workspace_id: int, lead_id: int) -> Select[Activity]:
    return select(Activity).where(
        Activity.workspace_id == workspace_id,
        Activity.lead_id == lead_id,
        Activity.kind == "score.changed",
    )


_NEWEST_VERSION = Sort(
    key="-version", column=ScoringModel.version, id_column=ScoringModel.id, kind=int
)


def models_page(
    session: Session, workspace_id: int, *, limit: int, cursor: str | None
) -> tuple[list[ScoringModel], str | None]:
    statement = select(ScoringModel).where(ScoringModel.workspace_id == workspace_id)
    return fetch_page(session, statement, _NEWEST_VERSION, limit=limit, cursor=cursor)


def outcome_counts(session: Session, workspace_id: int) -> tuple[int, int]:
    """How many of the workspace's leads were won, and how many lost."""
    counts = dict(
        session.execute(
            select(Lead.outcome, func.count())
            .where(Lead.workspace_id == workspace_id, Lead.outcome.in_(("won", "lost")))
            .group_by(Lead.outcome)
        ).all()
    )
    return counts.get("won", 0), counts.get("lost", 0)


def outcome_leads(session: Session, workspace_id: int) -> Iterator[Lead]:
    """The workspace's leads that ended won or lost, with their companies, by id."""
    yield from session.scalars(
        select(Lead)
        .where(Lead.workspace_id == workspace_id, Lead.outcome.in_(("won", "lost")))
        .options(selectinload(Lead.company))
        .order_by(Lead.id)
    )


def latest_version(session: Session, workspace_id: int) -> int:
    """The workspace's newest model version; 0 before its first."""
    latest = session.scalar(
        select(func.max(ScoringModel.version)).where(ScoringModel.workspace_id == workspace_id)
    )
    return latest or 0


def retire_active(session: Session, workspace_id: int) -> None:
    """The workspace's active model scores no more."""
    session.execute(
        update(ScoringModel)
        .where(ScoringModel.workspace_id == workspace_id, ScoringModel.active.is_(True))
        .values(active=False)
    )


def active_model(session: Session, workspace_id: int) -> ScoringModel | None:
    return session.scalar(
        select(ScoringModel)
        .where(ScoringModel.workspace_id == workspace_id, ScoringModel.active.is_(True))
        .order_by(ScoringModel.version.desc())
        .limit(1)
    )


def workspaces_with_new_outcomes(session: Session, *, min_won: int, min_lost: int) -> list[int]:
    """The workspaces with at least ``min_won`` won and ``min_lost`` lost leads, and more
    outcomes than their active model learned from (or no model yet)."""
    won = func.sum(case((Lead.outcome == "won", 1), else_=0))
    counts = (
        select(Lead.workspace_id, func.count().label("outcomes"), won.label("won"))
        .where(Lead.outcome.in_(("won", "lost")))
        .group_by(Lead.workspace_id)
        .subquery()
    )
    trained = (
        select(ScoringModel.workspace_id, ScoringModel.outcomes)
        .where(ScoringModel.active.is_(True))
        .subquery()
    )
    query = (
        select(counts.c.workspace_id)
        .outerjoin(trained, trained.c.workspace_id == counts.c.workspace_id)
        .where(
            counts.c.won >= min_won,
            counts.c.outcomes - counts.c.won >= min_lost,
            (trained.c.outcomes.is_(None)) | (counts.c.outcomes > trained.c.outcomes),
        )
        .order_by(counts.c.workspace_id)
    )
    return list(session.scalars(query))
