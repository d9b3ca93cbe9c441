"""The workspace's figures: how leads move through the stages, how fast they are answered, which
channels get replies, and whether the score foretells the deals that are won."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import Session, aliased

from leadflow.models import Conversation, Lead, Message, Workspace
from leadflow.sales import service as sales

SPEED_BOUNDS_MS = {"10s": 10_000, "1m": 60_000, "5m": 300_000, "1h": 3_600_000, "24h": 86_400_000}
SCORE_BUCKET = 20  # points of score per calibration bucket
LAST_BUCKET = 100 // SCORE_BUCKET - 1  # 80-100: a score of 100 joins the last bucket


@dataclass(frozen=True)
class SpeedToLead:
    leads_with_messages: int
    answered: int
    unanswered: int
    p50_ms: int | None
    p90_ms: int | None
    p95_ms: int | None
    p99_ms: int | None
    buckets: dict[str, int]  # answered within each bound, and "later"


@dataclass(frozen=True)
class StageCount:
    stage: str
    leads: int


@dataclass(frozen=True)
class ReplyRate:
    channel: str
    conversations: int  # conversations the business wrote in
    replied: int  # of those, the ones the lead answered after the business's first message

    @property
    def rate(self) -> float:
        return self.replied / self.conversations if self.conversations else 0.0


@dataclass(frozen=True)
class Calibration:
    low: int  # score bucket, inclusive
    high: int
    leads: int  # leads with an outcome in the bucket
    won: int
    mean_score: float

    @property
    def predicted(self) -> float:
        return self.mean_score / 100

    @property
    def won_share(self) -> float:
        return self.won / self.leads if self.leads else 0.0


def speed_to_lead(session: Session, workspace_id: int) -> SpeedToLead:
    """Time from each lead's first message to the first answer handed to a channel."""
    rows = session.scalars(
        select(Lead.first_response_ms).where(
            Lead.workspace_id == workspace_id, Lead.first_message_at.is_not(None)
        )
    ).all()
    answered = sorted(ms for ms in rows if ms is not None)
    return SpeedToLead(
        leads_with_messages=len(rows), answered=len(answered),
        unanswered=len(rows) - len(answered),
        p50_ms=_percentile(answered, 50), p90_ms=_percentile(answered, 90),
        p95_ms=_percentile(answered, 95), p99_ms=_percentile(answered, 99),
        buckets=_speed_buckets(answered),
    )  # fmt: skip


def _percentile(ordered: list[int], percent: int) -> int | None:
    if not ordered:
        return None
    return ordered[min(len(ordered) - 1, max(0, round(percent / 100 * len(ordered)) - 1))]


def _speed_buckets(ordered: list[int]) -> dict[str, int]:
    counts = {
        f"within {name}": sum(ms <= bound for ms in ordered)
        for name, bound in SPEED_BOUNDS_MS.items()
    }
    counts["later"] = sum(ms > SPEED_BOUNDS_MS["24h"] for ms in ordered)
    return counts


def funnel(session: Session, workspace: Workspace) -> list[StageCount]:
    """Leads in each of the workspace's sales stages, in their order; empty stages too."""
    counts = sales.lead_counts(session, workspace)
    return [
        StageCount(stage=stage.key, leads=counts[stage.key]) for stage in sales.stages_of(workspace)
    ]


def reply_rates(session: Session, workspace_id: int) -> list[ReplyRate]:
    """Per channel: conversations the business wrote in, and how many the lead answered."""
    first_out = (
        select(Message.conversation_id, func.min(Message.id).label("first_out_id"))
        .where(Message.workspace_id == workspace_id, Message.direction == "out")
        .group_by(Message.conversation_id)
        .subquery()
    )
    answer = aliased(Message)
    replied = exists().where(
        answer.conversation_id == first_out.c.conversation_id,
        answer.direction == "in",
        answer.id > first_out.c.first_out_id,
    )
    rows = session.execute(
        select(Conversation.channel, func.count(), func.sum(case((replied, 1), else_=0)))
        .join(first_out, first_out.c.conversation_id == Conversation.id)
        .where(Conversation.workspace_id == workspace_id)
        .group_by(Conversation.channel)
        .order_by(Conversation.channel)
    ).all()
    return [ReplyRate(channel, total, int(answered or 0)) for channel, total, answered in rows]


def score_calibration(session: Session, workspace_id: int) -> list[Calibration]:
    """Leads with an outcome, by score bucket: the mean score beside the share that was won."""
    bucket = case(
        *((Lead.score >= n * SCORE_BUCKET, n) for n in range(LAST_BUCKET, 0, -1)), else_=0
    )
    rows = session.execute(
        select(
            bucket.label("bucket"),
            func.count(),
            func.sum(case((Lead.outcome == "won", 1), else_=0)),
            func.avg(Lead.score),
        )
        .where(
            and_(Lead.workspace_id == workspace_id, Lead.score.is_not(None)),
            Lead.outcome.in_(("won", "lost")),
        )
        .group_by("bucket")
        .order_by("bucket")
    ).all()
    return [_calibration(int(b), leads, int(won or 0), float(mean)) for b, leads, won, mean in rows]


def _calibration(bucket: int, leads: int, won: int, mean: float) -> Calibration:
    low = bucket * SCORE_BUCKET
    high = 100 if bucket == LAST_BUCKET else low + SCORE_BUCKET - 1
    return Calibration(low=low, high=high, leads=leads, won=won, mean_score=round(mean, 1))
