"""The board: the automation's column, then a column per sales stage; cards that say what a
salesperson needs, filters, moving a card to another sales stage (CSRF-checked, within the
workspace), and its live stream of cards."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node
from sqlalchemy import select, update

from leadflow.dashboard.board import CARDS_PER_COLUMN, PipelineSeen
from leadflow.db import get_sessionmaker, unit_of_work
from leadflow.models import Activity, Event, Lead, User, Workspace
from leadflow.sales import service as sales
from leadflow.sales.service import StageEdit
from tests.builders import make_api_key, make_conversation, make_lead, make_workspace, unique
from tests.dashboard.support import PASSWORD, Browser, csrf_of, make_person


def board_lead(session: Any, workspace: Workspace, **columns: Any) -> Lead:
    """A lead with a name and company, its other columns set as the pipeline would set them."""
    fields = {k: columns.pop(k) for k in ("first_name", "last_name", "company", "source")
              if k in columns}  # fmt: skip
    # A company is known by its email domain too: each company here has its own.
    domain = "".join(fields.get("company", "example").lower().split()) + ".example"
    # Written in a transaction of its own, taken up front: a live server may be writing too,
    # and a session that has read cannot become a writer once another has committed.
    with unit_of_work() as writer:
        made = make_lead(writer, writer.get(Workspace, workspace.id),
                         email=f"{unique('lead')}@{domain}", **fields)  # fmt: skip
        lead_id = made.id
        if columns:
            writer.execute(update(Lead).where(Lead.id == lead_id).values(**columns))
    lead = session.get(Lead, lead_id)
    assert lead is not None
    return lead


def _card(html: str, lead_id: int) -> Node | None:
    return HTMLParser(html).css_first(f"#lead-{lead_id}")


def _column_of(html: str, lead_id: int) -> str | None:
    card = _card(html, lead_id)
    return card.parent.attributes.get("data-stage") if card and card.parent else None


def test_a_card_shows_the_lead_company_tier_score_channel_speed_and_progress(
    client, session, workspace
):
    lead = board_lead(
        session, workspace, first_name="Noura", last_name="Hassan", company="Cedar Realty",
        stage="qualifying", score=87, score_tier="HOT", pipeline_step="scoring the lead",
        pipeline_progress=55, first_message_at=datetime.now(UTC) - timedelta(minutes=5),
        first_response_ms=1400,
    )  # fmt: skip
    page = Browser(client, make_person(workspace)).get("/board").text
    card = _card(page, lead.id)
    assert card is not None
    text = " ".join(card.text().split())
    assert "Noura Hassan" in text
    assert "Cedar Realty" in text
    assert "Hot · 87" in text
    assert "tests" in text  # the way it came in, as it has no conversation yet
    assert "First message 5 minutes ago" in text
    assert "Answered in 1.4 s" in text
    assert "scoring the lead" in text
    assert card.css_first('[role="progressbar"]').attributes["aria-valuenow"] == "55"
    assert _column_of(page, lead.id) == "pipeline"
    assert card.css_first("[data-move-lead]") is None  # the automation's, until it is done


def test_a_card_without_a_name_shows_the_email_and_a_waiting_first_response(
    client, session, workspace
):
    lead = board_lead(
        session,
        workspace,
        stage="completed",
        first_message_at=datetime.now(UTC) - timedelta(hours=2),
    )
    page = Browser(client, make_person(workspace)).get("/board").text
    text = " ".join(_card(page, lead.id).text().split())  # type: ignore[union-attr]
    assert lead.email in text
    assert "First message 2 hours ago" in text
    assert "Not answered yet" in text
    assert 'role="progressbar"' not in _card(page, lead.id).html  # type: ignore[union-attr]


def test_a_column_counts_all_its_leads_and_shows_the_most_recent_with_more_a_click_away(
    client, session, workspace
):
    leads = [board_lead(session, workspace) for _ in range(CARDS_PER_COLUMN + 3)]
    browser = Browser(client, make_person(workspace))
    page = HTMLParser(browser.get("/board").text)
    column = page.css_first('section[data-stage="pipeline"]')
    assert column.css_first("[data-count]").text() == str(len(leads))
    assert len(column.css(".lead-card")) == CARDS_PER_COLUMN
    more = column.css_first("#more-pipeline a").attributes["hx-get"]
    rest = browser.get(more)
    assert rest.status_code == 200
    shown = {int(card.attributes["data-lead-id"]) for card in column.css(".lead-card")}
    shown |= {int(c.attributes["data-lead-id"]) for c in HTMLParser(rest.text).css(".lead-card")}
    assert shown == {lead.id for lead in leads}
    assert browser.get("/board/columns/nowhere").status_code == 404
    assert browser.get("/board/columns/pipeline?cursor=not-a-cursor").status_code == 400
    assert browser.get("/board/columns/new").status_code == 200


def test_the_filters_narrow_the_board_by_tier_owner_source_and_search(client, session, workspace):
    email = make_person(workspace)
    browser = Browser(client, email)
    owner_id = session.scalar(select(User.id).where(User.email == email))
    hot = board_lead(
        session, workspace, company="Helix Analytics", source="ads", score_tier="HOT", score=90,
        owner_id=owner_id,
    )  # fmt: skip
    cold = board_lead(
        session, workspace, company="Oasis Foods", source="referral", score_tier="COLD", score=12
    )
    for query, shown, hidden in [
        ("tier=HOT", hot, cold), (f"owner={owner_id}", hot, cold),
        ("source=referral", cold, hot), ("q=oasis", cold, hot),
    ]:  # fmt: skip
        page = browser.get(f"/board?{query}").text
        assert _card(page, shown.id) is not None, query
        assert _card(page, hidden.id) is None, query
    fragment = browser.get("/board?tier=COLD", headers={"HX-Request": "true"}).text
    assert fragment.lstrip().startswith('<div class="board" id="board-columns"')
    assert 'data-stream="/board/stream?tier=COLD"' in fragment
    nonsense = browser.get(f"/board?tier=LUKEWARM&owner={10**30}&q=%00")
    assert nonsense.status_code == 200
    assert _card(nonsense.text, hot.id) is not None
    assert _card(nonsense.text, cold.id) is not None


def test_the_columns_are_the_automation_then_the_workspaces_sales_stages_in_its_words(
    client, session, workspace
):
    with unit_of_work() as writer:
        sales.set_stages(
            writer, workspace=writer.get(Workspace, workspace.id),
            edits=[StageEdit(key="new"), StageEdit(name="Site visit"),
                   StageEdit(key="won", name="Signed"), StageEdit(key="lost")],
        )  # fmt: skip
    browser = Browser(client, make_person(workspace))
    page = HTMLParser(browser.get("/board").text)
    titles = [" ".join(h.css_first("span").text().split()) for h in page.css(".board-column h2")]
    assert titles == ["Harvesting & enriching", "New", "Site visit", "Signed", "Lost"]
    browser.post("/language", data={"language": "ar"})
    arabic = HTMLParser(browser.get("/board").text)
    titles = [" ".join(h.css_first("span").text().split()) for h in arabic.css(".board-column h2")]
    assert titles == ["الاستقطاب والإثراء", "جديد", "Site visit", "Signed", "خسارة"]


def test_moving_a_card_changes_its_sales_stage_through_the_sales_domain(client, session, workspace):
    lead = board_lead(session, workspace, stage="completed", pipeline_progress=100)
    browser = Browser(client, make_person(workspace))
    assert _column_of(browser.get("/board").text, lead.id) == "new"
    moved = browser.post(f"/board/leads/{lead.id}/stage", data={"stage": "contacted"})
    assert moved.status_code == 200, moved.text
    assert 'data-stage="contacted"' in moved.text
    with get_sessionmaker(writes=False)() as reader:
        kept = reader.get(Lead, lead.id)
        assert (kept.sales_stage, kept.stage) == ("contacted", "completed")  # type: ignore[union-attr]
        activity = reader.scalars(select(Activity).where(Activity.lead_id == lead.id)).one()
        assert activity.kind == "lead.sales_stage_changed"
        assert activity.actor.startswith("user:")
        event = reader.scalars(select(Event).where(Event.lead_id == lead.id)).one()
        assert (event.type, event.data) == (
            "lead.sales_stage_changed",
            {"sales_stage": "contacted", "previous": "new", "outcome": None},
        )  # fmt: skip
    assert _column_of(browser.get("/board").text, lead.id) == "contacted"
    assert browser.post(f"/board/leads/{lead.id}/stage", data={"stage": "won"}).status_code == 200
    with get_sessionmaker(writes=False)() as reader:
        assert reader.get(Lead, lead.id).outcome == "won"  # type: ignore[union-attr]


def test_a_move_is_refused_without_csrf_for_another_workspace_or_to_no_stage(
    client, session, workspace
):
    lead = board_lead(session, workspace)
    stranger = board_lead(session, make_workspace(session))
    browser = Browser(client, make_person(workspace))
    forged = client.post(f"/board/leads/{lead.id}/stage", data={"stage": "won"})
    assert forged.status_code == 403
    elsewhere = browser.post(f"/board/leads/{stranger.id}/stage", data={"stage": "won"})
    assert elsewhere.status_code == 404
    unknown = browser.post(f"/board/leads/{lead.id + 10**9}/stage", data={"stage": "won"})
    assert unknown.status_code == 404
    too_big = browser.post(f"/board/leads/{10**30}/stage", data={"stage": "won"})
    assert too_big.status_code == 422
    for nowhere in ("somewhere", "pipeline", "enriching"):
        refused = browser.post(f"/board/leads/{lead.id}/stage", data={"stage": nowhere})
        assert refused.status_code == 422
        assert "no such sales stage" in refused.text
    assert browser.post(f"/board/leads/{lead.id}/stage", data={}).status_code == 422
    with get_sessionmaker(writes=False)() as reader:
        for kept in (reader.get(Lead, lead.id), reader.get(Lead, stranger.id)):
            assert (kept.stage, kept.sales_stage, kept.outcome) == ("harvested", "new", None)  # type: ignore[union-attr]


def _server_sent(response: httpx.Response) -> Iterator[tuple[str, str, dict[str, Any]]]:
    fields: dict[str, str] = {}
    for line in response.iter_lines():
        if line:
            name, _, value = line.partition(":")
            if name:  # a line starting with ":" is a comment (keep-alive)
                fields[name] = value.removeprefix(" ")
            continue
        if "data" in fields:
            yield fields.get("id", ""), fields.get("event", ""), json.loads(fields["data"])
        fields = {}


def _signed_in(http: httpx.Client, email: str) -> None:
    signed = http.post("/signin", data={"email": email, "password": PASSWORD})
    assert signed.status_code == 303, signed.text


def test_the_stream_sends_a_new_leads_card_as_it_moves_through_the_stages(
    live_server, session, workspace
):
    key = make_api_key(session, workspace)
    email = make_person(workspace)
    timeout = httpx.Timeout(15.0)
    with httpx.Client(base_url=live_server, timeout=timeout) as http:
        _signed_in(http, email)
        with http.stream("GET", "/board/stream") as live:
            assert live.headers["content-type"].startswith("text/event-stream")
            created = http.post(
                "/api/v1/leads", json={"email": "streamed@example.com", "company": "Iron Works"},
                headers={"Authorization": f"Bearer {key}"},
            )  # fmt: skip
            assert created.status_code == 201, created.text
            lead_id = created.json()["lead"]["id"]
            cards = list(_cards_until_completed(_server_sent(live), lead_id))
    assert "streamed@example.com" in cards[0][2]["html"]
    assert "Iron Works" in cards[0][2]["html"]
    columns = [body["stage"] for _, _, body in cards]
    assert columns[0] == "pipeline"
    assert columns[-1] == "new"  # done: the lead lands in its sales stage
    assert len(columns) > 2  # the card showed the automation's steps on the way
    assert 'role="progressbar"' in cards[0][2]["html"]
    assert cards[-1][2]["counts"]["new"] == 1
    ids = [int(event_id) for event_id, _, _ in cards]
    assert ids == sorted(ids)


def _cards_until_completed(
    events: Iterator[tuple[str, str, dict[str, Any]]], lead_id: int
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for event in events:
        if event[1] == "card" and event[2]["lead_id"] == lead_id:
            yield event
            if event[2]["stage"] != "pipeline":
                return


def test_the_stream_resumes_after_an_id_and_says_when_a_lead_leaves_the_filters(
    live_server, session, workspace
):
    lead = board_lead(session, workspace)
    with unit_of_work() as writer:
        last = writer.scalar(select(Event.id).order_by(Event.id.desc()).limit(1)) or 0
    email = make_person(workspace)
    with httpx.Client(base_url=live_server, timeout=httpx.Timeout(15.0)) as http:
        _signed_in(http, email)
        browser_csrf = _csrf(http)
        moved = http.post(
            f"/board/leads/{lead.id}/stage", data={"stage": "won"},
            headers={"X-CSRF-Token": browser_csrf},
        )  # fmt: skip
        assert moved.status_code == 200, moved.text
        resume = {"Last-Event-ID": str(last)}
        with http.stream("GET", "/board/stream?tier=HOT", headers=resume) as live:
            event_id, kind, body = next(_server_sent(live))
    assert int(event_id) > last
    assert (kind, body["lead_id"]) == ("gone", lead.id)
    assert body["counts"] == {}


def _csrf(http: httpx.Client) -> str:
    token = csrf_of(http.get("/board").text)
    assert token
    return token


def test_a_stream_far_behind_passes_over_old_events_and_redraws_the_board_once(
    live_server, session, workspace
):
    lead = board_lead(session, workspace)
    long_ago = datetime.now(UTC) - timedelta(minutes=10)
    with unit_of_work() as writer:
        last = writer.scalar(select(Event.id).order_by(Event.id.desc()).limit(1)) or 0
        writer.add_all(
            Event(workspace_id=workspace.id, type="lead.progress", lead_id=lead.id,
                  data={"stage": "enriching", "progress": n}, occurred_at=long_ago)
            for n in range(50)
        )  # fmt: skip
    email = make_person(workspace)
    with httpx.Client(base_url=live_server, timeout=httpx.Timeout(15.0)) as http:
        _signed_in(http, email)
        moved = http.post(
            f"/board/leads/{lead.id}/stage", data={"stage": "won"},
            headers={"X-CSRF-Token": _csrf(http)},
        )  # fmt: skip
        assert moved.status_code == 200, moved.text
        with http.stream("GET", "/board/stream", headers={"Last-Event-ID": str(last)}) as live:
            event_id, kind, _ = next(_server_sent(live))
    with get_sessionmaker(writes=False)() as reader:
        newest = reader.scalar(select(Event.id).where(Event.lead_id == lead.id).order_by(
            Event.id.desc()).limit(1))  # fmt: skip
    assert (kind, int(event_id)) == ("refresh", newest)


def test_the_stream_draws_a_card_at_the_stage_its_events_last_told():
    seen = PipelineSeen()
    assert seen.note(7, "lead.score_changed", {"score": 40}) is None  # the lead's row, then
    assert seen.note(7, "lead.created", {"origin": "api"})["stage"] == "harvested"  # type: ignore[index]
    seen.note(
        7, "lead.progress", {"stage": "qualifying", "step": "scoring the lead", "progress": 45}
    )
    later = seen.note(7, "lead.score_changed", {"score": 80})
    assert later == {"stage": "qualifying", "step": "scoring the lead", "progress": 45}
    assert seen.note(7, "lead.stage_changed", {"stage": "nowhere"}) == later
    for lead_id in range(PipelineSeen.REMEMBERED + 5):
        seen.note(100 + lead_id, "lead.created", {})
    assert len(seen.states) == PipelineSeen.REMEMBERED
    assert seen.note(7, "lead.hot", {}) is None  # forgotten: the row tells it again


def test_in_arabic_a_card_shows_its_tier_and_how_long_ago_in_arabic(client, session, workspace):
    lead = board_lead(
        session, workspace, company="Najd Homes", score=87, score_tier="HOT",
        first_message_at=datetime.now(UTC) - timedelta(hours=2, minutes=1),
    )  # fmt: skip
    browser = Browser(client, make_person(workspace))
    browser.post("/language", data={"language": "ar"})
    page = browser.get("/board").text
    text = " ".join(_card(page, lead.id).text().split())  # type: ignore[union-attr]
    assert "ساخن · 87" in text
    assert "قبل ساعتين" in text
    assert "HOT" not in text


def test_a_lead_whose_conversation_waits_on_a_person_is_marked_on_its_card(
    client, session, workspace
):
    waiting = board_lead(session, workspace, stage="completed")
    answered = board_lead(session, workspace, stage="completed")
    with unit_of_work() as writer:
        make_conversation(writer, writer.get(Lead, waiting.id), ("in", "call me please", 5),
                          handled_by="person")  # fmt: skip
        make_conversation(
            writer, writer.get(Lead, answered.id), ("in", "hi", 5), ("out", "hello", 4)
        )
    browser = Browser(client, make_person(workspace))
    page = browser.get("/board").text
    assert "Needs a person" in _card(page, waiting.id).text()  # type: ignore[union-attr]
    assert "Needs a person" not in _card(page, answered.id).text()  # type: ignore[union-attr]
    browser.post("/language", data={"language": "ar"})
    arabic = browser.get("/board").text
    assert "بحاجة إلى موظف" in _card(arabic, waiting.id).text()  # type: ignore[union-attr]
