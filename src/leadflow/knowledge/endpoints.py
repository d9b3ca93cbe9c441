from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Response, UploadFile, status
from fastapi import Path as PathParam
from sqlalchemy.orm import Session

from leadflow.config import get_settings
from leadflow.db import unit_of_work
from leadflow.dependencies import SessionDep, WorkspaceDep, WorkspaceReadDep
from leadflow.exceptions import NotFound
from leadflow.kit import uploads
from leadflow.kit.pagination import CursorQuery, Page, PageLimit
from leadflow.kit.schemas import IdPath
from leadflow.knowledge import repository, service
from leadflow.knowledge.schemas import (
    BulkFaqsIn,
    BulkFaqsOut,
    ChunkOut,
    DocumentEdit,
    DocumentOut,
    FaqIn,
    KnowledgeBaseIn,
    KnowledgeBaseOut,
    SearchHitOut,
    SearchIn,
    SearchOut,
    StatsOut,
    TextIn,
    UrlIn,
)
from leadflow.knowledge.search import search
from leadflow.models import KnowledgeBase, KnowledgeDocument
from leadflow.worker import enqueue

router = APIRouter(prefix="/knowledge", tags=["knowledge"])
ACCEPTED = status.HTTP_202_ACCEPTED
MAX_POSITION = 2**31 - 1


@router.post("/bases", response_model=KnowledgeBaseOut, status_code=201)
def create_knowledge_base(
    payload: KnowledgeBaseIn, session: SessionDep, workspace: WorkspaceDep
) -> KnowledgeBaseOut:
    """Create a knowledge base (names are unique within the workspace)."""
    kb = service.create_knowledge_base(
        session, workspace_id=workspace.id, name=payload.name, description=payload.description
    )
    return KnowledgeBaseOut.model_validate(kb)


@router.get("/bases", response_model=Page[KnowledgeBaseOut])
def list_knowledge_bases(
    session: SessionDep, workspace: WorkspaceDep, limit: PageLimit = 50, cursor: CursorQuery = None
) -> Page[KnowledgeBaseOut]:
    """The workspace's knowledge bases, oldest first (pass next_cursor back)."""
    bases, next_cursor = repository.knowledge_bases_page(
        session, workspace.id, limit=limit, cursor=cursor
    )
    return Page[KnowledgeBaseOut](
        items=[KnowledgeBaseOut.model_validate(kb) for kb in bases], next_cursor=next_cursor
    )


@router.get("/client/{client_id}/bases", response_model=Page[KnowledgeBaseOut])
def list_client_knowledge_bases(
    client_id: Annotated[str, PathParam(max_length=100)],
    session: SessionDep,
    workspace: WorkspaceDep,
    limit: PageLimit = 50,
    cursor: CursorQuery = None,
) -> Page[KnowledgeBaseOut]:
    """The knowledge bases of a workspace, named by id or slug (it must be the key's own)."""
    if client_id not in (str(workspace.id), workspace.slug):
        raise NotFound(f"workspace {client_id} not found")
    return list_knowledge_bases(session, workspace, limit, cursor)


@router.get("/bases/{kb_id}", response_model=KnowledgeBaseOut)
def get_knowledge_base(
    kb_id: IdPath, session: SessionDep, workspace: WorkspaceDep
) -> KnowledgeBaseOut:
    """One knowledge base."""
    return KnowledgeBaseOut.model_validate(service.get_knowledge_base(session, workspace.id, kb_id))


@router.delete("/bases/{kb_id}", status_code=204)
def delete_knowledge_base(kb_id: IdPath, session: SessionDep, workspace: WorkspaceDep) -> Response:
    """Delete a knowledge base with all its documents and chunks."""
    kb = service.get_knowledge_base(session, workspace.id, kb_id)
    uploads.remove_after_commit(session, service.delete_knowledge_base(session, kb))
    return Response(status_code=204)


