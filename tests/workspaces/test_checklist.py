"""The first run's checklist: each step ticked from what the workspace has really done, the
chat's script tag to copy, and the chat's colour and language, through the API."""

from __future__ import annotations

import pytest

from leadflow.db import unit_of_work
from leadflow.exceptions import UnprocessableInput
from leadflow.imports.service import open_import
from leadflow.workspaces.checklist import checklist, dismiss
from leadflow.workspaces.service import set_widget_look
from tests.dashboard.support import make_person
from tests.imports.support import write
from tests.inbox.support import SIGNING_SECRET
from tests.knowledge.support import make_knowledge_base

URL = "/api/v1/workspace/checklist"


def _done(api) -> dict[str, bool]:
    return {item["key"]: item["done"] for item in api.get(URL).json()["steps"]}


def test_a_new_workspace_has_five_steps_to_do_each_linking_to_its_page(api):
    shown = api.get(URL).json()
    assert [i["key"] for i in shown["steps"]] == [
        "connect_channel", "add_knowledge", "embed_widget", "import_leads", "invite_teammate"
    ]  # fmt: skip
    assert not any(i["done"] for i in shown["steps"])
    assert (shown["done"], shown["complete"]) == (0, False)
    assert [i["link"] for i in shown["steps"]] == [
        "/settings#providers", "/knowledge", "/welcome#widget", "/imports", "/welcome#teammate"
    ]  # fmt: skip


def test_each_step_is_ticked_by_what_the_workspace_did(api, session, tmp_path):
    api.put("/api/v1/connections/standard", json={"settings": {"signing_secret": SIGNING_SECRET}})
    assert _done(api)["connect_channel"]

    kb = make_knowledge_base(api)
    api.post(f"/api/v1/knowledge/bases/{kb['id']}/faqs",
             json={"question": "Open on Fridays?", "answer": "No."})  # fmt: skip
    assert _done(api)["add_knowledge"]

    token = api.get("/api/v1/workspace").json()["form_token"]
    api.client.post(f"/api/v1/chat/{token}/start", json={"name": "Ali", "email": "ali@x.com"})
    assert _done(api)["embed_widget"]

    with unit_of_work() as writer:
        open_import(writer, workspace=writer.merge(api.workspace),
                    path=write(tmp_path, "email\nmona@example.com\n"))  # fmt: skip
    assert _done(api)["import_leads"]

    assert not _done(api)["invite_teammate"]  # the API key's owner alone is no team
    make_person(api.workspace)
    make_person(api.workspace)
    shown = api.get(URL).json()
    assert (shown["done"], shown["complete"]) == (5, True)


def test_the_chat_s_script_tag_names_the_workspace_s_form_token(api):
    token = api.get("/api/v1/workspace").json()["form_token"]
    snippet = api.get(URL).json()["widget_snippet"]
    assert snippet == f'<script src="http://testserver/chat/{token}/widget.js" defer></script>'


def test_putting_the_checklist_away_is_each_person_s_own(session, workspace):
    dismiss(session, workspace=workspace, user_id=7)
    dismiss(session, workspace=workspace, user_id=7)
    assert checklist(session, workspace, user_id=7).dismissed
    assert not checklist(session, workspace, user_id=8).dismissed
    assert workspace.settings["checklist_dismissed_by"] == [7]


def test_the_chat_s_colour_and_language_are_set_and_shown_to_the_widget(api):
    token = api.get("/api/v1/workspace").json()["form_token"]
    assert api.get("/api/v1/workspace/widget").json() == {"colour": "#0d6efd", "language": "en"}
    changed = api.put("/api/v1/workspace/widget", json={"colour": "#7A1F5C", "language": "ar"})
    assert changed.json() == {"colour": "#7a1f5c", "language": "ar"}
    look = api.client.get(f"/api/v1/chat/{token}/look")  # public: no API key
    assert look.json() == {"colour": "#7a1f5c", "language": "ar"}


def test_a_colour_not_written_rrggbb_or_an_unknown_language_is_refused(api):
    assert api.put("/api/v1/workspace/widget", json={"colour": "red"}).status_code == 422
    refused = api.put("/api/v1/workspace/widget", json={"colour": "#000000", "language": "fr"})
    assert refused.status_code == 422


def test_the_service_keeps_the_same_rule_for_every_caller(session, workspace):
    with pytest.raises(UnprocessableInput):
        set_widget_look(session, workspace=workspace, colour="#12345", language="en")
    with pytest.raises(UnprocessableInput):
        set_widget_look(session, workspace=workspace, colour="#123456", language="de")
