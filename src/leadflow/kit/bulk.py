"""Set-at-a-time writes for the hot paths (intake batches, imports).

Ids are allocated up front so related rows can be written in one pass, and rows go to the
driver's executemany with values already in the engine's storage form: SQLAlchemy's per-value
type processing costs more than SQLite's own insert at import volumes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from itertools import repeat
from operator import is_not, itemgetter
from typing import Any

from sqlalchemy import JSON, Dialect, Table, func, select, text, update
from sqlalchemy.orm import Session

from leadflow.models.base import UTCDateTime

Converter = Callable[[Any], Any]


def allocate_ids(session: Session, table: Table, count: int) -> list[int]:
    """``count`` fresh primary keys for ``table``, reserved for this transaction."""
    if count == 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        rows = session.execute(
            text(
                "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"
            ),
            {"table": table.name, "n": count},
        )
        return [row[0] for row in rows]
    # SQLite: take the write lock first (a write that touches nothing), so max(id) stays ours.
    session.execute(update(table).where(table.c.id < 0).values(id=table.c.id))
    highest = session.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
    return list(range(highest + 1, highest + 1 + count))


def stored_values(
    session: Session, table: Table, row: dict[str, Any], columns: Sequence[str]
) -> tuple[Any, ...]:
    """One row's values in ``columns`` order, in storage form."""
    return tuple(stored(session, table, column, row[column]) for column in columns)


def json_text(value: Any) -> str | None:
    """A JSON column's value in storage form, the same text on every engine."""
    if value is None:
        return None
    if not value:
        return "{}" if isinstance(value, dict) else "[]"
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _sqlite_datetime(value: datetime | None) -> str | None:
    if value is None:
        return None
    return _formatted_utc(value)


@lru_cache(maxsize=64)  # a batch stamps all its rows with one moment
def _formatted_utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _converter(table: Table, column: str, dialect: Dialect) -> Converter | None:
    kind = table.c[column].type
    if isinstance(kind, JSON):
        return json_text
    if isinstance(kind, UTCDateTime) and dialect.name == "sqlite":
        return _sqlite_datetime
    return None


def _placeholders(dialect: Dialect, count: int) -> str:
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    return ", ".join([mark] * count)


def _as_tuples(
    rows: Sequence[dict[str, Any]], columns: list[str], converters: list[Converter | None]
) -> list[tuple[Any, ...]]:
    pick = itemgetter(*columns) if len(columns) > 1 else lambda row: (row[columns[0]],)
    converted = [(i, c) for i, c in enumerate(converters) if c is not None]
    params = []
    for row in rows:
        values = list(pick(row))
        for index, convert in converted:
            values[index] = convert(values[index])
        params.append(tuple(values))
    return params


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT every row (all with the same keys) in one executemany."""
    if not rows:
        return
    dialect = session.get_bind().dialect
    columns = list(rows[0])
    converters = [_converter(table, c, dialect) for c in columns]
    insert_values(session, table, columns, _as_tuples(rows, columns, converters))


def insert_values(
    session: Session, table: Table, columns: Sequence[str], values: Sequence[tuple[Any, ...]]
) -> None:
    """INSERT rows given as tuples in ``columns`` order, already in storage form
    (``stored``), in one executemany."""
    if not values:
        return
    columns, values = _without_nulls(table, columns, values)
    dialect = session.get_bind().dialect
    quoted = ", ".join(dialect.identifier_preparer.quote(c) for c in columns)
    statement = (
        f"INSERT INTO {dialect.identifier_preparer.format_table(table)} ({quoted}) "
        f"VALUES ({_placeholders(dialect, len(columns))})"
    )
    session.connection().exec_driver_sql(statement, values)


def _without_nulls(
    table: Table, columns: Sequence[str], values: Sequence[tuple[Any, ...]]
) -> tuple[Sequence[str], Sequence[tuple[Any, ...]]]:
    """Leaves out the columns that are NULL in every row and would be NULL if left out (no
    server default): the SQLite driver binds a NULL ~4 times slower than a number, and most
    of a lead's optional columns are NULL in a whole file."""
    kept = [
        index
        for index, name in enumerate(columns)
        if table.c[name].server_default is not None or _any_value(values, index)
    ]
    if len(kept) == len(columns):
        return columns, values
    pick = itemgetter(*kept) if len(kept) > 1 else lambda row: (row[kept[0]],)
    return [columns[i] for i in kept], list(map(pick, values))


