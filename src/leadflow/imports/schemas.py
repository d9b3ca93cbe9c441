from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import ConfigDict, computed_field

from leadflow.imports import summary
from leadflow.kit.schemas import Schema


class ReasonGroup(Schema):
    reason: str
    count: int
    lines: list[int]  # the first few, to find the rows by


class RowWarning(Schema):
    line: int
    field: str
    reason: str


class ImportJobOut(Schema):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": 12, "filename": "crm-export.csv", "status": "completed",
                    "dry_run": False, "encoding": "utf-8", "delimiter": ",",
                    "column_map": {"Email": "email", "Name": "full_name"},
                    "total_bytes": 5120, "processed_bytes": 5120, "rows": 120, "created": 97,
                    "merged": 21, "rejected": 2, "error": None,
                    "created_at": "2026-03-01T09:00:00Z", "started_at": "2026-03-01T09:00:01Z",
                    "finished_at": "2026-03-01T09:00:03Z", "progress_percent": 100.0,
                    "phone_region": None, "warned": 1,
                    "scoring": {"scored": 97, "failed": 0, "finished": True, "failures": []},
                    "rejection_reasons": [
                        {"reason": "email: not an email address", "count": 2, "lines": [8, 40]}
                    ],
                    "warning_reasons": [
                        {"reason": "phone: not a phone number", "count": 1, "lines": [19]}
                    ],
                    "warnings": [{"line": 19, "field": "phone", "reason": "not a phone number"}],
                }
            ]
        },
    )  # fmt: skip

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

    @computed_field  # type: ignore[prop-decorator]
    @property
    def scoring(self) -> dict[str, Any]:
        """How many of the new leads are scored so far, how many could not be (the first of
        them with why), and whether scoring them finished: it has once the import completed."""
        progress = self.column_map.get("scoring") or {}
        return {
            "scored": progress.get("scored", 0),
            "failed": progress.get("failed", 0),
            "finished": self.status == "completed",
            "failures": progress.get("failures", []),
        }

    @computed_field  # type: ignore[prop-decorator]
    @property
    def phone_region(self) -> str | None:
        """The country phone numbers without a code were read in; None: the workspace's."""
        region = self.column_map.get("phone_region")
        return region if isinstance(region, str) else None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def warned(self) -> int:
        """Rows kept with a field left blank because its value was refused."""
        return int(self.column_map.get(summary.WARNED_ROWS) or 0)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def rejection_reasons(self) -> list[ReasonGroup]:
        """Why rows were refused, the most frequent reason first."""
        groups = summary.top(self.column_map.get(summary.REJECTION_GROUPS))
        return [ReasonGroup.model_validate(group) for group in groups]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def warning_reasons(self) -> list[ReasonGroup]:
        """Why fields of kept rows were left blank, the most frequent reason first."""
        groups = summary.top(self.column_map.get(summary.WARNING_GROUPS))
        return [ReasonGroup.model_validate(group) for group in groups]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def warnings(self) -> list[RowWarning]:
        """Each kept row's blanked fields, line by line (the first 500)."""
        kept = self.column_map.get(summary.WARNINGS) or []
        return [RowWarning.model_validate(warning) for warning in kept]


class RejectionOut(Schema):
    line: int
    reason: str
    raw: str
