"""Intake through identity resolution: every arrival becomes a new lead or merges into its twin.

``intake`` is the one path every source takes (API, web form, import, later the channels), one
batch at a time; a single API call is a batch of one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from leadflow.exceptions import Conflict, NotFound
from leadflow.identity import repository
from leadflow.identity.companies import CompanyResolver
from leadflow.identity.drafts import LeadDraft
from leadflow.identity.merging import plan_merge, reversal
from leadflow.kit.bulk import allocate_ids, insert_rows, update_rows
from leadflow.models import Activity, Lead, MergeRecord
from leadflow.models.base import table, utcnow

# Columns an intake may write on an existing lead, all in one UPDATE shape.
_MERGE_COLUMNS = (
    "first_name", "last_name", "name_key", "email", "email_key", "phone", "whatsapp_id", "title",
    "city", "country", "time_zone", "company_id", "consent_status", "custom_fields",
)  # fmt: skip
_STRONG_KEYS = (("email_key", "email"), ("phone", "phone"), ("whatsapp_id", "whatsapp"))


@dataclass(slots=True)
class IntakeOutcome:
    lead_id: int
    outcome: str  # "created" or "merged"
    matched_on: str | None = None
    merge_id: int | None = None


@dataclass(slots=True)
class _Batch:
    """What one intake batch will write."""

    new_leads: list[dict[str, Any]] = field(default_factory=list)
    touched: dict[int, dict[str, Any]] = field(default_factory=dict)
    merges: list[dict[str, Any]] = field(default_factory=list)
    outcomes: list[tuple[dict[str, Any], str, dict[str, Any] | None]] = field(default_factory=list)


class IntakeResult:
    """What a batch did: counts at once, the outcome per arrival when asked."""

    def __init__(self, batch: _Batch) -> None:
        self._batch = batch
        self.merged = len(batch.merges)
        self.created = len(batch.outcomes) - self.merged

    def outcomes(self) -> list[IntakeOutcome]:
        return [
            IntakeOutcome(
                row["id"],
                "merged" if merge else "created",
                merge["matched_on"] if merge else None,
                merge["id"] if merge else None,
            )
            for row, _, merge in self._batch.outcomes
        ]


class LeadMatcher:
    """Finds the existing lead an arrival is, by email, phone, WhatsApp, then name at company."""

    def __init__(self, session: Session, workspace_id: int) -> None:
        self.session = session
        self.workspace_id = workspace_id
        self._index: dict[str, dict[Any, dict[str, Any]]] = {
            "email_key": {}, "phone": {}, "whatsapp_id": {}, "name_at_company": {},
        }  # fmt: skip

    def prefetch(self, drafts: Sequence[LeadDraft], company_ids: Sequence[int | None]) -> None:
        for column, _ in _STRONG_KEYS:
            values = {getattr(d, column) for d in drafts} - {None}
            for row in repository.leads_by_column(self.session, self.workspace_id, column, values):
                self.remember(row)
        pairs = {
            (company_id, draft.name_key)
            for draft, company_id in zip(drafts, company_ids, strict=True)
            if company_id and draft.name_key and not _has_strong_key(draft)
        }
        for row in repository.leads_by_company_and_name(self.session, self.workspace_id, pairs):
            self.remember(row)

    def remember_new(self, draft: LeadDraft, company_id: int | None, row: dict[str, Any]) -> None:
        """``remember`` for a lead made from ``draft``: its keys are the draft's."""
        if draft.email_key:
            self._index["email_key"].setdefault(draft.email_key, row)
        if draft.phone:
            self._index["phone"].setdefault(draft.phone, row)
        if draft.whatsapp_id:
            self._index["whatsapp_id"].setdefault(draft.whatsapp_id, row)
        if company_id and draft.name_key:
            self._index["name_at_company"].setdefault((company_id, draft.name_key), row)

    def remember(self, row: dict[str, Any]) -> None:
        for column, _ in _STRONG_KEYS:
            if row.get(column):
                self._index[column].setdefault(row[column], row)
        if row.get("company_id") and row.get("name_key"):
            self._index["name_at_company"].setdefault((row["company_id"], row["name_key"]), row)

    def match(self, draft: LeadDraft, company_id: int | None) -> tuple[dict[str, Any], str] | None:
        for column, label in _STRONG_KEYS:
            value = getattr(draft, column)
            if value and value in self._index[column]:
                return self._index[column][value], label
        if not (company_id and draft.name_key):
            return None
        row = self._index["name_at_company"].get((company_id, draft.name_key))
        if row is not None and not _conflicts(row, draft):
            return row, "name_and_company"
        return None


