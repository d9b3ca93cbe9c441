"""Intent: what the lead has done lately, weighted by how much it says and fading with time.

A reply says more than a booking, a booking more than a click, a click more than a page visit,
and a page visit more than an open. Opens by mail-privacy proxies and clicks by link scanners
are machines, not people: they count for a tenth, and the reason says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import lru_cache
from operator import itemgetter
from typing import Any, NamedTuple

from leadflow.scoring.reasons import Reason

WEIGHTS = {"reply": 25.0, "booking": 20.0, "click": 8.0, "page_visit": 4.0, "open": 2.0}
MACHINE_DISCOUNT = 0.1
CAP = 40.0
_NAMES = {"reply": "replied", "booking": "booked a meeting", "click": "clicked a link",
          "page_visit": "visited the site", "open": "opened an email"}  # fmt: skip
# A link followed this soon after delivery was followed by a scanner, not a person.
SCANNER_SECONDS = 10


class Signal(NamedTuple):
    kind: str
    at: datetime
    machine: bool = False


def signal_of(kind: str, at: datetime, data: Mapping[str, Any]) -> Signal | None:
    """A timeline entry as an intent signal, if it is one; flags machine opens and clicks."""
    if kind not in WEIGHTS:
        return None
    machine = bool(data.get("machine")) or bool(data.get("apple_mpp"))
    if kind == "click":
        seconds = data.get("seconds_after_send")
        machine = machine or (isinstance(seconds, int | float) and seconds < SCANNER_SECONDS)
    return Signal(kind, at, machine)


def intent(signals: Iterable[Signal], *, now: datetime, half_life_days: float) -> list[Reason]:
    """One reason per kind of signal, decayed by age; together at most ``CAP`` points."""
    per_second = 1 / (half_life_days * 86400)
    totals: dict[tuple[str, bool], list[float]] = {}
    for kind, at, machine in signals:
        age = max((now - at).total_seconds(), 0.0)
        weight = WEIGHTS[kind] * 0.5 ** (age * per_second)
        if machine:
            weight *= MACHINE_DISCOUNT
        group = totals.get((kind, machine))
        if group is None:
            totals[(kind, machine)] = [weight, 1]
        else:
            group[0] += weight
            group[1] += 1
    reasons = [
        Reason(points, _said(kind, machine, int(count)), "intent")
        for (kind, machine), (points, count) in totals.items()
    ]
    return _capped(sorted(reasons, key=itemgetter(0), reverse=True))


@lru_cache(maxsize=1024)
def _said(kind: str, machine: bool, count: int) -> str:
    times = "once" if count == 1 else f"{count} times"
    text = f"{_NAMES[kind]} {times}"
    if machine:
        text += " (by a machine: mail privacy or a link scanner, so it counts for little)"
    return text


def _capped(reasons: list[Reason]) -> list[Reason]:
    if sum(reason.points for reason in reasons) <= CAP:
        return reasons
    room, kept = CAP, []
    for reason in reasons:
        points = min(reason.points, room)
        if points > 0:
            kept.append(Reason(points, reason.text, reason.source))
        room -= points
    return kept
