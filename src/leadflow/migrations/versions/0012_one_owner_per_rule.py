"""One owner per rule: a lead's qualification keeps every source's claims (what it had becomes
the conversation's claim, as of the lead's last change), and the web chat has one name, "chat"
(conversations and messages stored as "web" are renamed)

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-09 10:00:00
"""

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
FIELDS = ("budget", "authority", "need", "timeline", "service_interest", "urgency")
STATEMENTS = {
    "budget": ("amount", "amount_min", "currency"),
    "authority": ("role", "decision_maker"),
    "need": ("text",),
    "timeline": ("by", "relative"),
    "urgency": ("level",),
}
BATCH = 1000

lead = sa.table(
    "lead",
    sa.column("id", sa.Integer),
    sa.column("qualification", JSON),
    sa.column("qualification_claims", JSON),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    with op.batch_alter_table("lead", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("qualification_claims", JSON, nullable=False, server_default="{}")
        )
    _claims_from_qualifications()
    for name in ("conversation", "message"):
        op.execute(sa.text(f"UPDATE {name} SET channel = 'chat' WHERE channel = 'web'"))


def downgrade() -> None:
    with op.batch_alter_table("lead", schema=None) as batch_op:
        batch_op.drop_column("qualification_claims")


def _claims_from_qualifications() -> None:
    connection = op.get_bind()
    after = 0
    while True:
        rows = connection.execute(
            sa.select(lead.c.id, lead.c.qualification, lead.c.updated_at)
            .where(lead.c.id > after, sa.cast(lead.c.qualification, sa.Text) != "{}")
            .order_by(lead.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        for lead_id, qualification, updated_at in rows:
            _rewrite(connection, lead_id, _loaded(qualification), updated_at)
        after = rows[-1][0]


def _loaded(value: Any) -> dict[str, Any]:
    return json.loads(value) if isinstance(value, str) else dict(value or {})


def _rewrite(connection: Any, lead_id: int, qualification: dict[str, Any], at: Any) -> None:
    when = _moment(at).isoformat()
    engine = str(qualification.get("engine") or "rules")
    stated = {f: qualification[f] for f in FIELDS if _states(f, qualification.get(f))}
    said = {f: {"value": v, "at": when, "by": engine} for f, v in stated.items()}
    claims = {"conversation": said} if said else {}
    connection.execute(
        sa.update(lead)
        .where(lead.c.id == lead_id)
        .values(qualification=stated, qualification_claims=claims)
    )


def _states(field: str, value: Any) -> bool:
    if field == "service_interest":
        return bool(value)
    return isinstance(value, dict) and any(
        value.get(part) not in (None, "") for part in STATEMENTS[field]
    )


def _moment(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        return datetime.now(UTC)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
