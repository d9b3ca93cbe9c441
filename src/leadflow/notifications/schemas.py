from __future__ import annotations

from typing import Annotated

from pydantic import Field

from leadflow.kit.schemas import RequestSchema, Schema

Email = Annotated[str, Field(min_length=3, max_length=320)]


class TargetsIn(RequestSchema):
    emails: list[Email] = Field(
        default_factory=list,
        max_length=5,
        description="where alerts are emailed; empty: the workspace owner's address",
    )
    sms_number: Annotated[str, Field(max_length=40)] | None = Field(
        default=None, description="the number hot leads and hand-offs are texted to; null: none"
    )


class TargetsOut(Schema):
    emails: list[str] = Field(description="as set; empty means the owner's address")
    sms_number: str | None
