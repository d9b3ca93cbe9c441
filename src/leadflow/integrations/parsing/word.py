"""Word documents (.docx) with python-docx: the body's paragraphs and tables in order.

A paragraph whose style is a heading (Heading 1-9, Title, or a style based on one) is a
heading block; each table row is one block, its cells joined by `` | ``. Page headers and
footers are left out: they repeat on every page and say little.
"""

from __future__ import annotations

import io
import zipfile

from docx import Document
from docx.document import Document as WordDocument
from docx.styles.style import BaseStyle, ParagraphStyle
from docx.table import Table
from docx.text.paragraph import Paragraph

from leadflow.integrations.parsing.base import Block, ParsedDocument, UnreadableDocument
from leadflow.integrations.parsing.text import normalise

_STYLE_ANCESTRY = 5  # how far up "based on" to look for a heading style
# Unpacked XML this many times the upload's limit is a ZIP bomb, not a document.
XML_EXPANSION_LIMIT = 10


def read_docx(content: bytes, *, max_bytes: int) -> ParsedDocument:
    _refuse_bombs(content, max_xml_bytes=max_bytes * XML_EXPANSION_LIMIT)
    document = _open(content)
    blocks: list[Block] = []
    for item in document.iter_inner_content():
        blocks.extend(_table_blocks(item) if isinstance(item, Table) else _paragraph_block(item))
    return ParsedDocument(
        title=_title(document, blocks), blocks=tuple(blocks), parser="local", kind="docx"
    )


def _refuse_bombs(content: bytes, *, max_xml_bytes: int) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise UnreadableDocument("this Word document is damaged", reason="corrupt") from error
    if unpacked > max_xml_bytes:
        raise UnreadableDocument(
            "this Word document unpacks to far more than a document holds", reason="too_large"
        )


def _open(content: bytes) -> WordDocument:
    try:
        return Document(io.BytesIO(content))
    except Exception as error:  # python-docx, zipfile and lxml each raise their own errors
        raise UnreadableDocument("this Word document is damaged", reason="corrupt") from error


def _paragraph_block(paragraph: Paragraph) -> list[Block]:
    text = normalise(paragraph.text)
    level = _heading_level(paragraph.style)
    return [Block(text, heading=level > 0, level=level)] if text else []


def _heading_level(style: BaseStyle | None) -> int:
    """1 for the Title style, N for Heading N (or a style based on one), else 0."""
    for _ in range(_STYLE_ANCESTRY):
        if style is None:
            return 0
        name = (style.name or "").lower()
        if name == "title":
            return 1
        if name.startswith("heading"):
            digits = name.removeprefix("heading").strip()
            return int(digits) if digits.isdigit() else 1
        style = style.base_style if isinstance(style, ParagraphStyle) else None
    return 0


def _table_blocks(table: Table) -> list[Block]:
    blocks = []
    for row in table.rows:
        cells = list({id(cell._tc): cell for cell in row.cells}.values())  # merged cells repeat
        text = " | ".join(filter(None, (normalise(cell.text) for cell in cells)))
        if text:
            blocks.append(Block(text))
    return blocks


def _title(document: WordDocument, blocks: list[Block]) -> str | None:
    try:
        declared = normalise(document.core_properties.title or "")
    except Exception:  # damaged properties are no reason to refuse the text
        declared = ""
    return declared or next((block.text for block in blocks if block.heading), None)
