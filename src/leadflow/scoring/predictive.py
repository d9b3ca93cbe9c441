"""A workspace's predictive model: what its own won and lost leads say about the next lead.

Gradient-boosted trees (scikit-learn's ``HistGradientBoostingClassifier``) read the typed
features (``scoring.features``); their log-odds are calibrated by Platt scaling fitted on
5-fold out-of-fold predictions, which also give the cross-validated AUC the model reports.

Each score is explained feature by feature (``scoring.tree_paths``): a lead's calibrated
log-odds is the model's average lead's plus one contribution per feature, exactly, read off the
trees' decision paths. The same split, scaled by the lead's change in probability from the
average lead's, gives score points that add up to the score's distance from it.
"""

from __future__ import annotations

import math
import pickle
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import structlog
from numpy.typing import NDArray
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sqlalchemy.orm import Session
from threadpoolctl import threadpool_limits

from leadflow.exceptions import LeadflowError
from leadflow.models import ScoringModel
from leadflow.models.base import utcnow
from leadflow.scoring import repository
from leadflow.scoring.features import FeatureEncoder, FeatureKind, Matrix, Row, lead_row
from leadflow.scoring.tree_paths import TreePaths

log = structlog.get_logger()

MIN_WON = 30
MIN_LOST = 30
FOLDS = 5
HOT = 70
WARM = 40
ALGORITHM = "hist-gradient-boosting+platt"


class NotEnoughOutcomes(LeadflowError):
    status = 409
    title = "Not enough outcomes"


@dataclass(frozen=True)
class Prediction:
    probability: float
    score: int  # 0-100
    tier: str
    # Calibrated log-odds: the reference lead's, and each feature's share of the difference.
    baseline: float
    contributions: dict[str, float]
    # The same shares in score points, and the largest three as sentences.
    points: dict[str, float]
    reasons: list[str]


@dataclass
class Scores:
    """A batch's scores as arrays, one row per lead: what bulk scoring uses."""

    names: list[str]
    logit: NDArray[np.float64]
    baseline: float
    contributions: NDArray[np.float64]  # leads x features, calibrated log-odds
    probability: NDArray[np.float64]
    points: NDArray[np.float64]  # leads x features, score points


@dataclass
class TrainedModel:
    encoder: FeatureEncoder
    booster: HistGradientBoostingClassifier
    slope: float
    intercept: float
    reference: Matrix  # one row: the reference lead, encoded
    cv_auc: float
    rows: int
    won: int
    hot: int = HOT
    warm: int = WARM
    _paths: TreePaths | None = field(default=None, repr=False)

    @property
    def features(self) -> dict[str, FeatureKind]:
        return dict(self.encoder.kinds)

    def scores(self, rows: Sequence[Row]) -> Scores:
        return self._scores(self.encoder.encode(rows).matrix)

    def predict(self, rows: Sequence[Row]) -> list[Prediction]:
        encoded = self.encoder.encode(rows, phrases=True)
        scores = self._scores(encoded.matrix)
        names, shown = scores.names, min(3, len(scores.names))
        top = np.argsort(-np.abs(scores.points), axis=1)[:, :shown]
        predictions = []
        for index, row in enumerate(rows):
            points = scores.points[index]
            score = round(100 * float(scores.probability[index]))
            predictions.append(
                Prediction(
                    probability=float(scores.probability[index]),
                    score=score,
                    tier=self.tier(score),
                    baseline=scores.baseline,
                    contributions=dict(
                        zip(names, scores.contributions[index].tolist(), strict=True)
                    ),
                    points=dict(zip(names, points.tolist(), strict=True)),
                    reasons=[
                        _reason(names[j], row.get(names[j]), encoded.phrases, index, points[j])
                        for j in top[index]
                        if abs(points[j]) >= 0.5
                    ],
                )
            )
        return predictions

    def tier(self, score: int) -> str:
        return "HOT" if score >= self.hot else "WARM" if score >= self.warm else "COLD"

    def _scores(self, matrix: Matrix) -> Scores:
        paths = self.paths
        contributions = self.slope * paths.contributions(matrix)
        baseline = self.slope * paths.expected + self.intercept
        logit = baseline + contributions.sum(axis=1)
        return Scores(
            names=self.encoder.names,
            logit=logit,
            baseline=baseline,
            contributions=contributions,
            probability=_sigmoid(logit),
            points=contributions * _points_per_logit(logit, baseline)[:, None],
        )

    @property
    def paths(self) -> TreePaths:
        if self._paths is None:
            self._paths = TreePaths(self.booster, len(self.encoder.kinds))
        return self._paths

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_paths": None}  # rebuilt from the trees when first needed

    def dumps(self) -> bytes:
        return pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL)

    @staticmethod
    def loads(artifact: bytes) -> TrainedModel:
        # Only ever our own artifacts, read back from our own database.
        model = pickle.loads(artifact)  # noqa: S301
        if not isinstance(model, TrainedModel):
            raise TypeError("the artifact is not a leadflow predictive model")
        return model


def _sigmoid(logit: NDArray[np.float64]) -> NDArray[np.float64]:
    return 1 / (1 + np.exp(-logit))


def _points_per_logit(logit: NDArray[np.float64], baseline: float) -> NDArray[np.float64]:
    """Score points per unit of log-odds between the reference and each lead: the secant of
    the sigmoid, its slope where the two nearly meet."""
    gap = logit - baseline
    near = np.abs(gap) < 1e-9
    secant = (_sigmoid(logit) - _sigmoid(np.array([baseline]))) / np.where(near, 1, gap)
    slope = _sigmoid(logit) * (1 - _sigmoid(logit))
    return 100 * np.where(near, slope, secant)


