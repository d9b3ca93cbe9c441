"""Cells a spreadsheet would run as formulas, defused (OWASP CSV injection)."""

from __future__ import annotations

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse(cell: str) -> str:
    """Prefixes ``'`` to a cell that starts like a formula; quoting alone does not defang it."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell
