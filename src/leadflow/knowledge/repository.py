"""Every query of the knowledge domain. Each one names the workspace in its WHERE clause, so
another workspace's knowledge is never read, not merely filtered out afterwards; the one
exception is the platform's own sweep for documents to embed again, which reads no content."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
from sqlalchemy import delete, func, or_, select, text, update
from sqlalchemy.orm import Session, defer

from leadflow.kit.pagination import Sort, fetch_page
from leadflow.knowledge.embedder import Vectors, get_embedder
from leadflow.knowledge.wording import searchable
from leadflow.models import DocumentStatus, KnowledgeBase, KnowledgeChunk, KnowledgeDocument
from leadflow.models.base import table


class KeywordHit(NamedTuple):
    chunk_id: int
    rank: int  # 1 for the best


class VectorHit(NamedTuple):
    chunk_id: int
    similarity: float


def knowledge_base(session: Session, workspace_id: int, kb_id: int) -> KnowledgeBase | None:
    return session.scalars(
        select(KnowledgeBase).where(
            KnowledgeBase.id == kb_id, KnowledgeBase.workspace_id == workspace_id
        )
    ).first()


def knowledge_base_named(session: Session, workspace_id: int, name: str) -> KnowledgeBase | None:
    return session.scalars(
        select(KnowledgeBase).where(
            KnowledgeBase.workspace_id == workspace_id, KnowledgeBase.name == name
        )
    ).first()


def knowledge_bases(
    session: Session, workspace_id: int, ids: Sequence[int] | None = None
) -> Sequence[KnowledgeBase]:
    query = select(KnowledgeBase).where(KnowledgeBase.workspace_id == workspace_id)
    if ids is not None:
        query = query.where(KnowledgeBase.id.in_(list(ids)))
    return session.scalars(query.order_by(KnowledgeBase.id)).all()


def document(session: Session, workspace_id: int, document_id: int) -> KnowledgeDocument | None:
    return session.scalars(
        select(KnowledgeDocument).where(
            KnowledgeDocument.id == document_id, KnowledgeDocument.workspace_id == workspace_id
        )
    ).first()


def document_by_source(
    session: Session, workspace_id: int, kb_id: int, source_key: str
) -> KnowledgeDocument | None:
    return session.scalars(
        select(KnowledgeDocument).where(
            KnowledgeDocument.workspace_id == workspace_id,
            KnowledgeDocument.knowledge_base_id == kb_id,
            KnowledgeDocument.source_key == source_key,
        )
    ).first()


def documents(
    session: Session, workspace_id: int, kb_id: int, *, after_id: int = 0, limit: int = 100
) -> Sequence[KnowledgeDocument]:
    return session.scalars(
        select(KnowledgeDocument)
        .where(
            KnowledgeDocument.workspace_id == workspace_id,
            KnowledgeDocument.knowledge_base_id == kb_id,
            KnowledgeDocument.id > after_id,
        )
        .order_by(KnowledgeDocument.id)
        .limit(limit)
    ).all()


def documents_embedded_by_another(
    session: Session, model: str, *, limit: int
) -> Sequence[KnowledgeDocument]:
    """Ready documents, of any workspace, whose chunks were embedded by another model."""
    return session.scalars(
        select(KnowledgeDocument)
        .where(
            KnowledgeDocument.status == DocumentStatus.ready,
            or_(
                KnowledgeDocument.embedding_model.is_(None),
                KnowledgeDocument.embedding_model != model,
            ),
        )
        .order_by(KnowledgeDocument.id)
        .limit(limit)
    ).all()


def latest_documents(
    session: Session, workspace_id: int, kb_id: int, *, limit: int
) -> Sequence[KnowledgeDocument]:
    """The knowledge base's documents, newest first."""
    return session.scalars(
        select(KnowledgeDocument)
        .where(
            KnowledgeDocument.workspace_id == workspace_id,
            KnowledgeDocument.knowledge_base_id == kb_id,
        )
        .order_by(KnowledgeDocument.id.desc())
        .limit(limit)
    ).all()


_BY_POSITION = Sort(
    key="position", column=KnowledgeChunk.position, id_column=KnowledgeChunk.id, kind=int
)
_DOCUMENTS_OLDEST_FIRST = Sort(
    key="id", column=KnowledgeDocument.id, id_column=KnowledgeDocument.id, kind=int
)
_BASES_OLDEST_FIRST = Sort(key="id", column=KnowledgeBase.id, id_column=KnowledgeBase.id, kind=int)


