"""The agent's services and qualifying questions: set through one service function, by the
API, refused in words when malformed, one workspace's never another's; and the demo agency's
real-estate questions seeded through the same function."""

from __future__ import annotations

from typing import Any

import pytest

from leadflow.demo import DEMO_QUESTIONS, DEMO_SERVICES, ensure_demo
from leadflow.exceptions import UnprocessableInput
from leadflow.models import Workspace
from leadflow.workspaces import questions, service
from tests.builders import Api, make_api_key, make_workspace

URL = "/api/v1/workspace/agent"
INSPECTION = {
    "services": ["Pre-purchase inspection", "Snagging", "Thermal imaging"],
    "qualifying_questions": [
        {"slot": "location", "en": "Where is the property?", "ar": "أين يقع العقار؟"},
        {"slot": "service", "en": "Which inspection do you need?", "ar": "ما نوع الفحص؟"},
        {"slot": "timeline", "en": "", "ar": "متى تحتاج الفحص؟"},
    ],
}


def test_nothing_set_means_the_agent_s_own_questions(api):
    shown = api.get(URL)
    assert shown.status_code == 200, shown.text
    assert shown.json() == {"services": [], "qualifying_questions": []}


def test_the_business_s_words_are_kept_in_asking_order(api, session):
    put = api.put(URL, json=INSPECTION)
    assert put.status_code == 200, put.text
    assert put.json() == INSPECTION
    assert api.get(URL).json() == INSPECTION
    session.expire_all()
    workspace = session.get(Workspace, api.workspace.id)
    assert questions.services(workspace) == INSPECTION["services"]
    assert list(questions.qualifying_questions(workspace)) == ["location", "service", "timeline"]
    timeline = questions.qualifying_questions(workspace)["timeline"]
    assert timeline == {"en": "", "ar": "متى تحتاج الفحص؟"}


def test_a_slot_left_out_is_not_asked_and_an_empty_list_gives_the_defaults_back(api):
    api.put(URL, json=INSPECTION)
    service_only = INSPECTION["qualifying_questions"][1]
    fewer = {"services": ["Snagging"], "qualifying_questions": [service_only]}
    assert api.put(URL, json=fewer).json() == fewer
    cleared = api.put(URL, json={"services": [], "qualifying_questions": []})
    assert cleared.json() == {"services": [], "qualifying_questions": []}


def _question(**changes: Any) -> dict[str, str]:
    return {"slot": "budget", "en": "What budget do you have in mind?", "ar": "", **changes}


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"services": [], "qualifying_questions": [_question(slot="colour")]}, "slot"),
        ({"services": [], "qualifying_questions": [_question(), _question()]}, "is repeated"),
        ({"services": [], "qualifying_questions": [_question(en="", ar="")]}, "English or Arabic"),
        ({"services": [], "qualifying_questions": [_question(en="   ")]}, "English or Arabic"),
        ({"services": [], "qualifying_questions": [_question(en="x" * 301)]}, "300"),
        ({"services": [], "qualifying_questions": [_question(ar="س" * 301)]}, "300"),
        ({"services": [f"s{i}" for i in range(31)], "qualifying_questions": []}, "30"),
        ({"services": ["x" * 101], "qualifying_questions": []}, "100"),
        ({"services": [""], "qualifying_questions": []}, "1 character"),
        ({"services": ["  "], "qualifying_questions": []}, "1-100"),
        ({"services": ["Snagging", "snagging"], "qualifying_questions": []}, "twice"),
        ({"services": ["a\x00b"], "qualifying_questions": []}, "NUL"),
        ({"services": []}, "qualifying_questions"),
        ({"services": [], "qualifying_questions": [], "colour": "red"}, "colour"),
    ],
)
def test_malformed_words_are_refused_with_a_422_that_says_why(api, body, words):
    api.put(URL, json=INSPECTION)
    refused = api.put(URL, json=body)
    assert refused.status_code == 422, refused.text
    assert words in refused.text
    assert api.get(URL).json() == INSPECTION  # nothing kept of the refused change


def test_one_workspace_s_words_are_never_another_s(api, client, session):
    other = make_workspace(session)
    other_api = Api(client, make_api_key(session, other), other)
    api.put(URL, json=INSPECTION)
    assert other_api.get(URL).json() == {"services": [], "qualifying_questions": []}
    other_api.put(URL, json={"services": ["Braces"], "qualifying_questions": []})
    assert api.get(URL).json() == INSPECTION


def test_the_api_asks_for_a_key(client):
    assert client.get(URL).status_code == 401
    assert client.put(URL, json=INSPECTION).status_code == 401
    assert client.get(URL + "/suggestions").status_code == 401


def test_the_settings_are_replaced_not_changed_in_place(session):
    workspace = make_workspace(session)
    service.set_business_hours(session, workspace=workspace, days=[0, 1], time_zone="UTC")
    before = workspace.settings
    service.set_agent_settings(
        session, workspace=workspace, services=[" Snagging  report "],
        questions=[{"slot": "service", "en": " Which one? ", "ar": ""}],
    )  # fmt: skip
    assert before is not workspace.settings
    assert "services" not in before
    assert workspace.settings["business_hours"] == {"days": [0, 1]}
    assert workspace.settings["services"] == ["Snagging report"]
    assert workspace.settings["qualifying_questions"] == [
        {"slot": "service", "en": "Which one?", "ar": ""}
    ]
    with pytest.raises(UnprocessableInput):
        service.set_agent_settings(session, workspace=workspace, services=[], questions=[{}])


def test_the_demo_agency_asks_its_real_estate_questions_and_keeps_a_person_s_edits(session):
    ensure_demo(session, published=False)
    demo = service.get_workspace(session, "demo")
    assert questions.services(demo) == list(DEMO_SERVICES)
    asked = questions.qualifying_questions(demo)
    assert asked["service"] == {
        "en": "Are you looking to buy, to rent or to invest?",
        "ar": "هل تبحث عن الشراء أم الإيجار أم الاستثمار؟",
    }
    assert list(asked) == [q["slot"] for q in DEMO_QUESTIONS]
    service.set_agent_settings(session, workspace=demo, services=["Villas"], questions=[])
    ensure_demo(session, published=False)
    assert questions.services(demo) == ["Villas"]
    assert questions.qualifying_questions(demo) == {}
    session.rollback()
