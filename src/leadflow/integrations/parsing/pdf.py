"""PDF text with pypdf, page by page, rebuilt into paragraphs and headings.

A PDF holds positioned runs of glyphs, not paragraphs. pypdf gives each run with its position
and font size; lines are cut where pypdf cuts them, a paragraph ends where the gap to the next
line is clearly wider than the page's usual line spacing, and a line set clearly larger than
the document's body text is a heading.

Right-to-left text is stored in visual order; pypdf turns it back into reading order. Two
things it leaves are mended here: a sentence's final punctuation, which ends up before an
Arabic line instead of after it, and Arabic presentation forms (the shaped glyph variants
some producers map their glyphs to), which become the letters a search for them would type.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import structlog
from pypdf import PageObject, PdfReader

from leadflow.integrations.parsing.base import Block, ParsedDocument, UnreadableDocument
from leadflow.integrations.parsing.text import normalise

log = structlog.get_logger()

# Fewer visible characters than this per page, on average, and the PDF is taken for a scan
# (images of pages): a page of prose holds a couple of thousand, a slide a hundred or more.
SPARSE_CHARS_PER_PAGE = 100

_HEADING_SCALE = 1.15  # a line this much larger than the body text is a heading
_HEADING_CHARS = 200
_PARAGRAPH_GAP = 1.4  # a gap this many times the usual line spacing ends a paragraph
_WIDEST_PITCH = 1.5  # line spacing as a multiple of the font size, at most
_RTL = "\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefe"
_MISPLACED_FINAL_PUNCTUATION = re.compile(rf"([.,:;!?\u060c\u061b\u061f\u2026]+)\s*(?=[{_RTL}])")
_PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufefe]+")
_FILE_NAME_TITLE = re.compile(
    r"\.(?:docx?|pdf|pptx?|xlsx?|txt|indd)$|^microsoft \w+ - |^untitled", re.I
)

_DAMAGED = "this PDF is damaged and cannot be read"
_LOCKED = "this PDF is protected by a password; remove the password and upload it again"


@dataclass(frozen=True)
class _Line:
    text: str
    y: float | None  # the baseline's height on the page, in points (None: unknown)
    size: float  # the largest font size on the line, in points


def count_pages(content: bytes, *, max_pages: int) -> int:
    """The PDF's page count; UnreadableDocument when it is damaged, locked by a password or
    longer than ``max_pages``."""
    return len(_open(content, max_pages=max_pages).pages)


def read_pdf(content: bytes, *, max_pages: int) -> ParsedDocument:
    reader = _open(content, max_pages=max_pages)
    pages = _all_page_lines(reader.pages)
    layout = _Layout.of(pages)
    blocks = [
        block
        for number, lines in enumerate(pages, start=1)
        for block in _page_blocks(lines, layout=layout, page=number)
    ]
    return ParsedDocument(
        title=_title(reader, blocks), blocks=tuple(blocks), parser="local", kind="pdf"
    )


def is_sparse(document: ParsedDocument, *, pages: int) -> bool:
    """Whether ``document`` holds so little text for its pages that it is likely scanned."""
    visible = sum(len(block.text) - block.text.count(" ") for block in document.blocks)
    return visible < SPARSE_CHARS_PER_PAGE * max(pages, 1)


def _open(content: bytes, *, max_pages: int) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(content))
        _unlock(reader)
        page_count = len(reader.pages)
    except UnreadableDocument:
        raise
    except Exception as error:  # pypdf raises errors of many kinds on a damaged file
        raise UnreadableDocument(_DAMAGED, reason="corrupt") from error
    if page_count == 0:
        raise UnreadableDocument("this PDF has no pages", reason="corrupt")
    if page_count > max_pages:
        raise UnreadableDocument(
            f"this PDF has {page_count:,} pages; at most {max_pages:,} can be read",
            reason="too_many_pages",
        )
    return reader


def _unlock(reader: PdfReader) -> None:
    """Opens a PDF encrypted with an empty user password (only printing or copying is
    restricted, and anyone can read it); one that needs a password is refused."""
    if not reader.is_encrypted:
        return
    try:
        unlocked = reader.decrypt("")
    except Exception as error:  # an encryption pypdf cannot open
        raise UnreadableDocument(_LOCKED, reason="encrypted") from error
    if not unlocked:
        raise UnreadableDocument(_LOCKED, reason="encrypted")


def _all_page_lines(pages: Sequence[PageObject]) -> list[list[_Line]]:
    read: list[list[_Line]] = []
    failures = 0
    for number, page in enumerate(pages, start=1):
        try:
            read.append(_page_lines(page))
        except Exception as error:  # one damaged page: the others are still worth reading
            log.warning("parsing.pdf_page_unreadable", page=number, error=repr(error)[:200])
            read.append([])
            failures += 1
    if failures == len(read):
        raise UnreadableDocument(_DAMAGED, reason="corrupt")
    return read


def _page_lines(page: PageObject) -> list[_Line]:
    """The page's lines as pypdf cuts them, each with its height and font size."""
    lines: list[_Line] = []
    parts: list[str] = []
    position: tuple[float | None, float] | None = None  # of the line's first visible run

    def end_line() -> None:
        nonlocal position
        y, size = position or (None, 0.0)
        lines.append(_Line(_reading_order("".join(parts)), y, size))
        parts.clear()
        position = None

    def visit(text: str, cm: list[float], tm: list[float], _font: object, size: float) -> None:
        nonlocal position
        for index, piece in enumerate(text.split("\n")):
            if index:
                end_line()
            parts.append(piece)
            if piece.strip():
                y, scaled = _placement(cm, tm, size)
                position = (position[0], max(position[1], scaled)) if position else (y, scaled)

    page.extract_text(visitor_text=visit)
    end_line()
    return lines


