"""Intake through identity resolution: every arrival becomes a new lead or merges into its twin.

``intake`` is the one path every source takes (API, web form, import, later the channels), one
batch at a time; a single API call is a batch of one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from operator import attrgetter, itemgetter
from typing import Any, NamedTuple, Protocol

from sqlalchemy import JSON, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from leadflow.compliance import consent
from leadflow.exceptions import Conflict, NotFound
from leadflow.identity import repository
from leadflow.identity.companies import CompanyResolver
from leadflow.identity.drafts import LeadDraft
from leadflow.identity.merging import plan_merge, reversal
from leadflow.kit.bulk import (
    allocate_ids,
    insert_rows,
    insert_values,
    json_text,
    stored,
    stored_values,
    update_rows,
)
from leadflow.models import Activity, ConsentStatus, Lead, MergeRecord
from leadflow.models.base import table, utcnow

# Columns an intake may write on an existing lead, all in one UPDATE shape.
_MERGE_COLUMNS = (
    "first_name", "last_name", "name_key", "email", "email_key", "phone", "whatsapp_id", "title",
    "city", "country", "time_zone", "company_id", "consent_status", "custom_fields",
)  # fmt: skip
_STRONG_KEYS = (("email_key", "email"), ("phone", "phone"), ("whatsapp_id", "whatsapp"))
# What matching and merging read of a lead found in the store.
_MATCHED_COLUMNS = ("id", *_MERGE_COLUMNS)
# A new lead's columns: the draft's own (its fields before custom_fields, in its order), then
# what intake decides per lead, then what every lead of a batch shares.
_DRAFT_WIDTH = LeadDraft._fields.index("custom_fields")
_NEW_LEAD_COLUMNS = (
    *LeadDraft._fields[:_DRAFT_WIDTH], "custom_fields", "company_id", "consent_source",
    "consent_at", "id", "workspace_id", "origin", "owner_id", "stage", "created_at", "updated_at",
)  # fmt: skip


class NewLead(NamedTuple):
    """A lead the batch creates, as it will be written, for a judge to read (what scoring
    reads of a lead): its company as (name, domain, industry, employee_count,
    annual_revenue, country) as stored, or None."""

    id: int
    title: str | None
    email: str | None
    phone: str | None
    whatsapp_id: str | None
    city: str | None
    source: str | None
    origin: str
    country: str | None
    custom_fields: dict[str, Any]
    company: tuple[Any, ...] | None


class NewLeadsJudge(Protocol):
    """Judges a batch's new leads before they are written, so that what it decides goes in
    their own INSERT: for each lead, its values of ``columns`` (as the lead keeps them, not
    yet in storage form), or None to write the lead as it arrived (ADR 0019)."""

    columns: tuple[str, ...]

    def __call__(self, leads: Sequence[NewLead]) -> list[tuple[Any, ...] | None]: ...


# A lead the batch creates, until it is written: the arrival and its company id. It becomes a
# row (a dict) only when a later arrival of the same batch merges into it.
_Pending = tuple[LeadDraft, int | None]
# What the matcher knows a key by: a lead's row, or the index of a lead the batch creates.
_Found = dict[str, Any] | int


@dataclass(slots=True)
class IntakeOutcome:
    lead_id: int
    outcome: str  # "created" or "merged"
    matched_on: str | None = None
    merge_id: int | None = None


@dataclass(slots=True)
class _Batch:
    """What one intake batch will write."""

    new_leads: list[_Pending | dict[str, Any]] = field(default_factory=list)
    new_ids: list[int] = field(default_factory=list)
    touched: dict[int, dict[str, Any]] = field(default_factory=dict)
    merges: list[dict[str, Any]] = field(default_factory=list)
    # Per arrival: the index of the lead it created, or its merge.
    outcomes: list[int | dict[str, Any]] = field(default_factory=list)
    # Consent the batch sets: (the index of a lead it creates, or a merged row, the consent
    # before, after).
    consent: list[tuple[int | dict[str, Any], str, str]] = field(default_factory=list)


class IntakeResult:
    """What a batch did: counts at once, the outcome per arrival when asked."""

    def __init__(self, batch: _Batch) -> None:
        self._batch = batch
        self.merged = len(batch.merges)
        self.created = len(batch.outcomes) - self.merged

    def outcomes(self) -> list[IntakeOutcome]:
        return [
            IntakeOutcome(self._batch.new_ids[outcome], "created")
            if isinstance(outcome, int)
            else IntakeOutcome(
                outcome["lead"]["id"], "merged", outcome["matched_on"], outcome["id"]
            )
            for outcome in self._batch.outcomes
        ]


class LeadMatcher:
    """Finds the existing lead an arrival is, by email, phone, WhatsApp, then name at company.

    ``pending`` is the batch's list of new leads, which the matcher knows by index.
    """

    def __init__(
        self, session: Session, workspace_id: int, pending: list[_Pending | dict[str, Any]]
    ) -> None:
        self.session = session
        self.workspace_id = workspace_id
        self.pending = pending
        self._index: dict[str, dict[Any, _Found]] = {
            "email_key": {}, "phone": {}, "whatsapp_id": {}, "name_at_company": {},
        }  # fmt: skip

    def prefetch(self, drafts: Sequence[LeadDraft], company_ids: Sequence[int | None]) -> None:
        for column, _ in _STRONG_KEYS:
            values = set(filter(None, map(attrgetter(column), drafts)))
            for row in repository.leads_by_column(
                self.session, self.workspace_id, column, values, columns=_MATCHED_COLUMNS
            ):
                self.remember(row)
        pairs = {
            (company_id, draft.name_key)
            for draft, company_id in zip(drafts, company_ids, strict=True)
            if company_id and draft.name_key and not _has_strong_key(draft)
        }
        for row in repository.leads_by_company_and_name(
            self.session, self.workspace_id, pairs, columns=_MATCHED_COLUMNS
        ):
            self.remember(row)

    def remember_new(self, draft: LeadDraft, company_id: int | None, index: int) -> None:
        """``remember`` for the batch's new lead ``index``, made from ``draft``."""
        if draft.email_key:
            self._index["email_key"].setdefault(draft.email_key, index)
        if draft.phone:
            self._index["phone"].setdefault(draft.phone, index)
        if draft.whatsapp_id:
            self._index["whatsapp_id"].setdefault(draft.whatsapp_id, index)
        if company_id and draft.name_key:
            self._index["name_at_company"].setdefault((company_id, draft.name_key), index)

    def remember(self, row: dict[str, Any]) -> None:
        for column, _ in _STRONG_KEYS:
            if row.get(column):
                self._index[column].setdefault(row[column], row)
        if row.get("company_id") and row.get("name_key"):
            self._index["name_at_company"].setdefault((row["company_id"], row["name_key"]), row)

    def match(self, draft: LeadDraft, company_id: int | None) -> tuple[_Found, str] | None:
        for column, label in _STRONG_KEYS:
            value = getattr(draft, column)
            if value and (found := self._index[column].get(value)) is not None:
                return found, label
        if not (company_id and draft.name_key):
            return None
        found = self._index["name_at_company"].get((company_id, draft.name_key))
        if found is not None and not _conflicts(self._strong_keys(found), draft):
            return found, "name_and_company"
        return None

    def _strong_keys(self, found: _Found) -> tuple[Any, ...]:
        lead = self.pending[found] if isinstance(found, int) else found
        if isinstance(lead, tuple):  # still pending: its keys are its draft's
            lead = lead[0]._asdict()
        return tuple(lead.get(column) for column, _ in _STRONG_KEYS)


