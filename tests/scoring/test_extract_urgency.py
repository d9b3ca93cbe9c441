from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadflow.scoring.extract.urgency import extract_urgency


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("This is urgent!", "high"),
        ("we need it ASAP", "high"),
        ("can you start right away?", "high"),
        ("عاجل لو سمحت", "high"),
        ("نحتاجه بأسرع وقت", "high"),
        ("no rush, just exploring", "low"),
        ("it's not urgent", "low"),
        ("we're just looking for now", "low"),
        ("مو مستعجلين", "low"),
        ("مجرد استفسار", "low"),
        ("we'd like to start soon", "medium"),
        ("قريباً إن شاء الله", "medium"),
        ("no rush on the demo, but the fix is urgent", "high"),
    ],
)
def test_urgency(text: str, level: str) -> None:
    urgency = extract_urgency(text)
    assert urgency is not None
    assert urgency.level == level


def test_no_urgency() -> None:
    assert extract_urgency("Hello, tell me about your pricing") is None


@given(st.text())
def test_never_raises(text: str) -> None:
    extract_urgency(text)