def _any_value(rows: Sequence[tuple[Any, ...]], index: int) -> bool:
    """True when some row has a value at ``index``: stops at the first one, in C."""
    return any(map(is_not, map(itemgetter(index), rows), repeat(None)))


def stored(session: Session, table: Table, column: str, value: Any) -> Any:
    """``value`` as the engine stores it in ``column``: what ``insert_values`` takes."""
    convert = _converter(table, column, session.get_bind().dialect)
    return value if convert is None else convert(value)


def _decoded(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    for name in _json_columns(table):
        value = row.get(name)
        if isinstance(value, str):
            row[name] = {} if value == "{}" else json.loads(value)
    return row


@lru_cache(maxsize=32)
def _json_columns(table: Table) -> tuple[str, ...]:
    return tuple(c.name for c in table.c if isinstance(c.type, JSON))


def rows_where_one_of(
    session: Session,
    table: Table,
    *,
    workspace_id: int,
    column: str,
    values: Collection[Any],
    columns: Sequence[str],
) -> list[dict[str, Any]]:
    """``columns`` of every row of the workspace whose ``column`` is one of ``values``, as
    plain dicts.

    One statement and one bound parameter however many values: the import asks this of
    thousands of keys per chunk, and only the few that exist come back.
    """
    if not values:
        return []
    dialect = session.get_bind().dialect
    name = dialect.identifier_preparer.format_table(table)
    quote = dialect.identifier_preparer.quote
    wanted = ", ".join(f"t.{quote(c)}" for c in columns)
    if dialect.name == "postgresql":
        sql = (
            f"SELECT {wanted} FROM {name} AS t "
            f"WHERE t.workspace_id = %s AND t.{quote(column)} = ANY(%s)"
        )
        params: tuple[Any, ...] = (workspace_id, list(values))
    else:
        # The values drive the loop (CROSS JOIN keeps that order) in sorted order, so each
        # seek lands beside the last; "IN (SELECT ...)" would first copy them into a b-tree.
        sql = (
            f"SELECT {wanted} FROM json_each(?) AS k CROSS JOIN {name} AS t "
            f"WHERE t.workspace_id = ? AND t.{quote(column)} = k.value"
        )
        params = (json.dumps(sorted(set(values))), workspace_id)
    result = session.connection().exec_driver_sql(sql, params)
    return [_decoded(table, dict(zip(columns, row, strict=True))) for row in result]


def update_rows(
    session: Session, table: Table, rows: Sequence[dict[str, Any]], columns: Sequence[str]
) -> None:
    """UPDATE ``columns`` of each row, found by its id, in one executemany."""
    if not rows:
        return
    dialect = session.get_bind().dialect
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    quote = dialect.identifier_preparer.quote
    assignments = ", ".join(f"{quote(c)} = {mark}" for c in columns)
    statement = (
        f"UPDATE {dialect.identifier_preparer.format_table(table)} SET {assignments} "
        f"WHERE id = {mark}"
    )
    order = [*columns, "id"]
    converters = [_converter(table, c, dialect) for c in order]
    session.connection().exec_driver_sql(statement, _as_tuples(rows, order, converters))


class StatisticsRefresh:
    """Keeps PostgreSQL's statistics in step with tables a bulk load is growing.

    Its planner sizes tables from statistics; while they still say "empty", lookups by index
    are planned as scans of the whole table, and the driver's prepared statements keep that
    plan. Each time the rows written double, ANALYZE (which also drops those plans) runs.
    """

    def __init__(self, tables: Sequence[str], *, first_after: int = 5000) -> None:
        self.tables = tables
        self.written = 0
        self.next_at = first_after

    def after_rows(self, session: Session, count: int) -> None:
        self.written += count
        if self.written < self.next_at or session.get_bind().dialect.name != "postgresql":
            return
        session.execute(text(f"ANALYZE {', '.join(self.tables)}"))
        self.next_at = self.written * 2
