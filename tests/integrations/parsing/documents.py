"""Builders for the documents parsing tests read: real PDFs (fpdf2) and Word files
(python-docx), made small and on the spot.

PDF text outside Latin-1 needs a font that has its glyphs. Rather than depend on the fonts a
machine happens to have, :func:`_box_font` makes one with fontTools: every glyph is a box,
which is all a text extractor needs (it reads the characters from the font's Unicode map).
"""

from __future__ import annotations

import atexit
import io
import os
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TypeVar

from docx import Document
from docx.document import Document as WordDocument
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fpdf import FPDF
from PIL import Image
from pypdf import PdfReader, PdfWriter

from leadflow.integrations.parsing import UnreadableDocument

T = TypeVar("T")

ARABIC = "مرحبا بكم في وكالتنا العقارية. نقدم شققا للبيع والإيجار في الرياض وجدة."
ARABIC_HEADING = "الأسعار والعروض"
BODY = (
    "Our agency has sold apartments in Riyadh since 2004. Two-bedroom apartments start at "
    "850,000 SAR, and every listing is visited by one of our agents before it is published."
)

_BOX_FONT_CHARACTERS = (
    [chr(code) for code in range(0x20, 0x7F)]
    + [chr(code) for code in range(0x060C, 0x0670)]
    + [chr(code) for code in range(0xFE70, 0xFEFD)]  # Arabic presentation forms-B
    + ["\u2026"]
)


def attempt(read: Callable[[], T]) -> T | UnreadableDocument:
    """What reading gave, or the refusal it raised (property tests accept either)."""
    try:
        return read()
    except UnreadableDocument as error:
        return error


@dataclass(frozen=True)
class Text:
    """A paragraph of a PDF page. ``rtl`` text is written in visual order, as PDF producers
    write right-to-left scripts (the last letter leftmost)."""

    text: str
    size: float = 11
    rtl: bool = False


def heading(text: str, *, rtl: bool = False) -> Text:
    return Text(text, size=18, rtl=rtl)


def make_pdf(
    *pages: Sequence[Text | str], title: str | None = None, scanned_pages: int = 0
) -> bytes:
    """A PDF with a page for each sequence of paragraphs (a str is body text), then
    ``scanned_pages`` pages that are only a picture, as a scanner makes them."""
    pdf = FPDF()
    pdf.add_font("box", fname=_box_font())
    if title is not None:
        pdf.set_title(title)
    for paragraphs in pages:
        pdf.add_page()
        for paragraph in paragraphs:
            _write(pdf, paragraph if isinstance(paragraph, Text) else Text(paragraph))
    for _ in range(scanned_pages):
        pdf.add_page()
        pdf.image(_scan(), x=10, y=10, w=190)
    return bytes(pdf.output())


def scanned_pdf(pages: int = 2) -> bytes:
    return make_pdf(scanned_pages=pages)


def locked_pdf(content: bytes, *, user_password: str, owner_password: str = "owner") -> bytes:
    """``content`` encrypted (AES-256); an empty ``user_password`` only restricts printing and
    copying, as many published PDFs do."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(content)))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _write(pdf: FPDF, paragraph: Text) -> None:
    latin = all(ord(character) < 0x100 for character in paragraph.text)
    pdf.set_font("helvetica" if latin else "box", size=paragraph.size)
    text = paragraph.text[::-1] if paragraph.rtl else paragraph.text
    pdf.multi_cell(0, paragraph.size * 0.55, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(paragraph.size * 0.5)


def _scan() -> Image.Image:
    """A grey page with darker bands where lines of type would be: pixels, no text."""
    image = Image.new("L", (600, 800), 235)
    for top in range(60, 760, 30):
        image.paste(90, (50, top, 550, top + 12))
    return image


@cache
def _box_font() -> str:
    builder = FontBuilder(1000, isTTF=True)
    names = {character: f"uni{ord(character):04X}" for character in _BOX_FONT_CHARACTERS}
    glyph_order = [".notdef", *names.values()]
    builder.setupGlyphOrder(glyph_order)
    builder.setupCharacterMap({ord(character): name for character, name in names.items()})
    builder.setupGlyf({name: _box() for name in glyph_order})
    builder.setupHorizontalMetrics(dict.fromkeys(glyph_order, (500, 50)))
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Box", "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=800, usWinAscent=800, usWinDescent=200)
    builder.setupPost()
    handle, path = tempfile.mkstemp(suffix=".ttf")
    with os.fdopen(handle, "wb") as file:
        builder.save(file)
    atexit.register(os.remove, path)
    return path


def _box() -> object:
    pen = TTGlyphPen(None)
    pen.moveTo((50, 0))
    pen.lineTo((50, 700))
    pen.lineTo((450, 700))
    pen.lineTo((450, 0))
    pen.closePath()
    return pen.glyph()


# --- Word --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Table:
    rows: Sequence[Sequence[str]]
    merge_first_row: bool = False  # its cells merged into one, as a title row often is


def make_docx(*items: str | Heading | Table, title: str | None = None) -> bytes:
    """A Word document with these paragraphs (str), headings and tables, in order."""
    document = Document()
    if title is not None:
        document.core_properties.title = title
    for item in items:
        if isinstance(item, Heading):
            document.add_heading(item.text, level=item.level)
        elif isinstance(item, Table):
            _add_table(document, item)
        else:
            document.add_paragraph(item)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _add_table(document: WordDocument, table: Table) -> None:
    columns = max(len(row) for row in table.rows)
    added = document.add_table(rows=len(table.rows), cols=columns)
    for added_row, row in zip(added.rows, table.rows, strict=False):
        for cell, text in zip(added_row.cells, row, strict=False):
            cell.text = text
    if table.merge_first_row:
        first = added.rows[0].cells
        first[0].merge(first[-1]).text = table.rows[0][0]


def zip_bomb(unpacked_bytes: int) -> bytes:
    """A .docx-shaped ZIP whose document part unpacks to ``unpacked_bytes`` of spaces."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b" " * unpacked_bytes)
    return out.getvalue()
