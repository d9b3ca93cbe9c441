"""A score is the sum of its reasons: each says, in a salesperson's words, what moved it."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Reason:
    points: float
    text: str
    source: str  # "fit", "intent", "conversation", "model", "bounds"


def settle(reasons: Sequence[Reason], *, low: int = 0, high: int = 100) -> tuple[int, list[Reason]]:
    """The score and its reasons in whole points that add up to it exactly: a score held to
    0-100 says so in a reason of its own, and rounding is shared out by largest remainder."""
    total = sum(reason.points for reason in reasons)
    bounded = list(reasons)
    if total > high:
        bounded.append(Reason(high - total, f"held at the maximum of {high}", "bounds"))
    elif total < low:
        bounded.append(Reason(low - total, f"held at the minimum of {low}", "bounds"))
    score = round(min(max(total, low), high))
    return score, _whole_points(bounded, score)


def _whole_points(reasons: list[Reason], score: int) -> list[Reason]:
    floors = [math.floor(reason.points) for reason in reasons]
    short = score - sum(floors)
    by_remainder = sorted(
        range(len(reasons)), key=lambda i: reasons[i].points - floors[i], reverse=True
    )
    for i in by_remainder[: max(short, 0)]:
        floors[i] += 1
    return [
        Reason(points, reason.text, reason.source)
        for points, reason in zip(floors, reasons, strict=True)
        if points != 0
    ]


def top(reasons: Sequence[Reason], count: int = 5) -> list[Reason]:
    return sorted(reasons, key=lambda reason: abs(reason.points), reverse=True)[:count]
