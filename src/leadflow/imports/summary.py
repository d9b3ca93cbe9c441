"""What an import refused and forgave, by reason: kept on the job's record (its column_map,
so no table changes) and shown on its page, in the API and by the CLI.

A reason names the value it refused ("phone: not a valid phone number: '12'"); grouped, the
value is left out, so a hundred bad phones are one reason with its count and first lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

FIRST_LINES = 5  # of each reason, to find its rows by
KEPT_WARNINGS = 500  # rows' warnings kept one by one; past them only the groups count
_QUOTED_VALUE = re.compile(r""":\s*(?:'|").*$""")

REJECTION_GROUPS = "rejection_groups"
WARNING_GROUPS = "warning_groups"
WARNINGS = "warnings"
WARNED_ROWS = "warned_rows"


def reason_kind(reason: str) -> str:
    """The reason without the values it quotes: "email: not an email address"."""
    return "; ".join(_QUOTED_VALUE.sub("", part) for part in reason.split("; "))


def grouped(
    groups: dict[str, Any] | None, refusals: Iterable[dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """``groups`` (reason -> count and first lines) with ``refusals`` (line, reason) added."""
    added = {
        kind: {**group, "lines": list(group["lines"])} for kind, group in (groups or {}).items()
    }
    for refusal in refusals:
        group = added.setdefault(reason_kind(refusal["reason"]), {"count": 0, "lines": []})
        group["count"] += 1
        if len(group["lines"]) < FIRST_LINES:
            group["lines"].append(refusal["line"])
    return added


def recorded(
    column_map: dict[str, Any],
    *,
    rejections: list[dict[str, Any]],
    warnings: list[dict[str, Any]],
) -> dict[str, Any]:
    """The job's column_map with a chunk's rejections and warnings added to its record."""
    if not rejections and not warnings:
        return column_map
    kept = list(column_map.get(WARNINGS) or [])
    room = max(0, KEPT_WARNINGS - len(kept))
    kept += [
        {"line": warning["line"], "field": warning["field"], "reason": warning["reason"]}
        for warning in warnings[:room]
    ]
    return {
        **column_map,
        REJECTION_GROUPS: grouped(column_map.get(REJECTION_GROUPS), rejections),
        WARNING_GROUPS: grouped(column_map.get(WARNING_GROUPS), warnings),
        WARNINGS: kept,
        WARNED_ROWS: column_map.get(WARNED_ROWS, 0) + len({w["line"] for w in warnings}),
    }


def top(groups: dict[str, Any] | None, limit: int | None = None) -> list[dict[str, Any]]:
    """The groups as a list, the most frequent reason first: reason, count, first lines."""
    ordered = sorted((groups or {}).items(), key=lambda item: (-item[1]["count"], item[0]))
    return [
        {"reason": kind, "count": group["count"], "lines": group["lines"]}
        for kind, group in ordered[:limit]
    ]
