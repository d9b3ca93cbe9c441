"""The predictive model's view of one lead, when the workspace has a model to trust."""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping, Sequence

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from leadflow.models import Company, Lead
from leadflow.scoring.features import lead_row
from leadflow.scoring.predictive import TrainedModel, active_model
from leadflow.scoring.verdict import ModelView

SHOWN = 3  # features named one by one; the rest are one reason together
_loaded: dict[int, TrainedModel] = {}  # by stored model id: a version never changes
_lock = threading.Lock()


def model_view(session: Session, lead: Lead, company: Company | None) -> ModelView | None:
    stored = active_model(session, lead.workspace_id)
    if stored is None:
        return None
    with _lock:
        model = _loaded.get(stored.id)
    if model is None:
        model = TrainedModel.loads(stored.artifact)
        with _lock:
            _loaded[stored.id] = model
    set_committed_value(lead, "company", company)
    row = lead_row(lead)
    return views(model, [row])[0]


def views(model: TrainedModel, rows: Sequence[Mapping[str, object]]) -> list[ModelView]:
    """The model's view of many leads at once (scoring in bulk)."""
    scores = model.scores(list(rows))
    baseline = 1 / (1 + math.exp(-scores.baseline))
    return [
        ModelView(
            probability=float(scores.probability[i]),
            baseline=baseline,
            contributions=_named(scores.names, scores.points[i].tolist(), rows[i]),
        )
        for i in range(len(rows))
    ]


def _named(
    names: Sequence[str], points: Sequence[float], row: Mapping[str, object]
) -> list[tuple[str, float]]:
    order = sorted(range(len(names)), key=lambda j: abs(points[j]), reverse=True)
    shown = [
        (f"{_label(names[j])}: {_value(row.get(names[j]))}", points[j] / 100) for j in order[:SHOWN]
    ]
    rest = sum(points[j] for j in order[SHOWN:])
    if abs(rest) > 1e-12:
        shown.append(("the lead's other details together", rest / 100))
    return shown


def _label(name: str) -> str:
    return name.removeprefix("custom:").removeprefix("company_").replace("_", " ")


def _value(value: object) -> str:
    if value in (None, ""):
        return "unknown"
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."
