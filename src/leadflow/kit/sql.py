"""SQL building blocks shared by repositories."""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from sqlalchemy import ColumnElement, String, any_, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY


def one_of(
    column: ColumnElement[Any], values: Collection[Any], dialect: str
) -> ColumnElement[bool]:
    """``column IN values`` as one bound parameter, however many values there are.

    A plain IN binds one parameter per value: thousands of them cost more to bind than the
    lookups themselves, and engines cap the count.
    """
    listed = list(values)
    if dialect == "postgresql":
        return column == any_(bindparam(None, listed, type_=ARRAY(String)))
    subquery = text("SELECT value FROM json_each(:values)").bindparams(values=json.dumps(listed))
    return column.in_(subquery.columns(value=String).scalar_subquery())
