from __future__ import annotations

from pydantic import Field

from leadflow.kit.schemas import NO_NUL, RequestSchema, Schema

VISITOR = r"^[0-9]{1,18}\.[A-Za-z0-9_-]{43}$"


class StartIn(RequestSchema):
    name: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    email: str | None = Field(default=None, max_length=320, pattern=NO_NUL)
    phone: str | None = Field(default=None, max_length=40, pattern=NO_NUL)


class StartOut(Schema):
    visitor: str


class ChatIn(RequestSchema):
    visitor: str = Field(pattern=VISITOR)
    body: str = Field(min_length=1, max_length=2000, pattern=NO_NUL)


class ChatMessageOut(Schema):
    id: int
    direction: str
    author: str
    body: str


class ChatLookOut(Schema):
    """How the workspace wants its chat drawn: its brand colour and its language."""

    colour: str
    language: str
