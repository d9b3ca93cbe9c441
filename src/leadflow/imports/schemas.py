from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import computed_field

from leadflow.kit.schemas import Schema


class ImportJobOut(Schema):
    id: int
    filename: str
    status: str
    dry_run: bool
    encoding: str | None
    delimiter: str | None
    column_map: dict[str, Any]
    total_bytes: int
    processed_bytes: int
    rows: int
    created: int
    merged: int
    rejected: int
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def progress_percent(self) -> float:
        if self.status == "completed":
            return 100.0
        if not self.total_bytes:
            return 0.0
        return round(min(100.0, 100.0 * self.processed_bytes / self.total_bytes), 1)


class RejectionOut(Schema):
    line: int
    reason: str
    raw: str
