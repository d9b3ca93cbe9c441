"""Knowledge bases and their documents: what goes in, how it is read, cut and embedded, and how
it is replaced. Reading, parsing and embedding touch no database (``prepare``); storing the
result is one short write (``store``), so a long document never holds the writer."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
from sqlalchemy.orm import Session

from leadflow.config import get_settings
from leadflow.events.service import record
from leadflow.exceptions import BadRequest, Conflict, NotFound, UnprocessableInput
from leadflow.integrations.parsing.base import Block, DocumentParser, UnreadableDocument, kind_of
from leadflow.integrations.parsing.local import LocalParser
from leadflow.kit import fetch, ssrf, uploads
from leadflow.kit.fetch import FetchFailed
from leadflow.knowledge import repository
from leadflow.knowledge.chunking import Chunk, chunk_blocks, embedding_text, faq_text
from leadflow.knowledge.embedder import Vectors, get_embedder
from leadflow.knowledge.sentences import Span, sentence_spans
from leadflow.models import DocumentStatus, KnowledgeBase, KnowledgeDocument

EMBED_SLICE = 128  # chunks embedded between two progress reports
Progress = Callable[[int, str], None]  # percent, what is happening


class IngestionRefused(Exception):
    """The document cannot be ingested as it is: retrying will not help."""


@dataclass(frozen=True)
class Source:
    """What a document's ingestion needs, read before any write."""

    document_id: int
    workspace_id: int
    knowledge_base_id: int
    origin: str
    source: str
    body: str | None
    stored_path: str | None
    filename: str | None
    media_type: str | None
    previous_sha256: str | None  # of the content its chunks were cut from

    @classmethod
    def of(cls, document: KnowledgeDocument) -> Source:
        return cls(
            document.id, document.workspace_id, document.knowledge_base_id, document.origin,
            document.source, document.body, document.stored_path, document.filename,
            document.media_type, document.content_sha256,
        )  # fmt: skip


@dataclass(frozen=True)
class Prepared:
    """A document read, cut and embedded, ready to replace its chunks."""

    sha256: str
    kind: str
    parser: str
    title: str | None
    chunks: list[Chunk]
    token_counts: list[int]
    vectors: Vectors | None  # None: the content is unchanged, keep the chunks there are
    sentences: list[Sentences] = field(default_factory=list)  # one per chunk


@dataclass(frozen=True)
class Sentences:
    """A chunk's sentences: where each is in its text, and each one's unit vector."""

    spans: list[Span]
    vectors: Vectors


# Knowledge bases


def create_knowledge_base(
    session: Session, *, workspace_id: int, name: str, description: str | None = None
) -> KnowledgeBase:
    if repository.knowledge_base_named(session, workspace_id, name) is not None:
        raise Conflict(f"a knowledge base named {name!r} exists already")
    kb = KnowledgeBase(workspace_id=workspace_id, name=name, description=description, revision=0)
    session.add(kb)
    session.flush()
    return kb


def get_knowledge_base(session: Session, workspace_id: int, kb_id: int) -> KnowledgeBase:
    kb = repository.knowledge_base(session, workspace_id, kb_id)
    if kb is None:
        raise NotFound(f"knowledge base {kb_id} not found")
    return kb


def knowledge_base_by_name(session: Session, workspace_id: int, name: str) -> KnowledgeBase:
    kb = repository.knowledge_base_named(session, workspace_id, name)
    if kb is None:
        raise NotFound(f"no knowledge base is named {name!r}")
    return kb


def clear(session: Session, kb: KnowledgeBase) -> list[str]:
    """Removes every document and chunk; returns the stored uploads to delete after commit."""
    uploads = _uploads(session, kb)
    repository.delete_chunks(session, kb.workspace_id, kb_id=kb.id)
    repository.delete_documents(session, kb.workspace_id, kb.id)
    repository.bump_revision(session, kb.id)
    record(session, kb.workspace_id, "knowledge.cleared", knowledge_base_id=kb.id)
    return uploads


def delete_knowledge_base(session: Session, kb: KnowledgeBase) -> list[str]:
    uploads = clear(session, kb)
    session.delete(kb)
    return uploads


def delete_document(session: Session, document: KnowledgeDocument) -> list[str]:
    """Removes the document and its chunks; returns its stored upload to delete after commit."""
    repository.delete_chunks(session, document.workspace_id, document_ids=[document.id])
    repository.bump_revision(session, document.knowledge_base_id)
    session.delete(document)
    return [document.stored_path] if document.stored_path else []


