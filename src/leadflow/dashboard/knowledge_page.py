"""Knowledge: the workspace's knowledge bases; in one, its documents and FAQs with their
ingestion progress, uploading a document, adding an FAQ, and trying a search; a document's own
page with its passages, editing a text or an FAQ, and deleting any."""

from __future__ import annotations

from typing import Annotated, TypeVar

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import ValidationError

from leadflow.config import get_settings
from leadflow.dashboard.pages import (
    Viewer,
    ViewerDep,
    ViewerReadDep,
    not_found,
    redirect,
    render,
)
from leadflow.db import unit_of_work
from leadflow.dependencies import SessionDep
from leadflow.exceptions import BadRequest, LeadflowError
from leadflow.kit import uploads
from leadflow.kit.schemas import IdPath
from leadflow.knowledge import repository, service
from leadflow.knowledge.schemas import DocumentEdit, FaqIn, KnowledgeBaseIn
from leadflow.knowledge.search import SearchHit, search
from leadflow.models import DocumentStatus, KnowledgeBase, KnowledgeDocument
from leadflow.worker import enqueue

router = APIRouter()
DOCUMENTS_SHOWN = 200
SEARCH_RESULTS = 5
UNFINISHED = frozenset({DocumentStatus.queued, DocumentStatus.ingesting})
ACCEPTED_FILES = ".pdf,.docx,.html,.htm,.md,.markdown,.txt"
CHUNKS_SHOWN = 100
SearchQuery = Annotated[str, Query(max_length=2000)]
ChunkStart = Annotated[int, Query(ge=0, le=2**31 - 1)]
Wanted = TypeVar("Wanted", KnowledgeBaseIn, FaqIn, DocumentEdit)


@router.get("/knowledge")
def knowledge_bases(request: Request, viewer: ViewerDep, session: SessionDep) -> Response:
    return _index(request, viewer, session)


@router.post("/knowledge")
def create_knowledge_base(
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    name: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
) -> Response:
    try:
        wanted = _valid(KnowledgeBaseIn, viewer, name=name.strip(), description=description or None)
        kb = service.create_knowledge_base(
            session, workspace_id=viewer.workspace.id, name=wanted.name,
            description=wanted.description,
        )  # fmt: skip
    except LeadflowError as refused:
        return _index(request, viewer, session, error=refused.message, status=refused.status)
    return redirect(f"/knowledge/{kb.id}", request)


def _index(
    request: Request,
    viewer: Viewer,
    session: SessionDep,
    *,
    error: str | None = None,
    status: int = 200,
) -> Response:
    bases = [
        (kb, repository.statistics(session, viewer.workspace.id, kb.id))
        for kb in repository.knowledge_bases(session, viewer.workspace.id)
    ]
    return render(
        request, viewer, "knowledge/index.html", status_code=status, bases=bases, error=error
    )


@router.get("/knowledge/{kb_id}")
def knowledge_base(
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    kb_id: IdPath,
    q: SearchQuery = "",
) -> Response:
    kb = repository.knowledge_base(session, viewer.workspace.id, kb_id)
    if kb is None:
        return not_found(request, viewer, viewer.t("knowledge.not_found"))
    return _page(request, viewer, session, kb, query=q)


def _page(
    request: Request,
    viewer: Viewer,
    session: SessionDep,
    kb: KnowledgeBase,
    *,
    query: str = "",
    error: str | None = None,
    status: int = 200,
) -> Response:
    return render(
        request, viewer, "knowledge/knowledge_base.html", status_code=status, kb=kb,
        documents=_documents(session, kb), unfinished=UNFINISHED,
        statistics=repository.statistics(session, kb.workspace_id, kb.id),
        query=query, hits=_search(session, kb, query), error=error, accepted=ACCEPTED_FILES,
        chunks_per_page=CHUNKS_SHOWN,
    )  # fmt: skip


