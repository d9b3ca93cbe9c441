"""LLM adapters mocked at the transport (respx); pauses between attempts recorded, not slept."""

from __future__ import annotations

from typing import Literal

import pytest
from pydantic import BaseModel, Field

from leadflow.integrations.policy import ProviderPolicy


class Verdict(BaseModel):
    """What a scorer asks a model for."""

    persona: Literal["buyer", "champion", "other"]
    fit: int = Field(ge=0, le=100)
    reasons: list[str]


GOOD = {"persona": "buyer", "fit": 82, "reasons": ["VP Sales at a 200-person SaaS company"]}
OUT_OF_RANGE = {"persona": "buyer", "fit": 820, "reasons": []}


@pytest.fixture
def policy() -> ProviderPolicy:
    return ProviderPolicy.from_settings().but(max_attempts=3)
