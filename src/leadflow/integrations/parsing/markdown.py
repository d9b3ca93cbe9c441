"""Markdown to blocks: headings (``#`` and setext), paragraphs, list items, table rows and code
(kept as text), with inline markup reduced to the text a reader sees: a link's words, an
image's alt text, emphasis without its asterisks.

Line by line, in linear time: every pattern stops at the next delimiter, so a long line of
brackets or asterisks costs no more than a line of prose. LlamaParse answers in Markdown, so
its results are read here too.
"""

from __future__ import annotations

import html
import re

from leadflow.integrations.parsing.base import Block, ParsedDocument
from leadflow.integrations.parsing.text import clean, normalise
from leadflow.kit.encodings import decode_text

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})([^`]*)$")
_ATX_HEADING = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*))?$")
_CLOSING_HASHES = re.compile(r"(?:^|[ \t])#+$")
_SETEXT_UNDERLINE = re.compile(r" {0,3}(?:=+|-+)[ \t]*$")
_THEMATIC_BREAK = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_LIST_ITEM = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+(.*))?$")
_QUOTE_MARKER = re.compile(r" {0,3}>[ \t]?")
_TABLE_DELIMITER = re.compile(r"[ \t]*\|?(?:[ \t]*:?-+:?[ \t]*\|)+(?:[ \t]*:?-+:?[ \t]*)?$")
_REFERENCE_DEFINITION = re.compile(r" {0,3}\[[^\[\]^][^\[\]]*\]:[ \t]*\S+")
_FRONT_MATTER_TITLE = re.compile(r"title:[ \t]*(.+)$", re.IGNORECASE)

_CODE_SPAN = re.compile(r"(`{1,2})([^`]+)\1")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_IMAGE_OR_LINK = re.compile(r"!?\[([^\[\]]*)\](?:\((?:[^()]|\([^()]*\))*\)|\[[^\[\]]*\])")
_FOOTNOTE_REFERENCE = re.compile(r"\[\^[^\[\]]+\]")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^<>\s]+|[^<>\s@]+@[^<>\s@]+)>")
_LINE_BREAK_TAG = re.compile(r"<br[ \t]*/?>", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:[ \t/][^<>]*)?>")
# Asterisks touching a word, and underscores at a word's edge (not snake_case's): an asterisk
# with spaces on both sides (2 * 3) is not emphasis.
_EMPHASIS = re.compile(r"(?<!\s)\*+|\*+(?!\s)|~~|(?<!\w)_+(?=\w)|(?<=\w)_+(?!\w)")
# Escaped punctuation is parked in a private-use plane while markup is removed, so that
# ``\*`` survives as an asterisk rather than being taken for emphasis.
_PARKED = 0xF0000
_PARKED_PUNCTUATION = re.compile("[\U000f0021-\U000f007e]")


def markdown_blocks(text: str, *, page: int | None = None) -> list[Block]:
    """The blocks of a Markdown text, in order; each on ``page`` when given."""
    reader = _MarkdownReader(page)
    for line in clean(text).split("\n"):
        reader.read(line)
    reader.finish()
    return reader.blocks


def read_markdown(content: bytes) -> ParsedDocument:
    """A Markdown document; its title from front matter, else its first heading."""
    text = decode_text(content)
    title, text = _front_matter_title(text)
    blocks = markdown_blocks(text)
    title = title or next((block.text for block in blocks if block.heading), None)
    return ParsedDocument(title=title, blocks=tuple(blocks), parser="local", kind="markdown")


def plain_inline(text: str) -> str:
    """Inline Markdown reduced to its text: code spans verbatim, links and images to their
    words, tags and emphasis markers removed, entities and escapes resolved."""
    pieces: list[str] = []
    position = 0
    for span in _CODE_SPAN.finditer(text):
        pieces.append(_reduce(text[position : span.start()]))
        pieces.append(span.group(2).strip())
        position = span.end()
    pieces.append(_reduce(text[position:]))
    return normalise("".join(pieces))


def _reduce(text: str) -> str:
    text = _ESCAPED.sub(lambda match: chr(_PARKED + ord(match.group(1))), text)
    text = _IMAGE_OR_LINK.sub(r"\1", text)
    text = _FOOTNOTE_REFERENCE.sub("", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _TAG.sub("", _LINE_BREAK_TAG.sub(" ", text))
    text = html.unescape(_EMPHASIS.sub("", text))
    return _PARKED_PUNCTUATION.sub(lambda match: chr(ord(match.group()) - _PARKED), text)


def _front_matter_title(text: str) -> tuple[str | None, str]:
    """A leading ``---`` block (Jekyll, Hugo) is metadata, not content; its ``title:`` is the
    document's title."""
    lines = clean(text).split("\n")
    if not lines or lines[0].strip() != "---":
        return None, text
    end = next((i for i, line in enumerate(lines[1:50], 1) if line.strip() in ("---", "...")), 0)
    if not end:
        return None, text
    titles = (_FRONT_MATTER_TITLE.match(line.strip()) for line in lines[1:end])
    title = next((normalise(match.group(1).strip("'\"")) for match in titles if match), None)
    return title or None, "\n".join(lines[end + 1 :])


class _MarkdownReader:
    """Reads lines one at a time, keeping the paragraph, list item, table or code block it is
    in until a line ends it."""

    def __init__(self, page: int | None) -> None:
        self.page = page
        self.blocks: list[Block] = []
        self._lines: list[str] = []  # the open paragraph or list item
        self._in_item = False
        self._in_table = False
        self._fence: str | None = None  # the open code block's fence, e.g. "```"

    def read(self, line: str) -> None:
        if self._fence is not None:
            self._read_code(line)
            return
        while quoted := _QUOTE_MARKER.match(line):
            line = line[quoted.end() :]
        if not line.strip():
            self._flush()
        elif fence := _FENCE.match(line):
            self._open_fence(fence.group(1))
        elif not self._read_structure(line):
            self._read_text(line)

    def finish(self) -> None:
        self._flush()

    def _read_structure(self, line: str) -> bool:
        """Reads a heading, rule, table row or list item; False when the line is none."""
        if heading := _ATX_HEADING.match(line):
            self._flush()
            text = _CLOSING_HASHES.sub("", (heading.group(2) or "").rstrip())
            self._add(text, level=len(heading.group(1)))
        elif _SETEXT_UNDERLINE.match(line) and self._lines and not self._in_item:
            self._flush(level=1 if line.strip().startswith("=") else 2)
        elif _THEMATIC_BREAK.match(line):
            self._flush()
        elif "|" in line and _TABLE_DELIMITER.match(line):
            self._open_table()
        elif self._in_table and "|" in line:
            self._add_row(line)
        elif item := _LIST_ITEM.match(line):
            self._flush()
            self._in_item = True
            self._lines.append(item.group(1) or "")
        else:
            return False
        return True

    def _read_text(self, line: str) -> None:
        if _REFERENCE_DEFINITION.match(line):
            return
        if line.lstrip().startswith("|"):
            self._flush()
            self._add_row(line)
            return
        self._in_table = False
        self._lines.append(line)

    def _open_fence(self, fence: str) -> None:
        self._flush()
        self._fence = fence

    def _read_code(self, line: str) -> None:
        assert self._fence is not None
        closing = line.strip()
        if closing.startswith(self._fence) and set(closing) == {self._fence[0]}:
            self._add_code()
            self._fence = None
        else:
            self._lines.append(line)

    def _add_code(self) -> None:
        text = normalise(" ".join(self._lines))
        if text:
            self.blocks.append(Block(text, page=self.page))
        self._lines.clear()

    def _open_table(self) -> None:
        """A delimiter row (``|---|---|``): the line before it was the header row."""
        header = self._lines.pop() if self._lines and "|" in self._lines[-1] else None
        self._flush()
        if header is not None:
            self._add_row(header)
        self._in_table = True

    def _add_row(self, line: str) -> None:
        if _TABLE_DELIMITER.match(line):
            return
        cells = (plain_inline(cell) for cell in line.strip().strip("|").split("|"))
        self._add(" | ".join(cell for cell in cells if cell), plain=True)
        self._in_table = True

    def _flush(self, *, level: int = 0) -> None:
        if self._fence is not None:
            self._add_code()
        elif self._lines:
            self._add(" ".join(self._lines), level=level)
        self._lines.clear()
        self._in_item = False
        self._in_table = False

    def _add(self, text: str, *, level: int = 0, plain: bool = False) -> None:
        """A block; a heading when ``level`` (1-6) is given."""
        text = text if plain else plain_inline(text)
        if text:
            self.blocks.append(Block(text, heading=level > 0, page=self.page, level=level))