def _uploads(session: Session, kb: KnowledgeBase) -> list[str]:
    paths: list[str] = []
    after = 0
    while page := repository.documents(session, kb.workspace_id, kb.id, after_id=after):
        paths.extend(d.stored_path for d in page if d.stored_path)
        after = page[-1].id
    return paths


# Documents in


def add_document(
    session: Session,
    kb: KnowledgeBase,
    *,
    origin: str,
    source: str,
    body: str | None = None,
    stored_path: str | None = None,
    filename: str | None = None,
    media_type: str | None = None,
) -> KnowledgeDocument:
    """Queues a document for ingestion; the same source again replaces the earlier one."""
    key = source_key(origin, source)
    document = repository.document_by_source(session, kb.workspace_id, kb.id, key)
    if document is None:
        document = KnowledgeDocument(
            workspace_id=kb.workspace_id, knowledge_base_id=kb.id, source_key=key,
            chunk_count=0, token_count=0,
        )  # fmt: skip
        session.add(document)
    document.origin, document.source, document.body = origin, source, body
    document.stored_path = stored_path or document.stored_path
    document.filename, document.media_type = filename, media_type
    document.status, document.progress, document.error = DocumentStatus.queued, 0, None
    session.flush()
    return document


@dataclass(frozen=True)
class KeptFile:
    """An uploaded document kept in the data directory, not yet a document of any base."""

    path: Path
    source: str
    filename: str | None
    media_type: str | None

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


def keep_file(
    upload: BinaryIO,
    *,
    workspace_slug: str,
    filename: str | None,
    media_type: str | None,
    source: str | None = None,
) -> KeptFile:
    """Keeps an uploaded document (refused empty or over the size limit), named ``source``,
    by default its file name. It touches no database: a request keeps its upload before its
    transaction begins, so it holds no writer while the file is copied."""
    name = source_name(source or filename or "upload")
    settings = get_settings()
    stored = uploads.keep(
        upload, settings.upload_dir / workspace_slug / "knowledge",
        suffix=Path(filename or name).suffix, limit=settings.knowledge_max_document_bytes,
    )  # fmt: skip
    return KeptFile(stored, name, filename, media_type)


def add_kept_file(session: Session, kb: KnowledgeBase, kept: KeptFile) -> KnowledgeDocument:
    """Queues a kept upload as a document of ``kb``."""
    return add_document(
        session, kb, origin="file", source=kept.source, stored_path=str(kept.path),
        filename=kept.filename, media_type=kept.media_type,
    )  # fmt: skip


def source_name(name: str) -> str:
    """A document's name as shown and matched: one line, no NUL, at most 500 characters."""
    cleaned = " ".join(name.replace("\x00", "").split())[:500]
    if not cleaned:
        raise BadRequest("the document needs a name")
    return cleaned


def add_faq(session: Session, kb: KnowledgeBase, question: str, answer: str) -> KnowledgeDocument:
    return add_document(session, kb, origin="faq", source=question.strip(), body=answer.strip())


# What names a document and what it says, for the origins a person writes here: the others
# are changed where they come from (a file uploaded again, a web page fetched again).
EDITABLE = {"text": ("title", "text"), "faq": ("question", "answer")}
REPLACED_ELSEWHERE = {
    "file": "a file is changed by uploading it again under the same name",
    "url": "a web page is changed at its address, then ingested again from there",
}


def edit_document(
    session: Session, document: KnowledgeDocument, *, name: str | None, body: str | None
) -> KnowledgeDocument:
    """A text's title and body, or an FAQ's question and answer, changed (either may be left
    as it is) and the document queued for ingestion again; unchanged content keeps its chunks."""
    if document.origin not in EDITABLE:
        reason = REPLACED_ELSEWHERE.get(document.origin, "it is not one written here")
        raise Conflict(f"this document cannot be edited: {reason}")
    if name is None and body is None:
        raise UnprocessableInput(f"say what to change: {' or '.join(EDITABLE[document.origin])}")
    new_name = _written(name, EDITABLE[document.origin][0]) if name is not None else document.source
    new_body = _written(body, EDITABLE[document.origin][1]) if body is not None else document.body
    key = source_key(document.origin, new_name)
    other = repository.document_by_source(
        session, document.workspace_id, document.knowledge_base_id, key
    )
    if other is not None and other.id != document.id:
        field = EDITABLE[document.origin][0]
        raise Conflict(f"another document of this knowledge base has that {field} already")
    document.source, document.source_key, document.body = new_name, key, new_body
    document.title = new_name[:500]
    document.status, document.progress, document.error = DocumentStatus.queued, 0, None
    session.flush()
    record(
        session, document.workspace_id, "knowledge.document.edited",
        knowledge_base_id=document.knowledge_base_id, document_id=document.id,
    )  # fmt: skip
    return document


