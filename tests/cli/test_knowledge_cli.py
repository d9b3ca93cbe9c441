"""``leadflow kb chunks`` and ``leadflow kb edit``: a document's passages read, and an FAQ or a
text edited and ingested again, through the same service as the API and the dashboard."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from leadflow.cli import app as cli
from tests.builders import make_workspace, settle_jobs
from tests.knowledge.support import make_knowledge_base

runner = CliRunner()


def leadflow(*args: str):
    return runner.invoke(cli.app, list(args))


def test_an_faq_is_edited_and_its_passages_read_from_the_command_line(api):
    kb = make_knowledge_base(api)
    faq = api.post(
        f"/api/v1/knowledge/bases/{kb['id']}/faqs",
        json={"question": "Do you take pets?", "answer": "No pets."},
    ).json()
    settle_jobs()
    slug = api.workspace.slug

    edited = leadflow("kb", "edit", str(faq["id"]), "--answer", "Cats are fine.", "-w", slug)
    shown = leadflow("kb", "chunks", str(faq["id"]), "-w", slug)

    assert edited.exit_code == 0, edited.output
    result = json.loads(edited.stdout.splitlines()[-1])
    assert (result["id"], result["status"], result["chunks"]) == (faq["id"], "ready", 1)
    assert shown.exit_code == 0, shown.output
    passages = json.loads(shown.stdout.splitlines()[-1])
    assert (passages["origin"], passages["status"]) == ("faq", "ready")
    (chunk,) = passages["chunks"]
    assert chunk["text"] == "Q: Do you take pets?\nA: Cats are fine."
    assert (chunk["position"], chunk["page"]) == (0, None)
    assert "#0 (" in shown.stderr


def test_a_text_is_edited_from_a_file(api, tmp_path):
    kb = make_knowledge_base(api)
    text = api.post(
        f"/api/v1/knowledge/bases/{kb['id']}/documents/text",
        json={"title": "Parking", "text": "Two places per villa."},
    ).json()
    settle_jobs()
    body = tmp_path / "parking.md"
    body.write_text("Two places per villa, and one for guests.", encoding="utf-8")

    edited = leadflow(
        "kb", "edit", str(text["id"]), "--title", "Parking and guests",
        "--text-file", str(body), "-w", api.workspace.slug,
    )  # fmt: skip
    shown = json.loads(leadflow("kb", "chunks", str(text["id"]), "-w", api.workspace.slug).stdout)

    assert edited.exit_code == 0, edited.output
    assert json.loads(edited.stdout)["source"] == "Parking and guests"
    assert [c["text"] for c in shown["chunks"]] == ["Two places per villa, and one for guests."]


def test_mistakes_are_one_line_errors(api, session):
    kb = make_knowledge_base(api)
    upload = api.post(
        f"/api/v1/knowledge/bases/{kb['id']}/documents",
        files={"file": ("villas.txt", b"Every villa has a garden.", "text/plain")},
    ).json()
    faq = api.post(
        f"/api/v1/knowledge/bases/{kb['id']}/faqs", json={"question": "Q?", "answer": "A."}
    ).json()
    slug = api.workspace.slug
    stranger = make_workspace(session).slug

    a_file = leadflow("kb", "edit", str(upload["id"]), "--text", "Mine.", "-w", slug)
    wrong_field = leadflow("kb", "edit", str(faq["id"]), "--title", "T", "-w", slug)
    nothing = leadflow("kb", "edit", str(faq["id"]), "-w", slug)
    elsewhere = leadflow("kb", "chunks", str(faq["id"]), "-w", stranger)
    edited_elsewhere = leadflow("kb", "edit", str(faq["id"]), "--answer", "B.", "-w", stranger)

    for answer in (a_file, wrong_field, nothing, elsewhere, edited_elsewhere):
        assert answer.exit_code == 1, answer.output
        assert answer.stderr.startswith("error: ")
    assert "uploading it again" in a_file.stderr
    assert "not by title" in wrong_field.stderr
    assert "say what to change" in nothing.stderr
    assert f"document {faq['id']} not found" in elsewhere.stderr
    assert "not found" in edited_elsewhere.stderr
