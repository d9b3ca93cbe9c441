"""The predictive model against a plain logistic regression, on synthetic conversions.

    python -m bench.predictive [--train 8000] [--test 4000] [--score-rows 100000] [--seed 11]

Both learn from the same leads and the same columns (``bench.conversion_data``: a known
generating process with non-linear and interacting effects, useless columns, missing values and
about 15% won) and are judged on leads neither saw. The logistic regression reads the columns
as the predictive model typed them: numbers median-filled and scaled, categories one-hot, text
as a bag of words and word pairs. Then the model scores ``--score-rows`` leads with each
feature's contribution, timed. Prints one JSON object on its last line.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from bench.conversion_data import conversions
from leadflow.scoring.features import FeatureEncoder, as_number, is_missing
from leadflow.scoring.predictive import TrainedModel, train

Rows = Sequence[dict[str, object]]


def split(leads: Rows) -> tuple[list[dict[str, object]], list[bool]]:
    rows = [{name: value for name, value in lead.items() if name != "outcome"} for lead in leads]
    return rows, [lead["outcome"] == "won" for lead in leads]


class LogisticBaseline:
    """A plain logistic regression on the columns as the predictive model typed them."""

    def __init__(self, encoder: FeatureEncoder) -> None:
        self.kinds = encoder.kinds
        self.numbers = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
        self.categories = OneHotEncoder(handle_unknown="ignore", min_frequency=5)
        self.words = {
            name: CountVectorizer(binary=True, ngram_range=(1, 2), min_df=3)
            for name, kind in encoder.kinds.items()
            if kind == "text"
        }
        self.regression = LogisticRegression(max_iter=5000)

    def _blocks(self, rows: Rows, kind: str) -> list[list[object]]:
        names = [name for name, typed in self.kinds.items() if typed == kind]
        if kind == "numeric":
            return [[as_number(row.get(name)) for name in names] for row in rows]
        return [
            ["" if is_missing(row.get(name)) else str(row.get(name)) for name in names]
            for row in rows
        ]

    def _matrix(self, rows: Rows, fit: bool) -> sparse.csr_matrix:
        blocks = []
        for kind, reader in (("numeric", self.numbers), ("categorical", self.categories)):
            values = self._blocks(rows, kind)
            if values and values[0]:
                read = reader.fit_transform(values) if fit else reader.transform(values)
                blocks.append(sparse.csr_matrix(read))
        for name, vectorizer in self.words.items():
            texts = ["" if is_missing(row.get(name)) else str(row.get(name)) for row in rows]
            blocks.append(vectorizer.fit_transform(texts) if fit else vectorizer.transform(texts))
        return sparse.hstack(blocks).tocsr()

    def fit(self, rows: Rows, won: list[bool]) -> LogisticBaseline:
        self.regression.fit(self._matrix(rows, fit=True), won)
        return self

    def decision_function(self, rows: Rows) -> np.ndarray:
        return np.asarray(self.regression.decision_function(self._matrix(rows, fit=False)))


def baseline_auc(
    model: TrainedModel,
    train_rows: Rows,
    train_won: list[bool],
    test_rows: Rows,
    test_won: list[bool],
) -> float:
    """Held-out AUC of the logistic regression, on the features ``model`` found."""
    baseline = LogisticBaseline(model.encoder).fit(train_rows, train_won)
    return float(roc_auc_score(test_won, baseline.decision_function(test_rows)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--train", type=int, default=8000)
    parser.add_argument("--test", type=int, default=4000)
    parser.add_argument("--score-rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    rows, won = split(conversions(args.train + args.test, args.seed))
    train_rows, train_won = rows[: args.train], won[: args.train]
    test_rows, test_won = rows[args.train :], won[args.train :]
    started = time.perf_counter()
    model = train(train_rows, train_won)
    trained = time.perf_counter() - started
    held_out = model.scores(test_rows)
    batch = (test_rows * (args.score_rows // len(test_rows) + 1))[: args.score_rows]
    started = time.perf_counter()
    model.scores(batch)
    scoring = time.perf_counter() - started
    result = {
        "bench": "predictive",
        "train_rows": args.train,
        "test_rows": args.test,
        "won_share": round(sum(train_won) / args.train, 3),
        "cv_auc": round(model.cv_auc, 4),
        "model_auc": round(float(roc_auc_score(test_won, held_out.probability)), 4),
        "logistic_auc": round(baseline_auc(model, train_rows, train_won, test_rows, test_won), 4),
        "mean_probability": round(float(held_out.probability.mean()), 4),
        "held_out_won_share": round(sum(test_won) / args.test, 4),
        "train_seconds": round(trained, 2),
        "score_rows": args.score_rows,
        "score_rows_per_s": round(args.score_rows / scoring),
    }
    print(f"typed {model.features}; ignored {model.encoder.ignored}", file=sys.stderr)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
