"""Sales stages: where each deal stands, per workspace, apart from the automation's progress.

A workspace keeps its own list (New → Contacted → Qualified → Meeting booked → Won / Lost by
default): renamed, added to and trimmed by its people. The built-in stages carry a role, which
lets events move leads on their own (the agent answered: Contacted) and makes Won and Lost the
deal's outcome, which the predictive model learns from. Moving a lead is decided here and only
here, whoever moves it: a person on the board, the API, or a reaction to an event."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from leadflow.events.service import record
from leadflow.exceptions import NotFound, UnprocessableInput
from leadflow.models import Activity, Lead, Workspace
from leadflow.models.base import utcnow
from leadflow.sales import repository

MOST_STAGES = 12
NAME_LENGTH = 40
SETTING = "sales_stages"


class StageRole(StrEnum):
    """What a built-in stage means to leadflow; a stage a workspace adds has none."""

    new = "new"
    contacted = "contacted"
    qualified = "qualified"
    meeting = "meeting"
    won = "won"
    lost = "lost"


CLOSED = frozenset({StageRole.won, StageRole.lost})
ENGLISH = {
    StageRole.new: "New", StageRole.contacted: "Contacted", StageRole.qualified: "Qualified",
    StageRole.meeting: "Meeting booked", StageRole.won: "Won", StageRole.lost: "Lost",
}  # fmt: skip
REQUIRED = (StageRole.new, StageRole.won, StageRole.lost)


@dataclass(frozen=True)
class SalesStage:
    key: str
    role: StageRole | None = None
    name: str | None = None  # the workspace's own name; none: the role's, in the reader's words

    @property
    def label(self) -> str:
        """Its name in English, for the API and the CLI (the dashboard says the role's name in
        the reader's language)."""
        return self.name or (ENGLISH[self.role] if self.role else self.key)

    @property
    def closed(self) -> bool:
        return self.role in CLOSED

    def as_setting(self) -> dict[str, str | None]:
        return {"key": self.key, "role": self.role, "name": self.name}


DEFAULT_STAGES = tuple(SalesStage(role.value, role) for role in StageRole)


@dataclass(frozen=True)
class StageEdit:
    """A stage as a person sends it: an existing one by its key, or a new one (no key). No
    name: a built-in stage's own name, in the reader's words; a stage of yours keeps its."""

    name: str | None = None
    key: str | None = None


def stages_of(workspace: Workspace) -> tuple[SalesStage, ...]:
    """The workspace's stages in their order: New first, Won and Lost last."""
    kept = (workspace.settings or {}).get(SETTING)
    if not kept:
        return DEFAULT_STAGES
    return tuple(
        SalesStage(item["key"], StageRole(item["role"]) if item.get("role") else None,
                   item.get("name"))
        for item in kept
    )  # fmt: skip


def stage_of(workspace: Workspace, lead: Lead) -> SalesStage:
    """The lead's stage; a key the workspace no longer has reads as its first stage."""
    stages = stages_of(workspace)
    return next((stage for stage in stages if stage.key == lead.sales_stage), stages[0])


def lead_counts(session: Session, workspace: Workspace) -> dict[str, int]:
    """How many leads stand in each stage (a key taken away counts in the first stage)."""
    stages = stages_of(workspace)
    counts = dict.fromkeys((stage.key for stage in stages), 0)
    for key, count in repository.count_by_stage(session, workspace.id).items():
        counts[key if key in counts else stages[0].key] += count
    return counts


def find_stage(workspace: Workspace, key_or_role: str) -> SalesStage:
    for stage in stages_of(workspace):
        if key_or_role in (stage.key, stage.role):
            return stage
    raise NotFound(f"the workspace has no sales stage {key_or_role[:40]!r}")


def set_stages(session: Session, *, workspace: Workspace, edits: Sequence[StageEdit]) -> None:
    """Replaces the workspace's stages with ``edits``, in their order. New, Won and Lost stay
    (renamed if wished); New comes first and Won and Lost last. The leads of a stage taken
    away move to New."""
    current = {stage.key: stage for stage in stages_of(workspace)}
    kept = _checked([_edited(current, edit, number) for number, edit in
                     enumerate(edits, start=1)])  # fmt: skip
    kept = _with_new_keys(kept, current)
    removed = [key for key in current if key not in {stage.key for stage in kept}]
    workspace.settings = {
        **(workspace.settings or {}), SETTING: [stage.as_setting() for stage in kept]
    }  # fmt: skip
    if removed:
        repository.move_all(session, workspace.id, from_keys=removed, to_key=kept[0].key)
    session.flush()


def _edited(current: dict[str, SalesStage], edit: StageEdit, number: int) -> SalesStage:
    name = " ".join((edit.name or "").split()) or None
    if name is not None and (len(name) > NAME_LENGTH or "\x00" in name):
        raise UnprocessableInput(f"stage {number}: a name is 1-{NAME_LENGTH} characters")
    if edit.key is None:
        if name is None:
            raise UnprocessableInput(f"stage {number}: a new stage needs a name")
        return SalesStage("", None, name)
    if edit.key not in current:
        raise UnprocessableInput(f"stage {number}: there is no stage {edit.key[:40]!r}")
    existing = current[edit.key]
    if name is None and existing.role is None:
        name = existing.name  # no built-in name to fall back on: it keeps its own
    return SalesStage(existing.key, existing.role, name)


def _checked(stages: list[SalesStage]) -> list[SalesStage]:
    if not 3 <= len(stages) <= MOST_STAGES:
        raise UnprocessableInput(f"between 3 and {MOST_STAGES} sales stages")
    keys = [stage.key for stage in stages if stage.key]
    if len(keys) != len(set(keys)):
        raise UnprocessableInput("a stage is listed once")
    names = [label.casefold() for stage in stages if (label := stage.name or stage.role)]
    if len(names) != len(set(names)):
        raise UnprocessableInput("two stages have the same name")
    roles = [stage.role for stage in stages]
    if missing := [role.value for role in REQUIRED if role not in roles]:
        raise UnprocessableInput(f"the {', '.join(missing)} stage stays (rename it if you wish)")
    if stages[0].role != StageRole.new:
        raise UnprocessableInput("the new stage comes first: leads arrive there")
    if {stage.role for stage in stages[-2:]} != set(CLOSED):
        raise UnprocessableInput("won and lost come last: they end a deal")
    return stages


def _with_new_keys(stages: list[SalesStage], current: dict[str, SalesStage]) -> list[SalesStage]:
    """New stages get a key never used in the workspace: a lead's key stays its stage."""
    taken = {*current, *(stage.key for stage in stages)}
    counter = 0
    keyed = []
    for stage in stages:
        while not stage.key:
            counter += 1
            if f"stage-{counter}" not in taken:
                stage = SalesStage(f"stage-{counter}", None, stage.name)
        keyed.append(stage)
    return keyed


def move(session: Session, *, workspace: Workspace, lead: Lead, to: SalesStage, actor: str) -> bool:
    """Puts the lead in ``to``: Won and Lost are its outcome, any other stage opens it again.
    Records the move on the timeline and the event log; False if it was there already."""
    before = stage_of(workspace, lead)
    if before.key == to.key:
        return False
    lead.sales_stage, lead.sales_stage_changed_at = to.key, utcnow()
    lead.outcome = to.role.value if to.closed and to.role else None
    session.add(
        Activity(
            workspace_id=workspace.id, lead_id=lead.id, kind="lead.sales_stage_changed",
            actor=actor, data={"from": before.key, "to": to.key},
        )
    )  # fmt: skip
    record(
        session, workspace.id, "lead.sales_stage_changed", lead_id=lead.id,
        sales_stage=to.key, previous=before.key, outcome=lead.outcome,
    )  # fmt: skip
    session.flush()
    return True


def move_lead(
    session: Session, *, workspace: Workspace, lead_id: int, stage: str, actor: str
) -> SalesStage:
    """Moves the workspace's lead ``lead_id`` to the stage of key or role ``stage``."""
    lead = repository.get_lead(session, workspace.id, lead_id)
    if lead is None:
        raise NotFound(f"lead {lead_id} not found")
    to = find_stage(workspace, stage)
    move(session, workspace=workspace, lead=lead, to=to, actor=actor)
    return to


def advance(session: Session, *, workspace: Workspace, lead: Lead, role: StageRole) -> bool:
    """Moves the lead on to the stage of ``role`` when something happened that means it (the
    agent answered, the lead turned hot, a meeting was booked): only forward, never out of a
    closed deal, and not at all if the workspace took that stage away."""
    stages = stages_of(workspace)
    target = next((stage for stage in stages if stage.role == role), None)
    current = stage_of(workspace, lead)
    if target is None or current.closed or stages.index(target) <= stages.index(current):
        return False
    return move(session, workspace=workspace, lead=lead, to=target, actor="leadflow")


def set_outcome(
    session: Session, *, workspace: Workspace, lead: Lead, outcome: str | None, actor: str
) -> None:
    """Won, lost, or open again (the last open stage, as a deal that came back): as a move."""
    stages = stages_of(workspace)
    if outcome is not None:
        to = next(stage for stage in stages if stage.role == outcome)
    elif stage_of(workspace, lead).closed:
        to = [stage for stage in stages if not stage.closed][-1]
    else:
        return
    move(session, workspace=workspace, lead=lead, to=to, actor=actor)
