"""A stackAI flow the workspace deployed, asked to score its leads (behind the LLM interface)."""

from __future__ import annotations

from pydantic import Field, SecretStr

from leadflow.integrations.stackai.flow import StackAIFlow
from leadflow.integrations.vendor import ProviderSettings, Vendor


class StackAISettings(ProviderSettings):
    """A stackAI flow the workspace deployed to score its leads (its API page gives the ids)."""

    # Both go into the request's path: letters, digits, '-' and '_' only.
    org_id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,100}$", description="Organization id")
    flow_id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,100}$", description="Flow id")
    api_key: SecretStr = Field(min_length=8, max_length=256, description="The flow's API key")
    timeout_seconds: float = Field(default=30, gt=0, le=120, description="Wait for the flow")


def scorer(settings: StackAISettings) -> StackAIFlow:
    return StackAIFlow(
        org_id=settings.org_id,
        flow_id=settings.flow_id,
        api_key=settings.api_key.get_secret_value(),
        timeout=settings.timeout_seconds,
    )


VENDOR = Vendor(
    slug="stackai",
    title="stackAI flow (an external lead scorer)",
    settings=StackAISettings,
    scorer=scorer,
)

__all__ = ["VENDOR", "StackAIFlow", "StackAISettings"]
