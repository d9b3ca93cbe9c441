"""Fit, intent and the verdict: every score is the sum of its reasons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadflow.scoring.fit import Rule, fit, prepare, seniority
from leadflow.scoring.intent import CAP, Signal, intent, signal_of
from leadflow.scoring.reasons import Reason, settle
from leadflow.scoring.verdict import (
    ModelView,
    Persona,
    ScoringSettings,
    conversation_reasons,
    judge,
    persona_of,
)

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
FACTS = {
    "industry": "Fintech",
    "employee_count": 250,
    "annual_revenue": 40_000_000,
    "country": "SA",
    "title": "VP of Sales",
    "seniority": "vp",
    "email": "a@b.co",
    "phone": None,
}


@pytest.mark.parametrize(
    ("rule", "matches"),
    [
        (Rule("industry", "in", ["fintech", "banking"], 20, "fintech"), True),
        (Rule("industry", "not_in", ["retail"], 5, "not retail"), True),
        (Rule("employee_count", "between", [100, 500], 15, "mid size"), True),
        (Rule("employee_count", "between", [None, 50], 15, "tiny"), False),
        (Rule("annual_revenue", "at_least", 10_000_000, 10, "revenue"), True),
        (Rule("annual_revenue", "at_most", 1_000_000, -10, "small"), False),
        (Rule("title", "contains", ["sales", "revenue"], 5, "sales title"), True),
        (Rule("phone", "missing", None, -5, "no phone"), True),
        (Rule("email", "present", None, 3, "email"), True),
        (Rule("country", "in", ["AE"], 10, "UAE"), False),
        (Rule("custom:plan", "in", ["pro"], 10, "pro plan"), False),
    ],
)
def test_each_rule_kind_matches_as_its_words_say(rule, matches):
    reasons = fit(FACTS, prepare([rule]))
    assert reasons == ([Reason(rule.points, rule.reason, "fit")] if matches else [])


@pytest.mark.parametrize(
    ("title", "level"),
    [
        ("CEO", "executive"),
        ("Co-Founder", "executive"),
        ("VP Marketing", "vp"),
        ("Head of Growth", "director"),
        ("Sales Manager", "manager"),
        ("Analyst", "individual"),
        (None, None),
    ],
)
def test_seniority_is_read_from_the_title(title, level):
    assert seniority(title) == level


def test_intent_weighs_a_reply_over_a_booking_over_a_click_over_a_visit_over_an_open():
    kinds = ["reply", "booking", "click", "page_visit", "open"]
    points = [intent([Signal(kind, NOW)], now=NOW, half_life_days=14)[0].points for kind in kinds]
    assert points == sorted(points, reverse=True)
    assert len(set(points)) == len(points)


def test_intent_halves_after_a_half_life():
    fresh = intent([Signal("click", NOW)], now=NOW, half_life_days=7)[0].points
    week_old = intent([Signal("click", NOW - timedelta(days=7))], now=NOW, half_life_days=7)[
        0
    ].points
    assert week_old == pytest.approx(fresh / 2)


def test_machine_opens_and_scanner_clicks_count_for_little_and_say_why():
    scanner = signal_of("click", NOW, {"seconds_after_send": 2})
    privacy = signal_of("open", NOW, {"apple_mpp": True})
    person = signal_of("click", NOW, {"seconds_after_send": 600})
    assert scanner is not None
    assert scanner.machine
    assert privacy is not None
    assert privacy.machine
    assert person is not None
    assert not person.machine
    machine = intent([scanner], now=NOW, half_life_days=14)[0]
    human = intent([person], now=NOW, half_life_days=14)[0]
    assert machine.points == pytest.approx(human.points / 10)
    assert "machine" in machine.text


def test_intent_is_capped():
    many = [Signal("reply", NOW)] * 10
    assert sum(r.points for r in intent(many, now=NOW, half_life_days=14)) == pytest.approx(CAP)


def test_what_the_lead_said_moves_the_score():
    said = {
        "budget": {"amount": "50000", "currency": "SAR"},
        "authority": {"decision_maker": True},
        "timeline": {"by": (NOW + timedelta(days=30)).date().isoformat()},
        "urgency": {"level": "high"},
        "need": {"text": "a CRM for 20 agents"},
    }
    texts = [r.text for r in conversation_reasons(said, today=NOW.date())]
    assert texts == [
        "stated a budget (SAR 50000)",
        "makes the buying decision",
        "wants it within 30 days",
        "says it is urgent",
        "described what it needs",
    ]


def test_personas_by_size_or_the_workspaces_own():
    assert persona_of({"employee_count": 5000}, ScoringSettings().personas) == "enterprise"
    assert persona_of({"employee_count": 250}, ScoringSettings().personas) == "mid-market"
    assert persona_of({"employee_count": 12}, ScoringSettings().personas) == "SMB"
    assert persona_of({}, ScoringSettings().personas) is None
    own = (Persona("clinic", industries=("healthcare",)),)
    assert persona_of({"industry": "Healthcare"}, own) == "clinic"


def test_tiers_follow_the_workspaces_thresholds():
    settings = ScoringSettings(hot=80, warm=50)
    for points, tier in ((85, "HOT"), (80, "HOT"), (79, "WARM"), (50, "WARM"), (49, "COLD")):
        assert judge([Reason(points, "x", "fit")], facts={}, settings=settings).tier == tier


reasons_strategy = st.lists(
    st.builds(
        Reason,
        st.floats(-60, 60, allow_nan=False),
        st.just("r"),
        st.sampled_from(["fit", "intent"]),
    ),
    max_size=12,
)


@given(reasons_strategy)
def test_the_reasons_add_up_to_the_score(reasons):
    score, settled = settle(reasons)
    assert 0 <= score <= 100
    assert sum(r.points for r in settled) == score
    assert all(isinstance(r.points, int) for r in settled)


@given(
    reasons_strategy,
    st.floats(0.01, 0.99),
    st.lists(
        st.tuples(st.sampled_from(["industry", "size", "notes"]), st.floats(-0.2, 0.2)), max_size=3
    ),
    st.floats(0, 1),
)
def test_with_a_model_the_reasons_still_add_up(reasons, baseline, contributions, weight):
    probability = min(max(baseline + sum(d for _, d in contributions), 0.0), 1.0)
    view = ModelView(probability, baseline, contributions)
    verdict = judge(reasons, facts={}, settings=ScoringSettings(model_weight=weight), model=view)
    assert len(verdict.reasons) <= 8
    assert sum(r.points for r in verdict.reasons) == verdict.score


def test_confidence_grows_with_what_is_known():
    bare = judge([], facts={}, settings=ScoringSettings())
    known = judge([], facts=FACTS, settings=ScoringSettings(), signals=5)
    assert bare.confidence < known.confidence <= 1
