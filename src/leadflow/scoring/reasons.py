"""A score is the sum of its reasons: each says, in a salesperson's words, what moved it.

Reasons are worked out for many leads at once, as arrays (:class:`Reasons`: a row per lead),
and one lead is a batch of one: a verdict is the same whether the lead was scored alone or in
bulk, because both run this code. Within a row, points are added left to right as Python's
``sum`` would, so a lead's floats never depend on the other leads in its batch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate, pairwise
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

Points = NDArray[Any]  # floats; whole numbers (int64) once settled
Mask = NDArray[np.bool_]
Indices = NDArray[np.intp]


class Reason(NamedTuple):  # a tuple: scoring in bulk makes millions of them
    points: float
    text: str
    source: str  # "fit", "intent", "conversation", "model", "bounds", "several"


@dataclass(frozen=True)
class Kind:
    """A kind of reason: where it comes from, and its words, the same for every lead or
    written for the leads (by their rows) whose reason is shown."""

    source: str
    words: str | Callable[[Indices], list[str]]


@dataclass(frozen=True)
class Reasons:
    """The reasons of many leads: lead ``i`` has ``points[i, j]`` for a reason of the kind
    ``kinds[kind[i, j]]`` wherever ``present[i, j]`` (and 0 points elsewhere)."""

    points: Points
    present: Mask
    kind: Indices
    kinds: tuple[Kind, ...]

    @property
    def leads(self) -> int:
        return len(self.points)

    @classmethod
    def none(cls, leads: int) -> Reasons:
        return cls.columns(np.zeros((leads, 0)), np.zeros((leads, 0), dtype=bool), ())

    @classmethod
    def columns(cls, points: Points, present: Mask, kinds: Sequence[Kind]) -> Reasons:
        """One kind of reason per column."""
        kind = np.zeros(points.shape, dtype=np.intp) + np.arange(len(kinds))
        return cls(np.where(present, points, 0.0), present, kind, tuple(kinds))

    @classmethod
    def of(cls, rows: Sequence[Sequence[Reason]]) -> Reasons:
        """Reasons given lead by lead (each one its own kind)."""
        shape = (len(rows), max(map(len, rows), default=0))
        points, present = np.zeros(shape), np.zeros(shape, dtype=bool)
        kind, kinds = np.zeros(shape, dtype=np.intp), list[Kind]()
        for i, row in enumerate(rows):
            for j, (value, text, source) in enumerate(row):
                points[i, j], present[i, j], kind[i, j] = value, True, len(kinds)
                kinds.append(Kind(source, text))
        return cls(points, present, kind, tuple(kinds))

    def beside(self, *others: Reasons) -> Reasons:
        """These reasons, then the others', lead by lead."""
        tables = (self, *others)
        offsets = accumulate((len(t.kinds) for t in tables), initial=0)
        return Reasons(
            np.concatenate([t.points for t in tables], axis=1),
            np.concatenate([t.present for t in tables], axis=1),
            np.concatenate(
                [t.kind + offset for t, offset in zip(tables, offsets, strict=False)], axis=1
            ),
            tuple(k for t in tables for k in t.kinds),
        )

    def taking(self, order: Indices) -> Reasons:
        """Each lead's reasons in the order of its row of ``order`` (column numbers)."""
        lead = np.arange(self.leads)[:, None]
        return Reasons(
            self.points[lead, order], self.present[lead, order], self.kind[lead, order], self.kinds
        )

    def first(self, count: int) -> Reasons:
        """Each lead's first ``count`` columns."""
        return Reasons(
            self.points[:, :count], self.present[:, :count], self.kind[:, :count], self.kinds
        )

    def largest_first(self) -> Reasons:
        """Each lead's reasons by size, ties in their order: Python's stable sort, reversed."""
        return self.taking(self.order_by(np.abs(self.points)))

    def order_by(self, key: Points) -> Indices:
        """Column numbers by ``key`` descending, equal keys in their order, absent ones last."""
        return np.argsort(np.where(self.present, -key, np.inf), axis=1, kind="stable")

    def totals(self) -> Points:
        """Each lead's points added up left to right (absent ones are 0)."""
        if not self.points.shape[1]:
            return np.zeros(self.leads)
        return np.cumsum(self.points, axis=1)[:, -1]

    def rows(self) -> list[list[Reason]]:
        """Each lead's reasons, left to right, in words."""
        kinds = self.kind[self.present]
        texts = self._texts(kinds, np.nonzero(self.present)[0])
        sources = [kind.source for kind in self.kinds]
        flat = list(
            map(
                Reason._make,
                zip(
                    self.points[self.present].tolist(),
                    texts,
                    map(sources.__getitem__, kinds.tolist()),
                    strict=True,
                ),
            )
        )
        ends = accumulate(self.present.sum(axis=1).tolist(), initial=0)
        return [flat[start:end] for start, end in pairwise(ends)]

    def _texts(self, kinds: Indices, leads: Indices) -> list[str]:
        """The words of each reason (of kind ``kinds[n]``, for lead ``leads[n]``)."""
        same = [kind.words if isinstance(kind.words, str) else None for kind in self.kinds]
        texts = np.array(same, dtype=object)[kinds]
        for number in np.flatnonzero(np.bincount(kinds, minlength=len(same))).tolist():
            if same[number] is None:
                at = np.flatnonzero(kinds == number)
                texts[at] = self.kinds[number].words(leads[at])  # type: ignore[operator]
        return texts.tolist()


def settle(reasons: Sequence[Reason], *, low: int = 0, high: int = 100) -> tuple[int, list[Reason]]:
    """:func:`settle_all` for one lead's reasons."""
    scores, settled = settle_all(Reasons.of([reasons]), low=low, high=high)
    return int(scores[0]), settled.rows()[0]


def settle_all(
    reasons: Reasons, *, low: int = 0, high: int = 100
) -> tuple[NDArray[np.int64], Reasons]:
    """Each lead's score and its reasons in whole points that add up to it exactly: a score
    held to ``low``-``high`` says so in a reason of its own, and rounding is shared out by
    largest remainder."""
    total = reasons.totals()
    bounded = reasons.beside(_bounds(total, low, high))
    scores = np.rint(np.clip(total, low, high)).astype(np.int64)
    return scores, _whole_points(bounded, scores)


def _bounds(total: Points, low: int, high: int) -> Reasons:
    over, under = total > high, total < low
    points = np.where(over, high - total, np.where(under, low - total, 0.0))
    kinds = (
        Kind("bounds", f"held at the maximum of {high}"),
        Kind("bounds", f"held at the minimum of {low}"),
    )
    return Reasons(points[:, None], (over | under)[:, None], under.astype(np.intp)[:, None], kinds)


def _whole_points(reasons: Reasons, scores: NDArray[np.int64]) -> Reasons:
    floors = np.floor(reasons.points)
    short = scores - floors.sum(axis=1)
    order = reasons.order_by(reasons.points - floors)
    rank = np.empty_like(order)
    rank[np.arange(len(order))[:, None], order] = np.arange(order.shape[1])
    whole = (floors + (reasons.present & (rank < short[:, None]))).astype(np.int64)
    present = reasons.present & (whole != 0)
    return Reasons(np.where(present, whole, 0), present, reasons.kind, reasons.kinds)