def _written(value: str, field: str) -> str:
    cleaned = value.strip()
    if not cleaned:
        raise UnprocessableInput(f"the {field} cannot be empty")
    return cleaned


def source_key(origin: str, source: str) -> str:
    """What makes two ingestions the same document: its origin and its normalised name."""
    name = " ".join(source.split()).casefold()
    if origin == "url":
        name = name.split("#", 1)[0]
    return hashlib.sha256(f"{origin}:{name}".encode()).hexdigest()


def check_url(url: str) -> None:
    """Refuses at once a URL that leads somewhere private (its redirects are checked later)."""
    try:
        ssrf.check_url(url, resolver=fetch.resolver)
    except ssrf.RefusedUrl as refused:
        raise UnprocessableInput(f"refused: {refused}") from None


# Ingestion


def prepare(
    source: Source, *, progress: Progress, parser: DocumentParser | None = None
) -> Prepared:
    """Reads the document (with the workspace's ``parser``; by default the local one), cuts it
    into chunks and embeds them. No database here."""
    settings = get_settings()
    read = _read(source, progress, parser or LocalParser.from_settings(settings))
    content, blocks = read.content, read.blocks
    kind, parsed_by, title = read.kind, read.parser, read.title
    sha256 = hashlib.sha256(content).hexdigest()
    if sha256 == source.previous_sha256:
        return Prepared(sha256, kind, parsed_by, title, [], [], None)
    count = get_embedder().token_counts
    if source.origin == "faq":
        chunks = [Chunk(blocks[0].text, 0, None)]
    else:
        chunks = chunk_blocks(blocks, count=count, size=chunk_tokens(), overlap=overlap_tokens())
    progress(15, f"embedding {len(chunks)} chunks")
    if source.origin == "faq":
        vectors = faq_vectors([source.source], [chunks[0].text])
    else:
        vectors = _embedded([_model_text(c, title) for c in chunks], progress)
    sentences = _sentences(chunks, title)
    return Prepared(
        sha256, kind, parsed_by, title, chunks, count([c.text for c in chunks]), vectors,
        sentences,
    )  # fmt: skip


def chunk_tokens() -> int:
    """How long a chunk may be: what the model reads, less room for its section path."""
    embedder_window = get_embedder().max_tokens - SECTION_ROOM
    return min(get_settings().knowledge_chunk_tokens, embedder_window)


