from __future__ import annotations

from datetime import datetime

from leadflow.kit.schemas import Schema


class WorkspaceOut(Schema):
    id: int
    slug: str
    name: str
    default_region: str
    time_zone: str
    form_token: str
    created_at: datetime
