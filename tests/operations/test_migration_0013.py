"""Migration 0013 on a database written by the version before: the English-only model's
chunks go, their documents stay, marked as embedded by no known model; then the worker's sweep
reads and embeds them again with the multilingual model, each sentence too."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from alembic import command
from sqlalchemy import create_engine, select, text

from leadflow.migrations.runner import alembic_config
from leadflow.models import KnowledgeChunk, KnowledgeDocument
from tests.builders import settle_jobs
from tests.knowledge.support import make_knowledge_base

NOW = "2026-12-01 10:00:00.000000"
OLD_VECTOR = np.ones(384, dtype=np.float32).tobytes()  # the English-only model's width
FRIDAYS = {"question": "Do you open on Fridays?", "answer": "No, never."}


def _upgrade(engine, revision: str) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def test_old_chunks_go_and_their_documents_stay_to_be_embedded_again(tmp_path: Path):
    engine = create_engine(f"sqlite:///{tmp_path / 'before.db'}")
    _upgrade(engine, "0012")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO workspace (id, slug, name, default_region, time_zone, form_token, "
            "settings, created_at, updated_at) VALUES (1, 'w', 'W', 'SA', 'UTC', 't', '{}', "
            ":now, :now)"), {"now": NOW})  # fmt: skip
        connection.execute(text(
            "INSERT INTO knowledge_base (id, workspace_id, name, revision, created_at, "
            "updated_at) VALUES (1, 1, 'kb', 3, :now, :now)"), {"now": NOW})  # fmt: skip
        connection.execute(text(
            "INSERT INTO knowledge_document (id, workspace_id, knowledge_base_id, origin, "
            "source, source_key, body, status, progress, chunk_count, token_count, "
            "content_sha256, created_at, updated_at) VALUES (1, 1, 1, 'faq', 'Open Fridays?', "
            "'k', 'No.', 'ready', 100, 1, 9, 'abc', :now, :now)"), {"now": NOW})  # fmt: skip
        connection.execute(text(
            "INSERT INTO knowledge_chunk (id, workspace_id, knowledge_base_id, document_id, "
            "position, text, search_text, token_count, embedding, created_at, updated_at) "
            "VALUES (1, 1, 1, 1, 0, 'Q: Open Fridays?\nA: No.', 'open fridays no', 9, :v, "
            ":now, :now)"), {"v": OLD_VECTOR, "now": NOW})  # fmt: skip
    _upgrade(engine, "0013")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM knowledge_chunk")).scalar() == 0
        document = connection.execute(text(
            "SELECT status, chunk_count, embedding_model, content_sha256 FROM knowledge_document"
        )).one()  # fmt: skip
    assert tuple(document) == ("ready", 0, None, "abc")


def test_the_sweep_embeds_again_what_another_model_embedded(api, session):
    from leadflow.db import unit_of_work
    from leadflow.knowledge.tasks import embed_again

    kb = make_knowledge_base(api, "Clinic")
    made = api.post(f"/api/v1/knowledge/bases/{kb['id']}/faqs", json=FRIDAYS)
    assert made.status_code == 202, made.text
    settle_jobs()
    document_id = made.json()["id"]
    with unit_of_work() as writer:
        document = writer.get(KnowledgeDocument, document_id)
        assert document is not None
        assert document.embedding_model == "use-multilingual-v3"
        document.embedding_model = "all-MiniLM-L6-v2-onnx-int8"

    with unit_of_work() as writer:
        embed_again(writer)
    settle_jobs()

    session.expire_all()
    document = session.get(KnowledgeDocument, document_id)
    assert document is not None
    assert (document.status, document.embedding_model) == ("ready", "use-multilingual-v3")
    (chunk,) = session.scalars(
        select(KnowledgeChunk).where(KnowledgeChunk.document_id == document_id)
    )
    assert len(chunk.embedding) == 512
    assert chunk.sentence_spans
    assert chunk.sentence_vectors
    assert len(chunk.sentence_vectors) == 512 * 4 * len(chunk.sentence_spans)
