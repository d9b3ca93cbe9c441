"""Scoring's part in the lead pipeline: the qualifying stage reads what the lead wrote, then
scores the lead."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from leadflow.leads.qualification import QualificationSource, claim
from leadflow.models import Activity, Company, Lead, LeadStage, Workspace
from leadflow.models.base import utcnow
from leadflow.pipeline.stages import step
from leadflow.providers.metering import Metered
from leadflow.providers.service import llm_for, scorer_for
from leadflow.scoring import external
from leadflow.scoring.fit import facts_of
from leadflow.scoring.qualification import Engine, Qualification, qualify
from leadflow.scoring.service import score
from leadflow.workspaces.questions import services as workspace_services

# Form and CRM fields in which people write to the business, by the names sites give them.
WRITTEN_FIELDS = frozenset(
    {"message", "notes", "note", "comments", "comment", "description", "enquiry", "inquiry",
     "details", "question", "requirements", "project", "رسالة", "ملاحظات"}
)  # fmt: skip


def written_by(lead: Lead) -> list[str]:
    """What the lead wrote to the business so far (conversations add their messages later)."""
    return [
        str(value)
        for name, value in (lead.custom_fields or {}).items()
        if name.casefold() in WRITTEN_FIELDS and isinstance(value, str) and value.strip()
    ]


@dataclass(frozen=True)
class Reading:
    """What the lead wrote, as read (by the LLM, or the rules), and what the LLM spent."""

    messages: int
    qualification: Qualification
    engine: Engine
    spent: Metered | None


def read(reader: Session, lead: Lead) -> Reading | None:
    """Reads what the lead wrote, asking the workspace's LLM (which takes seconds) before the
    stage's transaction begins."""
    messages = written_by(lead)
    if not messages:
        return None
    workspace = reader.get(Workspace, lead.workspace_id)
    services = workspace_services(workspace) if workspace else []
    metered = llm_for(reader, lead.workspace_id)
    qualification, engine = qualify(messages, now=utcnow(), services=services, llm=metered)
    return Reading(len(messages), qualification, engine, metered)


@step(LeadStage.qualifying, "reading what the lead wrote", prepare=read)
def read_what_the_lead_wrote(session: Session, lead: Lead, reading: Reading | None) -> str | None:
    if reading is None:
        return None
    if reading.spent is not None:
        reading.spent.account(session, lead.workspace_id)
    claim(
        lead, QualificationSource.conversation, reading.qualification.model_dump(mode="json"),
        by=f"pipeline:{reading.engine}",
    )  # fmt: skip
    return f"read {reading.messages} message(s) ({reading.engine})"


@dataclass(frozen=True)
class Asked:
    """What the external scorer said (or why it said nothing), and what asking it spent."""

    said: dict[str, Any]
    spent: Metered


def ask_the_external_scorer(reader: Session, lead: Lead) -> Asked | None:
    """Asks the workspace's external scorer, if it connected one, before the stage's
    transaction begins (a flow takes seconds)."""
    spent = scorer_for(reader, lead.workspace_id)
    if spent is None:
        return None
    company = reader.get(Company, lead.company_id) if lead.company_id else None
    return Asked(external.ask(spent, facts_of(lead, company), written_by(lead)), spent)


@step(LeadStage.qualifying, "asking the external scorer", prepare=ask_the_external_scorer)
def keep_what_the_external_scorer_said(
    session: Session, lead: Lead, asked: Asked | None
) -> str | None:
    if asked is None:
        return None
    asked.spent.account(session, lead.workspace_id)
    session.add(
        Activity(
            workspace_id=lead.workspace_id, lead_id=lead.id, kind=external.ACTIVITY,
            actor=external.PROVIDER, data=asked.said,
        )
    )  # fmt: skip
    session.flush()  # the next step scores the lead from its timeline
    return external.said_in_words(asked.said)


@step(LeadStage.qualifying, "scoring the lead")
def score_the_lead(session: Session, lead: Lead) -> str | None:
    verdict = score(session, lead)
    return f"scored {verdict.score} ({verdict.tier})"
