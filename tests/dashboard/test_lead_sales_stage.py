"""The lead's page shows where the deal stands and moves it: a sales stage chosen, or Won and
Lost at one click, through the sales service; a stage not there is refused."""

from __future__ import annotations

from leadflow.db import get_sessionmaker
from leadflow.models import Activity, Lead
from tests.builders import make_lead
from tests.dashboard.support import Browser, make_person


def _lead(lead_id: int) -> Lead:
    with get_sessionmaker(writes=False)() as reader:
        found = reader.get(Lead, lead_id)
        assert found is not None
        return found


def test_the_page_moves_the_deal_and_marks_it_won(client, session, workspace):
    lead = make_lead(session, workspace)
    browser = Browser(client, make_person(workspace))
    page = browser.get(f"/leads/{lead.id}").text
    assert 'data-testid="lead-sales-stage">New<' in page
    moved = browser.post(f"/leads/{lead.id}/sales-stage", data={"stage": "qualified"},
                         follow_redirects=False)  # fmt: skip
    assert moved.status_code == 303, moved.text
    assert _lead(lead.id).sales_stage == "qualified"
    browser.post(f"/leads/{lead.id}/sales-stage", data={"stage": "won"})
    assert (_lead(lead.id).sales_stage, _lead(lead.id).outcome) == ("won", "won")
    page = browser.get(f"/leads/{lead.id}").text
    assert 'data-testid="mark-won"' not in page  # the deal has ended
    assert "Sales stage changed" in page
    with get_sessionmaker(writes=False)() as reader:
        kinds = [a.kind for a in reader.query(Activity).filter(Activity.lead_id == lead.id)]
    assert kinds.count("lead.sales_stage_changed") == 2


def test_a_stage_not_there_is_refused_and_arabic_names_the_stages(client, session, workspace):
    lead = make_lead(session, workspace)
    browser = Browser(client, make_person(workspace))
    refused = browser.post(f"/leads/{lead.id}/sales-stage", data={"stage": "enriching"})
    assert refused.status_code == 422
    assert _lead(lead.id).sales_stage == "new"
    assert client.post(f"/leads/{lead.id}/sales-stage", data={"stage": "won"}).status_code == 403
    browser.post("/language", data={"language": "ar"})
    page = browser.get(f"/leads/{lead.id}").text
    assert "مرحلة البيع" in page
    assert ">موعد محجوز</option>" in page
