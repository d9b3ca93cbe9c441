"""Document parsing behind one interface (:mod:`.base`): PDF, Word (.docx), HTML, Markdown and
plain text read locally and offline (:mod:`.local`). LlamaParse, for scanned or complex PDFs,
is a vendor of its own (``integrations/llamaparse``), chosen by ``leadflow.providers``."""

from leadflow.integrations.parsing.base import (
    KINDS,
    Block,
    DocumentParser,
    ParsedDocument,
    UnreadableDocument,
    kind_of,
)

__all__ = [
    "KINDS",
    "Block",
    "DocumentParser",
    "ParsedDocument",
    "UnreadableDocument",
    "kind_of",
]