def _has_strong_key(draft: LeadDraft) -> bool:
    return bool(draft.email_key or draft.phone or draft.whatsapp_id)


def _conflicts(keys: tuple[Any, ...], draft: LeadDraft) -> bool:
    """True when the two carry different strong identifiers: namesakes, not the same person."""
    return any(
        key and getattr(draft, column) and key != getattr(draft, column)
        for key, (column, _) in zip(keys, _STRONG_KEYS, strict=True)
    )


@dataclass(frozen=True, slots=True)
class _NewLeadForm:
    """What the new leads of a batch share, in the form their values are wanted in."""

    consent_at: Any
    origin: str
    shared: tuple[Any, ...]  # workspace_id, origin, owner_id, stage, created_at, updated_at
    custom_fields: Callable[[dict[str, Any]], Any]

    @classmethod
    def plain(cls, workspace_id: int, now: datetime, origin: str) -> _NewLeadForm:
        return cls(now, origin, (workspace_id, origin, None, "harvested", now, now), _unchanged)

    @classmethod
    def stored(
        cls, session: Session, workspace_id: int, now: datetime, origin: str
    ) -> _NewLeadForm:
        plain = cls.plain(workspace_id, now, origin)
        columns = _NEW_LEAD_COLUMNS[-len(plain.shared) :]
        shared = tuple(
            stored(session, table(Lead), column, value)
            for column, value in zip(columns, plain.shared, strict=True)
        )
        return cls(stored(session, table(Lead), "consent_at", now), origin, shared, json_text)

    def values(
        self, draft: LeadDraft, company_id: int | None, lead_id: int | None
    ) -> tuple[Any, ...]:
        """A new lead's values in _NEW_LEAD_COLUMNS order."""
        return (
            *draft[:_DRAFT_WIDTH],
            self.custom_fields(draft.custom_fields),
            company_id,
            *consent.stamp(draft.consent_status, self.origin, self.consent_at),
            lead_id,
            *self.shared,
        )


