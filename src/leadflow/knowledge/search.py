"""Search by meaning, with keywords to help.

Candidates come from two sides: the chunks nearest the query in meaning (exact in memory, or
pgvector's HNSW index on PostgreSQL where it is installed) and the chunks that share its words
(SQLite FTS5, or PostgreSQL full text). Each candidate is then judged by meaning: the mean of its
own cosine to the query and its closest sentence's (each sentence is embedded on its own at
ingestion, with its section path): a short question sits closer to the one sentence that
answers it than to a whole section, and the section tells which sentence is about what.
Keywords only add a small bonus, at most
``KEYWORD_BONUS`` for the best keyword match: enough to order passages that are as close in
meaning, never enough to lift a weak match in meaning over a strong one (docs/adr/0018).

Similarity is reported on a 0..1 scale, (1 + cosine) / 2, as Elasticsearch reports cosine
scores; candidates below the threshold are left out. The answer in each hit is its closest
sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np
from sqlalchemy.orm import Session

from leadflow.config import get_settings
from leadflow.exceptions import NotFound
from leadflow.knowledge import keywords, repository
from leadflow.knowledge.embedder import Vectors, get_embedder
from leadflow.knowledge.repository import KeywordHit, VectorHit
from leadflow.knowledge.vectors import VectorCache, nearest
from leadflow.models import KnowledgeBase

# The most keywords add to a passage's score (a cosine's units), for the best keyword match;
# the n-th best adds a share of it that falls as 1/n (docs/adr/0018).
KEYWORD_BONUS = 0.03
MIN_CANDIDATES = 40
NEIGHBOUR_SLACK = 0.15  # a neighbouring sentence this close joins the answer (cosine)


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
    score: float  # what orders the hits: the cosine, plus the keywords' bonus
    similarity: float  # (1 + cosine) / 2, 0..1
    cosine: float  # the mean of the query's cosine to the chunk and to its closest sentence
    matched_by: tuple[str, ...]  # "meaning", "keywords"
    section: str | None = None  # the chunk's heading path
    answer: str = ""  # the chunk's sentence closest to the query (with a close neighbour)
    answer_cosine: float = 0.0  # that sentence's cosine to the query
    keyword_rank: int | None = None  # its rank among the keyword matches (1 the best), if one


@cache
def _query_embedding() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="query-embedding")


@cache
def vector_cache() -> VectorCache:
    return VectorCache(get_settings().knowledge_vector_cache_mb * 1024 * 1024)


@lru_cache(maxsize=256)
def query_vector(query: str) -> Vectors:
    """The query's embedding; the agent reads a message's intent with the same vector."""
    vector = get_embedder().embed_one(query)
    vector.setflags(write=False)
    return vector


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
    embedding = _query_embedding().submit(query_vector, query)
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
    judged = _judged(session, workspace_id, meaning, vector, by_meaning, by_keywords)
    ranked = sorted(judged.values(), key=lambda j: -j.score)
    kept = [j for j in ranked if scaled(j.cosine) >= threshold][:limit]
    return _hits(session, workspace_id, kept)


@dataclass(frozen=True)
class _Judged:
    chunk_id: int
    cosine: float
    score: float
    matched_by: tuple[str, ...]
    sentence: tuple[int, int] | None  # the closest sentence's span in the chunk's text
    sentence_cosine: float
    keyword_rank: int | None


def _judged(
    session: Session,
    workspace_id: int,
    meaning: _MeaningSide,
    vector: Vectors,
    by_meaning: Sequence[VectorHit],
    by_keywords: Sequence[KeywordHit],
) -> dict[int, _Judged]:
    """Every candidate, judged by meaning (the mean of its own cosine and its closest
    sentence's) with the keywords' bonus."""
    chunk_cosine = {hit.chunk_id: hit.similarity for hit in by_meaning}
    keyword_rank = {hit.chunk_id: hit.rank for hit in by_keywords}
    missing = [c for c in keyword_rank if c not in chunk_cosine]
    chunk_cosine.update(meaning.cosines(vector, missing))
    sentences = repository.sentences(session, workspace_id, list(chunk_cosine))
    judged = {}
    for chunk_id, cosine in chunk_cosine.items():
        span, sentence_cosine = _closest_sentence(sentences.get(chunk_id), vector)
        closeness = (cosine + sentence_cosine) / 2 if span is not None else cosine
        rank = keyword_rank.get(chunk_id)
        bonus = KEYWORD_BONUS / rank if rank else 0.0
        sides = ("meaning", "keywords") if rank else ("meaning",)
        judged[chunk_id] = _Judged(
            chunk_id, closeness, closeness + bonus, sides, span, sentence_cosine, rank
        )
    return judged


def _closest_sentence(
    stored: tuple[list[list[int]], Vectors] | None, vector: Vectors
) -> tuple[tuple[int, int] | None, float]:
    """The span of the sentence closest to the query, with the closer of its neighbours when
    that one is nearly as close (an answer often takes two sentences), and its cosine."""
    if stored is None:
        return None, -1.0
    spans, matrix = stored
    cosines = matrix @ vector
    at = int(np.argmax(cosines))
    start, end = spans[at]
    neighbours = [i for i in (at - 1, at + 1) if 0 <= i < len(spans)]
    if neighbours:
        near = max(neighbours, key=lambda i: cosines[i])
        if cosines[near] >= cosines[at] - NEIGHBOUR_SLACK:
            start, end = min(start, spans[near][0]), max(end, spans[near][1])
    return (start, end), float(cosines[at])


def answer_of(text: str, *, origin: str, span: tuple[int, int] | None) -> str:
    """What in a passage answers: an FAQ's answer; else its sentences closest to the query, or,
    where the closest is the question of a question-and-answer pair, what follows it."""
    if origin == "faq" and "\nA: " in text:
        return text.split("\nA: ", 1)[1].strip()
    if span is None:
        return ""
    sentence = text[span[0] : span[1]]
    if sentence.rstrip().endswith(("?", "\u061f")) and text[span[1] :].strip():
        return _ANSWER_MARK.sub("", text[span[1] :].strip())
    return sentence


_ANSWER_MARK = re.compile(r"^(?:a|answer|ج|الجواب)\s*[:.)-]\s*", re.IGNORECASE)


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


def _hits(session: Session, workspace_id: int, judged: list[_Judged]) -> list[SearchHit]:
    rows = {
        row.id: row
        for row in repository.chunks(session, workspace_id, [j.chunk_id for j in judged])
    }
    return [
        SearchHit(
            chunk_id=j.chunk_id,
            knowledge_base_id=row.knowledge_base_id,
            document_id=row.document_id,
            source=row.source,
            title=row.title,
            origin=row.origin,
            position=row.position,
            page=row.page,
            text=row.text,
            score=round(j.score, 4),
            similarity=round(scaled(round(j.cosine, 4)), 4),
            cosine=round(j.cosine, 4),
            matched_by=j.matched_by,
            section=row.section,
            answer=answer_of(row.text, origin=row.origin, span=j.sentence),
            answer_cosine=round(j.sentence_cosine, 4),
            keyword_rank=j.keyword_rank,
        )
        for j in judged
        if (row := rows.get(j.chunk_id)) is not None
    ]
