"""Cursor pagination: an opaque cursor holds the last row's sort value and id."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Select, and_, or_

from leadflow.exceptions import BadRequest

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


@dataclass(frozen=True)
class Sort:
    column: Any  # a column or a mapped attribute
    id_column: Any
    descending: bool


def encode_cursor(value: Any, row_id: int) -> str:
    if isinstance(value, datetime):
        value = {"dt": value.isoformat()}
    raw = json.dumps([value, row_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[Any, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value, row_id = json.loads(base64.urlsafe_b64decode(padded))
        if isinstance(value, dict):
            value = datetime.fromisoformat(value["dt"])
        if not isinstance(row_id, int):
            raise TypeError
    except (ValueError, TypeError, KeyError):
        raise BadRequest("cursor is not one this API gave out") from None
    return value, row_id


def after_cursor(statement: Select[Any], sort: Sort, cursor: str | None) -> Select[Any]:
    """Orders ``statement`` by the sort (id breaks ties) and starts it after ``cursor``."""
    if sort.descending:
        statement = statement.order_by(sort.column.desc().nulls_last(), sort.id_column.desc())
    else:
        statement = statement.order_by(sort.column.asc().nulls_last(), sort.id_column.asc())
    if cursor is None:
        return statement
    value, row_id = decode_cursor(cursor)
    return statement.where(_beyond(sort, value, row_id))


def _beyond(sort: Sort, value: Any, row_id: int) -> ColumnElement[bool]:
    column, ids = sort.column, sort.id_column
    if value is None:  # nulls come last: only later nulls remain
        tie = ids < row_id if sort.descending else ids > row_id
        return and_(column.is_(None), tie)
    later = column < value if sort.descending else column > value
    tie = ids < row_id if sort.descending else ids > row_id
    return or_(later, and_(column == value, tie), column.is_(None))