def _has_strong_key(draft: LeadDraft) -> bool:
    return bool(draft.email_key or draft.phone or draft.whatsapp_id)


def _conflicts(row: dict[str, Any], draft: LeadDraft) -> bool:
    """True when the two carry different strong identifiers: namesakes, not the same person."""
    return any(
        row.get(column) and getattr(draft, column) and row[column] != getattr(draft, column)
        for column, _ in _STRONG_KEYS
    )


def _new_lead_row(
    workspace_id: int, draft: LeadDraft, company_id: int | None, now: Any, *, origin: str
) -> dict[str, Any]:
    return {
        "origin": origin,
        "workspace_id": workspace_id,
        "company_id": company_id,
        "owner_id": None,
        "first_name": draft.first_name,
        "last_name": draft.last_name,
        "name_key": draft.name_key,
        "email": draft.email,
        "email_key": draft.email_key,
        "phone": draft.phone,
        "whatsapp_id": draft.whatsapp_id,
        "title": draft.title,
        "city": draft.city,
        "country": draft.country,
        "source": draft.source,
        "stage": "harvested",
        "consent_status": draft.consent_status,
        "consent_source": draft.source if draft.consent_status != "unknown" else None,
        "consent_at": now if draft.consent_status != "unknown" else None,
        "time_zone": draft.time_zone,
        "custom_fields": draft.custom_fields,
        "created_at": now,
        "updated_at": now,
    }


class Intake:
    """One intake batch: resolve companies, match leads, then write everything set-at-a-time."""

    def __init__(
        self,
        session: Session,
        workspace_id: int,
        *,
        actor: str,
        companies: CompanyResolver | None = None,
    ) -> None:
        self.session = session
        self.workspace_id = workspace_id
        self.actor = actor
        self.companies = companies or CompanyResolver(session, workspace_id)

    def run(self, drafts: Sequence[LeadDraft], *, via: str) -> IntakeResult:
        company_ids = self.companies.ensure([d.company for d in drafts])
        matcher = LeadMatcher(self.session, self.workspace_id)
        matcher.prefetch(drafts, company_ids)
        batch = _Batch()
        now = utcnow()
        for draft, company_id in zip(drafts, company_ids, strict=True):
            self._take(batch, matcher, draft, company_id, via=via, now=now)
        self._write(batch, now=now)
        return IntakeResult(batch)

    def _take(
        self,
        batch: _Batch,
        matcher: LeadMatcher,
        draft: LeadDraft,
        company_id: int | None,
        *,
        via: str,
        now: Any,
    ) -> None:
        found = matcher.match(draft, company_id)
        if found is None:
            row = _new_lead_row(self.workspace_id, draft, company_id, now, origin=self.actor)
            batch.new_leads.append(row)
            matcher.remember_new(draft, company_id, row)
            batch.outcomes.append((row, "created", None))
            return
        row, matched_on = found
        changes = plan_merge(row, draft, company_id)
        for name, (_, after) in changes.items():
            row[name] = after
        if changes:
            matcher.remember(row)
            if "id" in row:
                batch.touched[row["id"]] = row
        merge = {
            "lead": row,
            "matched_on": matched_on,
            "source": via,
            "incoming": draft.as_record(),
            "changes": changes,
        }
        batch.merges.append(merge)
        batch.outcomes.append((row, "merged", merge))

    def _write(self, batch: _Batch, *, now: Any) -> None:
        lead_table, merge_table = table(Lead), table(MergeRecord)
        for row, new_id in zip(
            batch.new_leads,
            allocate_ids(self.session, lead_table, len(batch.new_leads)),
            strict=True,
        ):
            row["id"] = new_id
        insert_rows(self.session, lead_table, batch.new_leads)
        self._update_leads(list(batch.touched.values()), now)
        merge_ids = allocate_ids(self.session, merge_table, len(batch.merges))
        merge_rows = []
        for merge, merge_id in zip(batch.merges, merge_ids, strict=True):
            merge["id"] = merge_id
            merge_rows.append(self._merge_row(merge, now))
        insert_rows(self.session, merge_table, merge_rows)
        insert_rows(self.session, table(Activity), self._activities(batch, now=now))

    def _merge_row(self, merge: dict[str, Any], now: Any) -> dict[str, Any]:
        return {
            "id": merge["id"],
            "workspace_id": self.workspace_id,
            "lead_id": merge["lead"]["id"],
            "matched_on": merge["matched_on"],
            "source": merge["source"],
            "incoming": merge["incoming"],
            "changes": merge["changes"],
            "undone_at": None,
            "split_lead_id": None,
            "created_at": now,
            "updated_at": now,
        }

    def _update_leads(self, rows: list[dict[str, Any]], now: Any) -> None:
        for row in rows:
            row["updated_at"] = now
        update_rows(self.session, table(Lead), rows, (*_MERGE_COLUMNS, "updated_at"))

    def _activities(self, batch: _Batch, *, now: Any) -> list[dict[str, Any]]:
        """A timeline entry for each merge. A creation needs none: the lead row records it."""
        return [
            {
                "workspace_id": self.workspace_id,
                "lead_id": merge["lead"]["id"],
                "kind": "lead.merged",
                "actor": self.actor,
                "occurred_at": now,
                "data": {
                    "via": merge["source"],
                    "merge_id": merge["id"],
                    "matched_on": merge["matched_on"],
                    "fields": sorted(merge["changes"]),
                },
                "created_at": now,
                "updated_at": now,
            }
            for merge in batch.merges
        ]


