"""Scoring in bulk: fit rules, intent from activity, and the predictive model, into verdicts.

    python -m bench.scoring --leads 100000

The model is trained first (not timed) on synthetic conversions with a known generating
process (bench.conversion_data); then every lead, with a few activities each, is scored with
ten ideal-customer-profile rules, decayed intent and the model's view, each verdict carrying
reasons that add up to its score. Prints one JSON object on its last line.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from datetime import UTC, datetime, timedelta

from bench.conversion_data import conversions
from leadflow.scoring.fit import Rule, seniority
from leadflow.scoring.intent import Signal
from leadflow.scoring.model_view import views
from leadflow.scoring.predictive import train
from leadflow.scoring.service import judge_many
from leadflow.scoring.verdict import ScoringSettings

RULES = [
    Rule("industry", "in", ["fintech", "saas"], 25, "in a market we win"),
    Rule("industry", "in", ["education"], -15, "a market we rarely win"),
    Rule("employee_count", "between", [50, 1000], 15, "the size we serve best"),
    Rule("employee_count", "at_most", 5, -10, "too small to buy"),
    Rule("annual_revenue", "at_least", 5_000_000, 10, "revenue to afford us"),
    Rule("country", "in", ["SA", "AE", "US"], 10, "in a country we sell to"),
    Rule("seniority", "in", ["executive", "vp", "director"], 15, "a senior buyer"),
    Rule("title", "contains", ["intern", "student"], -20, "not a buyer"),
    Rule("email", "missing", None, -5, "no email to reach"),
    Rule("source", "in", ["referral"], 10, "came by referral"),
]
KINDS = ["reply", "booking", "click", "page_visit", "open"]


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--train-rows", type=int, default=20_000)
    return parser.parse_args()


def _facts(lead: dict[str, object]) -> dict[str, object]:
    title = str(lead.get("seniority") or "")
    return {
        "industry": lead.get("industry"),
        "employee_count": lead.get("employees"),
        "annual_revenue": lead.get("revenue"),
        "country": lead.get("country"),
        "title": title,
        "seniority": seniority(title),
        "email": lead.get("email"),
        "source": lead.get("source"),
    }


def _signals(rng: random.Random, now: datetime) -> list[Signal]:
    return [
        Signal(rng.choice(KINDS), now - timedelta(days=rng.uniform(0, 60)), rng.random() < 0.2)
        for _ in range(rng.randint(0, 6))
    ]


def main() -> None:
    args = _args()
    training = conversions(args.train_rows, seed=11)
    outcomes = [lead.pop("outcome") == "won" for lead in training]
    model = train(training, outcomes)
    now = datetime.now(UTC)
    rng = random.Random(5)
    leads = conversions(args.leads, seed=12)
    for lead in leads:
        lead.pop("outcome")
    signals = [_signals(rng, now) for _ in leads]
    settings = ScoringSettings()

    started = time.perf_counter()
    facts = [_facts(lead) for lead in leads]
    model_views = views(model, leads)
    verdicts = judge_many(
        facts, signals, rules=RULES, settings=settings, now=now, model_views=model_views
    )
    seconds = time.perf_counter() - started

    adds_up = sum(sum(r.points for r in v.reasons) == v.score for v in verdicts)
    tiers = {tier: sum(v.tier == tier for v in verdicts) for tier in ("HOT", "WARM", "COLD")}
    print(
        json.dumps(
            {
                "bench": "scoring",
                "leads": len(verdicts),
                "leads_per_s": round(len(verdicts) / seconds),
                "seconds": round(seconds, 2),
                "model_cv_auc": round(model.cv_auc, 4),
                "tiers": tiers,
                "reasons_add_up": adds_up,
            }
        )
    )


if __name__ == "__main__":
    main()
