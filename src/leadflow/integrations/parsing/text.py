"""Plain text, and the text rules every format's blocks follow.

A block's text is whitespace-normalised (runs of whitespace, newlines included, become one
space) and storable: control characters a database cannot hold (NUL above all) become spaces,
and lone surrogates, which no encoding can write, become U+FFFD. Nothing else is changed:
Arabic letters, direction marks and joiners pass through as written.
"""

from __future__ import annotations

import re

from leadflow.integrations.parsing.base import Block, ParsedDocument
from leadflow.kit.encodings import decode_text

# Control characters that are not whitespace (str.isspace() is true for \t\n\v\f\r, \x1c-\x1f
# and \x85, which whitespace normalisation handles).
_UNSTORABLE = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")


def clean(text: str) -> str:
    """``text`` with what cannot be stored replaced; its lines end in ``\\n``."""
    text = _SURROGATE.sub("\ufffd", _UNSTORABLE.sub(" ", text))
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")


def normalise(text: str) -> str:
    """``text`` cleaned, on one line, with single spaces between words."""
    return " ".join(clean(text).split())


def paragraphs(text: str) -> list[str]:
    """The normalised paragraphs of ``text``: what blank lines separate."""
    return [paragraph for part in _BLANK_LINE.split(clean(text)) if (paragraph := normalise(part))]


def text_blocks(text: str, *, page: int | None = None) -> list[Block]:
    return [Block(paragraph, page=page) for paragraph in paragraphs(text)]


def read_text(content: bytes) -> ParsedDocument:
    """A plain-text document: one block per paragraph, no title (the file name serves)."""
    blocks = text_blocks(decode_text(content))
    return ParsedDocument(title=None, blocks=tuple(blocks), parser="local", kind="text")
