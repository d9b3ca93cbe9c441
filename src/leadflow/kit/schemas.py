from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import BaseModel, ConfigDict, Field, model_validator

MAX_ID = 2**63 - 1  # the widest id any engine stores
RowId = Annotated[int, Field(ge=1, le=MAX_ID)]
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]
# PostgreSQL text cannot hold NUL; no field of ours has a use for it.
NO_NUL = r"^[^\x00]*$"
NUL_REFUSED = "text may not contain the NUL character (U+0000)"


def holds_nul(value: Any) -> bool:
    """True if any text in ``value`` (a string, or strings nested in lists and dicts) has NUL."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(holds_nul(k) or holds_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(holds_nul(item) for item in value)
    return False


class Schema(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class RequestSchema(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=10_000)

    @model_validator(mode="before")
    @classmethod
    def _refuse_nul(cls, data: Any) -> Any:
        if holds_nul(data):
            raise ValueError(NUL_REFUSED)
        return data
