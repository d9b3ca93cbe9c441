from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadflow.scoring.extract.roles import extract_authority


@pytest.mark.parametrize(
    ("text", "role", "decision_maker"),
    [
        ("I'm the CEO of Acme", "CEO", True),
        ("Founder here.", "Founder", True),
        ("I'm the owner of two clinics", "Owner", True),
        ("I am head of marketing here", "Head of marketing", None),
        ("VP of Sales at Gulf Foods", "VP Sales", None),
        ("I'm the IT director", "IT director", None),
        ("I'm a manager in operations", "Manager", None),
        ("I work in procurement", "Procurement", None),
        ("Ahmed, Chief Revenue Officer", "Chief Revenue Officer", True),
        ("I make the decision", None, True),
        ("it's my call", None, True),
        ("I need to check with my boss first", None, False),
        ("I'm the CEO but I need to run it by the board", "CEO", False),
        ("I'm the marketing manager and I make the decisions here", "Marketing manager", True),
        ("أنا المدير التنفيذي", "CEO", True),
        ("أنا صاحب الشركة", "Owner", True),
        ("أنا صاحب\n  الشركة", "Owner", True),
        ("مدير المشتريات في شركة النخبة", "Procurement Manager", None),
        ("لازم أراجع مع المدير", None, False),
        ("القرار لي", None, True),
        ("نحتاج موافقة الإدارة", None, False),
    ],
)
def test_authority(text: str, role: str | None, decision_maker: bool | None) -> None:
    authority = extract_authority(text)
    assert authority is not None
    assert (authority.role, authority.decision_maker) == (role, decision_maker)
    assert authority.evidence


@pytest.mark.parametrize(
    "text",
    ["Our CEO asked me to reach out", "We need more sales leads", "hello", "product owner here"],
)
def test_no_authority(text: str) -> None:
    authority = extract_authority(text)
    assert authority is None or (authority.role != "Owner" and authority.role != "CEO")


@given(st.text())
def test_never_raises(text: str) -> None:
    extract_authority(text)
