"""Document parsing behind one interface (:mod:`.base`): PDF, Word (.docx), HTML, Markdown and
plain text read locally and offline (:mod:`.local`), and LlamaParse (:mod:`.llamaparse`) for
scanned or complex PDFs when it has a key. :func:`.factory.get_parser` chooses by settings."""

from leadflow.integrations.parsing.base import (
    KINDS,
    Block,
    DocumentParser,
    ParsedDocument,
    UnreadableDocument,
    kind_of,
)
from leadflow.integrations.parsing.factory import get_parser

__all__ = [
    "KINDS",
    "Block",
    "DocumentParser",
    "ParsedDocument",
    "UnreadableDocument",
    "get_parser",
    "kind_of",
]
