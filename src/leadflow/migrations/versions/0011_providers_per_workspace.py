"""Providers per workspace: which account sent each message and notification, the business's
address a conversation came in on, and quotas per provider with a budget alert once a period

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-09 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sent_via", sa.String(length=60), nullable=True))
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sent_via", sa.String(length=60), nullable=True))
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("business_address", sa.String(length=320), nullable=True))
    with op.batch_alter_table("quota", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("provider", sa.String(length=40), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("alert_percent", sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column("alerted_for", sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_constraint("uq_quota_workspace_id_metric_period", type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_quota_workspace_id_metric_period_provider"),
            ["workspace_id", "metric", "period", "provider"],
        )
    op.execute("UPDATE quota SET alert_percent = 80")


def downgrade() -> None:
    op.execute("DELETE FROM quota WHERE provider <> ''")
    with op.batch_alter_table("quota", schema=None) as batch_op:
        batch_op.drop_constraint("uq_quota_workspace_id_metric_period_provider", type_="unique")
        batch_op.create_unique_constraint(
            "uq_quota_workspace_id_metric_period", ["workspace_id", "metric", "period"]
        )
        batch_op.drop_column("alerted_for")
        batch_op.drop_column("alert_percent")
        batch_op.drop_column("provider")
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.drop_column("business_address")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_column("sent_via")
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_column("sent_via")
