"""The public web form: a business's own site posts its enquiries straight into leadflow."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.orm import Session

from leadflow.config import get_settings
from leadflow.conversations.service import Inbound, take_message
from leadflow.exceptions import NotFound, UnprocessableInput
from leadflow.identity.drafts import draft_from_fields
from leadflow.identity.service import IntakeOutcome, intake
from leadflow.imports.columns import ColumnMap
from leadflow.kit.ratelimit import Rate, enforce
from leadflow.leads.service import announce_arrivals
from leadflow.models import Lead, Workspace
from leadflow.scoring.pipeline_steps import written_by
from leadflow.workspaces.repository import workspace_by_form_token

HONEYPOT_FIELD = "leadflow_hp"  # hidden from people by the form's CSS; bots fill it in
MAX_FORM_FIELDS = 100


def form_workspace(session: Session, form_token: str) -> Workspace:
    workspace = workspace_by_form_token(session, form_token) if len(form_token) <= 64 else None
    if workspace is None:
        raise NotFound("no form with this token")
    return workspace


def check_rate(form_token: str, address: str) -> None:
    """Raises TooManyRequests once an address posts to a form faster than the settings allow."""
    rate = Rate("form", get_settings().form_rate_limit_per_minute)
    enforce(rate, form_token, address, message="too many submissions from this address; "
            "try again shortly")  # fmt: skip


def is_bot(submission: Mapping[str, str]) -> bool:
    return bool(submission.get(HONEYPOT_FIELD, "").strip())


def take_submission(
    session: Session, *, workspace: Workspace, submission: Mapping[str, str]
) -> IntakeOutcome:
    """A form's fields, named however the site named them, taken as a lead."""
    fields = {k: v for k, v in submission.items() if k != HONEYPOT_FIELD}
    if len(fields) > MAX_FORM_FIELDS:
        raise UnprocessableInput(f"a form may send at most {MAX_FORM_FIELDS} fields")
    header = list(fields)
    columns = ColumnMap.from_header(header)
    canonical, custom = columns.split(list(fields.values()))
    if not canonical.get("source"):
        canonical["source"] = "web form"
    draft = draft_from_fields(canonical, region=workspace.default_region, custom_fields=custom)
    (outcome,) = intake(session, workspace.id, [draft], via="web form", actor="web form")
    announce_arrivals(session, workspace.id, [outcome], via="web form")
    _answer_what_they_wrote(session, workspace, outcome.lead_id)
    return outcome


def _answer_what_they_wrote(session: Session, workspace: Workspace, lead_id: int) -> None:
    """A form's message is the lead's first message: the agent answers it on the channel the
    lead gave (email first, else SMS)."""

    lead = session.get(Lead, lead_id)
    assert lead is not None
    written = written_by(lead)
    channel, address = ("email", lead.email) if lead.email else ("sms", lead.phone)
    if not written or not address:
        return
    inbound = Inbound(
        channel=channel, sender=address, body=written[-1][:4000], provider="form", verified=False
    )
    take_message(session, workspace, lead, inbound)
