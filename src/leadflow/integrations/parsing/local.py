"""The local parser: every kind read on this machine, offline. The default, and the fallback
when LlamaParse fails.

The work is bounded: a document larger than ``LEADFLOW_KNOWLEDGE_MAX_DOCUMENT_BYTES``, a PDF
longer than ``LEADFLOW_KNOWLEDGE_MAX_DOCUMENT_PAGES`` and a Word file that unpacks to far more
than it weighs are refused before they are read.
"""

from __future__ import annotations

from collections.abc import Callable

from leadflow.config import Settings, get_settings
from leadflow.integrations.parsing.base import (
    ParsedDocument,
    UnreadableDocument,
    refuse_oversized,
)
from leadflow.integrations.parsing.html import read_html
from leadflow.integrations.parsing.markdown import read_markdown
from leadflow.integrations.parsing.pdf import read_pdf
from leadflow.integrations.parsing.text import read_text
from leadflow.integrations.parsing.word import read_docx

_NO_TEXT = "no text was found in this document"
_NO_TEXT_IN_PDF = (
    "no text was found in this PDF: it may be a scan (pictures of pages). Scanned PDFs are read "
    "when LlamaParse is configured (LEADFLOW_LLAMAPARSE_API_KEY)"
)


class LocalParser:
    name = "local"

    def __init__(self, *, max_bytes: int, max_pages: int) -> None:
        self.max_bytes = max_bytes
        self.max_pages = max_pages

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> LocalParser:
        settings = settings or get_settings()
        return cls(
            max_bytes=settings.knowledge_max_document_bytes,
            max_pages=settings.knowledge_max_document_pages,
        )

    def parse(self, content: bytes, *, kind: str, filename: str | None = None) -> ParsedDocument:
        """The document's title and blocks; UnreadableDocument when it is too large, of a kind
        not read, damaged, locked, or holds no text."""
        refuse_oversized(content, max_bytes=self.max_bytes)
        document = self._reader(kind)(content)
        if not document.blocks:
            raise UnreadableDocument(
                _NO_TEXT_IN_PDF if kind == "pdf" else _NO_TEXT, reason="no_text"
            )
        return document

    def _reader(self, kind: str) -> Callable[[bytes], ParsedDocument]:
        readers: dict[str, Callable[[bytes], ParsedDocument]] = {
            "pdf": lambda content: read_pdf(content, max_pages=self.max_pages),
            "docx": lambda content: read_docx(content, max_bytes=self.max_bytes),
            "html": read_html,
            "markdown": read_markdown,
            "text": read_text,
        }
        if kind not in readers:
            raise UnreadableDocument(
                f"documents of kind {kind!r} are not read", reason="unsupported"
            )
        return readers[kind]