def _placement(cm: list[float], tm: list[float], font_size: float) -> tuple[float, float]:
    """Where a run sits (its baseline's height) and how large it is, on the page: the text
    matrix ``tm`` then the page's ``cm`` applied to the text origin and to one unit of
    height."""
    y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
    up_x, up_y = tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3]
    scale = math.hypot(up_x, up_y) or 1.0
    return y, font_size * scale


def _reading_order(text: str) -> str:
    text = _PRESENTATION_FORMS.sub(lambda forms: unicodedata.normalize("NFKC", forms[0]), text)
    stripped = text.strip()
    if moved := _MISPLACED_FINAL_PUNCTUATION.match(stripped):
        return stripped[moved.end() :] + moved.group(1)
    return text


@dataclass(frozen=True)
class _Layout:
    """How the document is set: its body text's size, and the usual distance from one line to
    the next for each size, measured over the whole document (a page of one-line paragraphs
    alone would mistake paragraph gaps for line spacing)."""

    body_size: float
    pitches: dict[float, float]

    @classmethod
    def of(cls, pages: list[list[_Line]]) -> _Layout:
        sizes: Counter[float] = Counter()
        pitches: dict[float, float] = {}
        for lines in pages:
            for line in lines:
                sizes[round(line.size, 1)] += len(line.text.strip())
            for above, below in pairwise(line for line in lines if line.text.strip()):
                size, gap = round(below.size, 1), _gap(above, below)
                if gap is not None and size == round(above.size, 1) and gap >= 0.8 * size:
                    pitches[size] = min(gap, pitches.get(size, gap))
        body_size = sizes.most_common(1)[0][0] if sizes else 0.0
        return cls(body_size, pitches)

    def is_heading(self, line: _Line) -> bool:
        return (
            self.body_size > 0
            and line.size >= self.body_size * _HEADING_SCALE
            and len(line.text.strip()) <= _HEADING_CHARS
        )

    def heading_level(self, line: _Line) -> int:
        """How deep a heading line is by its size against the body text's (0: body text)."""
        if not self.is_heading(line):
            return 0
        scale = line.size / self.body_size
        return 1 if scale >= 1.6 else 2 if scale >= 1.3 else 3

    def ends_paragraph(self, above: _Line, below: _Line) -> bool:
        if not below.text.strip() or self.is_heading(above) != self.is_heading(below):
            return True
        gap = _gap(above, below)
        if gap is None:
            return False
        if gap < -1:  # back up the page: a new column
            return True
        # Lines are rarely set wider apart than 1.5 times their size: a page whose paragraphs
        # are all one line long shows only paragraph gaps.
        usual = min(self.pitches.get(round(below.size, 1), math.inf), _WIDEST_PITCH * below.size)
        return gap > _PARAGRAPH_GAP * usual


def _gap(above: _Line, below: _Line) -> float | None:
    return above.y - below.y if above.y is not None and below.y is not None else None


def _page_blocks(lines: list[_Line], *, layout: _Layout, page: int) -> list[Block]:
    blocks: list[Block] = []
    paragraph: list[_Line] = []
    for line in lines:
        if paragraph and layout.ends_paragraph(paragraph[-1], line):
            blocks.extend(_paragraph_block(paragraph, layout=layout, page=page))
            paragraph = []
        if line.text.strip():
            paragraph.append(line)
    blocks.extend(_paragraph_block(paragraph, layout=layout, page=page))
    return blocks


def _paragraph_block(lines: list[_Line], *, layout: _Layout, page: int) -> list[Block]:
    text = ""
    for line in lines:
        part = line.text.strip()
        # "apart-" then "ments": a word the line break hyphenated
        if text.endswith("-") and text[-2:-1].isalpha() and part[:1].islower():
            text = text[:-1] + part
        else:
            text = f"{text} {part}" if text else part
    text = normalise(text)
    if not text:
        return []
    level = layout.heading_level(lines[0])
    return [Block(text, heading=level > 0, page=page, level=level)]


def _title(reader: PdfReader, blocks: list[Block]) -> str | None:
    """The title the PDF's metadata gives (unless it is only a file name), else its first
    heading, else a short first line that reads like one."""
    try:
        metadata = reader.metadata
        declared = normalise(str(metadata.title or "")) if metadata is not None else ""
    except Exception:  # damaged metadata is no reason to refuse the text
        declared = ""
    if declared and not _FILE_NAME_TITLE.search(declared):
        return declared
    heading = next((block.text for block in blocks if block.heading), None)
    if heading is not None or not blocks:
        return heading
    first = blocks[0].text
    looks_like_title = len(first) <= 80 and len(first.split()) <= 12 and first[-1] not in ".:;,"
    return first if looks_like_title else None
