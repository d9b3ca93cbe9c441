"""Which company an arrival names: by domain, by exact name key, then by a close name."""

from __future__ import annotations

import re
from collections.abc import Collection, Container, Iterable, Sequence
from operator import attrgetter
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy.orm import Session

from leadflow.identity import repository
from leadflow.identity.drafts import CompanyDraft
from leadflow.kit.bulk import allocate_ids, insert_rows, update_rows
from leadflow.models import Company
from leadflow.models.base import table, utcnow

FUZZY_CUTOFF = 92  # rapidfuzz ratio: "acme industries" ~ "acme industires", not "acme insurance"
_BLOCK = 3  # names are compared only with names that share their first characters
_DIGITS = re.compile(r"[0-9]+")
_FILLABLE = ("domain", "industry", "employee_count", "annual_revenue", "country")
# A CompanyDraft ends with the fillable facts, in _FILLABLE order.
_FIRST_FILLABLE = CompanyDraft._fields.index(_FILLABLE[0])
assert CompanyDraft._fields[_FIRST_FILLABLE:] == _FILLABLE


def _facts(row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(row.get(field) for field in _FILLABLE)


def _block(name_key: str) -> str:
    return name_key[:_BLOCK]


def _unseen(values: Iterable[str | None], seen: Container[str]) -> set[str]:
    return {value for value in set(values) if value and value not in seen}


class CompanyResolver:
    """Finds or creates the company of each arrival, remembering what it has seen.

    One resolver lives as long as one request or one import, so an import of a million rows
    asks the database about each company once. Companies planned but not yet written carry
    negative ids until ``ensure`` writes them.
    """

    def __init__(self, session: Session, workspace_id: int) -> None:
        self.session = session
        self.workspace_id = workspace_id
        self._by_domain: dict[str, int] = {}
        self._by_key: dict[str, int] = {}
        # Names compared by closeness, per block: name key -> (id, the numbers in the name).
        # An arrival with a website is compared only with companies that have none.
        self._blocks: dict[str, dict[str, tuple[int, list[str]]]] = {}
        self._blocks_without_domain: dict[str, dict[str, tuple[int, list[str]]]] = {}
        # Blocks read whole from the database. A block in ``_blocks`` may hold only what was
        # found by exact key or planned here, so it does not tell whether the rest was read.
        self._read_blocks: set[str] = set()
        # The fillable facts of each company seen, to fill its blanks from later arrivals.
        self._facts: dict[int, tuple[Any, ...]] = {}
        self._names: dict[int, str] = {}
        self._placeholders: list[tuple[dict[str, Any], str]] = []

    def ensure(self, drafts: Sequence[CompanyDraft | None]) -> list[int | None]:
        """The company id for each draft (None where a draft names no company)."""
        self._prefetch(list(filter(None, drafts)))
        planned: list[dict[str, Any]] = []
        ids = [None if d is None else self._find(d) or self._plan(d, planned) for d in drafts]
        real = self._write(planned)
        resolved = [real.get(i, i) if i is not None else None for i in ids]
        self._fill_blanks(drafts, resolved)
        return resolved

    def _prefetch(self, drafts: Sequence[CompanyDraft]) -> None:
        # Set minus dict keys would walk every key seen so far; these walk the batch's.
        domains = _unseen(map(attrgetter("domain"), drafts), self._by_domain)
        keys = _unseen(map(attrgetter("name_key"), drafts), self._by_key)
        if domains or keys:
            for row in repository.companies_by_keys(
                self.session, self.workspace_id, domains=domains, name_keys=keys
            ):
                self._remember(dict(row))
        blocks = _unseen((_block(k) for k in keys if k not in self._by_key), self._read_blocks)
        self._read_blocks |= blocks
        for row in repository.company_name_keys_in_blocks(self.session, self.workspace_id, blocks):
            self._index_name(row["id"], row["name_key"], row["domain"])

    def stored_facts(self, ids: Collection[int]) -> dict[int, tuple[Any, ...]]:
        """(name, domain, industry, employee_count, annual_revenue, country) of each of the
        companies ``ensure`` resolved, as stored: from what it remembers, and read for those
        it found only by a close name (whose facts it does not keep, nor fill)."""
        known = {i: (self._names[i], *self._facts[i]) for i in ids if i in self._facts}
        unknown = [i for i in ids if i not in known]
        for row in repository.companies_by_ids(
            self.session, self.workspace_id, unknown, columns=("id", "name", *_FILLABLE)
        ):
            known[row["id"]] = (row["name"], *_facts(row))
        return known

    def _remember(self, row: dict[str, Any]) -> None:
        self._facts[row["id"]] = _facts(row)
        self._names[row["id"]] = row["name"]
        self._index(row["id"], row["name_key"], row.get("domain"))

    def _index(self, company_id: int, name_key: str, domain: str | None) -> None:
        if domain:
            self._index_into(self._by_domain, domain, company_id)
        self._index_into(self._by_key, name_key, company_id)
        self._index_name(company_id, name_key, domain)

    def _index_name(self, company_id: int, name_key: str, domain: str | None) -> None:
        entry = (company_id, _DIGITS.findall(name_key))
        for blocks in (self._blocks, *(() if domain else (self._blocks_without_domain,))):
            self._index_into(blocks.setdefault(_block(name_key), {}), name_key, entry)

    def _index_into(self, index: dict[str, Any], key: str, value: Any) -> None:
        if key not in index:
            index[key] = value
            if (value if isinstance(value, int) else value[0]) < 0:
                self._placeholders.append((index, key))

    def _find(self, draft: CompanyDraft) -> int | None:
        if draft.domain and draft.domain in self._by_domain:
            return self._by_domain[draft.domain]
        key = draft.name_key or draft.domain or ""
        if key in self._by_key:
            return self._by_key[key]
        return self._closest(key, draft.domain)

    def _closest(self, key: str, domain: str | None) -> int | None:
        """A company whose name is a near spelling of ``key`` and could be the same company:
        no other website, and the same numbers in its name ("Acme 2" is not "Acme 3")."""
        blocks = self._blocks_without_domain if domain else self._blocks
        block = blocks.get(_block(key)) or {}
        numbers = _DIGITS.findall(key)
        candidates = [name for name, (_, digits) in block.items() if digits == numbers]
        best = process.extractOne(key, candidates, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        return block[best[0]][0] if best else None

    def _plan(self, draft: CompanyDraft, planned: list[dict[str, Any]]) -> int:
        now = utcnow()
        row = {
            "id": -(len(planned) + 1),
            "workspace_id": self.workspace_id,
            "name": (draft.name or draft.domain or "")[:300],
            "name_key": draft.name_key or draft.domain or "",
            **{field: getattr(draft, field) for field in _FILLABLE},
            "created_at": now,
            "updated_at": now,
        }
        planned.append(row)
        self._index(row["id"], row["name_key"], row["domain"])
        return int(row["id"])

    def _write(self, planned: list[dict[str, Any]]) -> dict[int, int]:
        """Writes the planned companies; returns their placeholder -> real id."""
        companies = table(Company)
        real: dict[int, int] = {}
        for row, new_id in zip(
            planned, allocate_ids(self.session, companies, len(planned)), strict=True
        ):
            real[row["id"]] = new_id
            row["id"] = new_id
        insert_rows(self.session, companies, planned)
        for index, key in self._placeholders:
            value = index[key]
            index[key] = real[value] if isinstance(value, int) else (real[value[0]], value[1])
        self._placeholders.clear()
        for row in planned:
            self._facts[row["id"]] = _facts(row)
            self._names[row["id"]] = row["name"]
        return real

    def _fill_blanks(self, drafts: Sequence[CompanyDraft | None], ids: list[int | None]) -> None:
        changed: dict[int, dict[str, Any]] = {}
        for draft, company_id in zip(drafts, ids, strict=True):
            if draft is None or company_id is None:
                continue
            facts = self._facts.get(company_id)
            incoming = draft[_FIRST_FILLABLE:]
            if facts is None or facts == incoming or None not in facts:
                continue
            filled = tuple(
                known if known is not None else new
                for known, new in zip(facts, incoming, strict=True)
            )
            if filled != facts:
                self._facts[company_id] = filled
                changed[company_id] = {
                    "id": company_id,
                    **dict(zip(_FILLABLE, filled, strict=True)),
                }
        if changed:
            self._update(list(changed.values()))

    def _update(self, rows: list[dict[str, Any]]) -> None:
        now = utcnow()
        for row in rows:
            row["updated_at"] = now
        update_rows(self.session, table(Company), rows, (*_FILLABLE, "updated_at"))
