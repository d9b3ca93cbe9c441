"""Search by meaning and by keyword, fused by reciprocal rank.

Meaning: the query's embedding against the chunks' (exact in memory, or pgvector's HNSW index
on PostgreSQL where it is installed). Keywords: SQLite FTS5, or PostgreSQL full text. Each side
proposes its best candidates; a candidate's fused score is the sum of 1/(60 + rank) over the
sides that proposed it; candidates whose similarity in meaning falls below the threshold are
left out, whichever side proposed them.

Similarity is reported on a 0..1 scale, (1 + cosine) / 2, as Elasticsearch reports cosine
scores: the default threshold of 0.75 is a cosine of 0.5, which about 5 in 100 unrelated
question-passage pairs reach with this model (docs/adr/0008).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache

from sqlalchemy.orm import Session

from leadflow.config import get_settings
from leadflow.exceptions import NotFound
from leadflow.knowledge import keywords, repository
from leadflow.knowledge.embedder import Vectors, get_embedder
from leadflow.knowledge.repository import KeywordHit, VectorHit
from leadflow.knowledge.vectors import VectorCache, nearest
from leadflow.models import KnowledgeBase

RRF_K = 60
# How much each side's ranking counts: meaning leads, keywords break its ties and rescue exact
# terms (names, numbers) that the model blurs (docs/adr/0008).
SIDE_WEIGHTS = {"meaning": 1.0, "keywords": 0.5}
MIN_CANDIDATES = 40


@dataclass(frozen=True)
class SearchHit:
    chunk_id: int
    knowledge_base_id: int
    document_id: int
    source: str
    title: str | None
    origin: str
    position: int
    page: int | None
    text: str
    score: float  # fused rank score, 1.0 when both sides rank it first
    similarity: float  # (1 + cosine) / 2, 0..1
    cosine: float  # of the query's and the chunk's embeddings, -1..1
    matched_by: tuple[str, ...]  # "meaning", "keywords"


@cache
def _query_embedding() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="query-embedding")


@cache
def vector_cache() -> VectorCache:
    return VectorCache(get_settings().knowledge_vector_cache_mb * 1024 * 1024)


def search(
    session: Session,
    *,
    workspace_id: int,
    query: str,
    kb_ids: Sequence[int] | None = None,
    limit: int = 5,
    threshold: float | None = None,
) -> list[SearchHit]:
    """The passages of the workspace's knowledge bases (or of those named) that answer the
    query best, best first, none below the similarity threshold."""
    if not query.strip():
        return []
    # The model embeds the query on another thread while SQL finds the knowledge bases and the
    # keyword side: both let go of the interpreter, and there are two cores.
    embedding = _query_embedding().submit(get_embedder().embed_one, query)
    kbs = _knowledge_bases(session, workspace_id, kb_ids)
    if not kbs:
        return []
    threshold = get_settings().knowledge_similarity_threshold if threshold is None else threshold
    wanted = max(limit * 4, MIN_CANDIDATES)
    words = keywords.words_to_match(session, kbs, query)
    ids = [kb.id for kb in kbs]
    by_keywords = repository.keyword_hits(session, workspace_id, ids, words, limit=wanted)
    meaning = _MeaningSide(session, kbs)
    vector = embedding.result()
    by_meaning = meaning.nearest(vector, wanted)
    fused = _fused(by_meaning, by_keywords)
    cosine = {hit.chunk_id: hit.similarity for hit in by_meaning}
    cosine.update(meaning.cosines(vector, [c for c in fused if c not in cosine]))
    ranked = sorted(fused, key=lambda chunk_id: -fused[chunk_id][0])
    kept = [c for c in ranked if c in cosine and scaled(cosine[c]) >= threshold]
    return _hits(session, workspace_id, kept[:limit], fused, cosine)


def scaled(cosine: float) -> float:
    return (1 + cosine) / 2


def _knowledge_bases(
    session: Session, workspace_id: int, kb_ids: Sequence[int] | None
) -> Sequence[KnowledgeBase]:
    kbs = repository.knowledge_bases(session, workspace_id, kb_ids)
    if kb_ids is not None:
        missing = set(kb_ids) - {kb.id for kb in kbs}
        if missing:
            raise NotFound(f"knowledge base {min(missing)} not found")
    return kbs


class _MeaningSide:
    """The chunks nearest the query in meaning, and any chunk's cosine to it: exact in memory,
    or through pgvector where PostgreSQL has it."""

    def __init__(self, session: Session, kbs: Sequence[KnowledgeBase]) -> None:
        self._session = session
        self._workspace_id, self._kb_ids = kbs[0].workspace_id, [kb.id for kb in kbs]
        self._indexed = repository.has_vector_index(session)
        self._matrices = [] if self._indexed else [vector_cache().matrix(session, kb) for kb in kbs]

    def nearest(self, vector: Vectors, limit: int) -> list[VectorHit]:
        if self._indexed:
            return repository.pgvector_hits(
                self._session, self._workspace_id, self._kb_ids, vector, limit=limit
            )
        return nearest(self._matrices, vector, limit=limit)

    def cosines(self, vector: Vectors, chunk_ids: list[int]) -> dict[int, float]:
        if not chunk_ids:
            return {}
        if self._indexed:
            stored = repository.embeddings(self._session, self._workspace_id, chunk_ids)
            return {chunk_id: float(row @ vector) for chunk_id, row in stored}
        found: dict[int, float] = {}
        for matrix in self._matrices:
            found.update(matrix.similarity_of(chunk_ids, vector))
        return found


def _fused(
    by_meaning: Sequence[VectorHit], by_keywords: Sequence[KeywordHit]
) -> dict[int, tuple[float, tuple[str, ...]]]:
    fused: dict[int, tuple[float, tuple[str, ...]]] = {}
    best = sum(SIDE_WEIGHTS.values()) / (RRF_K + 1)
    sides = (
        ("meaning", [(hit.chunk_id, rank) for rank, hit in enumerate(by_meaning, start=1)]),
        ("keywords", [(hit.chunk_id, hit.rank) for hit in by_keywords]),
    )
    for side, ranked in sides:
        for chunk_id, rank in ranked:
            score, matched = fused.get(chunk_id, (0.0, ()))
            share = SIDE_WEIGHTS[side] / (RRF_K + rank) / best
            fused[chunk_id] = (score + share, (*matched, side))
    return fused


def _hits(
    session: Session,
    workspace_id: int,
    chunk_ids: list[int],
    fused: dict[int, tuple[float, tuple[str, ...]]],
    similarity: dict[int, float],
) -> list[SearchHit]:
    rows = {row.id: row for row in repository.chunks(session, workspace_id, chunk_ids)}
    return [
        SearchHit(
            chunk_id=chunk_id,
            knowledge_base_id=row.knowledge_base_id,
            document_id=row.document_id,
            source=row.source,
            title=row.title,
            origin=row.origin,
            position=row.position,
            page=row.page,
            text=row.text,
            score=round(fused[chunk_id][0], 4),
            similarity=round(scaled(similarity[chunk_id]), 4),
            cosine=round(similarity[chunk_id], 4),
            matched_by=fused[chunk_id][1],
        )
        for chunk_id in chunk_ids
        if (row := rows.get(chunk_id)) is not None
    ]