def intake(
    session: Session, workspace_id: int, drafts: Sequence[LeadDraft], *, via: str, actor: str
) -> list[IntakeOutcome]:
    """Takes a few arrivals (a request's worth) through identity resolution.

    A concurrent arrival of the same person can win the race to the unique email index; the
    second attempt then finds that lead and merges into it.
    """
    try:
        with session.begin_nested():
            return Intake(session, workspace_id, actor=actor).run(drafts, via=via).outcomes()
    except IntegrityError:
        with session.begin_nested():
            return Intake(session, workspace_id, actor=actor).run(drafts, via=via).outcomes()


def undo_merge(session: Session, workspace_id: int, merge_id: int, *, actor: str) -> MergeRecord:
    """Splits a merged arrival back out as its own lead and restores what the merge changed."""
    merge = session.scalar(
        select(MergeRecord).where(
            MergeRecord.id == merge_id, MergeRecord.workspace_id == workspace_id
        )
    )
    if merge is None:
        raise NotFound(f"merge {merge_id} not found")
    if merge.undone_at is not None:
        raise Conflict(f"merge {merge_id} was already undone")
    lead = session.get(Lead, merge.lead_id)
    if lead is None:
        raise NotFound(f"lead {merge.lead_id} no longer exists")
    restore = reversal(merge.changes, {name: getattr(lead, name) for name in merge.changes})
    for name, value in restore.items():
        setattr(lead, name, value)
    session.flush()
    split = _split_lead(session, workspace_id, merge, actor=actor)
    merge.undone_at = utcnow()
    merge.split_lead_id = split.id
    for lead_id, other in ((lead.id, split.id), (split.id, lead.id)):
        session.add(
            Activity(
                workspace_id=workspace_id,
                lead_id=lead_id,
                kind="lead.merge_undone",
                actor=actor,
                data={"merge_id": merge.id, "other_lead_id": other, "restored": sorted(restore)},
            )
        )
    session.flush()
    return merge


def _split_lead(session: Session, workspace_id: int, merge: MergeRecord, *, actor: str) -> Lead:
    draft = LeadDraft.from_record(merge.incoming)
    company_id = None
    if draft.company is not None:
        company_id = CompanyResolver(session, workspace_id).ensure([draft.company])[0]
    row = _new_lead_row(workspace_id, draft, company_id, utcnow(), origin=actor)
    holder = (
        session.scalar(
            select(Lead.id).where(
                Lead.workspace_id == workspace_id, Lead.email_key == draft.email_key
            )
        )
        if draft.email_key
        else None
    )
    if holder is not None:
        # The person it was merged into still holds this mailbox; the split lead keeps the
        # address for reading but does not claim it for matching.
        row["email_key"] = None
    lead = Lead(**row)
    session.add(lead)
    session.flush()
    return lead
