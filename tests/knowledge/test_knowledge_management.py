"""Managing knowledge through the API: a document's passages read in order, a page at a time;
an FAQ or a text edited and ingested again; files and web pages refused an edit, as another
workspace's documents are not found."""

from __future__ import annotations

from typing import Any

from tests.builders import Api, make_api_key, make_workspace, settle_jobs
from tests.knowledge.support import events_of, make_knowledge_base, search


def add_faq(api: Api, kb_id: int, question: str, answer: str) -> dict[str, Any]:
    response = api.post(
        f"/api/v1/knowledge/bases/{kb_id}/faqs", json={"question": question, "answer": answer}
    )
    assert response.status_code == 202, response.text
    return response.json()


def add_text(api: Api, kb_id: int, title: str, text: str) -> dict[str, Any]:
    response = api.post(
        f"/api/v1/knowledge/bases/{kb_id}/documents/text", json={"title": title, "text": text}
    )
    assert response.status_code == 202, response.text
    return response.json()


def chunks_of(api: Api, document_id: int, **params: Any) -> dict[str, Any]:
    response = api.get(f"/api/v1/knowledge/documents/{document_id}/chunks", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def edit(api: Api, document_id: int, **fields: str) -> Any:
    return api.patch(f"/api/v1/knowledge/documents/{document_id}", json=fields)


def test_a_documents_chunks_come_in_order_a_page_at_a_time(api):
    kb = make_knowledge_base(api)
    text = "\n\n".join(
        f"Paragraph {i} about villas, gardens and payment plans." for i in range(300)
    )
    document = add_text(api, kb["id"], "Long guide", text)
    settle_jobs()
    total = api.get(f"/api/v1/knowledge/documents/{document['id']}").json()["chunk_count"]
    assert total > 3

    first = chunks_of(api, document["id"], limit=2)
    rest = chunks_of(api, document["id"], cursor=first["next_cursor"], limit=500)

    assert [c["position"] for c in first["items"]] == [0, 1]
    assert first["next_cursor"] is not None
    assert [c["position"] for c in rest["items"]] == list(range(2, total))
    assert rest["next_cursor"] is None
    chunk = first["items"][0]
    assert set(chunk) == {"id", "position", "page", "token_count", "text", "section"}
    assert chunk["text"].startswith("Paragraph 0 about villas")
    assert chunk["token_count"] > 0


def test_editing_an_faq_ingests_it_again_and_its_chunk_changes(api):
    kb = make_knowledge_base(api)
    faq = add_faq(api, kb["id"], "Do you take pets?", "No pets, sorry.")
    settle_jobs()
    (before,) = chunks_of(api, faq["id"])["items"]

    edited = edit(api, faq["id"], answer="Cats and small dogs are welcome.")
    assert edited.status_code == 202, edited.text
    assert (edited.json()["id"], edited.json()["status"]) == (faq["id"], "queued")
    settle_jobs()

    document = api.get(f"/api/v1/knowledge/documents/{faq['id']}").json()
    (after,) = chunks_of(api, faq["id"])["items"]
    assert (document["status"], document["chunk_count"]) == ("ready", 1)
    assert after["text"] == "Q: Do you take pets?\nA: Cats and small dogs are welcome."
    assert after["text"] != before["text"]
    (hit,) = search(api, "can I bring my dog", threshold=0.5)
    assert "small dogs are welcome" in hit["text"]
    edits = events_of(api.workspace.id, "knowledge.document.edited")
    assert [e.data["document_id"] for e in edits] == [faq["id"]]


def test_an_faqs_question_is_edited_and_names_it_from_then_on(api):
    kb = make_knowledge_base(api)
    faq = add_faq(api, kb["id"], "Opening hours?", "9 to 6, Sunday to Thursday.")
    settle_jobs()

    assert edit(api, faq["id"], question="When are you open?").status_code == 202
    settle_jobs()

    document = api.get(f"/api/v1/knowledge/documents/{faq['id']}").json()
    assert (document["source"], document["title"]) == ("When are you open?", "When are you open?")
    assert chunks_of(api, faq["id"])["items"][0]["text"].startswith("Q: When are you open?")
    # The new question is the one that replaces it now, as adding it again would.
    again = add_faq(api, kb["id"], "when are you OPEN?", "9 to 7.")
    assert again["id"] == faq["id"]


def test_editing_a_text_unchanged_keeps_its_chunks_and_a_new_body_replaces_them(api):
    kb = make_knowledge_base(api)
    text = add_text(
        api, kb["id"], "Payment", "Ten percent on signing.\n\nThe rest over five years."
    )
    settle_jobs()
    before = chunks_of(api, text["id"])["items"]

    assert edit(api, text["id"], title="Payment plans").status_code == 202
    settle_jobs()
    renamed = api.get(f"/api/v1/knowledge/documents/{text['id']}").json()
    assert (renamed["source"], renamed["status"]) == ("Payment plans", "ready")
    assert chunks_of(api, text["id"])["items"] == before  # the same content keeps its chunks
    unchanged = [
        e.data["unchanged"] for e in events_of(api.workspace.id, "knowledge.document.ready")
    ]
    assert unchanged == [False, True]

    assert (
        edit(api, text["id"], text="Twenty percent on signing, the rest in a year.").status_code
        == 202
    )
    settle_jobs()
    (chunk,) = chunks_of(api, text["id"])["items"]
    assert chunk["text"] == "Twenty percent on signing, the rest in a year."


def test_a_file_or_a_web_page_is_not_edited_but_replaced(api, outside):
    kb = make_knowledge_base(api)
    upload = api.post(
        f"/api/v1/knowledge/bases/{kb['id']}/documents",
        files={"file": ("villas.txt", b"Every villa has a garden.", "text/plain")},
    ).json()
    page = api.post(
        f"/api/v1/knowledge/bases/{kb['id']}/documents/url",
        json={"url": "https://docs.example.com/villas"},
    ).json()

    for document, advice in ((upload, "uploading it again"), (page, "ingested again")):
        refused = edit(api, document["id"], title="Mine now", text="Something else.")
        assert refused.status_code == 409, refused.text
        assert "cannot be edited" in refused.json()["detail"]
        assert advice in refused.json()["detail"]


def test_wrong_or_missing_fields_say_what_is_expected(api):
    kb = make_knowledge_base(api)
    faq = add_faq(api, kb["id"], "Is there a gym?", "Yes, on the ground floor.")
    text = add_text(api, kb["id"], "Gym", "The gym opens at six.")
    settle_jobs()

    by_title = edit(api, faq["id"], title="Gym?")
    by_answer = edit(api, text["id"], answer="At seven.")
    nothing = edit(api, faq["id"])
    blank = edit(api, faq["id"], answer="   ")
    unknown = edit(api, faq["id"], body="x")

    assert by_title.status_code == 422
    assert "edited by its question and answer, not by title" in by_title.json()["detail"]
    assert by_answer.status_code == 422
    assert "edited by its title and text, not by answer" in by_answer.json()["detail"]
    assert nothing.status_code == 422
    assert "say what to change: question or answer" in nothing.json()["detail"]
    assert blank.status_code == 422
    assert "the answer cannot be empty" in blank.json()["detail"]
    assert unknown.status_code == 422
    document = api.get(f"/api/v1/knowledge/documents/{faq['id']}").json()
    assert document["status"] == "ready"  # nothing was queued


def test_an_faq_edited_into_another_faqs_question_is_refused(api):
    kb = make_knowledge_base(api)
    add_faq(api, kb["id"], "Do you take pets?", "No.")
    other = add_faq(api, kb["id"], "Is there parking?", "Two places per villa.")
    settle_jobs()

    clash = edit(api, other["id"], question="do you take  PETS?")

    assert clash.status_code == 409
    assert "has that question already" in clash.json()["detail"]


def test_another_workspaces_document_is_not_found(api, client, session):
    kb = make_knowledge_base(api)
    faq = add_faq(api, kb["id"], "Secret?", "Yes.")
    settle_jobs()
    other = make_workspace(session)
    stranger = Api(client, make_api_key(session, other), other)

    chunks = stranger.get(f"/api/v1/knowledge/documents/{faq['id']}/chunks")
    edited = stranger.patch(f"/api/v1/knowledge/documents/{faq['id']}", json={"answer": "No."})
    missing = api.get("/api/v1/knowledge/documents/999999999/chunks")

    assert (chunks.status_code, edited.status_code, missing.status_code) == (404, 404, 404)
    assert chunks_of(api, faq["id"])["items"][0]["text"] == "Q: Secret?\nA: Yes."
