"""The predictive model's view of one lead, when the workspace has a model it trusts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from leadflow.scoring.verdict import ModelView


def model_view(session: Session, workspace_id: int, facts: Mapping[str, Any]) -> ModelView | None:
    return None
