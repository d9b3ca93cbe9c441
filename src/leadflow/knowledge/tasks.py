"""Ingesting a knowledge document, as a job: read it (a read-only session), then fetch, parse,
cut and embed it with no transaction open, reporting progress in short ones, then replace its
chunks in the job's own transaction. Running it twice leaves the same chunks."""

from __future__ import annotations

import structlog
from sqlalchemy.orm import Session

from leadflow.db import get_sessionmaker, unit_of_work
from leadflow.knowledge import repository, service
from leadflow.knowledge.embedder import get_embedder
from leadflow.knowledge.service import REFUSALS, Source
from leadflow.providers.service import parser_for
from leadflow.worker import enqueue
from leadflow.worker.registry import job, periodic, warm_up

log = structlog.get_logger()


def _gave_up(session: Session, error: str, workspace_id: int, document_id: int) -> None:
    document = repository.document(session, workspace_id, document_id)
    if document is not None:
        service.mark_failed(session, document, f"gave up after retries: {error}")


@job(
    "knowledge.ingest", max_attempts=4, on_dead=_gave_up, bulk=True,
    formerly="knowledge.tasks.ingest_document",
)  # fmt: skip
def ingest_document(session: Session, workspace_id: int, document_id: int) -> None:
    with get_sessionmaker(writes=False)() as reader:
        document = repository.document(reader, workspace_id, document_id)
        source = Source.of(document) if document is not None else None
        parser = parser_for(reader, workspace_id) if source is not None else None
    if source is None:
        return  # deleted (or its knowledge base cleared) since it was queued

    def progress(percent: int, step: str) -> None:
        with unit_of_work() as short:
            service.report_progress(short, document_id, workspace_id, percent, step)

    try:
        prepared = service.prepare(source, progress=progress, parser=parser)
    except REFUSALS as refusal:
        _refused(session, workspace_id, document_id, str(refusal))
        return
    document = repository.document(session, workspace_id, document_id)
    if document is None or document.source_key != service.source_key(source.origin, source.source):
        return
    service.store(session, document, prepared)
    log.info("knowledge.document.ingested", document_id=document_id, chunks=len(prepared.chunks))


def _refused(session: Session, workspace_id: int, document_id: int, reason: str) -> None:
    document = repository.document(session, workspace_id, document_id)
    if document is not None:
        service.mark_failed(session, document, reason)
    log.info("knowledge.document.refused", document_id=document_id, reason=reason)


@periodic(minute="*/5")
def embed_again(session: Session) -> None:
    """Documents embedded by another model than this process's (an upgrade changed it) are
    read and embedded again, a few at a time: their vectors and the queries' must agree."""
    for document in service.embedded_by_another_model(session, limit=EMBED_AGAIN_AT_ONCE):
        enqueue(session, "knowledge.ingest", document.workspace_id, document.id)


EMBED_AGAIN_AT_ONCE = 50


@warm_up
def load_the_model() -> None:
    """The embedding model loads its weights on first use (about a second): before a lead's
    question, not during it."""
    get_embedder().embed_one("warm up")
