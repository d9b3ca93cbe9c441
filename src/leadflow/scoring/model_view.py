"""The predictive model's view of leads, when the workspace has a model to trust."""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping, Sequence

import numpy as np
from sqlalchemy.orm import Session

from leadflow.scoring.predictive import TrainedModel
from leadflow.scoring.reasons import Indices
from leadflow.scoring.repository import active_model
from leadflow.scoring.verdict import ModelViews

SHOWN = 3  # features named one by one; the rest are one reason together
_loaded: dict[int, TrainedModel] = {}  # by stored model id: a version never changes
_lock = threading.Lock()


def trained(session: Session, workspace_id: int) -> TrainedModel | None:
    """The workspace's active model, loaded once per version in this process."""
    stored = active_model(session, workspace_id)
    if stored is None:
        return None
    with _lock:
        model = _loaded.get(stored.id)
    if model is None:
        model = TrainedModel.loads(stored.artifact)
        with _lock:
            _loaded[stored.id] = model
    return model


def views(model: TrainedModel, rows: Sequence[Mapping[str, object]]) -> ModelViews:
    """The model's view of many leads at once: its baseline, each lead's ``SHOWN`` largest
    feature contributions named (equal ones in the features' order), the rest together."""
    scores = model.scores(list(rows))
    points, names = scores.points, scores.names
    order = np.argsort(-np.abs(points), axis=1, kind="stable")
    largest_first = points[np.arange(len(rows))[:, None], order]
    named = order[:, :SHOWN]
    rest = np.zeros(len(rows))
    for column in largest_first[:, SHOWN:].T:
        rest += column  # largest first, whatever else is in the batch: the same float alone

    labels = [_label(name) for name in names]

    def words(leads: Indices, k: int) -> list[str]:
        if k == named.shape[1]:
            return ["the lead's other details together"] * len(leads)
        features = named[leads, k].tolist()
        return [
            f"{labels[f]}: {_value(rows[lead].get(names[f]))}"
            for lead, f in zip(leads.tolist(), features, strict=True)
        ]

    contributions = np.column_stack([largest_first[:, :SHOWN], rest]) / 100
    present = np.ones(contributions.shape, dtype=bool)
    present[:, -1] = np.abs(rest) > 1e-12
    return ModelViews(
        probability=scores.probability,
        baseline=np.full(len(rows), 1 / (1 + math.exp(-scores.baseline))),
        contributions=contributions,
        present=present,
        modelled=np.ones(len(rows), dtype=bool),
        labels=words,
    )


def _label(name: str) -> str:
    return name.removeprefix("custom:").removeprefix("company_").replace("_", " ")


def _value(value: object) -> str:
    if value in (None, ""):
        return "unknown"
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."
