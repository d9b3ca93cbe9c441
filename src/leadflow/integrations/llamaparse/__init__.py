"""LlamaParse (LlamaIndex's hosted parser) for scanned and complex PDFs, with the local parser
as its fallback."""

from __future__ import annotations

from leadflow.config import get_settings
from leadflow.integrations.llamaparse.client import LlamaParse
from leadflow.integrations.llamaparse.fallback import LlamaParseWithLocalFallback
from leadflow.integrations.llamaparse.settings import LlamaParseSettings, from_platform
from leadflow.integrations.parsing.local import LocalParser
from leadflow.integrations.vendor import Vendor


def parser(settings: LlamaParseSettings) -> LlamaParseWithLocalFallback:
    """PDFs to LlamaParse as the account's mode says; every other kind, and LlamaParse's
    failures, to the local parser."""
    return LlamaParseWithLocalFallback(
        local=LocalParser.from_settings(get_settings()),
        llamaparse=LlamaParse.from_settings(settings),
        mode=settings.mode,
    )


VENDOR = Vendor(
    slug="llamaparse",
    title="LlamaParse (scanned and complex PDFs)",
    settings=LlamaParseSettings,
    platform=from_platform,
    parser=parser,
)

__all__ = ["VENDOR", "LlamaParse", "LlamaParseSettings", "LlamaParseWithLocalFallback"]