def chunks_page(
    session: Session, workspace_id: int, document_id: int, *, limit: int, cursor: str | None
) -> tuple[list[Any], str | None]:
    """A page of the document's chunks in order (their embeddings left out)."""
    statement = select(
        KnowledgeChunk.id,
        KnowledgeChunk.position,
        KnowledgeChunk.page,
        KnowledgeChunk.token_count,
        KnowledgeChunk.text,
        KnowledgeChunk.section,
    ).where(KnowledgeChunk.workspace_id == workspace_id, KnowledgeChunk.document_id == document_id)
    return fetch_page(session, statement, _BY_POSITION, limit=limit, cursor=cursor)


def documents_page(
    session: Session, workspace_id: int, kb_id: int, *, limit: int, cursor: str | None
) -> tuple[list[KnowledgeDocument], str | None]:
    statement = select(KnowledgeDocument).where(
        KnowledgeDocument.workspace_id == workspace_id,
        KnowledgeDocument.knowledge_base_id == kb_id,
    )
    return fetch_page(session, statement, _DOCUMENTS_OLDEST_FIRST, limit=limit, cursor=cursor)


def knowledge_bases_page(
    session: Session, workspace_id: int, *, limit: int, cursor: str | None
) -> tuple[list[KnowledgeBase], str | None]:
    statement = select(KnowledgeBase).where(KnowledgeBase.workspace_id == workspace_id)
    return fetch_page(session, statement, _BASES_OLDEST_FIRST, limit=limit, cursor=cursor)


def document_chunks(
    session: Session, workspace_id: int, document_id: int, *, start: int = 0, limit: int = 100
) -> list[Any]:
    """The document's chunks from position ``start`` on, in order (their embeddings left out)."""
    return list(
        session.execute(
            select(
                KnowledgeChunk.id,
                KnowledgeChunk.position,
                KnowledgeChunk.page,
                KnowledgeChunk.token_count,
                KnowledgeChunk.text,
                KnowledgeChunk.section,
            )
            .where(
                KnowledgeChunk.workspace_id == workspace_id,
                KnowledgeChunk.document_id == document_id,
                KnowledgeChunk.position >= start,
            )
            .order_by(KnowledgeChunk.position)
            .limit(limit)
        ).all()
    )


def statistics(session: Session, workspace_id: int, kb_id: int) -> dict[str, Any]:
    documents_by_status = dict(
        session.execute(
            select(KnowledgeDocument.status, func.count())
            .where(
                KnowledgeDocument.workspace_id == workspace_id,
                KnowledgeDocument.knowledge_base_id == kb_id,
            )
            .group_by(KnowledgeDocument.status)
        ).all()
    )
    chunks, tokens = session.execute(
        select(func.count(), func.coalesce(func.sum(KnowledgeChunk.token_count), 0)).where(
            KnowledgeChunk.workspace_id == workspace_id, KnowledgeChunk.knowledge_base_id == kb_id
        )
    ).one()
    faqs = session.scalar(
        select(func.count()).where(
            KnowledgeDocument.workspace_id == workspace_id,
            KnowledgeDocument.knowledge_base_id == kb_id,
            KnowledgeDocument.origin == "faq",
        )
    )
    return {
        "documents": sum(documents_by_status.values()),
        "documents_by_status": {str(k): v for k, v in documents_by_status.items()},
        "faqs": faqs or 0,
        "chunks": chunks,
        "tokens": int(tokens),
    }


def replace_chunks(
    session: Session, document: KnowledgeDocument, rows: Sequence[dict[str, Any]]
) -> None:
    """The document's chunks become ``rows``: the old ones go in the same transaction."""
    delete_chunks(session, document.workspace_id, document_ids=[document.id])
    if rows:
        session.execute(
            table(KnowledgeChunk).insert(),
            [{**row, "search_text": searchable(str(row["text"]))} for row in rows],
        )


def delete_chunks(
    session: Session,
    workspace_id: int,
    *,
    document_ids: Sequence[int] | None = None,
    kb_id: int | None = None,
) -> None:
    query = delete(KnowledgeChunk).where(KnowledgeChunk.workspace_id == workspace_id)
    if document_ids is not None:
        query = query.where(KnowledgeChunk.document_id.in_(list(document_ids)))
    if kb_id is not None:
        query = query.where(KnowledgeChunk.knowledge_base_id == kb_id)
    session.execute(query)


