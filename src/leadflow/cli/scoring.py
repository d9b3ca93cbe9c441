"""``leadflow scoring``: the predictive model, trained from and applied to any CSV file."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from leadflow.cli.common import WorkspaceOption, err
from leadflow.db import unit_of_work
from leadflow.exceptions import BadRequest, LeadflowError
from leadflow.kit.spreadsheet import defuse
from leadflow.scoring import predictive, repository
from leadflow.worker import enqueue
from leadflow.workspaces import service as workspaces

scoring_app = typer.Typer(
    help="The predictive model: train, and score files.", no_args_is_help=True
)

WON = frozenset({"won", "win", "yes", "y", "1", "true"})
LOST = frozenset({"lost", "lose", "no", "n", "0", "false"})
CsvFile = Annotated[Path, typer.Option("--csv", exists=True, dir_okay=False, readable=True)]


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def outcome_of(cell: str) -> bool | None:
    """True for won, False for lost (yes/no, 1/0, true/false, won/lost); None otherwise."""
    value = cell.strip().casefold()
    return True if value in WON else False if value in LOST else None


@scoring_app.command("train")
def train(
    csv_file: CsvFile,
    outcome: Annotated[str, typer.Option("--outcome", help="the column saying won or lost")],
    workspace: WorkspaceOption = "demo",
) -> None:
    """Train a new version of the workspace's model from a CSV file; prints its cross-validated
    AUC. The last line printed is the result as JSON."""
    try:
        header, table = _read(csv_file)
        if outcome not in header:
            raise BadRequest(f"no column {outcome!r} in {csv_file.name}: it has {header}")
        rows, outcomes, skipped = [], [], 0
        for row in table:
            won = outcome_of(row.pop(outcome) or "")
            if won is None:
                skipped += 1
                continue
            rows.append(row)
            outcomes.append(won)
        with unit_of_work(writes=False) as session:
            workspace_id = workspaces.get_workspace(session, workspace).id
        model = predictive.train(rows, outcomes)
        with unit_of_work() as session:
            version = predictive.store_model(session, workspace_id, model).version
            enqueue(
                session, "scoring.rescore", workspace_id
            )  # the leads' scores, by the new version
    except LeadflowError as error:
        err.print(f"[red]error:[/red] {error.message}")
        raise typer.Exit(1) from error
    for name, kind in model.features.items():
        err.print(f"  {name}: {kind}", markup=False, highlight=False)
    for name, reason in model.encoder.ignored.items():
        err.print(f"  {name}: ignored ({reason})", markup=False, highlight=False)
    if skipped:
        err.print(f"{skipped:,} rows skipped: their {outcome!r} is neither won nor lost")
    typer.echo(f"cross-validated AUC {model.cv_auc:.3f} on {len(rows):,} rows; version {version}")
    result = {
        "rows": len(rows),
        "won": model.won,
        "lost": len(rows) - model.won,
        "skipped": skipped,
        "cv_auc": round(model.cv_auc, 4),
        "version": version,
    }
    typer.echo(json.dumps(result))


@scoring_app.command("predict")
def predict(
    csv_file: CsvFile,
    out: Annotated[Path, typer.Option("--out", dir_okay=False, help="file to write")],
    workspace: WorkspaceOption = "demo",
) -> None:
    """Score every row of a CSV file with the workspace's model: the rows come back with score,
    tier, probability and reasons. The last line printed is the result as JSON."""
    try:
        with unit_of_work(writes=False) as session:
            target = workspaces.get_workspace(session, workspace)
            stored = repository.active_model(session, target.id)
            if stored is None:
                raise BadRequest(
                    f"workspace {workspace!r} has no predictive model yet: "
                    "train one with `leadflow scoring train`"
                )
            model, version = predictive.TrainedModel.loads(stored.artifact), stored.version
    except LeadflowError as error:
        err.print(f"[red]error:[/red] {error.message}")
        raise typer.Exit(1) from error
    header, rows = _read(csv_file)
    predictions = model.predict(rows)
    added = ["score", "tier", "probability", "reasons"]
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([defuse(name) for name in header + added])
        for row, prediction in zip(rows, predictions, strict=True):
            cells = [row.get(name) or "" for name in header]
            cells += [str(prediction.score), prediction.tier, f"{prediction.probability:.4f}"]
            cells.append("; ".join(prediction.reasons))
            writer.writerow([defuse(cell) for cell in cells])
    tiers = Counter(prediction.tier for prediction in predictions)
    err.print(f"scored {len(rows):,} rows with version {version} into {out}")
    result = {"rows": len(rows), "version": version}
    result |= {tier.lower(): tiers.get(tier, 0) for tier in ("HOT", "WARM", "COLD")}
    typer.echo(json.dumps(result))
