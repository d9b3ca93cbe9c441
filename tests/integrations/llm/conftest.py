"""What LLM adapters' tests ask a model for (adapters are mocked at the transport, respx)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Verdict(BaseModel):
    """What a scorer asks a model for."""

    persona: Literal["buyer", "champion", "other"]
    fit: int = Field(ge=0, le=100)
    reasons: list[str]


GOOD = {"persona": "buyer", "fit": 82, "reasons": ["VP Sales at a 200-person SaaS company"]}
OUT_OF_RANGE = {"persona": "buyer", "fit": 820, "reasons": []}
