"""Placeholder: the parsers land from their branch."""

from leadflow.config import Settings
from leadflow.integrations.parsing.base import DocumentParser


def get_parser(kind: str, settings: Settings | None = None) -> DocumentParser:
    return DocumentParser()
