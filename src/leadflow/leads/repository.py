"""Every query on leads. Each is scoped to one workspace: another workspace's lead is not found."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Select,
    and_,
    case,
    delete,
    false,
    func,
    literal,
    or_,
    select,
    union,
)
from sqlalchemy.orm import Session, selectinload

from leadflow.identity.keys import company_name_key, person_name_key
from leadflow.identity.phones import TypedNumber, typed_number
from leadflow.kit.pagination import Sort, after_cursor, encode_cursor, fetch_page
from leadflow.models import Activity, Company, Lead, LeadStage, MergeRecord

PIPELINE_DONE = (LeadStage.completed.value, LeadStage.failed.value)


@dataclass(frozen=True)
class LeadFilters:
    stage: str | None = None
    sales_stage: str | None = None
    # The automation is still at work on the lead (True), or done with it either way (False).
    in_pipeline: bool | None = None
    source: str | None = None
    owner_id: int | None = None
    company_id: int | None = None
    consent_status: str | None = None
    score_tier: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    updated_after: datetime | None = None
    q: str | None = None
    # The workspace's default region: a number searched for without its country code is read
    # as one of its numbers.
    region: str | None = None


def get_lead(session: Session, workspace_id: int, lead_id: int) -> Lead | None:
    return session.scalar(
        select(Lead)
        .options(selectinload(Lead.company))
        .where(Lead.id == lead_id, Lead.workspace_id == workspace_id)
    )


def lead_id_holding_email(session: Session, workspace_id: int, email_key: str) -> int | None:
    return session.scalar(
        select(Lead.id).where(Lead.workspace_id == workspace_id, Lead.email_key == email_key)
    )


def _filtered(workspace_id: int, filters: LeadFilters) -> Select[Any]:
    statement = select(Lead).where(Lead.workspace_id == workspace_id)
    names = ("stage", "sales_stage", "source", "owner_id", "company_id", "consent_status",
             "score_tier")  # fmt: skip
    for name in names:
        value = getattr(filters, name)
        if value is not None:
            statement = statement.where(getattr(Lead, name) == value)
    if filters.in_pipeline is not None:
        done = Lead.stage.in_(PIPELINE_DONE)
        statement = statement.where(~done if filters.in_pipeline else done)
    if filters.created_after:
        statement = statement.where(Lead.created_at >= _utc(filters.created_after))
    if filters.created_before:
        statement = statement.where(Lead.created_at < _utc(filters.created_before))
    if filters.updated_after:
        statement = statement.where(Lead.updated_at >= _utc(filters.updated_after))
    if filters.q and (number := typed_number(filters.q, filters.region)) is not None:
        found = _holding_number(workspace_id, number).subquery("found")
        statement = statement.join(found, found.c.id == Lead.id)
    elif filters.q:
        statement = statement.where(_matches_text(workspace_id, filters.q))
    return statement


def _utc(moment: datetime) -> datetime:
    """A time written without an offset is read as UTC, the zone every stored time is in."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _holding_number(workspace_id: int, number: TypedNumber) -> Select[Any] | CompoundSelect[Any]:
    """The ids of the leads whose phone or WhatsApp number is the number typed, or begins as it
    does: equality and ranges on the stored E.164 form, one select each, so that the
    (workspace_id, phone) and (workspace_id, whatsapp_id) indexes answer every one (an OR of
    them beside the workspace's own condition led SQLite to read every lead of the workspace)."""
    lookups = []
    for column in (Lead.phone, Lead.whatsapp_id):
        matches = [_begins_with(column, beginning) for beginning in number.beginnings]
        if number.wholes:
            matches.append(column.in_(number.wholes))
        lookups += [select(Lead.id).where(Lead.workspace_id == workspace_id, m) for m in matches]
    return union(*lookups) if lookups else select(Lead.id).where(false())


def _begins_with(column: Any, beginning: str) -> ColumnElement[bool]:
    # A range rather than LIKE: an index answers it on both engines, whatever the collation.
    # Digits only after the "+": the first string past every number that begins so is the
    # beginning with its last digit (that is not a 9) one higher, "+9665533" -> "+9665534".
    stem = beginning.rstrip("9")
    if stem in ("", "+"):
        return column >= beginning
    return and_(column >= beginning, column < stem[:-1] + str(int(stem[-1]) + 1))


