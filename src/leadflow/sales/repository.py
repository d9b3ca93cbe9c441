"""The sales stages' queries."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from leadflow.models import Lead
from leadflow.models.base import utcnow


def move_all(session: Session, workspace_id: int, *, from_keys: Sequence[str], to_key: str) -> int:
    """Moves every lead of the stages ``from_keys`` to ``to_key`` (a stage taken away)."""
    result = session.execute(
        update(Lead)
        .where(Lead.workspace_id == workspace_id, Lead.sales_stage.in_(from_keys))
        .values(sales_stage=to_key, sales_stage_changed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def count_by_stage(session: Session, workspace_id: int) -> dict[str, int]:
    counted = (
        select(Lead.sales_stage, func.count())
        .where(Lead.workspace_id == workspace_id)
        .group_by(Lead.sales_stage)
    )
    return {key: int(count) for key, count in session.execute(counted).all()}


def get_lead(session: Session, workspace_id: int, lead_id: int) -> Lead | None:
    return session.scalar(select(Lead).where(Lead.id == lead_id, Lead.workspace_id == workspace_id))