@router.get("/knowledge/{kb_id}/documents")
def documents(request: Request, viewer: ViewerDep, session: SessionDep, kb_id: IdPath) -> Response:
    """The documents' list alone: the page polls it while any is being ingested."""
    kb = repository.knowledge_base(session, viewer.workspace.id, kb_id)
    if kb is None:
        return not_found(request, viewer, viewer.t("knowledge.not_found"))
    return render(
        request, viewer, "knowledge/documents.html", kb=kb, documents=_documents(session, kb),
        unfinished=UNFINISHED, statistics=repository.statistics(session, kb.workspace_id, kb.id),
    )  # fmt: skip


@router.post("/knowledge/{kb_id}/documents")
def upload_document(
    request: Request,
    viewer: ViewerReadDep,
    kb_id: IdPath,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Keeps the upload first, then queues it in a short transaction, as the API does."""
    try:
        kept = _kept_file(viewer, file)
    except LeadflowError as refused:
        return _refused(request, viewer, kb_id, refused)
    with unit_of_work() as session:
        kb = repository.knowledge_base(session, viewer.workspace.id, kb_id)
        if kb is not None:
            document = service.add_kept_file(session, kb, kept)
            enqueue(session, "knowledge.ingest", kb.workspace_id, document.id)
    if kb is None:
        kept.discard()
        return not_found(request, viewer, viewer.t("knowledge.not_found"))
    return redirect(f"/knowledge/{kb.id}", request)


def _kept_file(viewer: Viewer, file: UploadFile | None) -> service.KeptFile:
    if file is None or not (file.filename or "").strip():
        raise BadRequest(viewer.t("knowledge.error.no_file"))
    return service.keep_file(
        file.file, workspace_slug=viewer.workspace.slug, filename=file.filename,
        media_type=file.content_type,
    )  # fmt: skip


def _refused(request: Request, viewer: Viewer, kb_id: int, refused: LeadflowError) -> Response:
    with unit_of_work(writes=False) as session:
        kb = repository.knowledge_base(session, viewer.workspace.id, kb_id)
        if kb is None:
            return not_found(request, viewer, viewer.t("knowledge.not_found"))
        return _page(request, viewer, session, kb, error=refused.message, status=refused.status)


@router.post("/knowledge/{kb_id}/faqs")
def add_faq(
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    kb_id: IdPath,
    question: Annotated[str, Form()] = "",
    answer: Annotated[str, Form()] = "",
) -> Response:
    kb = repository.knowledge_base(session, viewer.workspace.id, kb_id)
    if kb is None:
        return not_found(request, viewer, viewer.t("knowledge.not_found"))
    try:
        faq = _valid(FaqIn, viewer, question=question.strip(), answer=answer.strip())
    except LeadflowError as refused:
        return _page(request, viewer, session, kb, error=refused.message, status=refused.status)
    document = service.add_faq(session, kb, faq.question, faq.answer)
    enqueue(session, "knowledge.ingest", kb.workspace_id, document.id)
    return redirect(f"/knowledge/{kb.id}", request)


@router.get("/knowledge/{kb_id}/documents/{document_id}")
def document_page(
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    kb_id: IdPath,
    document_id: IdPath,
    start: ChunkStart = 0,
) -> Response:
    """A document: what it is, how its ingestion went, its passages in order, and, for a text
    or an FAQ, its edit form; deleting it from here too."""
    document = _document_of(session, viewer, kb_id, document_id)
    if document is None:
        return not_found(request, viewer, viewer.t("knowledge.document.not_found"))
    return _document_page(request, viewer, session, document, start=start)


def _document_page(
    request: Request,
    viewer: Viewer,
    session: SessionDep,
    document: KnowledgeDocument,
    *,
    start: int = 0,
    error: str | None = None,
    status: int = 200,
    edit: dict[str, str] | None = None,
) -> Response:
    rows = repository.document_chunks(
        session, document.workspace_id, document.id, start=start, limit=CHUNKS_SHOWN + 1
    )
    return render(
        request, viewer, "knowledge/document.html", status_code=status, document=document,
        kb=repository.knowledge_base(session, document.workspace_id, document.knowledge_base_id),
        chunks=rows[:CHUNKS_SHOWN], start=start, per_page=CHUNKS_SHOWN,
        more=len(rows) > CHUNKS_SHOWN, unfinished=UNFINISHED, error=error,
        editable=service.EDITABLE.get(document.origin), edit=edit or _as_written(document),
    )  # fmt: skip


def _as_written(document: KnowledgeDocument) -> dict[str, str]:
    fields = service.EDITABLE.get(document.origin)
    if fields is None:
        return {}
    return {fields[0]: document.source, fields[1]: document.body or ""}


@router.post("/knowledge/{kb_id}/documents/{document_id}")
def edit_document(
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    kb_id: IdPath,
    document_id: IdPath,
    title: Annotated[str | None, Form()] = None,
    text: Annotated[str | None, Form()] = None,
    question: Annotated[str | None, Form()] = None,
    answer: Annotated[str | None, Form()] = None,
) -> Response:
    """The edit form: the document's content changed and its ingestion queued again."""
    document = _document_of(session, viewer, kb_id, document_id)
    if document is None:
        return not_found(request, viewer, viewer.t("knowledge.document.not_found"))
    given = {"title": title, "text": text, "question": question, "answer": answer}
    sent = {field: value for field, value in given.items() if value is not None}
    try:
        edit = _valid(DocumentEdit, viewer, **{k: v.strip() for k, v in sent.items()})
        name, body = edit.parts(document.origin)
        service.edit_document(session, document, name=name, body=body)
    except LeadflowError as refused:  # refused before anything is changed
        return _document_page(
            request, viewer, session, document, error=refused.message, status=refused.status,
            edit={**_as_written(document), **sent},
        )  # fmt: skip
    enqueue(session, "knowledge.ingest", document.workspace_id, document.id)
    return redirect(f"/knowledge/{kb_id}/documents/{document.id}", request)


@router.post("/knowledge/{kb_id}/documents/{document_id}/delete")
def delete_document(
    request: Request, viewer: ViewerDep, session: SessionDep, kb_id: IdPath, document_id: IdPath
) -> Response:
    """Deletes the document and its passages (the page asks first), back to its base."""
    document = _document_of(session, viewer, kb_id, document_id)
    if document is None:
        return not_found(request, viewer, viewer.t("knowledge.document.not_found"))
    uploads.remove_after_commit(session, service.delete_document(session, document))
    return redirect(f"/knowledge/{kb_id}", request)


def _document_of(
    session: SessionDep, viewer: Viewer, kb_id: int, document_id: int
) -> KnowledgeDocument | None:
    document = repository.document(session, viewer.workspace.id, document_id)
    if document is None or document.knowledge_base_id != kb_id:
        return None
    return document


@router.get("/knowledge/{kb_id}/search")
def try_a_search(
    request: Request, viewer: ViewerDep, session: SessionDep, kb_id: IdPath, q: SearchQuery = ""
) -> Response:
    kb = repository.knowledge_base(session, viewer.workspace.id, kb_id)
    if kb is None:
        return not_found(request, viewer, viewer.t("knowledge.not_found"))
    return render(
        request, viewer, "knowledge/results.html", query=q, hits=_search(session, kb, q),
        chunks_per_page=CHUNKS_SHOWN,
    )  # fmt: skip


def _search(session: SessionDep, kb: KnowledgeBase, query: str) -> list[SearchHit]:
    if not query.strip():
        return []
    return search(
        session, workspace_id=kb.workspace_id, query=query, kb_ids=[kb.id],
        limit=SEARCH_RESULTS, threshold=get_settings().knowledge_similarity_threshold,
    )  # fmt: skip


def _documents(session: SessionDep, kb: KnowledgeBase) -> list[KnowledgeDocument]:
    return list(repository.latest_documents(session, kb.workspace_id, kb.id, limit=DOCUMENTS_SHOWN))


def _valid(schema: type[Wanted], viewer: Viewer, **fields: object) -> Wanted:
    """The form's fields checked by the API's own schema; a refusal names what is wrong."""
    try:
        return schema.model_validate(fields)
    except ValidationError as invalid:
        wrong = {str(error["loc"][0]) for error in invalid.errors()}
        named = ", ".join(viewer.t(f"knowledge.field.{field}") for field in sorted(wrong))
        raise BadRequest(viewer.t("knowledge.error.invalid", fields=named)) from None
