"""The parser for a kind of document, chosen by settings. The default is the local parser for
every kind: nothing reaches the network. With ``LEADFLOW_LLAMAPARSE_API_KEY`` set, PDFs go to
LlamaParse as ``LEADFLOW_LLAMAPARSE_MODE`` says, with the local parser as the fallback."""

from __future__ import annotations

from leadflow.config import Settings, get_settings
from leadflow.integrations.parsing.base import DocumentParser
from leadflow.integrations.parsing.fallback import LlamaParseWithLocalFallback
from leadflow.integrations.parsing.llamaparse import LlamaParse
from leadflow.integrations.parsing.local import LocalParser


def get_parser(kind: str, settings: Settings | None = None) -> DocumentParser:
    """The parser for documents of ``kind`` (one of :data:`~.base.KINDS`)."""
    settings = settings or get_settings()
    local = LocalParser.from_settings(settings)
    if kind != "pdf" or not settings.llamaparse_api_key.get_secret_value():
        return local
    return LlamaParseWithLocalFallback(
        local=local, llamaparse=LlamaParse.from_settings(settings), mode=settings.llamaparse_mode
    )
