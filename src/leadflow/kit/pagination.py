"""Cursor pagination: an opaque cursor holds the sort it belongs to, the last row's sort value
and its id."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel
from sqlalchemy import ColumnElement, Select, and_, or_
from sqlalchemy.orm import Session

from leadflow.exceptions import BadRequest
from leadflow.kit.schemas import NO_NUL

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """Every list route's answer: a page of items, and the cursor of the next page (null on
    the last); pass it back as ``cursor`` as it is."""

    items: list[T]
    next_cursor: str | None = None


@dataclass(frozen=True)
class Sort:
    key: str  # as the client asked for it, e.g. "-created_at"
    column: Any  # a column or a mapped attribute
    id_column: Any
    kind: type  # what the column holds: datetime, str, int

    @property
    def descending(self) -> bool:
        return self.key.startswith("-")


def encode_cursor(sort: Sort, value: Any, row_id: int) -> str:
    if isinstance(value, datetime):
        value = {"dt": value.isoformat()}
    raw = json.dumps([sort.key, value, row_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(sort: Sort, cursor: str) -> tuple[Any, int]:
    refused = BadRequest("cursor is not one this API gave out for this sort")
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key, value, row_id = json.loads(base64.urlsafe_b64decode(padded))
    except (ValueError, TypeError):
        raise refused from None
    if key != sort.key or not isinstance(row_id, int) or isinstance(row_id, bool):
        raise refused
    return _sort_value(sort, value, refused), row_id


def _sort_value(sort: Sort, value: Any, refused: BadRequest) -> Any:
    if value is None:
        return None
    if sort.kind is datetime:
        try:
            moment = datetime.fromisoformat(value["dt"])
        except (TypeError, KeyError, ValueError):
            raise refused from None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if not isinstance(value, sort.kind) or isinstance(value, bool):
        raise refused
    if isinstance(value, str) and "\x00" in value:
        raise refused
    return value


def after_cursor(statement: Select[Any], sort: Sort, cursor: str | None) -> Select[Any]:
    """Orders ``statement`` by the sort (id breaks ties) and starts it after ``cursor``."""
    if sort.descending:
        statement = statement.order_by(sort.column.desc().nulls_last(), sort.id_column.desc())
    else:
        statement = statement.order_by(sort.column.asc().nulls_last(), sort.id_column.asc())
    if cursor is None:
        return statement
    value, row_id = decode_cursor(sort, cursor)
    return statement.where(_beyond(sort, value, row_id))


def _beyond(sort: Sort, value: Any, row_id: int) -> ColumnElement[bool]:
    column, ids = sort.column, sort.id_column
    tie = ids < row_id if sort.descending else ids > row_id
    if value is None:  # nulls come last: only later nulls remain
        return and_(column.is_(None), tie)
    later = column < value if sort.descending else column > value
    return or_(later, and_(column == value, tie), column.is_(None))


# The query parameters of every list route: a page's size, and the cursor of the page before.
PageLimit = Annotated[int, Query(ge=1, le=500)]
CursorQuery = Annotated[
    str | None,
    Query(max_length=500, pattern=NO_NUL, description="next_cursor of the page before"),
]


def fetch_page(
    session: Session,
    statement: Select[*tuple[Any, ...]],
    sort: Sort,
    *,
    limit: int,
    cursor: str | None,
) -> tuple[list[Any], str | None]:
    """One page of ``statement``'s rows in the sort, and the cursor of the next (None on the
    last)."""
    paged = after_cursor(statement, sort, cursor).limit(limit + 1)
    rows = list(session.scalars(paged) if _selects_an_entity(statement) else session.execute(paged))
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    value, row_id = getattr(last, sort.column.key), getattr(last, sort.id_column.key)
    return rows[:limit], encode_cursor(sort, value, row_id)


def _selects_an_entity(statement: Select[*tuple[Any, ...]]) -> bool:
    """Whether the statement selects whole rows of one table (else named columns)."""
    (first, *rest) = statement.column_descriptions
    return not rest and first["entity"] is not None and first["type"] is first["entity"]
