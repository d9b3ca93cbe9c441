"""Scoring in bulk gives every lead the verdict it gets alone (with or without a model's
view and an external scorer's), and its reasons add up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from leadflow.scoring.fit import Rule, fit, prepare
from leadflow.scoring.intent import WEIGHTS, Signal, intent
from leadflow.scoring.service import judge_many
from leadflow.scoring.verdict import (
    ExternalView,
    ModelView,
    Persona,
    ScoringSettings,
    conversation_reasons,
    judge,
)

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
FIELDS = ["industry", "employee_count", "annual_revenue", "country", "title", "email"]

# Values as leads carry them: text, numbers in every type (True, 1 and 1.0 are different facts
# to a rule), blanks, and a custom field holding a list.
fact_values = st.one_of(
    st.sampled_from(["Fintech", "fintech ", "SaaS", "Retail", "VP Sales", "intern", "SA", "US"]),
    st.sampled_from([None, "", True, False, 0, 1, 1.0, "1", "250", "n/a"]),
    st.integers(-10, 5000),
    st.floats(-1e6, 1e7, allow_nan=False),
)
facts_strategy = st.fixed_dictionaries(
    dict.fromkeys(FIELDS, fact_values),
    optional={"custom:tags": st.lists(st.sampled_from(["a", "b"]), max_size=2)},
)
number = st.one_of(st.none(), st.integers(-10, 5000), st.floats(-10, 5000, allow_nan=False))
choices = st.lists(st.sampled_from(["fintech", "saas", "sa", "us", "1", "true", "vp"]), min_size=1)
rule_values = {
    "in": choices,
    "not_in": choices,
    "between": st.tuples(number, number).map(list),
    "at_least": number.filter(lambda n: n is not None),
    "at_most": number.filter(lambda n: n is not None),
    "contains": st.one_of(choices, st.sampled_from(["sales", "in"])),
    "present": st.none(),
    "missing": st.none(),
}
rules_strategy = st.lists(
    st.sampled_from(sorted(rule_values)).flatmap(
        lambda operator: st.builds(
            Rule,
            st.sampled_from([*FIELDS, "custom:tags"]),
            st.just(operator),
            rule_values[operator],
            # Few distinct points: equal reasons, whose order decides which are shown.
            st.sampled_from([-20, -5, 5, 10, 10, 15, 25, 60]),
            st.sampled_from(["a market we win", "the size we serve", "a senior buyer"]),
        )
    ),
    max_size=10,
)
# Ages in whole half-lives make equal points from different kinds; some are in the future.
ages = st.one_of(
    st.integers(-2, 8).map(lambda halves: timedelta(days=7 * halves)),
    st.floats(-3, 400, allow_nan=False).map(lambda days: timedelta(days=days)),
)
signals_strategy = st.lists(
    st.builds(
        Signal, st.sampled_from(sorted(WEIGHTS)), ages.map(lambda age: NOW - age), st.booleans()
    ),
    max_size=12,
)
views_strategy = st.one_of(
    st.none(),
    st.builds(
        ModelView,
        st.floats(0, 1),
        st.floats(0.01, 0.99),
        st.lists(
            st.tuples(
                st.sampled_from(["industry: fintech", "employees: 250", "notes: urgent"]),
                st.sampled_from([0.0, 0.05, -0.05, 0.1]) | st.floats(-0.3, 0.3),
            ),
            max_size=4,
        ),
    ),
)
external_strategy = st.one_of(
    st.none(),
    st.builds(
        ExternalView,
        st.just("the stackAI flow"),
        st.sampled_from([0.0, 0.5, 1.0]) | st.floats(0, 1),
        st.lists(st.sampled_from(["asked for pricing", "a clinic"]), max_size=3).map(tuple),
    ),
)
said_strategy = st.fixed_dictionaries(
    {},
    optional={
        "budget": st.just({"amount": "50000", "currency": "SAR"}),
        "authority": st.sampled_from([{"decision_maker": True}, {"decision_maker": False}]),
        "urgency": st.sampled_from([{"level": "high"}, {"level": "low"}]),
        "need": st.just({"text": "a CRM"}),
        "timeline": st.sampled_from([{"by": "2026-12-01"}, {"by": "2027-09-01"}]),
    },
)
settings_strategy = st.builds(
    ScoringSettings,
    hot=st.integers(41, 100),
    warm=st.integers(0, 40),
    half_life_days=st.sampled_from([7.0, 14.0]) | st.floats(0.5, 60),
    model_weight=st.sampled_from([0.0, 0.5, 1.0]) | st.floats(0, 1),
    external_weight=st.sampled_from([0.0, 0.3, 1.0]) | st.floats(0, 1),
    personas=st.sampled_from(
        [ScoringSettings().personas, (Persona("bank", 10, 5000, ("Fintech", "fintech ")),)]
    ),
)
leads_strategy = st.lists(
    st.tuples(facts_strategy, signals_strategy, views_strategy, said_strategy, external_strategy),
    min_size=1,
    max_size=12,
)


def alone(lead, rules, scoring: ScoringSettings):
    facts, signals, view, said, external = lead
    reasons = [
        *fit(facts, prepare(rules)),
        *intent(signals, now=NOW, half_life_days=scoring.half_life_days),
        *conversation_reasons(said, today=NOW.date()),
    ]
    return judge(
        reasons,
        facts=facts,
        settings=scoring,
        model=view,
        signals=len(signals),
        external=external,
    )


def as_shown(verdict):
    reasons = [(type(r.points), *r) for r in verdict.reasons]
    return verdict.score, verdict.tier, verdict.persona, verdict.confidence, reasons


@settings(max_examples=200)
@given(leads_strategy, rules_strategy, settings_strategy)
def test_a_lead_scored_in_bulk_gets_the_verdict_it_gets_alone(leads, rules, scoring):
    facts, signals, views, said, external = (list(column) for column in zip(*leads, strict=True))

    verdicts = judge_many(
        facts,
        signals,
        rules=rules,
        settings=scoring,
        now=NOW,
        model_views=views,
        said=said,
        external=external,
    )

    assert [as_shown(v) for v in verdicts] == [
        as_shown(alone(lead, rules, scoring)) for lead in leads
    ]


@settings(max_examples=100)
@given(leads_strategy, rules_strategy, settings_strategy)
def test_in_bulk_the_reasons_add_up_to_each_score(leads, rules, scoring):
    facts, signals, views, _, external = (list(column) for column in zip(*leads, strict=True))

    verdicts = judge_many(
        facts,
        signals,
        rules=rules,
        settings=scoring,
        now=NOW,
        model_views=views,
        external=external,
    )

    for verdict in verdicts:
        assert 0 <= verdict.score <= 100
        assert sum(r.points for r in verdict.reasons) == verdict.score
        assert all(isinstance(r.points, int) and r.points for r in verdict.reasons)
        assert len(verdict.reasons) <= 8


def test_no_leads_no_verdicts():
    assert judge_many([], [], rules=[], settings=ScoringSettings(), now=NOW, model_views=[]) == []


def test_equal_reasons_beyond_the_shown_keep_their_order_and_the_rest_is_named():
    rules = [Rule("email", "present", None, 5, f"rule {n}") for n in range(9)]

    (verdict,) = judge_many(
        [{"email": "a@b.co"}], [[]], rules=rules, settings=ScoringSettings(), now=NOW
    )

    assert [(r.points, r.text) for r in verdict.reasons] == [
        (15, "3 smaller reasons together"),
        *((5, f"rule {n}") for n in range(6)),
    ]
    assert verdict.score == 45