def _reason(
    name: str, value: object, phrases: dict[str, list[str | None]], index: int, points: float
) -> str:
    sign = f"{points:+.0f}"
    if name in phrases:
        phrase = phrases[name][index]
        return f'{name} mentions "{phrase}" ({sign})' if phrase else f"{name} ({sign})"
    if value is None or (isinstance(value, str) and not value.strip()):
        return f"{name} missing ({sign})"
    shown = str(value).strip()
    return f"{name} = {shown[:40]} ({sign})"


def check_outcomes(won: int, lost: int) -> None:
    """Raises ``NotEnoughOutcomes``, saying how many more are needed, below the minimum."""
    missing = {"won": max(0, MIN_WON - won), "lost": max(0, MIN_LOST - lost)}
    if any(missing.values()):
        needs = " and ".join(f"{count} more {kind}" for kind, count in missing.items() if count)
        raise NotEnoughOutcomes(
            f"the predictive model needs at least {MIN_WON} won and {MIN_LOST} lost leads to "
            f"learn from; it has {won} won and {lost} lost ({needs} needed), so it steps aside",
            won=won,
            lost=lost,
        )


def train(rows: Sequence[Row], outcomes: Sequence[bool]) -> TrainedModel:
    """Learns what wins from ``rows`` and their outcomes (True is won).

    On one core: the trees' threads, on a machine busy with other work, spend far longer
    waiting for each other than they save (a worker runs several jobs side by side instead)."""
    with threadpool_limits(limits=1, user_api="openmp"):
        return _train(rows, outcomes)


def _train(rows: Sequence[Row], outcomes: Sequence[bool]) -> TrainedModel:
    labels = np.asarray(outcomes, dtype=np.int_)
    won = int(labels.sum())
    check_outcomes(won, len(labels) - won)
    encoder, matrix = FeatureEncoder.fit(rows, labels, folds=FOLDS)
    if not encoder.kinds:
        raise NotEnoughOutcomes("no column carries anything to learn from", status=400)
    held_out = np.zeros(len(labels))
    splitter = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=0)
    for fitted, held in splitter.split(matrix, labels):
        booster = _booster(encoder, len(labels)).fit(matrix[fitted], labels[fitted])
        held_out[held] = booster.decision_function(matrix[held])
    platt = LogisticRegression(C=1e6).fit(held_out.reshape(-1, 1), labels)
    return TrainedModel(
        encoder=encoder,
        booster=_booster(encoder, len(labels)).fit(matrix, labels),
        slope=float(platt.coef_[0, 0]),
        intercept=float(platt.intercept_[0]),
        reference=_reference(matrix, encoder),
        cv_auc=float(roc_auc_score(labels, held_out)),
        rows=len(labels),
        won=won,
    )


def _booster(encoder: FeatureEncoder, rows: int) -> HistGradientBoostingClassifier:
    """Small trees, few of them, and leaves of many leads: outcomes are noisy, and a lead's
    score should rest on what many leads like it did."""
    return HistGradientBoostingClassifier(
        learning_rate=0.1,
        max_iter=80,
        max_leaf_nodes=6,
        min_samples_leaf=max(5, min(100, rows // 40)),
        l2_regularization=1.0,
        categorical_features=encoder.categorical_mask or None,
        early_stopping=False,
        random_state=0,
    )


def _reference(matrix: Matrix, encoder: FeatureEncoder) -> Matrix:
    reference = np.empty((1, matrix.shape[1]))
    for index, categorical in enumerate(encoder.categorical_mask):
        column = matrix[:, index]
        present = column[~np.isnan(column)]
        if not len(present):
            reference[0, index] = math.nan
        elif categorical:
            values, counts = np.unique(present, return_counts=True)
            reference[0, index] = values[np.argmax(counts)]
        else:
            reference[0, index] = np.median(present)
    return reference


# --- a workspace's models ----------------------------------------------------------------------


def outcome_rows(session: Session, workspace_id: int) -> tuple[list[dict[str, object]], list[bool]]:
    """The workspace's leads that ended won or lost, as feature rows, and their outcomes."""
    rows, outcomes = [], []
    for lead in repository.outcome_leads(session, workspace_id):
        rows.append(lead_row(lead))
        outcomes.append(lead.outcome == "won")
    return rows, outcomes


def store_model(session: Session, workspace_id: int, model: TrainedModel) -> ScoringModel:
    """Keeps ``model`` as the workspace's newest version, the one that scores from now on."""
    version = repository.latest_version(session, workspace_id) + 1
    repository.retire_active(session, workspace_id)
    stored = ScoringModel(
        workspace_id=workspace_id,
        version=version,
        trained_at=utcnow(),
        outcomes=model.rows,
        won=model.won,
        cv_auc=model.cv_auc,
        features=dict(model.features),
        algorithm=ALGORITHM,
        artifact=model.dumps(),
        active=True,
    )
    session.add(stored)
    session.flush()
    log.info(
        "scoring.model.trained",
        workspace_id=workspace_id,
        version=stored.version,
        outcomes=model.rows,
        cv_auc=round(model.cv_auc, 4),
    )
    return stored


def train_workspace(session: Session, workspace_id: int) -> ScoringModel | None:
    """Trains a new version on the workspace's outcomes; None (and says why in the log) when
    there are too few for a model to be trusted."""
    rows, outcomes = outcome_rows(session, workspace_id)
    try:
        model = train(rows, outcomes)
    except NotEnoughOutcomes as error:
        log.info("scoring.model.skipped", workspace_id=workspace_id, reason=error.message)
        return None
    return store_model(session, workspace_id, model)


def load_active(session: Session, workspace_id: int) -> TrainedModel | None:
    stored = repository.active_model(session, workspace_id)
    return None if stored is None else TrainedModel.loads(stored.artifact)