def _new_lead_facts(draft: LeadDraft, company_id: int | None) -> dict[str, Any]:
    """What a judge reads of a pending new lead, under its columns' names."""
    return {
        "title": draft.title, "email": draft.email, "phone": draft.phone,
        "whatsapp_id": draft.whatsapp_id, "city": draft.city, "source": draft.source,
        "country": draft.country, "custom_fields": draft.custom_fields, "company_id": company_id,
    }  # fmt: skip


def _new_lead(
    lead_id: int, row: dict[str, Any], origin: str, companies: dict[int, tuple[Any, ...]]
) -> NewLead:
    company_id = row["company_id"]
    return NewLead(
        lead_id, row["title"], row["email"], row["phone"], row["whatsapp_id"], row["city"],
        row["source"], origin, row["country"], row["custom_fields"],
        None if company_id is None else companies.get(company_id),
    )  # fmt: skip


def _storage_form(session: Session, column: str) -> Callable[[Any], Any]:
    """A new lead's ``column`` in storage form. Outside JSON, a batch's values repeat (one
    moment, a few tiers and scores): each is converted once."""
    lead_table = table(Lead)
    if isinstance(lead_table.c[column].type, JSON):
        return json_text
    seen: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        if value not in seen:
            seen[value] = stored(session, lead_table, column, value)
        return seen[value]

    return convert


def _unchanged(value: dict[str, Any]) -> dict[str, Any]:
    return value


def _new_lead_row(
    workspace_id: int, draft: LeadDraft, company_id: int | None, now: datetime, *, origin: str
) -> dict[str, Any]:
    """A new lead as a row, its id not yet known."""
    values = _NewLeadForm.plain(workspace_id, now, origin).values(draft, company_id, None)
    return dict(zip(_NEW_LEAD_COLUMNS, values, strict=True))


