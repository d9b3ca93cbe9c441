"""What the knowledge tests share: a knowledge base filled through the API, and looking up
documents and events."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from leadflow.db import get_sessionmaker
from leadflow.models import Event
from tests.builders import Api, settle_jobs, unique
from tests.knowledge.realty import AGENCY_FAQS, BROCHURE, BROCHURE_TITLE


def make_knowledge_base(api: Api, name: str | None = None) -> dict[str, Any]:
    response = api.post("/api/v1/knowledge/bases", json={"name": name or unique("kb")})
    assert response.status_code == 201, response.text
    return response.json()


def fill_with_the_agency(api: Api, kb_id: int) -> None:
    """The agency's FAQs (in bulk) and its brochure (as an uploaded Markdown file), ingested."""
    faqs = [{"question": q, "answer": a} for q, a in AGENCY_FAQS]
    bulk = api.post(f"/api/v1/knowledge/bases/{kb_id}/faqs/bulk", json={"faqs": faqs})
    assert bulk.status_code == 202, bulk.text
    upload = api.post(
        f"/api/v1/knowledge/bases/{kb_id}/documents",
        files={"file": ("hittin-gardens.md", BROCHURE.encode(), "text/markdown")},
        data={"source": BROCHURE_TITLE},
    )
    assert upload.status_code == 202, upload.text
    settle_jobs()


def search(api: Api, query: str, **options: Any) -> list[dict[str, Any]]:
    response = api.post("/api/v1/knowledge/search", json={"query": query, **options})
    assert response.status_code == 200, response.text
    return response.json()["results"]


def events_of(workspace_id: int, prefix: str) -> list[Event]:
    with get_sessionmaker(writes=False)() as session:
        return list(
            session.scalars(
                select(Event)
                .where(Event.workspace_id == workspace_id, Event.type.startswith(prefix))
                .order_by(Event.id)
            )
        )
