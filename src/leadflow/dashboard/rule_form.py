"""An ideal-customer-profile rule as a form holds it: the value is one line of text whose
shape depends on the operator ("a, b" for a list, "low, high" for a range, a number)."""

from __future__ import annotations

import math
from typing import Any

from starlette.datastructures import FormData

from leadflow.scoring.schemas import RuleIn

LISTS = frozenset({"in", "not_in"})
NUMBERS = frozenset({"at_least", "at_most"})
NO_VALUE = frozenset({"present", "missing"})


def rule_fields(form: FormData) -> RuleIn:
    """The rule the form describes; pydantic's ValidationError if it is not one."""
    operator = _text(form, "operator")
    return RuleIn.model_validate(
        {
            "field": _text(form, "field"),
            "operator": operator,
            "value": _value(operator, _text(form, "value")),
            "points": _text(form, "points"),
            "reason": _text(form, "reason"),
            "enabled": form.get("enabled") is not None,
        }
    )


def _value(operator: str, text: str) -> Any:
    if operator in NO_VALUE:
        return None
    if operator in NUMBERS:
        return _number(text) if text else text
    if operator == "between":
        return [_number(part) if part else None for part in _parts(text, keep_empty=True)]
    if operator in LISTS or (operator == "contains" and "," in text):
        return _parts(text)
    return text


def _parts(text: str, *, keep_empty: bool = False) -> list[str]:
    parts = [part.strip() for part in text.split(",")]
    return parts if keep_empty else [part for part in parts if part]


def _number(text: str) -> float | int | str:
    try:
        number = float(text)
    except ValueError:
        return text  # refused by the schema, in its words
    if not math.isfinite(number):
        return text
    return int(number) if number.is_integer() else number


def value_as_text(value: Any) -> str:
    """The rule's value as the form's one line."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join("" if part is None else _plain(part) for part in value)
    return _plain(value)


def _plain(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""
