"""Sales stages: a workspace's own list (built-in names in the reader's words, its own names
kept), edited within rules that keep leads somewhere sensible, and one function that moves a
lead, which makes Won and Lost the deal's outcome."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from leadflow.db import unit_of_work
from leadflow.exceptions import NotFound, UnprocessableInput
from leadflow.models import Activity, Lead, Workspace
from leadflow.sales import service as sales
from leadflow.sales.service import StageEdit, StageRole
from tests.builders import make_lead, make_workspace

DEFAULT_KEYS = ["new", "contacted", "qualified", "meeting", "won", "lost"]


def _keys(workspace: Workspace) -> list[str]:
    return [stage.key for stage in sales.stages_of(workspace)]


def _edit(workspace_id: int, *edits: StageEdit) -> Workspace:
    with unit_of_work() as session:
        workspace = session.get(Workspace, workspace_id)
        assert workspace is not None
        sales.set_stages(session, workspace=workspace, edits=list(edits))
    with unit_of_work(writes=False) as session:
        kept = session.get(Workspace, workspace_id)
        assert kept is not None
        session.expunge(kept)
        return kept


def test_a_new_workspace_has_the_default_stages_and_every_lead_starts_new(session, workspace):
    assert _keys(workspace) == DEFAULT_KEYS
    assert [stage.label for stage in sales.stages_of(workspace)] == [
        "New", "Contacted", "Qualified", "Meeting booked", "Won", "Lost",
    ]  # fmt: skip
    lead = make_lead(session, workspace)
    assert lead.sales_stage == "new"
    assert sales.lead_counts(session, workspace)["new"] == 1


def test_stages_are_renamed_added_reordered_and_taken_away_with_their_leads_moving_to_new(
    session, workspace
):
    lead = make_lead(session, workspace)
    with unit_of_work() as writer:
        sales.move_lead(writer, workspace=writer.get(Workspace, workspace.id), lead_id=lead.id,
                        stage="qualified", actor="tests")  # fmt: skip
    edited = _edit(
        workspace.id, StageEdit(key="new", name="Inbound"), StageEdit(name="Site visit"),
        StageEdit(key="contacted"), StageEdit(key="won"), StageEdit(key="lost", name="Lost"),
    )  # fmt: skip
    stages = sales.stages_of(edited)
    assert [s.label for s in stages] == ["Inbound", "Site visit", "Contacted", "Won", "Lost"]
    assert stages[1].key.startswith("stage-")
    assert stages[1].role is None
    assert stages[0].role == StageRole.new  # renamed, still the stage leads arrive in
    session.expire_all()
    assert session.get(Lead, lead.id).sales_stage == "new"  # type: ignore[union-attr]
    kept = [StageEdit(key=s.key) for s in stages]
    again = _edit(workspace.id, *kept[:2], StageEdit(name="Proposal"), *kept[2:])
    keys = _keys(again)
    assert keys[1] == stages[1].key  # a stage keeps its key however the list changes
    assert keys[2] not in {s.key for s in stages}


@pytest.mark.parametrize(
    ("edits", "words"),
    [
        ([StageEdit(key="new"), StageEdit(key="won")], "between 3"),
        ([StageEdit(key="new"), StageEdit(key="contacted"), StageEdit(key="won")],
         "lost stage stays"),
        ([StageEdit(key="contacted"), StageEdit(key="new"), StageEdit(key="won"),
          StageEdit(key="lost")], "new stage comes first"),
        ([StageEdit(key="new"), StageEdit(key="won"), StageEdit(key="contacted"),
          StageEdit(key="lost")], "won and lost come last"),
        ([StageEdit(key="new"), StageEdit(name="Won"), StageEdit(key="won"),
          StageEdit(key="lost")], "same name"),
        ([StageEdit(key="new"), StageEdit(key="new"), StageEdit(key="won"),
          StageEdit(key="lost")], "listed once"),
        ([StageEdit(key="new"), StageEdit(key="gone"), StageEdit(key="won"),
          StageEdit(key="lost")], "no stage 'gone'"),
        ([StageEdit(key="new"), StageEdit(name="x" * 41), StageEdit(key="won"),
          StageEdit(key="lost")], "1-40 characters"),
        ([StageEdit(key="new"), StageEdit(name="  "), StageEdit(key="won"),
          StageEdit(key="lost")], "needs a name"),
        ([StageEdit(key="new"), StageEdit(name="Won "), StageEdit(key="won", name="won"),
          StageEdit(key="lost")], "same name"),
    ],
)  # fmt: skip
def test_a_list_that_would_lose_leads_or_make_no_sense_is_refused_in_words(
    session, workspace, edits, words
):
    with pytest.raises(UnprocessableInput, match=words), unit_of_work() as writer:
        sales.set_stages(writer, workspace=writer.get(Workspace, workspace.id), edits=edits)
    session.refresh(workspace)
    assert _keys(workspace) == DEFAULT_KEYS


def test_moving_to_won_or_lost_is_the_outcome_and_moving_out_opens_the_deal_again(
    session, workspace
):
    lead = make_lead(session, workspace)
    with unit_of_work() as writer:
        here = writer.get(Workspace, workspace.id)
        assert sales.move_lead(writer, workspace=here, lead_id=lead.id, stage="won",
                               actor="user:1").role == StageRole.won  # fmt: skip
    session.expire_all()
    moved = session.get(Lead, lead.id)
    assert (moved.sales_stage, moved.outcome) == ("won", "won")  # type: ignore[union-attr]
    assert moved.sales_stage_changed_at is not None  # type: ignore[union-attr]
    with unit_of_work() as writer:
        here = writer.get(Workspace, workspace.id)
        sales.set_outcome(writer, workspace=here, lead=writer.get(Lead, lead.id), outcome=None,
                          actor="api")  # fmt: skip
    session.expire_all()
    reopened = session.get(Lead, lead.id)
    assert (reopened.sales_stage, reopened.outcome) == ("meeting", None)  # type: ignore[union-attr]
    moves = session.scalars(
        select(Activity.data).where(Activity.lead_id == lead.id,
                                    Activity.kind == "lead.sales_stage_changed")
        .order_by(Activity.id)
    ).all()  # fmt: skip
    assert moves == [{"from": "new", "to": "won"}, {"from": "won", "to": "meeting"}]


def test_a_lead_of_another_workspace_or_a_stage_not_there_is_not_found(session, workspace):
    stranger = make_lead(session, make_workspace(session))
    with pytest.raises(NotFound), unit_of_work() as writer:
        sales.move_lead(writer, workspace=writer.get(Workspace, workspace.id),
                        lead_id=stranger.id, stage="won", actor="tests")  # fmt: skip
    mine = make_lead(session, workspace)
    with pytest.raises(NotFound, match="no sales stage"), unit_of_work() as writer:
        sales.move_lead(writer, workspace=writer.get(Workspace, workspace.id),
                        lead_id=mine.id, stage="enriching", actor="tests")  # fmt: skip
    session.expire_all()
    assert session.get(Lead, stranger.id).sales_stage == "new"  # type: ignore[union-attr]


def test_advancing_goes_only_forward_never_out_of_a_closed_deal_nor_to_a_stage_taken_away(
    session, workspace
):
    lead = make_lead(session, workspace)

    def advance(role: StageRole) -> bool:
        with unit_of_work() as writer:
            return sales.advance(writer, workspace=writer.get(Workspace, workspace.id),
                                 lead=writer.get(Lead, lead.id), role=role)  # fmt: skip

    assert advance(StageRole.qualified)
    assert not advance(StageRole.contacted)  # behind where the deal stands
    assert advance(StageRole.meeting)
    with unit_of_work() as writer:
        sales.move_lead(writer, workspace=writer.get(Workspace, workspace.id), lead_id=lead.id,
                        stage="lost", actor="tests")  # fmt: skip
    assert not advance(StageRole.meeting)
    session.expire_all()
    assert session.get(Lead, lead.id).sales_stage == "lost"  # type: ignore[union-attr]
    _edit(workspace.id, StageEdit(key="new"), StageEdit(key="won"), StageEdit(key="lost"))
    other = make_lead(session, workspace)
    with unit_of_work() as writer:
        here, lead_there = writer.get(Workspace, workspace.id), writer.get(Lead, other.id)
        assert not sales.advance(writer, workspace=here, lead=lead_there, role=StageRole.contacted)
