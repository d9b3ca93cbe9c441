"""The predictive model: better than a plain logistic regression on leads it never saw,
calibrated, explained by contributions that add up, and usable on any CSV file."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
from bench.conversion_data import conversions, write_csv
from bench.predictive import baseline_auc, split
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import roc_auc_score
from sqlalchemy import select
from typer.testing import CliRunner

from leadflow.cli import app as cli
from leadflow.db import unit_of_work
from leadflow.models import ScoringModel
from leadflow.scoring import predictive, repository
from leadflow.scoring.features import type_column
from leadflow.scoring.model_view import views
from leadflow.scoring.predictive import NotEnoughOutcomes, TrainedModel, train
from leadflow.scoring.tasks import retrain_grown, workspaces_with_new_outcomes
from tests.builders import make_lead, make_workspace, settle_jobs, unique

TRAIN, TEST = 8000, 4000


@pytest.fixture(scope="module")
def leads():
    rows, won = split(conversions(TRAIN + TEST, seed=11))
    return rows[:TRAIN], won[:TRAIN], rows[TRAIN:], won[TRAIN:]


@pytest.fixture(scope="module")
def model(leads) -> TrainedModel:
    train_rows, train_won, _, _ = leads
    return train(train_rows, train_won)


def test_beats_a_plain_logistic_regression_on_leads_neither_saw(leads, model):
    train_rows, train_won, test_rows, test_won = leads
    ours = roc_auc_score(test_won, model.scores(test_rows).probability)
    logistic = baseline_auc(model, train_rows, train_won, test_rows, test_won)
    print(f"held-out AUC: model {ours:.4f}, logistic regression {logistic:.4f}")
    assert ours > logistic
    assert ours > 0.74
    assert abs(model.cv_auc - ours) < 0.03  # the cross-validated AUC it reports is honest


def test_probabilities_are_calibrated(leads, model):
    _, _, test_rows, test_won = leads
    probability = model.scores(test_rows).probability
    assert abs(probability.mean() - np.mean(test_won)) < 0.02
    top = probability >= np.quantile(probability, 0.9)
    assert abs(probability[top].mean() - np.mean(np.array(test_won)[top])) < 0.06


def test_contributions_and_the_baseline_add_up_to_every_leads_value(leads, model):
    _, _, test_rows, _ = leads
    scores = model.scores(test_rows)
    matrix = model.encoder.encode(test_rows).matrix
    direct = model.slope * model.booster.decision_function(matrix) + model.intercept
    added = scores.baseline + scores.contributions.sum(axis=1)
    assert np.abs(added - direct).max() < 1e-6
    assert np.abs(scores.logit - direct).max() < 1e-6
    base_probability = 1 / (1 + np.exp(-scores.baseline))
    points = 100 * (scores.probability - base_probability)
    assert np.abs(scores.points.sum(axis=1) - points).max() < 1e-6


def test_reasons_name_the_values_behind_the_score(leads, model):
    _, _, test_rows, _ = leads
    predictions = model.predict(test_rows[:200])
    assert all(0 <= p.score <= 100 and p.tier in ("HOT", "WARM", "COLD") for p in predictions)
    reasons = [reason for p in predictions for reason in p.reasons]
    assert any(reason.startswith("industry = ") for reason in reasons)
    assert any(reason.startswith('notes mentions "') for reason in reasons)
    assert all(len(p.reasons) <= 3 for p in predictions)


def test_identifiers_and_constant_columns_are_ignored_and_the_rest_typed(model):
    assert set(model.encoder.ignored) == {"lead_id", "email", "campaign"}
    assert model.features == {
        "employees": "numeric",
        "revenue": "numeric",
        "visits": "numeric",
        "industry": "categorical",
        "country": "categorical",
        "seniority": "categorical",
        "source": "categorical",
        "notes": "text",
        "noise": "numeric",
        "favourite_colour": "categorical",
    }


def test_columns_are_typed_from_their_values_alone():
    codes = [f"ZX{number:05d}" for number in range(200)]
    assert type_column("ref", codes).startswith("ignored")
    assert type_column("row", list(range(1000, 1200))).startswith("ignored")
    assert type_column("amount", ["$5,000", "1,200", "", "300.5"] * 10) == "numeric"
    assert type_column("plan", ["pro", "team", None, "pro"] * 10) == "categorical"
    assert type_column("customer_email", ["a@b.c", "d@e.f"] * 10).startswith("ignored")


def test_unseen_categories_odd_values_and_missing_columns_are_tolerated(model):
    rows = [
        {"industry": "space mining", "employees": "1,200", "visits": "n/a", "notes": "urgent!!"},
        {"country": "ZZ", "seniority": 42, "revenue": None},
        {},
    ]
    predictions = model.predict(rows)
    assert all(0 < p.probability < 1 for p in predictions)
    unseen = model.predict([{"industry": "space mining"}, {"industry": "lunar farming"}])
    assert unseen[0].probability == unseen[1].probability
    odd = model.predict([{"employees": [1, 2]}, {"employees": ""}, {"employees": "1,200"}])
    assert odd[0].probability == odd[1].probability  # neither is a number
    assert odd[2].probability == model.predict([{"employees": 1200}])[0].probability


def test_too_few_outcomes_steps_aside_saying_how_many_more_are_needed():
    rows = [{"size": number} for number in range(60)]
    with pytest.raises(NotEnoughOutcomes) as raised:
        train(rows, [number < 12 for number in range(60)])
    assert "it has 12 won and 48 lost (18 more won needed)" in raised.value.message


def test_the_models_view_of_a_lead_is_the_same_alone_and_in_bulk(leads, model):
    _, _, test_rows, _ = leads
    rows = test_rows[:300]

    together = views(model, rows)

    alone = [views(model, [row]).view(0) for row in rows]
    assert [together.view(lead) for lead in range(len(rows))] == alone
    assert all(view is not None and len(view.contributions) <= 4 for view in alone)


FILLER = ["we", "need", "a", "CRM", "Budget", "approved!", "urgent", "just", "browsing", "لدينا"]
text_strategy = st.lists(
    st.sampled_from(FILLER) | st.text(min_size=1, max_size=6), max_size=14
).flatmap(lambda words: st.sampled_from([" ", "; ", "\x00", "\n"]).map(lambda gap: gap.join(words)))


@settings(max_examples=150)
@given(texts=st.lists(text_strategy, min_size=1, max_size=12))
def test_a_text_is_scored_as_the_regression_scores_it_and_its_phrase_named(model, texts):
    scorer = model.encoder.texts["notes"]
    read = scorer.vectorizer.transform(texts)

    scores, phrases = scorer.score(texts), scorer.phrases(texts)

    expected = scorer.regression.decision_function(read)
    assert np.abs(scores - expected).max() < 1e-9
    assert phrases == [weightiest(scorer, read[row].indices) for row in range(len(texts))]
    assert list(scores) == [scorer.score([text])[0] for text in texts]


def weightiest(scorer, columns) -> str | None:
    terms = scorer.vectorizer.get_feature_names_out()
    found = [(w, str(terms[c])) for c in columns if (w := float(scorer.regression.coef_[0][c]))]
    if not found:
        return None
    leans_up = sum(w for w, _ in found) >= 0
    weight, term = max(found) if leans_up else min(found)
    return term if (weight > 0) == leans_up else None


def test_a_model_survives_being_stored(leads, model):
    _, _, test_rows, _ = leads
    again = TrainedModel.loads(model.dumps())
    before, after = model.scores(test_rows[:500]), again.scores(test_rows[:500])
    assert np.array_equal(before.probability, after.probability)
    assert np.array_equal(before.contributions, after.contributions)


# --- the command line --------------------------------------------------------------------------


def leadflow(*args: str):
    return CliRunner().invoke(cli.app, list(args))


def last_json(output: str) -> dict[str, object]:
    return json.loads(output.strip().splitlines()[-1])


def test_train_and_predict_from_any_csv(session, tmp_path):
    workspace = make_workspace(session)
    leads = conversions(2500, seed=5)
    write_csv(tmp_path / "won_lost.csv", leads[:2000])
    write_csv(tmp_path / "ones.csv", leads[:2000], outcome="1/0")
    write_csv(tmp_path / "new.csv", leads[2000:])

    first = leadflow("scoring", "train", "--csv", str(tmp_path / "won_lost.csv"),
                     "--outcome", "outcome", "--workspace", workspace.slug)  # fmt: skip
    assert first.exit_code == 0, first.output
    report = last_json(first.stdout)
    assert report["rows"] == 2000
    assert report["version"] == 1
    assert report["won"] == sum(lead["outcome"] == "won" for lead in leads[:2000])
    assert 0.65 < float(report["cv_auc"]) < 0.9
    second = leadflow("scoring", "train", "--csv", str(tmp_path / "ones.csv"),
                      "--outcome", "outcome", "-w", workspace.slug)  # fmt: skip
    assert last_json(second.stdout) | {"version": 1} == report
    assert last_json(second.stdout)["version"] == 2

    scored = leadflow("scoring", "predict", "--csv", str(tmp_path / "new.csv"),
                      "--out", str(tmp_path / "scored.csv"), "-w", workspace.slug)  # fmt: skip
    assert scored.exit_code == 0, scored.output
    with (tmp_path / "scored.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 500 == last_json(scored.stdout)["rows"]
    assert list(rows[0])[-4:] == ["score", "tier", "probability", "reasons"]
    assert rows[0]["lead_id"] == leads[2000]["lead_id"]
    assert all(0 <= int(row["score"]) <= 100 for row in rows)
    assert any(row["reasons"] for row in rows)


def test_train_skips_rows_with_other_outcomes_and_says_when_there_are_too_few(session, tmp_path):
    workspace = make_workspace(session)
    leads = conversions(300, seed=3)
    for lead in leads[:100]:
        lead["outcome"] = "open"
    write_csv(tmp_path / "few.csv", leads)
    result = leadflow("scoring", "train", "--csv", str(tmp_path / "few.csv"),
                      "--outcome", "outcome", "-w", workspace.slug)  # fmt: skip
    assert result.exit_code == 1
    assert "more won needed" in result.stderr
    missing = leadflow("scoring", "predict", "--csv", str(tmp_path / "few.csv"),
                       "--out", str(tmp_path / "out.csv"), "-w", workspace.slug)  # fmt: skip
    assert missing.exit_code == 1
    assert "no predictive model yet" in missing.stderr


# --- a workspace's own leads -------------------------------------------------------------------


def make_outcomes(session, workspace, count: int) -> None:
    rng = np.random.default_rng(len(workspace.slug))
    for number in range(count):
        won = number % 2 == 0
        plan = "enterprise" if won == (rng.random() < 0.85) else "starter"
        lead = make_lead(session, workspace, email=f"{unique('o')}@example.com",
                         title=str(rng.choice(["CEO", "Engineer", "Analyst"])))  # fmt: skip
        lead.custom_fields = {"plan": plan, "seats": int(rng.integers(1, 500))}
        lead.outcome = "won" if won else "lost"
    session.commit()


def test_a_workspace_learns_from_its_own_outcomes_in_versions(session):
    workspace = make_workspace(session)
    make_outcomes(session, workspace, 40)
    assert predictive.train_workspace(session, workspace.id) is None  # 20 won, 20 lost
    assert workspace.id not in workspaces_with_new_outcomes(session)

    make_outcomes(session, workspace, 40)
    assert workspace.id in workspaces_with_new_outcomes(session)
    with unit_of_work() as writer:
        retrain_grown(writer)
    settle_jobs()
    session.expire_all()
    first = repository.active_model(session, workspace.id)
    assert first is not None
    assert first.version == 1
    assert first.outcomes == 80
    assert first.features["custom:plan"] == "categorical"
    assert workspace.id not in workspaces_with_new_outcomes(session)

    second = predictive.train_workspace(session, workspace.id)
    session.commit()
    assert second is not None
    assert second.version == 2
    versions = session.scalars(
        select(ScoringModel.active)
        .where(ScoringModel.workspace_id == workspace.id)
        .order_by(ScoringModel.version)
    ).all()
    assert versions == [False, True]
    model = predictive.load_active(session, workspace.id)
    assert model is not None
    enterprise, starter = model.predict([{"custom:plan": "enterprise"}, {"custom:plan": "starter"}])
    assert enterprise.probability > starter.probability
