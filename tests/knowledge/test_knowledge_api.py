"""Knowledge bases through the API: created and listed per workspace, filled with FAQs, texts
and files as jobs with progress, replaced on re-ingestion, searched, cleared and deleted."""

from __future__ import annotations

from leadflow.models import Event
from tests.builders import settle_jobs
from tests.knowledge.support import events_of, make_knowledge_base, search


def test_a_knowledge_base_is_created_listed_and_named_once(api):
    kb = make_knowledge_base(api, "Sales FAQs")
    assert api.get(f"/api/v1/knowledge/bases/{kb['id']}").json()["name"] == "Sales FAQs"
    assert [b["id"] for b in api.get("/api/v1/knowledge/bases").json()["items"]] == [kb["id"]]
    by_client = api.get(f"/api/v1/knowledge/client/{api.workspace.slug}/bases")
    assert [b["id"] for b in by_client.json()["items"]] == [kb["id"]]
    again = api.post("/api/v1/knowledge/bases", json={"name": "Sales FAQs"})
    assert again.status_code == 409
    assert api.get("/api/v1/knowledge/client/someone-else/bases").status_code == 404


def test_an_faq_is_ingested_as_a_job_and_found_by_a_question_worded_otherwise(api):
    kb = make_knowledge_base(api)
    queued = api.post(
        f"/api/v1/knowledge/bases/{kb['id']}/faqs",
        json={"question": "What are your opening hours?",
              "answer": "Sunday to Thursday, 9 am to 6 pm; closed on Fridays."},
    )  # fmt: skip
    assert queued.status_code == 202
    assert queued.json()["status"] == "queued"
    settle_jobs()

    document = api.get(f"/api/v1/knowledge/documents/{queued.json()['id']}").json()
    assert (document["status"], document["progress"], document["chunk_count"]) == ("ready", 100, 1)
    (hit,) = search(api, "when are you open?", threshold=0.6)
    assert hit["source"] == "What are your opening hours?"
    assert hit["text"].startswith("Q: What are your opening hours?\nA: Sunday")
    assert (hit["position"], hit["origin"], hit["document_id"]) == (0, "faq", document["id"])
    assert 0.6 <= hit["similarity"] <= 1
    assert hit["similarity"] == round((1 + hit["cosine"]) / 2, 4)


def test_ingestion_reports_its_progress_as_events(api):
    kb = make_knowledge_base(api)
    text = "\n\n".join(
        f"Paragraph {i} about villas, gardens and payment plans." for i in range(300)
    )
    queued = api.post(
        f"/api/v1/knowledge/bases/{kb['id']}/documents/text",
        json={"title": "Long guide", "text": text},
    )
    settle_jobs()

    progress = events_of(api.workspace.id, "knowledge.document.progress")
    steps = [e.data["progress"] for e in progress if e.data["document_id"] == queued.json()["id"]]
    assert steps == sorted(steps)
    assert len(steps) >= 3
    assert steps[-1] < 100
    (ready,) = events_of(api.workspace.id, "knowledge.document.ready")
    assert ready.data["chunks"] > 1
    assert isinstance(ready, Event)


def test_the_same_question_again_replaces_its_faq(api):
    kb = make_knowledge_base(api)
    url = f"/api/v1/knowledge/bases/{kb['id']}/faqs"
    first = api.post(url, json={"question": "Do you take pets?", "answer": "No pets."}).json()
    settle_jobs()
    second = api.post(url, json={"question": "do you  take PETS?", "answer": "Cats are fine."})
    settle_jobs()

    assert second.json()["id"] == first["id"]
    stats = api.get(f"/api/v1/knowledge/bases/{kb['id']}/stats").json()
    assert (stats["documents"], stats["faqs"], stats["chunks"]) == (1, 1, 1)
    (hit,) = search(api, "can I bring my cat", threshold=0.5)
    assert "Cats are fine." in hit["text"]


def test_an_uploaded_file_uploaded_again_unchanged_keeps_its_chunks(api):
    kb = make_knowledge_base(api)
    body = b"Our villas have private gardens.\n\nEvery villa has a garage for two cars."

    def upload() -> dict:
        response = api.post(
            f"/api/v1/knowledge/bases/{kb['id']}/documents",
            files={"file": ("villas.txt", body, "text/plain")},
        )
        assert response.status_code == 202, response.text
        settle_jobs()
        return api.get(f"/api/v1/knowledge/documents/{response.json()['id']}").json()

    first = upload()
    second = upload()
    assert second["id"] == first["id"]
    assert second["status"] == "ready"
    assert [
        e.data["unchanged"] for e in events_of(api.workspace.id, "knowledge.document.ready")
    ] == [
        False,
        True,
    ]
    assert api.get(f"/api/v1/knowledge/bases/{kb['id']}/stats").json()["chunks"] == 1


def test_an_empty_upload_is_refused(api):
    kb = make_knowledge_base(api)
    response = api.post(
        f"/api/v1/knowledge/bases/{kb['id']}/documents",
        files={"file": ("empty.txt", b"", "text/plain")},
    )
    assert response.status_code == 400
    assert "empty" in response.json()["detail"]


def test_clearing_and_deleting(api):
    kb = make_knowledge_base(api)
    api.post(f"/api/v1/knowledge/bases/{kb['id']}/faqs", json={"question": "Q?", "answer": "A."})
    settle_jobs()

    cleared = api.post(f"/api/v1/knowledge/bases/{kb['id']}/clear")
    assert (cleared.json()["documents"], cleared.json()["chunks"]) == (0, 0)
    assert search(api, "Q?", threshold=0) == []
    assert api.delete(f"/api/v1/knowledge/bases/{kb['id']}").status_code == 204
    assert api.get(f"/api/v1/knowledge/bases/{kb['id']}").status_code == 404


def test_deleting_a_document_removes_its_chunks_from_search(api):
    kb = make_knowledge_base(api)
    url = f"/api/v1/knowledge/bases/{kb['id']}/faqs"
    kept = api.post(url, json={"question": "Do you sell land?", "answer": "Yes, plots."}).json()
    gone = api.post(url, json={"question": "Do you rent cars?", "answer": "No."}).json()
    settle_jobs()
    assert api.delete(f"/api/v1/knowledge/documents/{gone['id']}").status_code == 204

    found = {hit["document_id"] for hit in search(api, "rent a car", threshold=0)}
    assert found == {kept["id"]}