def overlap_tokens() -> int:
    return min(get_settings().knowledge_overlap_tokens, chunk_tokens() // 4)


SECTION_ROOM = 32  # tokens kept for a chunk's section path in what the model reads


def _model_text(chunk: Chunk, title: str | None) -> str:
    return embedding_text(chunk.text, section=chunk.section, title=title)


def _sentences(chunks: list[Chunk], title: str | None) -> list[Sentences]:
    """Every chunk's sentences, each embedded with its chunk's section path."""
    spans = [sentence_spans(chunk.text) for chunk in chunks]
    texts = [
        embedding_text(chunk.text[start:end], section=chunk.section, title=title)
        for chunk, chunk_spans in zip(chunks, spans, strict=True)
        for start, end in chunk_spans
    ]
    vectors = get_embedder().embed(texts, bulk=True)
    found, at = [], 0
    for chunk_spans in spans:
        found.append(Sentences(chunk_spans, vectors[at : at + len(chunk_spans)]))
        at += len(chunk_spans)
    return found


@dataclass(frozen=True)
class _Read:
    content: bytes
    blocks: list[Block]
    kind: str
    parser: str
    title: str | None


def _read(source: Source, progress: Progress, parser: DocumentParser) -> _Read:
    if source.origin == "faq":
        text = faq_text(source.source, source.body or "")
        return _Read(text.encode(), [Block(text)], "faq", "faq", source.source)
    content, media_type = _content(source)
    kind = kind_of(content, filename=source.filename or source.source, media_type=media_type)
    progress(5, f"reading the {kind}")
    parsed = parser.parse(content, kind=kind, filename=source.filename or source.source)
    title = parsed.title or (source.source if source.origin == "text" else None)
    return _Read(content, list(parsed.blocks), kind, parsed.parser, title)


def _content(source: Source) -> tuple[bytes, str | None]:
    settings = get_settings()
    if source.origin == "url":
        try:
            fetched = fetch.fetch(
                source.source,
                max_bytes=settings.knowledge_max_document_bytes,
                timeout=settings.knowledge_fetch_timeout_seconds,
            )
        except FetchFailed as failure:
            if failure.retryable:
                raise
            raise IngestionRefused(str(failure)) from None
        return fetched.content, fetched.media_type
    if source.origin == "text":
        return (source.body or "").encode(), "text/markdown"
    if not source.stored_path or not Path(source.stored_path).exists():
        raise IngestionRefused("the uploaded file is no longer there: upload it again")
    return Path(source.stored_path).read_bytes(), source.media_type


def faq_vectors(questions: list[str], texts: list[str]) -> Vectors:
    """An FAQ's vector: the mean of its question's and of its whole text's, so that a question
    worded another way finds it as well as one that uses the answer's words (measured in
    docs/adr/0008: the right FAQ's similarity rises from 0.49 to 0.56 at the median)."""
    embedder = get_embedder()
    summed = embedder.embed(questions, bulk=True) + embedder.embed(texts, bulk=True)
    return (summed / np.linalg.norm(summed, axis=1, keepdims=True)).astype(np.float32)


def _embedded(texts: list[str], progress: Progress) -> Vectors:
    embedder = get_embedder()
    parts = []
    for start in range(0, len(texts), EMBED_SLICE):
        parts.append(embedder.embed(texts[start : start + EMBED_SLICE], bulk=True))
        done = min(start + EMBED_SLICE, len(texts))
        progress(15 + 80 * done // max(len(texts), 1), f"embedded {done} of {len(texts)} chunks")
    return np.vstack(parts) if parts else np.zeros((0, embedder.dimensions), dtype=np.float32)


def store(session: Session, document: KnowledgeDocument, prepared: Prepared) -> None:
    """The document's chunks become the prepared ones, in one transaction."""
    document.kind, document.parser = prepared.kind, prepared.parser
    document.title = (prepared.title or document.title or "")[:500] or None
    document.status, document.progress, document.error = DocumentStatus.ready, 100, None
    if prepared.vectors is not None:
        repository.replace_chunks(session, document, _rows(document, prepared))
        document.chunk_count = len(prepared.chunks)
        document.token_count = sum(prepared.token_counts)
        document.content_sha256 = prepared.sha256
        document.embedding_model = get_embedder().model_id
        repository.bump_revision(session, document.knowledge_base_id)
    session.flush()
    record(
        session, document.workspace_id, "knowledge.document.ready",
        knowledge_base_id=document.knowledge_base_id, document_id=document.id,
        chunks=document.chunk_count, unchanged=prepared.vectors is None,
    )  # fmt: skip


def _rows(document: KnowledgeDocument, prepared: Prepared) -> list[dict[str, object]]:
    assert prepared.vectors is not None
    return [
        {
            "workspace_id": document.workspace_id,
            "knowledge_base_id": document.knowledge_base_id,
            "document_id": document.id,
            "position": chunk.position,
            "page": chunk.page,
            "text": chunk.text,
            "section": chunk.section,
            "token_count": tokens,
            "embedding": vector,
            "sentence_spans": [list(span) for span in sentences.spans],
            "sentence_vectors": sentences.vectors.astype(np.float32).tobytes(),
        }
        for chunk, tokens, vector, sentences in zip(
            prepared.chunks,
            prepared.token_counts,
            prepared.vectors,
            prepared.sentences,
            strict=True,
        )
    ]


def embedded_by_another_model(session: Session, *, limit: int) -> list[KnowledgeDocument]:
    """Ready documents whose chunks another model embedded, marked to be embedded again (their
    content is read anew even when unchanged)."""
    documents = repository.documents_embedded_by_another(
        session, get_embedder().model_id, limit=limit
    )
    for document in documents:
        document.status, document.progress, document.content_sha256 = DocumentStatus.queued, 0, None
    session.flush()
    return list(documents)


def mark_failed(session: Session, document: KnowledgeDocument, error: str) -> None:
    document.status, document.error = DocumentStatus.failed, error[:2000]
    record(
        session, document.workspace_id, "knowledge.document.failed",
        knowledge_base_id=document.knowledge_base_id, document_id=document.id, error=error,
    )  # fmt: skip


def report_progress(
    session: Session, document_id: int, workspace_id: int, percent: int, step: str
) -> None:
    document = repository.document(session, workspace_id, document_id)
    if document is None:
        return
    document.status, document.progress = DocumentStatus.ingesting, min(percent, 99)
    record(
        session, workspace_id, "knowledge.document.progress",
        knowledge_base_id=document.knowledge_base_id, document_id=document_id,
        progress=document.progress, step=step,
    )  # fmt: skip


REFUSALS = (UnreadableDocument, IngestionRefused)
