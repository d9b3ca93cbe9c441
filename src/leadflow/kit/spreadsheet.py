"""Cells a spreadsheet would run as formulas, defused (OWASP CSV injection)."""

from __future__ import annotations

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_DEFUSED_STARTS = tuple("'" + start for start in _FORMULA_STARTS)


def defuse(cell: str) -> str:
    """Prefixes ``'`` to a cell that starts like a formula; quoting alone does not defang it."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def undefuse(cell: str) -> str:
    """The cell as it was before ``defuse``: how a file we exported comes back in."""
    return cell[1:] if cell.startswith(_DEFUSED_STARTS) else cell