def delete_documents(session: Session, workspace_id: int, kb_id: int) -> None:
    session.execute(
        delete(KnowledgeDocument).where(
            KnowledgeDocument.workspace_id == workspace_id,
            KnowledgeDocument.knowledge_base_id == kb_id,
        )
    )


def bump_revision(session: Session, kb_id: int) -> None:
    session.execute(
        update(KnowledgeBase)
        .where(KnowledgeBase.id == kb_id)
        .values(revision=KnowledgeBase.revision + 1)
    )


def chunks(session: Session, workspace_id: int, chunk_ids: Sequence[int]) -> list[Any]:
    """The chunks with their documents' names, in no particular order."""
    if not chunk_ids:
        return []
    return list(
        session.execute(
            select(
                KnowledgeChunk.id,
                KnowledgeChunk.knowledge_base_id,
                KnowledgeChunk.document_id,
                KnowledgeChunk.position,
                KnowledgeChunk.page,
                KnowledgeChunk.text,
                KnowledgeChunk.section,
                KnowledgeDocument.source,
                KnowledgeDocument.title,
                KnowledgeDocument.origin,
            )
            .join(KnowledgeDocument, KnowledgeDocument.id == KnowledgeChunk.document_id)
            .where(
                KnowledgeChunk.workspace_id == workspace_id,
                KnowledgeChunk.id.in_(list(chunk_ids)),
            )
        ).all()
    )


def written_chunks(session: Session, workspace_id: int, *, limit: int) -> Sequence[KnowledgeChunk]:
    """The chunks of the workspace's documents (its FAQs left out) in reading order: document
    by document, each from its start; their embeddings are not loaded."""
    return session.scalars(
        select(KnowledgeChunk)
        .join(KnowledgeDocument, KnowledgeDocument.id == KnowledgeChunk.document_id)
        .where(KnowledgeChunk.workspace_id == workspace_id, KnowledgeDocument.origin != "faq")
        .options(
            defer(KnowledgeChunk.embedding),
            defer(KnowledgeChunk.search_text),
            defer(KnowledgeChunk.sentence_vectors),
        )
        .order_by(KnowledgeChunk.document_id, KnowledgeChunk.position)
        .limit(limit)
    ).all()


def vectors(session: Session, workspace_id: int, kb_id: int) -> tuple[np.ndarray, Vectors]:
    """The knowledge base's chunk ids and their vectors, one row each, in id order."""
    result = session.execute(
        select(KnowledgeChunk.id, KnowledgeChunk.embedding)
        .where(
            KnowledgeChunk.workspace_id == workspace_id, KnowledgeChunk.knowledge_base_id == kb_id
        )
        .order_by(KnowledgeChunk.id)
    ).all()
    ids = np.fromiter((row[0] for row in result), dtype=np.int64, count=len(result))
    matrix = np.empty((len(result), get_embedder().dimensions), dtype=np.float32)
    for i, row in enumerate(result):
        matrix[i] = row[1]
    return ids, matrix


def sentences(
    session: Session, workspace_id: int, chunk_ids: Sequence[int]
) -> dict[int, tuple[list[list[int]], Vectors]]:
    """Each chunk's sentence spans and their vectors (chunks stored without them are left
    out)."""
    if not chunk_ids:
        return {}
    rows = session.execute(
        select(
            KnowledgeChunk.id, KnowledgeChunk.sentence_spans, KnowledgeChunk.sentence_vectors
        ).where(KnowledgeChunk.workspace_id == workspace_id, KnowledgeChunk.id.in_(list(chunk_ids)))
    ).all()
    return {
        row[0]: (row[1], np.frombuffer(row[2], dtype=np.float32).reshape(len(row[1]), -1))
        for row in rows
        if row[1] and row[2]
    }


def embeddings(
    session: Session, workspace_id: int, chunk_ids: Sequence[int]
) -> list[tuple[int, Vectors]]:
    rows = session.execute(
        select(KnowledgeChunk.id, KnowledgeChunk.embedding).where(
            KnowledgeChunk.workspace_id == workspace_id, KnowledgeChunk.id.in_(list(chunk_ids))
        )
    ).all()
    return [(row[0], np.asarray(row[1], dtype=np.float32)) for row in rows]


def keyword_hits(
    session: Session, workspace_id: int, kb_ids: Sequence[int], words: list[str], *, limit: int
) -> list[KeywordHit]:
    """The chunks that best match the words (any of them), best first."""
    if not words or not kb_ids:
        return []
    if session.get_bind().dialect.name == "sqlite":
        rows = _fts5_hits(session, workspace_id, kb_ids, words, limit)
    else:
        rows = _tsvector_hits(session, workspace_id, kb_ids, words, limit)
    return [KeywordHit(chunk_id, rank) for rank, chunk_id in enumerate(rows, start=1)]


