"""Every query identity resolution makes. All of them are scoped to one workspace."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import RowMapping, Select, or_, select, tuple_
from sqlalchemy.orm import Session

from leadflow.kit.bulk import rows_where_one_of
from leadflow.models import Company, Lead

_IN_BATCH = 900  # well under every engine's bound-parameter limit


def _batches(values: Collection[Any]) -> list[list[Any]]:
    items = list(values)
    return [items[i : i + _IN_BATCH] for i in range(0, len(items), _IN_BATCH)]


def _rows(session: Session, statement: Select[Any]) -> Sequence[RowMapping]:
    return session.execute(statement).mappings().all()


def leads_by_column(
    session: Session, workspace_id: int, column: str, values: Collection[str]
) -> list[dict[str, Any]]:
    """Lead rows whose ``column`` (email_key, phone, whatsapp_id) is one of ``values``."""
    return rows_where_one_of(
        session, Lead.__table__, workspace_id=workspace_id, column=column, values=values
    )


def leads_by_company_and_name(
    session: Session, workspace_id: int, pairs: Collection[tuple[int, str]]
) -> list[RowMapping]:
    found: list[RowMapping] = []
    table = Lead.__table__
    for batch in _batches(pairs):
        statement = select(table).where(
            table.c.workspace_id == workspace_id,
            tuple_(table.c.company_id, table.c.name_key).in_(batch),
        )
        found.extend(_rows(session, statement))
    return found


def companies_by_keys(
    session: Session, workspace_id: int, *, domains: Collection[str], name_keys: Collection[str]
) -> list[RowMapping]:
    table = Company.__table__
    found: list[RowMapping] = []
    for column, values in (("domain", domains), ("name_key", name_keys)):
        for batch in _batches(values):
            statement = select(table).where(
                table.c.workspace_id == workspace_id, table.c[column].in_(batch)
            )
            found.extend(_rows(session, statement))
    return found


def company_name_keys_in_blocks(
    session: Session, workspace_id: int, blocks: Collection[str]
) -> list[RowMapping]:
    """(id, name_key, domain) of companies whose key starts with one of ``blocks``."""
    table = Company.__table__
    found: list[RowMapping] = []
    for batch in _batches(blocks):
        ranges = [table.c.name_key.startswith(block, autoescape=True) for block in batch]
        statement = select(table.c.id, table.c.name_key, table.c.domain).where(
            table.c.workspace_id == workspace_id, or_(*ranges)
        )
        found.extend(_rows(session, statement))
    return found