def _matches_text(workspace_id: int, q: str) -> Any:
    """Email, person name or company name as typed (an email from its start)."""
    text = q.strip().lower()
    conditions = [Lead.email_key.startswith(text, autoescape=True)]
    if name := person_name_key(text, None):
        conditions.append(Lead.name_key.contains(name, autoescape=True))
    if company := company_name_key(text):
        companies = select(Company.id).where(
            Company.workspace_id == workspace_id,
            Company.name_key.contains(company, autoescape=True),
        )
        conditions.append(Lead.company_id.in_(companies))
    return or_(*conditions)


_SORT_KINDS = {"created_at": datetime, "updated_at": datetime, "last_name": str, "score": int}


def _sort(key: str) -> Sort:
    name = key.lstrip("-")
    return Sort(key=key, column=getattr(Lead, name), id_column=Lead.id, kind=_SORT_KINDS[name])


def list_leads(
    session: Session,
    workspace_id: int,
    filters: LeadFilters,
    *,
    sort: str,
    limit: int,
    cursor: str | None,
) -> tuple[list[Lead], str | None]:
    order = _sort(sort)
    statement = after_cursor(_filtered(workspace_id, filters), order, cursor)
    statement = statement.options(selectinload(Lead.company)).limit(limit + 1)
    leads = list(session.scalars(statement))
    if len(leads) <= limit:
        return leads, None
    last = leads[limit - 1]
    return leads[:limit], encode_cursor(order, getattr(last, sort.lstrip("-")), last.id)


def sources(session: Session, workspace_id: int, *, limit: int = 100) -> list[str]:
    """The sources the workspace's leads came from, in order."""
    return list(
        session.scalars(
            select(Lead.source)
            .where(Lead.workspace_id == workspace_id, Lead.source.is_not(None))
            .distinct()
            .order_by(Lead.source)
            .limit(limit)
        )
    )


def count_by_column(
    session: Session, workspace_id: int, filters: LeadFilters, *, in_pipeline: str
) -> dict[str, int]:
    """How many of the workspace's leads match the filters, by the board's column: the
    automation's, named ``in_pipeline``, while it works on them, then their sales stage."""
    column = case((Lead.stage.in_(PIPELINE_DONE), Lead.sales_stage), else_=literal(in_pipeline))
    matching = _filtered(workspace_id, filters).with_only_columns(column, func.count())
    return {key: int(n) for key, n in session.execute(matching.group_by(column)).all()}


def matching_lead_ids(
    session: Session, workspace_id: int, filters: LeadFilters, lead_ids: list[int]
) -> set[int]:
    """Which of these leads match the filters."""
    matching = _filtered(workspace_id, filters).where(Lead.id.in_(lead_ids))
    return set(session.scalars(matching.with_only_columns(Lead.id)))


def activities(
    session: Session, workspace_id: int, lead_id: int, *, limit: int, cursor: str | None
) -> tuple[list[Activity], str | None]:
    order = Sort(
        key="-occurred_at", column=Activity.occurred_at, id_column=Activity.id, kind=datetime
    )
    statement = select(Activity).where(
        Activity.workspace_id == workspace_id, Activity.lead_id == lead_id
    )
    rows = list(session.scalars(after_cursor(statement, order, cursor).limit(limit + 1)))
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    return rows[:limit], encode_cursor(order, last.occurred_at, last.id)


def merges_page(
    session: Session, workspace_id: int, lead_id: int, *, limit: int, cursor: str | None
) -> tuple[list[MergeRecord], str | None]:
    order = Sort(key="-id", column=MergeRecord.id, id_column=MergeRecord.id, kind=int)
    statement = select(MergeRecord).where(
        MergeRecord.workspace_id == workspace_id, MergeRecord.lead_id == lead_id
    )
    return fetch_page(session, statement, order, limit=limit, cursor=cursor)


def merges_into(session: Session, workspace_id: int, lead_id: int) -> list[MergeRecord]:
    statement = (
        select(MergeRecord)
        .where(MergeRecord.workspace_id == workspace_id, MergeRecord.lead_id == lead_id)
        .order_by(MergeRecord.id.desc())
    )
    return list(session.scalars(statement))


def delete_lead(session: Session, lead: Lead) -> None:
    session.execute(delete(Activity).where(Activity.lead_id == lead.id))
    session.execute(delete(MergeRecord).where(MergeRecord.lead_id == lead.id))
    session.delete(lead)


def oldest_leads(session: Session, workspace_id: int, *, limit: int) -> list[Lead]:
    """The workspace's first leads, in the order they were made."""
    return list(
        session.scalars(
            select(Lead).where(Lead.workspace_id == workspace_id).order_by(Lead.id).limit(limit)
        )
    )
