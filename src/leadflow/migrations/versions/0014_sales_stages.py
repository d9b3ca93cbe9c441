"""Sales stages, apart from the automation: each lead stands in one of its workspace's sales
stages (New, Contacted, Qualified, Meeting booked, Won, Lost by default). Leads already here
are placed from what is known: a won or lost deal in Won or Lost, a lead the business has
answered in Contacted, the rest in New.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-08 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("lead", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("sales_stage", sa.String(length=40), nullable=False, server_default="new")
        )
        batch_op.add_column(
            sa.Column("sales_stage_changed_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(
            batch_op.f("ix_lead_workspace_id_sales_stage"), ["workspace_id", "sales_stage"]
        )
    op.execute(sa.text("UPDATE lead SET sales_stage = outcome WHERE outcome IN ('won', 'lost')"))
    op.execute(
        sa.text(
            "UPDATE lead SET sales_stage = 'contacted'"
            " WHERE outcome IS NULL AND first_response_at IS NOT NULL"
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("lead", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lead_workspace_id_sales_stage"))
        batch_op.drop_column("sales_stage_changed_at")
        batch_op.drop_column("sales_stage")
