"""``leadflow kb``: fill a knowledge base from files, folders or URLs, search it, read a
document's passages, and edit an FAQ or a text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from sqlalchemy.orm import Session

from leadflow.cli.common import WorkspaceOption, err, errors
from leadflow.config import get_settings
from leadflow.db import get_sessionmaker, unit_of_work
from leadflow.exceptions import LeadflowError, NotFound, UnprocessableInput
from leadflow.kit import uploads
from leadflow.knowledge import repository, service
from leadflow.knowledge.schemas import ChunkOut, DocumentEdit
from leadflow.knowledge.search import search
from leadflow.knowledge.tasks import ingest_document
from leadflow.models import KnowledgeBase, KnowledgeDocument
from leadflow.workspaces import service as workspaces

kb_app = typer.Typer(
    help="Knowledge bases: ingest documents, search them, read and edit them.",
    no_args_is_help=True,
)
KbOption = Annotated[str, typer.Option("--kb", help="knowledge base name (made if missing)")]
DocumentId = Annotated[int, typer.Argument(min=1, help="the document's id")]
READABLE = {".pdf", ".docx", ".html", ".htm", ".md", ".markdown", ".txt"}


@kb_app.command("ingest")
def ingest(
    path: Annotated[str, typer.Argument(help="a file, a folder of files, or an http(s) URL")],
    kb: KbOption,
    workspace: WorkspaceOption = "demo",
) -> None:
    """Ingest documents into a knowledge base, here and now. The last line printed is JSON."""
    with errors():
        kb_id, workspace_id = _knowledge_base(workspace, kb, create=True)
        folder = get_settings().upload_dir / workspace / "knowledge"
        document_ids = [_queue(kb_id, workspace_id, source, folder) for source in _sources(path)]
        results = [_ingested(workspace_id, document_id) for document_id in document_ids]
    failed = [r for r in results if r["status"] == "failed"]
    for result in failed:
        err.print(f"[red]failed:[/red] {result['source']}: {result['error']}")
    typer.echo(json.dumps({"knowledge_base": kb, "documents": results}, ensure_ascii=False))
    if failed:
        raise typer.Exit(1)


@kb_app.command("search")
def search_command(
    question: Annotated[str, typer.Argument(help="what to look for, in any words")],
    kb: Annotated[str, typer.Option("--kb", help="knowledge base name")],
    workspace: WorkspaceOption = "demo",
    limit: Annotated[int, typer.Option(min=1, max=50)] = 5,
    threshold: Annotated[float | None, typer.Option(min=0, max=1, help="least similarity")] = None,
) -> None:
    """Search a knowledge base by meaning and keywords. The last line printed is JSON."""
    with errors():
        kb_id, workspace_id = _knowledge_base(workspace, kb, create=False)
        with get_sessionmaker(writes=False)() as session:
            hits = search(
                session, workspace_id=workspace_id, query=question, kb_ids=[kb_id],
                limit=limit, threshold=threshold,
            )  # fmt: skip
    for rank, hit in enumerate(hits, start=1):
        where = f"{hit.source} #{hit.position}" + (f" p.{hit.page}" if hit.page else "")
        err.print(f"{rank}. [bold]{hit.similarity:.2f}[/bold] {where}: {hit.text[:160]!r}")
    if not hits:
        err.print("nothing above the similarity threshold (lower it with --threshold)")
    results = [{**hit.__dict__, "matched_by": list(hit.matched_by)} for hit in hits]
    typer.echo(json.dumps({"query": question, "results": results}, ensure_ascii=False))


@kb_app.command("edit")
def edit(
    document_id: DocumentId,
    workspace: WorkspaceOption = "demo",
    question: Annotated[str | None, typer.Option(help="an FAQ's new question")] = None,
    answer: Annotated[str | None, typer.Option(help="an FAQ's new answer")] = None,
    title: Annotated[str | None, typer.Option(help="a text's new title")] = None,
    text: Annotated[str | None, typer.Option(help="a text's new body")] = None,
    text_file: Annotated[
        Path | None, typer.Option(help="read a text's new body from this file", dir_okay=False)
    ] = None,
) -> None:
    """Edit an FAQ or a text document (what is left out stays) and ingest it again, here and
    now. Files and web pages are ingested again instead. The last line printed is JSON."""
    if text_file is not None:
        text = _read_text(text_file)
    given = {"question": question, "answer": answer, "title": title, "text": text}
    with errors():
        payload = _edit_of({field: value for field, value in given.items() if value is not None})
        with unit_of_work() as session:
            target = workspaces.get_workspace(session, workspace)
            document = _document(session, target.id, document_id)
            name, body = payload.parts(document.origin)
            service.edit_document(session, document, name=name, body=body)
            workspace_id = target.id
        result = _ingested(workspace_id, document_id)
    if result["status"] == "failed":
        err.print(f"[red]failed:[/red] {result['source']}: {result['error']}")
    typer.echo(json.dumps(result, ensure_ascii=False))
    if result["status"] == "failed":
        raise typer.Exit(1)


@kb_app.command("chunks")
def chunks(
    document_id: DocumentId,
    workspace: WorkspaceOption = "demo",
    start: Annotated[int, typer.Option(min=0, help="the first position to show (0-based)")] = 0,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 100,
) -> None:
    """A document's passages in order: position, page, tokens and text. The last line printed
    is JSON."""
    with errors(), unit_of_work(writes=False) as session:
        target = workspaces.get_workspace(session, workspace)
        document = _document(session, target.id, document_id)
        rows = repository.document_chunks(session, target.id, document.id, start=start, limit=limit)
        passages = [ChunkOut.model_validate(row) for row in rows]
        shown = {
            "id": document.id, "source": document.source, "title": document.title,
            "origin": document.origin, "kind": document.kind, "status": document.status,
            "chunks": [passage.model_dump() for passage in passages],
        }  # fmt: skip
    for passage in passages:
        where = f"#{passage.position}" + (f" p.{passage.page}" if passage.page else "")
        err.print(f"{where} ({passage.token_count} tokens): {passage.text[:160]!r}")
    typer.echo(json.dumps(shown, ensure_ascii=False))


def _edit_of(fields: dict[str, str]) -> DocumentEdit:
    try:
        return DocumentEdit.model_validate(fields)
    except ValidationError as invalid:
        wrong = ", ".join(sorted({str(error["loc"][0]) for error in invalid.errors()}))
        raise UnprocessableInput(f"please check: {wrong}") from None


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as unreadable:
        err.print(f"[red]error:[/red] cannot read {path}: {unreadable}")
        raise typer.Exit(1) from None


def _document(session: Session, workspace_id: int, document_id: int) -> KnowledgeDocument:
    document = repository.document(session, workspace_id, document_id)
    if document is None:
        raise NotFound(f"document {document_id} not found")
    return document


def _knowledge_base(workspace_slug: str, name: str, *, create: bool) -> tuple[int, int]:
    with unit_of_work() as session:
        workspace = workspaces.get_workspace(session, workspace_slug)
        kb: KnowledgeBase | None = repository.knowledge_base_named(session, workspace.id, name)
        if kb is None and not create:
            raise NotFound(f"no knowledge base is named {name!r} in {workspace_slug}")
        if kb is None:
            kb = service.create_knowledge_base(session, workspace_id=workspace.id, name=name)
            err.print(f"created knowledge base {name!r}")
        return kb.id, workspace.id


def _sources(path: str) -> list[str]:
    if path.startswith(("http://", "https://")):
        return [path]
    given = Path(path)
    if given.is_dir():
        files = sorted(p for p in given.rglob("*") if p.is_file() and p.suffix.lower() in READABLE)
        if not files:
            raise LeadflowError(f"no {', '.join(sorted(READABLE))} files in {path}", status=400)
        return [str(f) for f in files]
    if not given.is_file():
        raise LeadflowError(f"{path} is neither a file, a folder nor an http(s) URL", status=400)
    return [str(given)]


def _queue(kb_id: int, workspace_id: int, source: str, folder: Path) -> int:
    with unit_of_work() as session:
        kb = service.get_knowledge_base(session, workspace_id, kb_id)
        if source.startswith(("http://", "https://")):
            service.check_url(source)
            return service.add_document(session, kb, origin="url", source=source).id
        return service.add_document(
            session,
            kb,
            origin="file",
            source=Path(source).name,
            stored_path=_kept(source, folder),
            filename=Path(source).name,
        ).id


def _kept(source: str, folder: Path) -> str:
    """A copy in the data directory, as an upload would be (the job reads it from there)."""
    limit = get_settings().knowledge_max_document_bytes
    with Path(source).open("rb") as file:
        return str(uploads.keep(file, folder, suffix=Path(source).suffix, limit=limit))


def _ingested(workspace_id: int, document_id: int) -> dict[str, Any]:
    """Runs the document's ingestion job here, as a worker would, and says how it went."""
    with err.status(f"ingesting document {document_id}"), unit_of_work() as session:
        ingest_document(session, workspace_id, document_id)
    with get_sessionmaker(writes=False)() as session:
        document = repository.document(session, workspace_id, document_id)
        assert document is not None
        return {
            "id": document.id, "source": document.source, "status": document.status,
            "kind": document.kind, "parser": document.parser, "chunks": document.chunk_count,
            "error": document.error,
        }  # fmt: skip
