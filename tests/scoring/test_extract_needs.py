from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadflow.scoring.extract.needs import extract_need
from leadflow.scoring.extract.services import match_services


@pytest.mark.parametrize(
    ("text", "statement"),
    [
        ("Hi. We need a CRM for our 20 agents. Thanks", "We need a CRM for our 20 agents"),
        ("Looking for a website redesign", "Looking for a website redesign"),
        (
            "Our main problem is missed calls on weekends!",
            "Our main problem is missed calls on weekends",
        ),
        ("مرحبا، نحتاج نظام لإدارة العملاء", "نحتاج نظام لإدارة العملاء"),
        ("ونبحث عن شركة تسويق", "نبحث عن شركة تسويق"),
    ],
)
def test_needs(text: str, statement: str) -> None:
    need = extract_need(text)
    assert need is not None
    assert need.text.endswith(statement)
    assert need.evidence in text


@pytest.mark.parametrize(
    "text", ["I need to check with my boss", "we don't need anything", "thanks!", ""]
)
def test_no_need(text: str) -> None:
    assert extract_need(text) is None


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("We want CRM setups", ["CRM setup"]),
        ("interested in CAFE BRANDING", ["Café branding"]),
        ("نحتاج تصميم المواقع", ["تصميم مواقع"]),
        ("seo and crm setup please", ["CRM setup", "SEO"]),
        ("search engine stuff", []),
    ],
)
def test_services(text: str, named: list[str]) -> None:
    assert match_services(text, ["CRM setup", "Café branding", "تصميم مواقع", "SEO"]) == named


@given(st.text(), st.lists(st.text(max_size=20), max_size=5))
def test_never_raises(text: str, services: list[str]) -> None:
    extract_need(text)
    match_services(text, services)


def test_services_that_are_not_names_are_skipped() -> None:
    services: list[object] = ["SEO", {"name": "CRM"}, None, 7]
    assert match_services("SEO and CRM", services) == ["SEO"]  # type: ignore[arg-type]