@router.post("/bases/{kb_id}/clear", response_model=StatsOut)
def clear_knowledge_base(kb_id: IdPath, session: SessionDep, workspace: WorkspaceDep) -> StatsOut:
    """Remove every document and chunk, keeping the knowledge base."""
    kb = service.get_knowledge_base(session, workspace.id, kb_id)
    uploads.remove_after_commit(session, service.clear(session, kb))
    return _stats(session, kb)


@router.get("/bases/{kb_id}/stats", response_model=StatsOut)
def knowledge_base_stats(kb_id: IdPath, session: SessionDep, workspace: WorkspaceDep) -> StatsOut:
    """Documents by status, FAQs, chunks and tokens."""
    return _stats(session, service.get_knowledge_base(session, workspace.id, kb_id))


def _stats(session: SessionDep, kb: KnowledgeBase) -> StatsOut:
    figures = repository.statistics(session, kb.workspace_id, kb.id)
    return StatsOut(knowledge_base_id=kb.id, **figures)


@router.post("/bases/{kb_id}/documents", response_model=DocumentOut, status_code=ACCEPTED)
def ingest_file(
    kb_id: IdPath,
    workspace: WorkspaceReadDep,
    file: Annotated[UploadFile, File(description="PDF, DOCX, HTML, Markdown or plain text")],
    source: Annotated[
        str | None, Form(max_length=500, description="name it by (default: the file name)")
    ] = None,
) -> DocumentOut:
    """Upload a document; it is ingested in the background (watch its progress). Uploading the
    same name again replaces it."""
    kept = service.keep_file(
        file.file, workspace_slug=workspace.slug, filename=file.filename,
        media_type=file.content_type, source=source,
    )  # fmt: skip
    try:
        with unit_of_work() as session:
            kb = service.get_knowledge_base(session, workspace.id, kb_id)
            return _queued(session, service.add_kept_file(session, kb, kept))
    except BaseException:
        kept.discard()
        raise


@router.post("/bases/{kb_id}/documents/url", response_model=DocumentOut, status_code=ACCEPTED)
def ingest_url(
    kb_id: IdPath, payload: UrlIn, session: SessionDep, workspace: WorkspaceDep
) -> DocumentOut:
    """Fetch a public page and ingest its main text (private addresses are refused)."""
    kb = service.get_knowledge_base(session, workspace.id, kb_id)
    service.check_url(payload.url)
    document = service.add_document(session, kb, origin="url", source=payload.url)
    return _queued(session, document)


@router.post("/bases/{kb_id}/documents/text", response_model=DocumentOut, status_code=ACCEPTED)
def ingest_text(
    kb_id: IdPath, payload: TextIn, session: SessionDep, workspace: WorkspaceDep
) -> DocumentOut:
    """Ingest a text given inline, under a title (the same title again replaces it)."""
    kb = service.get_knowledge_base(session, workspace.id, kb_id)
    document = service.add_document(
        session, kb, origin="text", source=payload.title, body=payload.text
    )
    return _queued(session, document)


@router.get("/bases/{kb_id}/documents", response_model=Page[DocumentOut])
def list_documents(
    kb_id: IdPath,
    session: SessionDep,
    workspace: WorkspaceDep,
    limit: PageLimit = 100,
    cursor: CursorQuery = None,
) -> Page[DocumentOut]:
    """The knowledge base's documents and FAQs, oldest first (pass next_cursor back)."""
    kb = service.get_knowledge_base(session, workspace.id, kb_id)
    rows, next_cursor = repository.documents_page(
        session, workspace.id, kb.id, limit=limit, cursor=cursor
    )
    return Page[DocumentOut](
        items=[DocumentOut.model_validate(d) for d in rows], next_cursor=next_cursor
    )


@router.get("/documents/{document_id}", response_model=DocumentOut)
def get_document(document_id: IdPath, session: SessionDep, workspace: WorkspaceDep) -> DocumentOut:
    """One document: its status, progress and counts."""
    return DocumentOut.model_validate(_document(session, workspace.id, document_id))