class Intake:
    """One intake batch: resolve companies, match leads, then write everything set-at-a-time."""

    def __init__(
        self,
        session: Session,
        workspace_id: int,
        *,
        actor: str,
        companies: CompanyResolver | None = None,
        judge: NewLeadsJudge | None = None,
    ) -> None:
        self.session = session
        self.workspace_id = workspace_id
        self.actor = actor
        self.companies = companies or CompanyResolver(session, workspace_id)
        self.judge = judge

    def run(self, drafts: Sequence[LeadDraft], *, via: str) -> IntakeResult:
        company_ids = self.companies.ensure([d.company for d in drafts])
        batch = _Batch()
        matcher = LeadMatcher(self.session, self.workspace_id, batch.new_leads)
        matcher.prefetch(drafts, company_ids)
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
        now: datetime,
    ) -> None:
        found = matcher.match(draft, company_id)
        if found is None:
            index = len(batch.new_leads)
            batch.new_leads.append((draft, company_id))
            matcher.remember_new(draft, company_id, index)
            batch.outcomes.append(index)
            if draft.consent_status != ConsentStatus.unknown:
                batch.consent.append((index, ConsentStatus.unknown, draft.consent_status))
            return
        row, matched_on = self._row(batch, found[0], now), found[1]
        changes = plan_merge(row, draft, company_id)
        for name, (_, after) in changes.items():
            row[name] = after
        if "consent_status" in changes:
            before, after = changes["consent_status"]
            batch.consent.append((row, before or ConsentStatus.unknown, after))
        if changes:
            matcher.remember(row)
            if row["id"] is not None:
                batch.touched[row["id"]] = row
        merge = {
            "lead": row,
            "matched_on": matched_on,
            "source": via,
            "incoming": draft.as_record(),
            "changes": changes,
        }
        batch.merges.append(merge)
        batch.outcomes.append(merge)

    def _row(self, batch: _Batch, found: _Found, now: datetime) -> dict[str, Any]:
        """The row of a matched lead; a lead of this batch is made a row the first time."""
        if not isinstance(found, int):
            return found
        lead = batch.new_leads[found]
        if isinstance(lead, tuple):
            draft, company_id = lead
            lead = batch.new_leads[found] = _new_lead_row(
                self.workspace_id, draft, company_id, now, origin=self.actor
            )
        return lead

    def _write(self, batch: _Batch, *, now: datetime) -> None:
        lead_table, merge_table = table(Lead), table(MergeRecord)
        batch.new_ids = allocate_ids(self.session, lead_table, len(batch.new_leads))
        values = self._new_lead_values(batch, now)
        if self.judge is not None and values:
            self._insert_judged(batch, values)
        else:
            insert_values(self.session, lead_table, _NEW_LEAD_COLUMNS, values)
        self._update_leads(list(batch.touched.values()), now)
        merge_ids = allocate_ids(self.session, merge_table, len(batch.merges))
        merge_rows = []
        for merge, merge_id in zip(batch.merges, merge_ids, strict=True):
            merge["id"] = merge_id
            merge_rows.append(self._merge_row(merge, now))
        insert_rows(self.session, merge_table, merge_rows)
        insert_rows(self.session, table(Activity), self._activities(batch, now=now))
        self._record_consent(batch, now)

    def _new_lead_values(self, batch: _Batch, now: datetime) -> list[tuple[Any, ...]]:
        form = _NewLeadForm.stored(self.session, self.workspace_id, now, self.actor)
        values = []
        for lead, lead_id in zip(batch.new_leads, batch.new_ids, strict=True):
            if isinstance(lead, tuple):
                values.append(form.values(lead[0], lead[1], lead_id))
            else:
                lead["id"] = lead_id
                values.append(stored_values(self.session, table(Lead), lead, _NEW_LEAD_COLUMNS))
        return values

    def _insert_judged(self, batch: _Batch, values: list[tuple[Any, ...]]) -> None:
        """Writes the new leads with what the judge decided of each in the same INSERT; those
        it decided nothing of, as they arrived."""
        assert self.judge is not None
        decided = self.judge(self._as_new_leads(batch))
        lead_table = table(Lead)
        own = [c for c in _NEW_LEAD_COLUMNS if c not in self.judge.columns]
        keep = itemgetter(*(_NEW_LEAD_COLUMNS.index(c) for c in own))
        converters = [_storage_form(self.session, column) for column in self.judge.columns]
        judged, plain = [], []
        for row, extra in zip(values, decided, strict=True):
            if extra is None:
                plain.append(row)
            else:
                judged.append((*keep(row), *(f(v) for f, v in zip(converters, extra, strict=True))))
        insert_values(self.session, lead_table, (*own, *self.judge.columns), judged)
        insert_values(self.session, lead_table, _NEW_LEAD_COLUMNS, plain)

    def _as_new_leads(self, batch: _Batch) -> list[NewLead]:
        """The batch's new leads as they will be written, with their companies as stored."""
        rows = [
            lead if isinstance(lead, dict) else _new_lead_facts(*lead) for lead in batch.new_leads
        ]
        companies = self.companies.stored_facts(
            {row["company_id"] for row in rows if row["company_id"] is not None}
        )
        return [
            _new_lead(lead_id, row, self.actor, companies)
            for row, lead_id in zip(rows, batch.new_ids, strict=True)
        ]

    def _merge_row(self, merge: dict[str, Any], now: datetime) -> dict[str, Any]:
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

    def _update_leads(self, rows: list[dict[str, Any]], now: datetime) -> None:
        for row in rows:
            row["updated_at"] = now
        update_rows(self.session, table(Lead), rows, (*_MERGE_COLUMNS, "updated_at"))

    def _record_consent(self, batch: _Batch, now: datetime) -> None:
        """Consent an arrival set or changed, kept by compliance's rules: where it came from
        on the lead, and a timeline entry and an event each."""
        changes, merged = [], []
        for lead, before, after in batch.consent:
            lead_id = batch.new_ids[lead] if isinstance(lead, int) else lead["id"]
            changes.append(
                consent.Change(
                    lead_id, ConsentStatus(before), ConsentStatus(after), self.actor, self.actor
                )
            )
            if not isinstance(lead, int):
                source, at = consent.stamp(after, self.actor, now)
                merged.append({"id": lead_id, "consent_source": source, "consent_at": at})
        update_rows(self.session, table(Lead), merged, ("consent_source", "consent_at"))
        consent.record_arrivals(self.session, self.workspace_id, changes)

    def _activities(self, batch: _Batch, *, now: datetime) -> list[dict[str, Any]]:
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
        if name != "consent_status":
            setattr(lead, name, value)
    if "consent_status" in restore:
        consent.record(
            session, lead, ConsentStatus(restore["consent_status"] or ConsentStatus.unknown),
            source=f"merge {merge.id} undone", actor=actor,
        )  # fmt: skip
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
