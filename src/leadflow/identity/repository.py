"""Every query identity resolution makes. All of them are scoped to one workspace."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import RowMapping, Select, or_, select, tuple_
from sqlalchemy.orm import Session

from leadflow.kit.bulk import rows_where_one_of
from leadflow.models import Company, Lead
from leadflow.models.base import table

_IN_BATCH = 900  # well under every engine's bound-parameter limit


def _batches(values: Collection[Any]) -> list[list[Any]]:
    items = list(values)
    return [items[i : i + _IN_BATCH] for i in range(0, len(items), _IN_BATCH)]


def _rows(session: Session, statement: Select[Any]) -> Sequence[RowMapping]:
    return session.execute(statement).mappings().all()


def leads_by_column(
    session: Session,
    workspace_id: int,
    column: str,
    values: Collection[str],
    *,
    columns: Sequence[str],
) -> list[dict[str, Any]]:
    """``columns`` of the leads whose ``column`` (email_key, phone, whatsapp_id) is one of
    ``values``."""
    return rows_where_one_of(
        session,
        table(Lead),
        workspace_id=workspace_id,
        column=column,
        values=values,
        columns=columns,
    )


def leads_by_company_and_name(
    session: Session,
    workspace_id: int,
    pairs: Collection[tuple[int, str]],
    *,
    columns: Sequence[str],
) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    leads = table(Lead)
    for batch in _batches(pairs):
        statement = select(*(leads.c[name] for name in columns)).where(
            leads.c.workspace_id == workspace_id,
            tuple_(leads.c.company_id, leads.c.name_key).in_(batch),
        )
        found.extend(dict(row) for row in _rows(session, statement))
    return found


def companies_by_keys(
    session: Session, workspace_id: int, *, domains: Collection[str], name_keys: Collection[str]
) -> list[RowMapping]:
    companies = table(Company)
    found: list[RowMapping] = []
    for column, values in (("domain", domains), ("name_key", name_keys)):
        for batch in _batches(values):
            statement = select(companies).where(
                companies.c.workspace_id == workspace_id, companies.c[column].in_(batch)
            )
            found.extend(_rows(session, statement))
    return found


def company_name_keys_in_blocks(
    session: Session, workspace_id: int, blocks: Collection[str]
) -> list[RowMapping]:
    """(id, name_key, domain) of companies whose key starts with one of ``blocks``."""
    companies = table(Company)
    found: list[RowMapping] = []
    for batch in _batches(blocks):
        ranges = [companies.c.name_key.startswith(block, autoescape=True) for block in batch]
        statement = select(companies.c.id, companies.c.name_key, companies.c.domain).where(
            companies.c.workspace_id == workspace_id, or_(*ranges)
        )
        found.extend(_rows(session, statement))
    return found


def companies_by_ids(
    session: Session, workspace_id: int, ids: Collection[int], *, columns: Sequence[str]
) -> list[dict[str, Any]]:
    """``columns`` of the workspace's companies with these ids."""
    return rows_where_one_of(
        session, table(Company), workspace_id=workspace_id, column="id", values=ids,
        columns=columns,
    )  # fmt: skip
