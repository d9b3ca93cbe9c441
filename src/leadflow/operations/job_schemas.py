from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class DeadJobOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    job_id: int
    name: str
    args: list[Any]
    attempts: int
    error: str
    died_at: datetime
    replayed_at: datetime | None
    replay_job_id: int | None


class ReplayOut(BaseModel):
    dead_job_id: int
    job_id: int
