from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class ProviderOut(BaseModel):
    slug: str
    title: str
    capabilities: list[str]  # sms, whatsapp, email, llm, scoring, parsing, inbound
    settings_schema: dict[str, Any]  # JSON Schema; secret fields are writeOnly


class ConnectionOut(BaseModel):
    provider: str
    enabled: bool
    created_at: datetime
    updated_at: datetime


class ConnectionIn(BaseModel):
    settings: dict[str, Any]
