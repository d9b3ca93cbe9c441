"""The agent's decision: one of the allowed actions, what to say, what it learned and the
knowledge it used. Whatever proposes it (the rules engine or an LLM), this schema and the
policy (policy.py) decide what is allowed: a lead's words cannot add an action."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Action = Literal["reply", "ask", "offer_times", "book", "handoff", "disqualify", "opt_out"]
ACTIONS: tuple[Action, ...] = (
    "reply", "ask", "offer_times", "book", "handoff", "disqualify", "opt_out",
)  # fmt: skip
MAX_REPLY_CHARS = 1000


class Learned(BaseModel):
    """Qualifying facts the lead's message gave, in their words (empty when unknown)."""

    budget: str = Field(default="", max_length=200)
    timeline: str = Field(default="", max_length=200)
    service: str = Field(default="", max_length=200)
    location: str = Field(default="", max_length=200)


class Decision(BaseModel):
    action: Action
    reply: str = Field(max_length=MAX_REPLY_CHARS, description="the message to send the lead")
    language: Literal["en", "ar"]
    learned: Learned = Field(default_factory=Learned)
    citations: list[int] = Field(
        default_factory=list, max_length=5, description="ids of the knowledge chunks used"
    )
    reason: str = Field(default="", max_length=300, description="why, for the people reading")
