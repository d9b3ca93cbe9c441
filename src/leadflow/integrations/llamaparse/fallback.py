"""PDFs read by LlamaParse, with the local parser as the fallback when it fails.

In ``scanned`` mode a PDF is read locally first and goes to LlamaParse only when its own text
is too sparse to be the document (a scan); in ``always`` mode every PDF goes to LlamaParse.
When LlamaParse fails, the local result is used if the local parser found text, and the
document says which parser produced it. When neither has text, a failure that may pass
(LlamaParse unreachable, slow) is raised as such so the ingestion job tries again later; a
refusal is an UnreadableDocument.
"""

from __future__ import annotations

from typing import Literal

import structlog

from leadflow.integrations.errors import ProviderRefused, ProviderUnavailable
from leadflow.integrations.parsing.base import (
    DocumentParser,
    ParsedDocument,
    UnreadableDocument,
    refuse_oversized,
)
from leadflow.integrations.parsing.local import LocalParser
from leadflow.integrations.parsing.pdf import count_pages, is_sparse

log = structlog.get_logger()

Mode = Literal["scanned", "always"]
LlamaParseFailure = ProviderUnavailable | ProviderRefused | UnreadableDocument


class LlamaParseWithLocalFallback:
    name = "llamaparse+local"

    def __init__(self, *, local: LocalParser, llamaparse: DocumentParser, mode: Mode) -> None:
        self.local = local
        self.llamaparse = llamaparse
        self.mode = mode

    def parse(self, content: bytes, *, kind: str, filename: str | None = None) -> ParsedDocument:
        if kind != "pdf":
            return self.local.parse(content, kind=kind, filename=filename)
        refuse_oversized(content, max_bytes=self.local.max_bytes)
        # Damaged, locked and overlong PDFs are refused here, before LlamaParse is paid for them.
        pages = count_pages(content, max_pages=self.local.max_pages)
        local = self._local(content, filename) if self.mode == "scanned" else None
        if local is not None and not is_sparse(local, pages=pages):
            return local
        try:
            return self.llamaparse.parse(content, kind=kind, filename=filename)
        except (ProviderUnavailable, ProviderRefused, UnreadableDocument) as failure:
            if local is None and self.mode == "always":
                local = self._local(content, filename)
            return self._fall_back(local, failure)

    def _local(self, content: bytes, filename: str | None) -> ParsedDocument | None:
        """The local reading, or None when it found no text."""
        try:
            return self.local.parse(content, kind="pdf", filename=filename)
        except UnreadableDocument as error:
            if error.reason != "no_text":
                raise
            return None

    def _fall_back(
        self, local: ParsedDocument | None, failure: LlamaParseFailure
    ) -> ParsedDocument:
        log.warning(
            "parsing.llamaparse_failed",
            error=failure.message,
            kind=type(failure).__name__,
            fell_back_to="local" if local is not None else None,
        )
        if local is not None:
            return local
        if isinstance(failure, ProviderUnavailable):
            raise failure
        raise UnreadableDocument(
            f"no text was found in this PDF (it may be a scan), and LlamaParse could not read "
            f"it either: {failure.message}",
            reason="no_text",
        ) from failure