def _fts5_hits(
    session: Session, workspace_id: int, kb_ids: Sequence[int], words: list[str], limit: int
) -> list[int]:
    match = " OR ".join(_phrase(word) for word in words)
    rows = session.execute(
        text(
            "SELECT c.id FROM knowledge_chunk_fts "
            "JOIN knowledge_chunk AS c ON c.id = knowledge_chunk_fts.rowid "
            "WHERE knowledge_chunk_fts MATCH :match AND c.workspace_id = :workspace_id "
            "AND c.knowledge_base_id IN (SELECT value FROM json_each(:kb_ids)) "
            "ORDER BY bm25(knowledge_chunk_fts) LIMIT :limit"
        ),
        {"match": match, "workspace_id": workspace_id, "kb_ids": _json(kb_ids), "limit": limit},
    )
    return [row[0] for row in rows]


def passage_count(session: Session, kb_ids: Sequence[int]) -> int:
    return (
        session.scalar(
            select(func.count()).where(KnowledgeChunk.knowledge_base_id.in_(list(kb_ids)))
        )
        or 0
    )


def passages_with(session: Session, word: str, *, limit: int) -> int:
    """How many passages of the keyword index hold the word, counted up to ``limit`` (so that
    a common word costs at most that many index entries)."""
    if session.get_bind().dialect.name == "sqlite":
        counted = text(
            "SELECT count(*) FROM (SELECT rowid FROM knowledge_chunk_fts "
            "WHERE knowledge_chunk_fts MATCH :word LIMIT :limit)"
        )
        word = _phrase(word)
    else:
        counted = text(
            "SELECT count(*) FROM (SELECT 1 FROM knowledge_chunk "
            "WHERE search_vector @@ plainto_tsquery('english', :word) LIMIT :limit) AS found"
        )
    return session.scalar(counted, {"word": word, "limit": limit}) or 0


def _phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _tsvector_hits(
    session: Session, workspace_id: int, kb_ids: Sequence[int], words: list[str], limit: int
) -> list[int]:
    # plainto_tsquery stems and drops stop words; its ANDs become ORs so that any word counts.
    rows = session.execute(
        text(
            "SELECT c.id FROM knowledge_chunk AS c, "
            "CAST(replace(CAST(plainto_tsquery('english', :words) AS text), '&', '|') AS tsquery)"
            " AS q WHERE c.workspace_id = :workspace_id AND c.knowledge_base_id = ANY(:kb_ids) "
            "AND c.search_vector @@ q ORDER BY ts_rank(c.search_vector, q) DESC LIMIT :limit"
        ),
        {"words": " ".join(words), "workspace_id": workspace_id, "kb_ids": list(kb_ids),
         "limit": limit},
    )  # fmt: skip
    return [row[0] for row in rows]


def has_vector_index(session: Session) -> bool:
    """True where pgvector indexes the embeddings (PostgreSQL with the extension)."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    found = session.execute(
        text(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_knowledge_chunk_embedding_hnsw'"
        )
    ).first()
    # Built for another model's dimensions (LEADFLOW_EMBEDDING_MODEL=minilm): search exactly.
    return found is not None and f"vector({get_embedder().dimensions})" in found[0]


def pgvector_hits(
    session: Session, workspace_id: int, kb_ids: Sequence[int], vector: Vectors, *, limit: int
) -> list[VectorHit]:
    literal = "[" + ",".join(f"{x:.7g}" for x in vector.tolist()) + "]"
    session.execute(text("SET LOCAL hnsw.ef_search = 100"))
    vector_type = f"vector({len(vector)})"
    rows = session.execute(
        text(
            f"SELECT id, 1 - (CAST(embedding AS {vector_type}) <=> CAST(:q AS {vector_type})) "
            "FROM knowledge_chunk WHERE workspace_id = :workspace_id "
            "AND knowledge_base_id = ANY(:kb_ids) "
            f"ORDER BY CAST(embedding AS {vector_type}) <=> CAST(:q AS {vector_type}) "
            "LIMIT :limit"
        ),
        {"q": literal, "workspace_id": workspace_id, "kb_ids": list(kb_ids), "limit": limit},
    )
    return [VectorHit(row[0], float(row[1])) for row in rows]


def _json(ids: Sequence[int]) -> str:
    return "[" + ",".join(str(int(i)) for i in ids) + "]"
