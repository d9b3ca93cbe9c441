"""Intake with a judge: what it decides of each new lead goes in the lead's own INSERT."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from leadflow.identity.drafts import draft_from_fields
from leadflow.identity.service import Intake, NewLead
from leadflow.models import Lead


class TitleJudge:
    """Scores a lead by the length of its title; a lead without a title it cannot judge."""

    columns = ("score", "stage")

    def __init__(self) -> None:
        self.seen: list[NewLead] = []

    def __call__(self, leads: Sequence[NewLead]) -> list[tuple[Any, ...] | None]:
        self.seen.extend(leads)
        return [(len(lead.title), "completed") if lead.title else None for lead in leads]


def draft(**fields: str):
    return draft_from_fields(fields, region="US")


def test_a_judged_lead_is_written_with_its_verdict_and_an_unjudged_one_as_it_arrived(
    session, workspace
):
    judge = TitleJudge()
    Intake(session, workspace.id, actor="import:1", judge=judge).run(
        [
            draft(email="ada@acme.com", company="Acme", industry="Software"),
            draft(email="ada@acme.com", title="Chief Executive"),
            draft(email="bob@acme.com"),
        ],
        via="import",
    )
    leads = {
        lead.email: lead for lead in session.scalars(select(Lead).where(Lead.origin == "import:1"))
    }
    assert (leads["ada@acme.com"].score, leads["ada@acme.com"].stage) == (15, "completed")
    assert (leads["bob@acme.com"].score, leads["bob@acme.com"].stage) == (None, "harvested")
    # The judge saw the lead as written: the second arrival merged into the first.
    (ada,) = (lead for lead in judge.seen if lead.email == "ada@acme.com")
    assert ada.id == leads["ada@acme.com"].id
    assert ada.title == "Chief Executive"
    assert ada.origin == "import:1"
    assert ada.company == ("Acme", "acme.com", "Software", None, None, None)
