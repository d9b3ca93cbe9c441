"""The parsing half of an import: file rows to validated drafts and rejections.

It touches no database, so a large file is parsed in a process of its own while the
importing process resolves identities and writes: the two halves take a core each.
"""

from __future__ import annotations

import csv
import gc
import io
import marshal
import multiprocessing
import queue
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from leadflow.exceptions import BadRequest
from leadflow.identity.drafts import (
    InvalidLead,
    LeadDraft,
    draft_from_tidy_fields,
    drafts_from_plain,
    plain_drafts,
    tidy_text,
)
from leadflow.imports.columns import ColumnMap
from leadflow.imports.reader import CsvSource, SourceRow
from leadflow.kit.spreadsheet import undefuse

# Faults of the file itself; another OSError (a failing disk) may pass on a retry.
FILE_FAULTS = (
    FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError, ValueError,
    csv.Error,
)  # fmt: skip
IN_PROCESS_BELOW_BYTES = 4 * 1024 * 1024  # smaller files parse faster than a process starts
MAX_CELL_CHARS = 32 * 1024  # no lead field holds more; a longer cell rejects its row
MAX_RAW_CHARS = 64 * 1024  # of a rejected row kept to show and download
_AHEAD = 4  # chunks parsed ahead of the writer: bounds the memory the pipe holds
# What exports write for "no value": read as a blank cell, not as a value to validate.
PLACEHOLDERS = frozenset(
    ("n/a", "na", "n.a.", "#n/a", "-", "--", "---", "none", "null", "nil", "?", "؟", "??",
     "لا يوجد", "لايوجد", "غير متوفر", "(blank)", "(empty)", "empty", "undefined")
)  # fmt: skip
# "Na" and "Nil" are names too; a name field keeps them.
_NAME_PLACEHOLDERS = PLACEHOLDERS - {"na", "nil"}
_NAME_FIELDS = ("first_name", "last_name", "full_name")
_PLACEHOLDER_CHARS = max(map(len, PLACEHOLDERS))


@dataclass
class ParsedChunk:
    drafts: list[LeadDraft] = field(default_factory=list)
    rejections: list[dict[str, Any]] = field(default_factory=list)
    rows: int = 0
    offset: int = 0
    # Fields of kept rows left blank because their value was refused: line, field, reason.
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def packed(self) -> bytes:
        """The chunk as plain tuples, lists and dicts in marshal's form, to send to the
        importing process: about half pickle's time each way (no memo of every string), and a
        fifth of the memory of the objects while it waits in the queue."""
        plain = (plain_drafts(self.drafts), self.rejections, self.rows, self.offset, self.warnings)
        return marshal.dumps(plain)

    @classmethod
    def unpacked(cls, packed: bytes) -> ParsedChunk:
        drafts, rejections, rows, offset, warnings = marshal.loads(packed)  # noqa: S302
        return cls(drafts_from_plain(drafts), rejections, rows, offset, warnings)


@dataclass(frozen=True)
class ParseJob:
    path: Path
    overrides: dict[str, str]
    region: str
    chunk_rows: int
    skip_rows: int


def parse_chunks(job: ParseJob) -> Iterator[ParsedChunk]:
    """The file's rows, parsed a chunk at a time. A fault of the file itself (gone, not
    readable, not CSV, columns the mapping cannot take) is a BadRequest: no retry mends it."""
    try:
        source = CsvSource(job.path)
        cells = RowCells(ColumnMap.from_header(source.header, job.overrides))
        rows = islice(source.rows(), job.skip_rows, None)
        while batch := list(islice(rows, job.chunk_rows)):
            yield _parse(batch, cells, job.region)
    except FILE_FAULTS as error:
        raise BadRequest(f"cannot import this file: {error}") from None


def parsed_chunks(job: ParseJob, *, size: int) -> Iterator[ParsedChunk]:
    """The file's chunks, parsed in a separate process when the file is large enough."""
    if size < IN_PROCESS_BELOW_BYTES:
        yield from parse_chunks(job)
        return
    context = multiprocessing.get_context("spawn")
    pipe: multiprocessing.Queue[bytes | BaseException | None] = context.Queue(_AHEAD)
    worker = context.Process(target=_parse_into, args=(job, pipe), daemon=True)
    worker.start()
    try:
        yield from _drain(pipe, worker)
    finally:
        if worker.is_alive():
            worker.terminate()
        worker.join(timeout=5)
        pipe.close()
        pipe.join_thread()


def _drain(pipe: Any, worker: Any) -> Iterator[ParsedChunk]:
    while True:
        try:
            item = pipe.get(timeout=1.0)
        except queue.Empty:
            if not worker.is_alive():
                raise RuntimeError(
                    f"the parsing process stopped (exit code {worker.exitcode})"
                ) from None
            continue
        if item is None:
            return
        if isinstance(item, BaseException):
            raise item
        yield ParsedChunk.unpacked(item)


def _parse_into(job: ParseJob, pipe: Any) -> None:
    # As in the importing process: the collector, left to its thresholds, kept sweeping the
    # rows of the chunk at hand; this process collects its young objects once a chunk.
    gc.disable()
    try:
        for chunk in parse_chunks(job):
            pipe.put(chunk.packed())
            del chunk
            gc.collect(1)
    except BadRequest as refused:  # handed to the importing process, which reports it
        pipe.put(refused)
        return
    except Exception as error:
        pipe.put(RuntimeError(f"{type(error).__name__}: {error}"))
        return
    pipe.put(None)