@router.patch("/documents/{document_id}", response_model=DocumentOut, status_code=ACCEPTED)
def edit_document(
    document_id: IdPath, payload: DocumentEdit, session: SessionDep, workspace: WorkspaceDep
) -> DocumentOut:
    """Change a text (title, text) or an FAQ (question, answer) and ingest it again; what is
    left out stays. A file or a web page is refused (409): upload it again, or ingest its URL
    again, instead."""
    document = _document(session, workspace.id, document_id)
    name, body = payload.parts(document.origin)
    return _queued(session, service.edit_document(session, document, name=name, body=body))


@router.get("/documents/{document_id}/chunks", response_model=Page[ChunkOut])
def list_chunks(
    document_id: IdPath,
    session: SessionDep,
    workspace: WorkspaceDep,
    limit: PageLimit = 100,
    cursor: CursorQuery = None,
) -> Page[ChunkOut]:
    """The document's passages in order: position, page, tokens and text (pass next_cursor
    back)."""
    document = _document(session, workspace.id, document_id)
    rows, next_cursor = repository.chunks_page(
        session, workspace.id, document.id, limit=limit, cursor=cursor
    )
    return Page[ChunkOut](
        items=[ChunkOut.model_validate(row) for row in rows], next_cursor=next_cursor
    )


@router.delete("/documents/{document_id}", status_code=204)
def delete_document(document_id: IdPath, session: SessionDep, workspace: WorkspaceDep) -> Response:
    """Remove a document and its chunks."""
    document = _document(session, workspace.id, document_id)
    uploads.remove_after_commit(session, service.delete_document(session, document))
    return Response(status_code=204)


@router.post("/bases/{kb_id}/faqs", response_model=DocumentOut, status_code=ACCEPTED)
def ingest_faq(
    kb_id: IdPath, payload: FaqIn, session: SessionDep, workspace: WorkspaceDep
) -> DocumentOut:
    """Add one FAQ (one chunk, question and answer together); the same question replaces it."""
    kb = service.get_knowledge_base(session, workspace.id, kb_id)
    return _queued(session, service.add_faq(session, kb, payload.question, payload.answer))


@router.post("/bases/{kb_id}/faqs/bulk", response_model=BulkFaqsOut, status_code=ACCEPTED)
def ingest_faqs(
    kb_id: IdPath, payload: BulkFaqsIn, session: SessionDep, workspace: WorkspaceDep
) -> BulkFaqsOut:
    """Add many FAQs at once (up to 1,000)."""
    kb = service.get_knowledge_base(session, workspace.id, kb_id)
    documents = [service.add_faq(session, kb, faq.question, faq.answer) for faq in payload.faqs]
    return BulkFaqsOut(
        documents=[_queued(session, d) for d in {d.id: d for d in documents}.values()]
    )


@router.post("/search", response_model=SearchOut)
def search_knowledge(payload: SearchIn, session: SessionDep, workspace: WorkspaceDep) -> SearchOut:
    """Search by meaning and keywords across the workspace's knowledge bases (or those named)."""
    threshold = payload.threshold
    if threshold is None:
        threshold = get_settings().knowledge_similarity_threshold
    hits = search(
        session, workspace_id=workspace.id, query=payload.query,
        kb_ids=payload.knowledge_base_ids, limit=payload.limit, threshold=threshold,
    )  # fmt: skip
    results = [
        SearchHitOut.model_validate({**hit.__dict__, "matched_by": list(hit.matched_by)})
        for hit in hits
    ]
    return SearchOut(query=payload.query, threshold=threshold, results=results)


def _document(session: SessionDep, workspace_id: int, document_id: int) -> KnowledgeDocument:
    document = repository.document(session, workspace_id, document_id)
    if document is None:
        raise NotFound(f"document {document_id} not found")
    return document


def _queued(session: Session, document: KnowledgeDocument) -> DocumentOut:
    enqueue(session, "knowledge.ingest", document.workspace_id, document.id)
    return DocumentOut.model_validate(document)
