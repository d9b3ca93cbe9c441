"""The document-parsing interface: bytes of a PDF, Word file, web page, Markdown or plain text
in, a title and ordered text blocks out.

The knowledge base depends on this module only. :func:`kind_of` tells what a file is (its
bytes first, then what the uploader said it is); a :class:`DocumentParser` turns it into a
:class:`ParsedDocument`, or raises :class:`UnreadableDocument` with a reason the person who
uploaded it can act on.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Literal, Protocol

from leadflow.exceptions import UnprocessableInput
from leadflow.kit.encodings import DECODE_ERRORS, sniff_encoding

KINDS = ("pdf", "docx", "html", "markdown", "text")

Reason = Literal["unsupported", "too_large", "too_many_pages", "encrypted", "corrupt", "no_text"]
_STATUSES: dict[str, int] = {"unsupported": 415, "too_large": 413, "too_many_pages": 413}


@dataclass(frozen=True)
class Block:
    """One paragraph, heading, list item or table row, its whitespace collapsed to single
    spaces."""

    text: str
    heading: bool = False  # chunking keeps a heading with what follows it
    page: int | None = None  # 1-based, for paged formats (PDF)
    # A heading's depth, 1 the outermost (0: not a heading, or not known). It places the text
    # under its headings; two blocks of the same text and kind are the same block.
    level: int = field(default=0, compare=False)


@dataclass(frozen=True)
class ParsedDocument:
    title: str | None
    blocks: tuple[Block, ...]
    parser: str  # "local" or "llamaparse": which one produced it
    kind: str  # one of KINDS


class UnreadableDocument(UnprocessableInput):
    """The document cannot be turned into text, for a ``reason`` the uploader can act on:
    ``unsupported`` (415), ``too_large`` / ``too_many_pages`` (413), ``encrypted``,
    ``corrupt`` or ``no_text`` (422)."""

    title = "Unreadable document"

    def __init__(self, message: str, *, reason: Reason) -> None:
        super().__init__(message, status=_STATUSES.get(reason, 422), reason=reason)
        self.reason = reason


class DocumentParser(Protocol):
    name: str

    def parse(self, content: bytes, *, kind: str, filename: str | None = None) -> ParsedDocument:
        """The document's title and blocks; raises UnreadableDocument."""
        ...


def refuse_oversized(content: bytes, *, max_bytes: int) -> None:
    if len(content) > max_bytes:
        raise UnreadableDocument(
            f"the document is {_mebibytes(len(content))}; at most {_mebibytes(max_bytes)} "
            "can be read",
            reason="too_large",
        )


def _mebibytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB"


# --- What kind of document is it ----------------------------------------------------------

_MEDIA_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
    "text/plain": "text",
}
_EXTENSIONS = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
}
_LABELS = {"pdf": "PDF", "docx": "Word document (.docx)"}
# What other files start with, and what to tell the person who uploaded one.
_NOT_DOCUMENTS = (
    (b"\xd0\xcf\x11\xe0", "an old Word (.doc) or Excel (.xls) file; save it as .docx or PDF"),
    (b"{\\rtf", "an RTF document; save it as .docx or PDF"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
)
_SNIFF_BYTES = 1024
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), 0x7F])
_PDF_HEADER = re.compile(rb"%PDF-\d\.\d")
_HTML_START = re.compile(
    r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]",
    re.IGNORECASE | re.DOTALL,
)


def kind_of(content: bytes, *, filename: str | None = None, media_type: str | None = None) -> str:
    """One of :data:`KINDS`: what the bytes are (a PDF, a Word document, an HTML page), else
    what the media type, else the file name's extension says. Raises UnreadableDocument
    (``unsupported``) for anything else, and (``corrupt``) for a file named or typed as a PDF
    or Word document that is not one."""
    sniffed = _sniffed_kind(content)
    if sniffed is not None:
        return sniffed
    declared = _declared_kind(filename, media_type)
    if declared is None:
        raise UnreadableDocument(
            "leadflow reads PDF, Word (.docx), HTML, Markdown and plain text documents; this "
            "one is none of them, or its name lacks the extension that says which (.md, .txt)",
            reason="unsupported",
        )
    if declared in _LABELS:
        raise UnreadableDocument(
            f"the file is presented as a {_LABELS[declared]} but its content is not one",
            reason="corrupt",
        )
    if _looks_binary(content):
        raise UnreadableDocument("this file holds binary data, not text", reason="unsupported")
    return declared


def _sniffed_kind(content: bytes) -> str | None:
    head = content[:_SNIFF_BYTES]
    if _PDF_HEADER.search(head):  # it may follow some junk within the first KiB
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(content)
    for signature, what in _NOT_DOCUMENTS:
        if head.startswith(signature):
            raise UnreadableDocument(f"this file is {what}, not a document", reason="unsupported")
    text = head.decode(sniff_encoding(head, complete=len(head) == len(content)), DECODE_ERRORS)
    return "html" if _HTML_START.match(text.lstrip("\ufeff")) else None


def _zip_kind(content: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise UnreadableDocument("this ZIP archive is damaged", reason="corrupt") from error
    if "word/document.xml" not in names:
        raise UnreadableDocument(
            "this file is a ZIP archive but not a Word document (.docx); spreadsheets, "
            "presentations and archives are not read",
            reason="unsupported",
        )
    return "docx"


def _declared_kind(filename: str | None, media_type: str | None) -> str | None:
    essence = (media_type or "").split(";")[0].strip().lower()
    if essence in _MEDIA_TYPES:
        return _MEDIA_TYPES[essence]
    suffix = PurePath(filename or "").suffix.lower()
    return _EXTENSIONS.get(suffix)


def _looks_binary(content: bytes) -> bool:
    """Many control bytes (NUL above all) that no text has; a few are only noise."""
    head = content[: 64 * 1024]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 text is full of NULs
        return False
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls > max(32, len(head) // 100)
