"""Leads out as CSV, with headers the importer maps back and formulas defused.

Columns named ``leadflow:...`` (ids, stage, score) describe this workspace; the importer
leaves them out when the file comes back in.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any, TextIO, cast

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from leadflow.imports.columns import SYSTEM_PREFIX
from leadflow.kit.spreadsheet import defuse
from leadflow.leads.naming import Nameable, display_name
from leadflow.models import Company, Lead

_COLUMNS: tuple[tuple[str, Any], ...] = (
    (f"{SYSTEM_PREFIX}id", Lead.id),
    ("First Name", Lead.first_name),
    ("Last Name", Lead.last_name),
    ("Email", Lead.email),
    ("Phone", Lead.phone),
    ("WhatsApp", Lead.whatsapp_id),
    ("Title", Lead.title),
    ("Company", Company.name),
    ("Website", Company.domain),
    ("Industry", Company.industry),
    ("Employees", Company.employee_count),
    ("Annual Revenue", Company.annual_revenue),
    ("Company Country", Company.country),
    ("City", Lead.city),
    ("Country", Lead.country),
    ("Source", Lead.source),
    (f"{SYSTEM_PREFIX}stage", Lead.stage),
    ("Consent", Lead.consent_status),
    ("Time Zone", Lead.time_zone),
    (f"{SYSTEM_PREFIX}score", Lead.score),
    (f"{SYSTEM_PREFIX}tier", Lead.score_tier),
    (f"{SYSTEM_PREFIX}created_at", Lead.created_at),
)
_BATCH = 2000
# The lead as leadflow shows it (its name, else how to reach it): for reading, not importing.
_NAME = f"{SYSTEM_PREFIX}name"


def _custom_keys(session: Session, workspace_id: int) -> list[str]:
    keys: dict[str, None] = {}
    statement = select(Lead.custom_fields).where(Lead.workspace_id == workspace_id)
    for (fields,) in session.execute(statement.execution_options(yield_per=_BATCH)):
        keys.update(dict.fromkeys(fields or {}))
    return sorted(keys)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return defuse(str(value))


def _header(custom_keys: list[str]) -> list[str]:
    (lead_id, *named) = [name for name, _ in _COLUMNS]
    return [lead_id, _NAME, *named] + [defuse(k) for k in custom_keys]


def _record(row: Row[Any, *tuple[Any, ...]], custom_keys: list[str]) -> list[str]:
    lead_id, *fixed, custom = tuple(row)
    name = display_name(cast(Nameable, row))
    return (
        [_cell(lead_id), _cell(name)]
        + [_cell(v) for v in fixed]
        + [_cell((custom or {}).get(k)) for k in custom_keys]
    )


def csv_chunks(session: Session, workspace_id: int) -> Iterator[str]:
    """The workspace's leads as CSV text, a few thousand rows per chunk, in bounded memory."""
    custom_keys = _custom_keys(session, workspace_id)
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel reads UTF-8 as such only after a byte-order mark
    writer = csv.writer(buffer)
    writer.writerow(_header(custom_keys))
    statement = (
        select(*(column for _, column in _COLUMNS), Lead.custom_fields)
        .outerjoin(Company, Company.id == Lead.company_id)
        .where(Lead.workspace_id == workspace_id)
        .order_by(Lead.id)
        .execution_options(yield_per=_BATCH)
    )
    for count, row in enumerate(session.execute(statement), start=1):
        writer.writerow(_record(row, custom_keys))
        if count % _BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def write_csv(session: Session, workspace_id: int, out: TextIO) -> None:
    for chunk in csv_chunks(session, workspace_id):
        out.write(chunk)
