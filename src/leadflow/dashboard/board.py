"""The board: a column per pipeline stage, a card per lead, live over server-sent events.

Each column counts all its leads and shows the most recent few, with more a click away, so a
workspace of thousands of leads opens as fast as an empty one. A card moves to another column
by dragging it or with its Move button; the leads domain makes the change and records it."""

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
from leadflow.exceptions import LeadflowError, NotFound
from leadflow.kit.schemas import MAX_ID, IdPath
from leadflow.leads import repository
from leadflow.leads import service as leads
from leadflow.leads.naming import display_name
from leadflow.leads.repository import LeadFilters
from leadflow.leads.schemas import LeadUpdate
from leadflow.models import Lead, LeadStage, User
from leadflow.pipeline.stages import FINAL, ORDER
from leadflow.workspaces import repository as workspaces

router = APIRouter()
COLUMNS = (*ORDER, LeadStage.failed)
CARDS_PER_COLUMN = 25
TIERS = ("HOT", "WARM", "COLD")
SORT = "-updated_at"
_PIPELINE_EVENTS = frozenset({"lead.progress", "lead.stage_changed"})
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

    def leads(self, stage: str | None = None) -> LeadFilters:
        return LeadFilters(
            stage=stage, score_tier=self.tier, owner_id=self.owner_id, source=self.source,
            q=self.q, region=self.region,
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

    @classmethod
    def of(cls, lead: Lead, channel: str | None) -> Card:
        return cls(
            lead=lead, channel=channel, stage=lead.stage, step=lead.pipeline_step,
            progress=lead.pipeline_progress, error=lead.pipeline_error,
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
        return self.stage not in FINAL and (self.step is not None or self.progress > 0)

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
    return {"stages": COLUMNS, "channels": CHANNELS, "took": took,
            "now": datetime.now(UTC)}  # fmt: skip


# -- the page ----------------------------------------------------------------------------------


@router.get("/board")
def board(request: Request, viewer: ViewerDep, session: SessionDep) -> Response:
    """The board, or (to HTMX, as the filters change) just its columns."""
    filters = BoardFilters.from_query(request.query_params, region=viewer.workspace.default_region)
    workspace_id = viewer.workspace.id
    counts = repository.count_by_stage(session, workspace_id, filters.leads())
    pages = {stage: _page(session, workspace_id, filters, stage, None) for stage in COLUMNS}
    channels = _channels(
        session, workspace_id, [c.lead for cards, _ in pages.values() for c in cards]
    )
    columns = [
        _column(stage, counts.get(stage, 0), cards, more, channels)
        for stage, (cards, more) in pages.items()
    ]
    template = "board/columns.html" if _wants_columns(request) else "board/index.html"
    return render(
        request, viewer, template, columns=columns, filters=filters, tiers=TIERS,
        owners=workspaces.members(session, workspace_id),
        sources=repository.sources(session, workspace_id),
        **card_tools(),
    )  # fmt: skip


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
    stage: str, count: int, cards: list[Card], more: str | None, channels: dict[int, str]
) -> dict[str, Any]:
    with_channels = [replace(card, channel=channels.get(card.lead.id)) for card in cards]
    return {"stage": stage, "count": count, "cards": with_channels, "more": more}


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
    if stage not in COLUMNS:
        return not_found(request, viewer)
    filters = BoardFilters.from_query(request.query_params, region=viewer.workspace.default_region)
    try:
        cards, more = _page(session, viewer.workspace.id, filters, stage, cursor[:500] or None)
    except LeadflowError:  # a cursor that was not one of ours
        return HTMLResponse(viewer.t("board.bad_cursor"), status_code=400)
    channels = _channels(session, viewer.workspace.id, [card.lead for card in cards])
    column = _column(stage, 0, cards, more, channels)
    return render(
        request, viewer, "board/more.html", column=column, filters=filters, **card_tools()
    )


# -- moving a card -----------------------------------------------------------------------------


@router.post("/board/leads/{lead_id}/stage")
def move_card(
    lead_id: IdPath,
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    stage: Annotated[str, Form(max_length=20)],
) -> Response:
    """Moves the lead to another stage, as the leads domain does it: the card comes back."""
    if stage not in COLUMNS:
        message = viewer.t("board.no_such_stage")
        return HTMLResponse(message, status_code=422)
    try:
        lead = leads.update_lead(
            session, workspace=viewer.workspace, lead_id=lead_id,
            changes=LeadUpdate(stage=LeadStage(stage)), actor=_actor(viewer.user),
        )  # fmt: skip
    except NotFound:
        return not_found(request, viewer)
    except LeadflowError as refused:
        return HTMLResponse(refused.message, status_code=refused.status)
    channel = _channels(session, viewer.workspace.id, [lead]).get(lead.id)
    return HTMLResponse(card_html(Card.of(lead, channel), viewer.language))


def _actor(user: User) -> str:
    return f"user:{user.id}"


def card_html(card: Card, language: str) -> str:
    """A card, as the board and its live updates draw it."""
    return templates.get_template("board/card.html").render(
        card=card, language=language,
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
        if not event["event"].startswith("lead.") or body.get("lead_id") is None:
            continue
        state = pipeline.note(int(body["lead_id"]), event["event"], body.get("data") or {})
        change = await run_in_threadpool(_change, workspace_id, filters, language, body, state)
        yield {"id": event["id"], **change}


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
        elif event_type in _PIPELINE_EVENTS and data.get("stage") in COLUMNS:
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
        counts = repository.count_by_stage(session, workspace_id, filters.leads())
        lead = repository.get_lead(session, workspace_id, lead_id)
        shown = lead is not None and repository.matching_lead_ids(
            session, workspace_id, filters.leads(), [lead_id]
        )
        if lead is None or not shown:
            return {"event": "gone", "data": json.dumps({"lead_id": lead_id, "counts": counts})}
        channel = _channels(session, workspace_id, [lead]).get(lead_id)
        card = Card.of(lead, channel).as_of(pipeline)
        html = card_html(card, language)
    message = {"lead_id": lead_id, "stage": card.stage, "html": html, "counts": counts}
    return {"event": "card", "data": json.dumps(message)}
