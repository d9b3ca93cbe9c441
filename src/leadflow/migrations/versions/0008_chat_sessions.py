"""Web chat: a conversation per chat session, not per lead and channel, so that a visitor sees
only the session their own browser started

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 15:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.drop_constraint("uq_conversation_lead_id_channel", type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_conversation_lead_id_channel_address"), ["lead_id", "channel", "address"]
        )


def downgrade() -> None:
    with op.batch_alter_table("conversation", schema=None) as batch_op:
        batch_op.drop_constraint("uq_conversation_lead_id_channel_address", type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_conversation_lead_id_channel"), ["lead_id", "channel"]
        )
