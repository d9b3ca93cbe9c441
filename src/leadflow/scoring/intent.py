"""Intent: what the lead has done lately, weighted by how much it says and fading with time.

A reply says more than a booking, a booking more than a click, a click more than a page visit,
and a page visit more than an open. Opens by mail-privacy proxies and clicks by link scanners
are machines, not people: they count for a tenth, and the reason says so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from functools import lru_cache
from itertools import chain
from typing import Any, NamedTuple

import numpy as np

from leadflow.scoring.reasons import Indices, Kind, Points, Reason, Reasons

WEIGHTS = {"reply": 25.0, "booking": 20.0, "click": 8.0, "page_visit": 4.0, "open": 2.0}
MACHINE_DISCOUNT = 0.1
CAP = 40.0
_NAMES = {"reply": "replied", "booking": "booked a meeting", "click": "clicked a link",
          "page_visit": "visited the site", "open": "opened an email"}  # fmt: skip
# A link followed this soon after delivery was followed by a scanner, not a person.
SCANNER_SECONDS = 10
# Signals add up per kind, people's and machines' apart: group 2k is kind k by people, 2k+1 by
# machines.
_GROUPS = [(kind, machine) for kind in WEIGHTS for machine in (False, True)]
_KIND_NUMBER = {kind: number for number, kind in enumerate(WEIGHTS)}
_GROUP_WEIGHTS = np.array([WEIGHTS[kind] for kind, _ in _GROUPS])


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
    """One lead's intent (:func:`intents` of a batch of one)."""
    return intents([list(signals)], now=now, half_life_days=half_life_days).rows()[0]


def intents(
    signals: Sequence[Sequence[Signal]], *, now: datetime, half_life_days: float
) -> Reasons:
    """Each lead's intent: a reason per kind of signal (machines' apart), decayed by age, the
    largest first (equal ones in the order they began); together at most ``CAP`` points."""
    leads, flat = len(signals), list(chain.from_iterable(signals))
    if not flat:
        return Reasons.none(leads)
    kinds, times, machines = zip(*flat, strict=True)
    group = 2 * np.fromiter(map(_KIND_NUMBER.__getitem__, kinds), np.intp, len(flat))
    group += np.fromiter(map(bool, machines), bool, len(flat))
    age = np.fromiter(map(timedelta.total_seconds, map(now.__sub__, times)), float, len(flat))
    half_lives = np.maximum(age, 0.0) * (1 / (half_life_days * 86400))
    # Python's own power, as one lead alone always had: the same float on any machine.
    decay = np.array([0.5**exponent for exponent in half_lives.tolist()])
    weight = _GROUP_WEIGHTS[group] * decay
    weight = np.where(group % 2 == 1, weight * MACHINE_DISCOUNT, weight)
    return _capped(_grouped(signals, group, weight))


def _grouped(signals: Sequence[Sequence[Signal]], group: Indices, weight: Points) -> Reasons:
    """Each lead's signals summed per group in the order they came, groups by their sums."""
    shape = (len(signals), len(_GROUPS))
    cell = np.repeat(np.arange(shape[0]), [len(s) for s in signals]) * shape[1] + group
    cells = shape[0] * shape[1]
    points = np.bincount(cell, weights=weight, minlength=cells).reshape(shape)
    count = np.bincount(cell, minlength=cells).reshape(shape)
    began = np.full(cells, len(cell))
    np.minimum.at(began, cell, np.arange(len(cell)))
    order = np.lexsort((began.reshape(shape), np.where(count > 0, -points, np.inf)))
    widest = int((count > 0).sum(axis=1).max())
    kinds = [Kind("intent", _words(g, count)) for g in range(len(_GROUPS))]
    return Reasons.columns(points, count > 0, kinds).taking(order[:, :widest])


@lru_cache(maxsize=1024)
def _said(kind: str, machine: bool, count: int) -> str:
    times = "once" if count == 1 else f"{count} times"
    text = f"{_NAMES[kind]} {times}"
    if machine:
        text += " (by a machine: mail privacy or a link scanner, so it counts for little)"
    return text


def _capped(reasons: Reasons) -> Reasons:
    """Leads past ``CAP`` keep their largest reasons whole and the next one in part."""
    capped = reasons.totals() > CAP
    room = np.full(reasons.leads, CAP)
    points = reasons.points.copy()
    for column in range(points.shape[1]):
        kept = np.minimum(points[:, column], room)
        points[:, column] = np.where(capped, kept, points[:, column])
        room -= kept
    present = reasons.present & (~capped[:, None] | (points > 0))
    return Reasons(np.where(present, points, 0.0), present, reasons.kind, reasons.kinds)


def _words(group: int, count: Indices) -> Callable[[Indices], list[str]]:
    kind, machine = _GROUPS[group]
    return lambda leads: [_said(kind, machine, n) for n in count[leads, group].tolist()]
