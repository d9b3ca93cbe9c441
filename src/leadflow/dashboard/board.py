"""The board: a card per lead, live over server-sent events, in a column per sales stage of
the workspace, after a first column of the leads the automation is still working on (their
step and a progress bar on the card).

Each column counts all its leads and shows the most recent few, with more a click away, so a
workspace of thousands of leads opens as fast as an empty one. A card moves to another sales
stage by dragging it or with its Move button; the sales domain makes the move and records it.
Nothing is moved into the automation's column: the automation's steps are not a salesperson's."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Header, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from sse_starlette import EventSourceResponse
from starlette.concurrency import run_in_threadpool

from leadflow.conversations import repository as conversations
from leadflow.dashboard import i18n
from leadflow.dashboard.pages import ViewerDep, not_found, render, templates
from leadflow.db import get_sessionmaker
from leadflow.dependencies import SessionDep
from leadflow.events.stream import event_stream, starting_point
from leadflow.exceptions import LeadflowError
from leadflow.kit.schemas import MAX_ID, IdPath
from leadflow.leads import repository
from leadflow.leads.naming import display_name
from leadflow.leads.repository import LeadFilters
from leadflow.models import Lead, LeadStage, User, Workspace
from leadflow.pipeline.stages import FINAL
from leadflow.sales import service as sales
from leadflow.sales.service import SalesStage
from leadflow.workspaces import repository as workspaces

router = APIRouter()
IN_PIPELINE = "pipeline"  # the first column's key: the automation is at work on these leads
CARDS_PER_COLUMN = 25
TIERS = ("HOT", "WARM", "COLD")
SORT = "-updated_at"
_PIPELINE_EVENTS = frozenset({"lead.progress", "lead.stage_changed"})
PIPELINE_STAGES = frozenset(LeadStage)
_CARD_MESSAGES = frozenset({"message.received", "message.sent"})
# A live event older than this when the stream reads it means the stream is behind.
BEHIND_SECONDS = 3.0
# Channels (and ways in) the board has words for; any other is shown as it is stored.
CHANNELS = frozenset({"sms", "whatsapp", "email", "chat", "web form", "api", "import"})


@dataclass(frozen=True)
class BoardFilters:
    """What the person narrowed the board to, read leniently from the address: a value that
    makes no sense (an unknown tier, an owner that is not a number) is left out, not an error."""

    tier: str | None = None
    owner_id: int | None = None
    source: str | None = None
    q: str | None = None
    region: str | None = None  # the workspace's, to read a number searched for

    @classmethod
    def from_query(cls, params: Mapping[str, str], *, region: str) -> BoardFilters:
        tier = params.get("tier", "").upper()
        owner = params.get("owner", "").strip()
        return cls(
            tier=tier if tier in TIERS else None,
            owner_id=int(owner) if owner.isdigit() and int(owner) <= MAX_ID else None,
            source=_text(params.get("source"), 100),
            q=_text(params.get("q"), 200),
            region=region,
        )

    def leads(self, column: str | None = None) -> LeadFilters:
        """The leads of ``column`` (a sales stage's key, or IN_PIPELINE), or of every column."""
        in_pipeline = None if column is None else column == IN_PIPELINE
        return LeadFilters(
            sales_stage=None if column in (None, IN_PIPELINE) else column,
            in_pipeline=in_pipeline, score_tier=self.tier, owner_id=self.owner_id,
            source=self.source, q=self.q, region=self.region,
        )  # fmt: skip

    @property
    def query(self) -> str:
        """The filters as the address's query string (empty ones left out)."""
        values = {"tier": self.tier, "owner": self.owner_id, "source": self.source, "q": self.q}
        return urlencode({name: value for name, value in values.items() if value is not None})


def _text(value: str | None, longest: int) -> str | None:
    value = (value or "").strip()
    return value[:longest] if value and "\x00" not in value else None


@dataclass(frozen=True)
class Card:
    """A lead as its card shows it: on the live stream, with the pipeline's state as the stream's
    events last told it (see PipelineSeen)."""

    lead: Lead
    channel: str | None
    stage: str
    step: str | None
    progress: int
    error: str | None
    needs_person: bool = False  # a conversation of the lead's waits on a person

    @classmethod
    def of(cls, lead: Lead, channel: str | None, needs_person: bool = False) -> Card:
        return cls(
            lead=lead, channel=channel, stage=lead.stage, step=lead.pipeline_step,
            progress=lead.pipeline_progress, error=lead.pipeline_error,
            needs_person=needs_person,
        )  # fmt: skip

    def as_of(self, pipeline: Mapping[str, Any] | None) -> Card:
        """The card with the pipeline's state as the last pipeline event told it."""
        if pipeline is None:
            return self
        return replace(
            self,
            stage=pipeline["stage"],
            step=pipeline.get("step"),
            progress=int(pipeline.get("progress", self.progress)),
            error=pipeline.get("error", self.error),
        )

    @property
    def working(self) -> bool:
        """The pipeline is working on the lead: show its step and a progress bar."""
        return self.stage not in FINAL

    @property
    def column(self) -> str:
        """The board's column the card stands in."""
        return IN_PIPELINE if self.working else self.lead.sales_stage

    @property
    def name(self) -> str:
        return display_name(self.lead)


def took(milliseconds: int | None) -> tuple[str, str] | None:
    """A time to respond, in the unit that reads best: ("1.4", "seconds")."""
    if milliseconds is None:
        return None
    if milliseconds < 1_000:
        return str(milliseconds), "ms"
    if milliseconds < 60_000:
        return f"{milliseconds / 1_000:.1f}", "seconds"
    if milliseconds < 3_600_000:
        return str(milliseconds // 60_000), "minutes"
    return str(milliseconds // 3_600_000), "hours"


def card_tools() -> dict[str, Any]:
    """What the card template needs besides the card and the words."""
    return {
        "channels": CHANNELS,
        "took": took,
        "now": datetime.now(UTC),
        "in_pipeline": IN_PIPELINE,
    }


def columns_of(workspace: Workspace) -> list[str]:
    return [IN_PIPELINE, *(stage.key for stage in sales.stages_of(workspace))]


def stage_names(workspace: Workspace, language: str) -> dict[str, str]:
    """Each column's title in ``language``: a stage's own name, else its role's words."""
    names = {IN_PIPELINE: i18n.translate(language, "board.in_pipeline")}
    for stage in sales.stages_of(workspace):
        names[stage.key] = stage_name(stage, language)
    return names


def stage_name(stage: SalesStage, language: str) -> str:
    if stage.name or stage.role is None:
        return stage.name or stage.key
    return i18n.translate(language, f"sales.stage.{stage.role}")


# -- the page ----------------------------------------------------------------------------------


@router.get("/board")
def board(request: Request, viewer: ViewerDep, session: SessionDep) -> Response:
    """The board, or (to HTMX, as the filters change) just its columns."""
    filters = BoardFilters.from_query(request.query_params, region=viewer.workspace.default_region)
    workspace_id = viewer.workspace.id
    counts = _counts(session, workspace_id, filters)
    pages = {
        key: _page(session, workspace_id, filters, key, None)
        for key in columns_of(viewer.workspace)
    }
    shown = [c.lead for cards, _ in pages.values() for c in cards]
    channels, waiting = _channels(session, workspace_id, shown), _waiting(session, shown)
    columns = [
        _column(key, counts.get(key, 0), cards, more, channels, waiting)
        for key, (cards, more) in pages.items()
    ]
    template = "board/columns.html" if _wants_columns(request) else "board/index.html"
    return render(
        request, viewer, template, columns=columns, filters=filters, tiers=TIERS,
        owners=workspaces.members(session, workspace_id),
        sources=repository.sources(session, workspace_id),
        stage_names=stage_names(viewer.workspace, viewer.language),
        **card_tools(),
    )  # fmt: skip


def _counts(session: Session, workspace_id: int, filters: BoardFilters) -> dict[str, int]:
    return repository.count_by_column(
        session, workspace_id, filters.leads(), in_pipeline=IN_PIPELINE
    )


def _wants_columns(request: Request) -> bool:
    return bool(request.headers.get("hx-request")) and not request.headers.get(
        "hx-history-restore-request"
    )


def _page(
    session: Session, workspace_id: int, filters: BoardFilters, stage: str, cursor: str | None
) -> tuple[list[Card], str | None]:
    leads, more = repository.list_leads(
        session, workspace_id, filters.leads(stage), sort=SORT, limit=CARDS_PER_COLUMN,
        cursor=cursor,
    )  # fmt: skip
    return [Card.of(lead, None) for lead in leads], more


def _column(
    stage: str, count: int, cards: list[Card], more: str | None, channels: dict[int, str],
    waiting: set[int],
) -> dict[str, Any]:  # fmt: skip
    drawn = [
        replace(card, channel=channels.get(card.lead.id), needs_person=card.lead.id in waiting)
        for card in cards
    ]
    return {"stage": stage, "count": count, "cards": drawn, "more": more}


def _waiting(session: Session, leads: list[Lead]) -> set[int]:
    if not leads:
        return set()
    return conversations.waiting_lead_ids(
        session, leads[0].workspace_id, [lead.id for lead in leads]
    )


def _channels(session: Session, workspace_id: int, leads: list[Lead]) -> dict[int, str]:
    """Each lead's channel: the one it last spoke on, else the way it came in."""
    spoken = conversations.latest_channels(session, workspace_id, [lead.id for lead in leads])
    return {lead.id: spoken.get(lead.id) or _way_in(lead.origin) for lead in leads}


def _way_in(origin: str) -> str:
    return "import" if origin.startswith("import:") else origin


@router.get("/board/columns/{stage}")
def more_cards(
    stage: str, request: Request, viewer: ViewerDep, session: SessionDep, cursor: str = ""
) -> Response:
    """The next cards of a column, after the ones shown."""
    if stage not in columns_of(viewer.workspace):
        return not_found(request, viewer)
    filters = BoardFilters.from_query(request.query_params, region=viewer.workspace.default_region)
    try:
        cards, more = _page(session, viewer.workspace.id, filters, stage, cursor[:500] or None)
    except LeadflowError:  # a cursor that was not one of ours
        return HTMLResponse(viewer.t("board.bad_cursor"), status_code=400)
    leads = [card.lead for card in cards]
    channels = _channels(session, viewer.workspace.id, leads)
    column = _column(stage, 0, cards, more, channels, _waiting(session, leads))
    return render(
        request, viewer, "board/more.html", column=column, filters=filters,
        stage_names=stage_names(viewer.workspace, viewer.language), **card_tools(),
    )  # fmt: skip


# -- moving a card -----------------------------------------------------------------------------


@router.post("/board/leads/{lead_id}/stage")
def move_card(
    lead_id: IdPath,
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    stage: Annotated[str, Form(max_length=20)],
) -> Response:
    """Moves the lead to another sales stage, as the sales domain does it: the card comes back."""
    if stage not in columns_of(viewer.workspace)[1:]:
        return HTMLResponse(viewer.t("board.no_such_stage"), status_code=422)
    lead = repository.get_lead(session, viewer.workspace.id, lead_id)
    if lead is None:
        return not_found(request, viewer)
    sales.move_lead(
        session, workspace=viewer.workspace, lead_id=lead.id, stage=stage,
        actor=_actor(viewer.user),
    )  # fmt: skip
    channel = _channels(session, viewer.workspace.id, [lead]).get(lead.id)
    names = stage_names(viewer.workspace, viewer.language)
    card = Card.of(lead, channel, bool(_waiting(session, [lead])))
    return HTMLResponse(card_html(card, viewer.language, names))


def _actor(user: User) -> str:
    return f"user:{user.id}"


def card_html(card: Card, language: str, stage_names: dict[str, str]) -> str:
    """A card, as the board and its live updates draw it."""
    return templates.get_template("board/card.html").render(
        card=card, language=language, stage_names=stage_names,
        t=lambda key, **values: i18n.translate(language, key, **values), **card_tools(),
    )  # fmt: skip


# -- live --------------------------------------------------------------------------------------


@router.get("/board/stream")
async def board_stream(
    request: Request,
    viewer: ViewerDep,
    last_event_id: Annotated[str | None, Header(max_length=40)] = None,
) -> EventSourceResponse:
    """The board's changes as server-sent events: a lead's card each time it changes (or word
    that it left the board's filters), with the columns' counts. Resumes with Last-Event-ID."""
    filters = BoardFilters.from_query(request.query_params, region=viewer.workspace.default_region)
    after_id = await starting_point(viewer.workspace.id, last_event_id)
    changes = _board_changes(viewer.workspace.id, filters, viewer.language, after_id)
    return EventSourceResponse(changes, ping=15)


async def _board_changes(
    workspace_id: int, filters: BoardFilters, language: str, after_id: int
) -> AsyncIterator[dict[str, Any]]:
    """Each lead's event as its card; when the stream falls behind (an import of thousands, a
    long-lost connection resumed), old events are passed over and the board is told to draw
    itself again once the stream has caught up: one redraw, not a card for every event."""
    behind = False
    pipeline = PipelineSeen()
    async for event in event_stream(workspace_id, after_id):
        if "data" not in event:
            continue  # a keep-alive
        body = json.loads(event["data"])
        if _age(body) > BEHIND_SECONDS:
            behind = True
            continue
        if behind:
            behind = False
            yield {"id": event["id"], "event": "refresh", "data": "{}"}
            continue
        if not _redraws(event["event"]) or body.get("lead_id") is None:
            continue
        state = pipeline.note(int(body["lead_id"]), event["event"], body.get("data") or {})
        change = await run_in_threadpool(_change, workspace_id, filters, language, body, state)
        yield {"id": event["id"], **change}


def _redraws(event_type: str) -> bool:
    """The lead's card is drawn again: the lead changed, or a conversation of theirs did (a
    hand-off marks the card; a person taking it over clears the mark)."""
    return event_type.startswith(("lead.", "conversation.")) or event_type in _CARD_MESSAGES


class PipelineSeen:
    """The pipeline's state of each lead as this stream's events last told it. A card is drawn
    with it, not with the lead's row, which may be further on: its card moves column by column
    in the order of the events, never ahead and then back."""

    REMEMBERED = 1_000

    def __init__(self) -> None:
        self.states: dict[int, dict[str, Any]] = {}

    def note(self, lead_id: int, event_type: str, data: Mapping[str, Any]) -> dict[str, Any] | None:
        if event_type == "lead.created":  # a new lead starts at the start, wherever it is now
            self._keep(lead_id, {"stage": LeadStage.harvested.value, "progress": 0, "error": None})
        elif event_type in _PIPELINE_EVENTS and data.get("stage") in PIPELINE_STAGES:
            self._keep(lead_id, dict(data))
        return self.states.get(lead_id)

    def _keep(self, lead_id: int, state: dict[str, Any]) -> None:
        self.states.pop(lead_id, None)
        self.states[lead_id] = state
        if len(self.states) > self.REMEMBERED:
            del self.states[next(iter(self.states))]


def _age(body: dict[str, Any]) -> float:
    occurred = datetime.fromisoformat(body["occurred_at"])
    aware = occurred if occurred.tzinfo else occurred.replace(tzinfo=UTC)
    return (datetime.now(UTC) - aware).total_seconds()


def _change(
    workspace_id: int,
    filters: BoardFilters,
    language: str,
    body: dict[str, Any],
    pipeline: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """What the board does with a lead's event: draw its card, or take it off."""
    lead_id = int(body["lead_id"])
    with get_sessionmaker(writes=False)() as session:
        counts = _counts(session, workspace_id, filters)
        lead = repository.get_lead(session, workspace_id, lead_id)
        shown = lead is not None and repository.matching_lead_ids(
            session, workspace_id, filters.leads(), [lead_id]
        )
        if lead is None or not shown:
            return {"event": "gone", "data": json.dumps({"lead_id": lead_id, "counts": counts})}
        channel = _channels(session, workspace_id, [lead]).get(lead_id)
        card = Card.of(lead, channel, bool(_waiting(session, [lead]))).as_of(pipeline)
        workspace = session.get(Workspace, workspace_id)
        names = stage_names(workspace, language) if workspace is not None else {}
        html = card_html(card, language, names)
    message = {"lead_id": lead_id, "stage": card.column, "html": html, "counts": counts}
    return {"event": "card", "data": json.dumps(message)}
