"""A score is the sum of its reasons: each says, in a salesperson's words, what moved it."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple


class Reason(NamedTuple):  # a tuple: scoring in bulk makes millions of them
    points: float
    text: str
    source: str  # "fit", "intent", "conversation", "model", "bounds", "several"


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
    floors = [math.floor(points) for points, _, _ in reasons]
    short = score - sum(floors)
    if short > 0:
        remainders = [r.points - f for r, f in zip(reasons, floors, strict=True)]
        for i in sorted(range(len(reasons)), key=remainders.__getitem__, reverse=True)[:short]:
            floors[i] += 1
    return [
        Reason(points, text, source)
        for points, (_, text, source) in zip(floors, reasons, strict=True)
        if points
    ]


def top(reasons: Sequence[Reason], count: int = 5) -> list[Reason]:
    return sorted(reasons, key=lambda reason: abs(reason.points), reverse=True)[:count]