def _parse(batch: list[SourceRow], cells: RowCells, region: str) -> ParsedChunk:
    chunk = ParsedChunk(rows=len(batch), offset=batch[-1].offset)
    for row in batch:
        try:
            draft, refused = _draft(row, cells, region)
        except InvalidLead as invalid:
            chunk.rejections.append(
                {"line": row.line, "reason": str(invalid), "raw": _raw(row.cells)}
            )
            continue
        chunk.drafts.append(draft)
        chunk.warnings.extend(
            {"line": row.line, "field": name, "reason": f"{name}: {why}"}
            for name, why in refused.items()
        )
    return chunk


def _draft(row: SourceRow, cells: RowCells, region: str) -> tuple[LeadDraft, dict[str, str]]:
    """The row's draft and the fields left blank because their values were refused."""
    if len(row.cells) > cells.width and any(row.cells[cells.width :]):
        raise InvalidLead({"row": f"has {len(row.cells)} cells but the header has {cells.width}"})
    if (longest := max(map(len, row.cells), default=0)) > MAX_CELL_CHARS:
        raise InvalidLead(
            {"row": f"a cell holds {longest:,} characters; at most {MAX_CELL_CHARS:,}"}
        )
    fields, custom = cells.read(row.cells)
    return forgiving_draft(fields, region=region, custom_fields=custom)


def forgiving_draft(
    fields: dict[str, str], *, region: str, custom_fields: dict[str, str]
) -> tuple[LeadDraft, dict[str, str]]:
    """A draft of the fields, leaving out those whose values are refused (with why). One bad
    field does not cost the row: it is refused only when what is left identifies no lead,
    and then with every reason its fields were refused for."""
    try:
        return draft_from_tidy_fields(fields, region=region, custom_fields=custom_fields), {}
    except InvalidLead as invalid:
        original = refusal = invalid
    kept, refused = dict(fields), {}
    while True:
        for name, why in refusal.reasons.items():
            if (source := _source_field(name, kept)) is None:
                raise original
            refused[name] = why
            del kept[source]
        try:
            return draft_from_tidy_fields(kept, region=region, custom_fields=custom_fields), refused
        except InvalidLead as again:
            refusal = again


def _source_field(reason: str, fields: dict[str, str]) -> str | None:
    """The field a reason refuses, to leave out; None when no field can be (the row has
    nothing that identifies a lead)."""
    if reason in fields:
        return reason
    if reason in ("first_name", "last_name") and "full_name" in fields:
        return "full_name"  # too long once split
    return None


class RowCells:
    """A row's cells as the lead fields (tidied, blanks left out) and custom fields they hold.

    Most rows need no cleaning at all; one look at the whole row finds them, so their cells
    are taken as they are instead of each going through the cleaning on its own.
    """

    def __init__(self, columns: ColumnMap) -> None:
        self.width = columns.width
        self.fields = tuple(
            (index, name, _NAME_PLACEHOLDERS if name in _NAME_FIELDS else PLACEHOLDERS)
            for index, name in columns.fields.items()
        )
        self.custom = tuple(columns.custom.items())

    def read(self, cells: list[str]) -> tuple[dict[str, str], dict[str, str]]:
        if len(cells) < self.width:
            cells = cells + [""] * (self.width - len(cells))
        if _clean(cells):
            fields = {
                name: cells[i]
                for i, name, blanks in self.fields
                if cells[i] and not _placeholder(cells[i], blanks)
            }
            custom = {key: cells[i] for i, key in self.custom if cells[i]}
            return fields, custom
        fields = {
            name: text
            for i, name, blanks in self.fields
            if cells[i]
            and (text := tidy_text(_cell(cells[i]))) is not None
            and not _placeholder(text, blanks)
        }
        custom = {key: _cell(cells[i]) for i, key in self.custom if cells[i]}
        return fields, custom


def _placeholder(value: str, blanks: frozenset[str]) -> bool:
    return len(value) <= _PLACEHOLDER_CHARS and value.casefold() in blanks


_SEPARATOR = "\u00a6"  # printable and not a space, so it hides no fault of the cells it joins


def _clean(cells: list[str]) -> bool:
    """True when every cell is already what cleaning makes of it: printable (so no NUL), no
    double space, no space at either end, no leading ' (a defused formula). A false "no"
    only costs the slower path."""
    joined = _SEPARATOR.join(cells)
    return (
        joined.isprintable()
        and "  " not in joined
        and not joined.startswith((" ", "'"))
        and not joined.endswith(" ")
        and _SEPARATOR + " " not in joined
        and " " + _SEPARATOR not in joined
        and _SEPARATOR + "'" not in joined
    )


def _cell(value: str) -> str:
    """A file leadflow exported comes back as it was before its cells were defused; a NUL
    (only UTF-16 files can still hold one here) is noise no lead field can store."""
    return undefuse(value.replace("\x00", "") if "\x00" in value else value)


def _raw(cells: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([cell.replace("\x00", "")[:MAX_RAW_CHARS] for cell in cells])
    return buffer.getvalue().rstrip("\r\n")[:MAX_RAW_CHARS]
