"""A web page's main text: what a reader came for, without the menus, footers, cookie banners
and scripts around it.

Boilerplate is removed first (scripts, styles, navigation, page headers and footers, asides,
forms, hidden elements, cookie and consent banners). The content is then ``<main>``,
``role=main`` or a lone ``<article>`` when the page marks it, else the element holding the most
paragraph text with the fewest links (text density, as reader modes judge it). Its headings
``h1``-``h6`` become heading blocks; table rows become one block each.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from selectolax.lexbor import LexborHTMLParser, LexborNode

from leadflow.integrations.parsing.base import Block, ParsedDocument
from leadflow.integrations.parsing.text import normalise
from leadflow.kit.encodings import DECODE_ERRORS, decode_text, sniff_encoding

_BOILERPLATE = ", ".join(
    (
        "script, style, noscript, template, svg, canvas, iframe, object, embed",
        "nav, aside, form, button, select, dialog",
        "[hidden], [aria-hidden=true], [style*='display:none' i], [style*='display: none' i]",
        "[role=navigation], [role=banner], [role=contentinfo], [role=complementary]",
        "[role=search], [role=dialog], [role=alertdialog]",
    )
)
_BANNERS = ", ".join(
    f"[{attribute}*={word} i]"
    for attribute in ("id", "class", "aria-label")
    for word in ("cookie", "consent", "gdpr")
)
_PAGE_FRAME = "header, footer"  # the site's; a section's or an article's own are content
_SECTIONING = frozenset({"main", "article", "section"})
_CONTENT = "main, article, body, html"  # never removed as a banner, whatever their class
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_BLOCKS = _HEADINGS | frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "dd", "details", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "header", "hr", "li", "main", "nav", "ol",
        "p", "pre", "section", "summary", "table", "tbody", "tfoot", "thead", "ul",
    }
)  # fmt: skip
_PARAGRAPHS = "p, pre, blockquote, li, td, dd"
_SHORT_PARAGRAPH = 25  # characters: a caption or a button label says little about where text is
_MOST_PROSE = 0.9  # what lies outside the content is boilerplate only when it is little
_LIST_PARTS = frozenset({"ul", "ol", "dl", "table", "thead", "tbody", "tfoot", "tr"})
_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)


def read_html(content: bytes) -> ParsedDocument:
    tree = LexborHTMLParser(_decode(content))
    title = _title(tree)
    _remove_boilerplate(tree)
    root = _content_root(tree)
    blocks = _HtmlBlocks().read(root) if root is not None else []
    title = title or next((block.text for block in blocks if block.heading), None)
    return ParsedDocument(title=title, blocks=tuple(blocks), parser="local", kind="html")


def _decode(content: bytes) -> str:
    """UTF-8 (or a BOM's encoding) when the bytes are that; else the charset the page
    declares (windows-1256 for older Arabic sites), if Python knows it; else cp1252."""
    if sniff_encoding(content, complete=True) == "cp1252":
        declared = _DECLARED_CHARSET.search(content[:4096])
        if declared is not None:
            try:
                return content.decode(declared.group(1).decode("ascii"), DECODE_ERRORS)
            except LookupError:
                pass
    return decode_text(content)


def _title(tree: LexborHTMLParser) -> str | None:
    og_title = tree.css_first("meta[property='og:title']")
    if og_title is not None and (text := normalise(og_title.attributes.get("content") or "")):
        return text
    title = tree.css_first("title")
    return (normalise(title.text(deep=True)) or None) if title is not None else None


def _remove_boilerplate(tree: LexborHTMLParser) -> None:
    """Removes every boilerplate element, outermost first: a node inside one already removed
    is gone with it and must not be touched again."""
    doomed = tree.css(_BOILERPLATE)
    doomed += [node for node in tree.css(_BANNERS) if not _holds_content(node)]
    doomed += [node for node in tree.css(_PAGE_FRAME) if not _inside(node, _SECTIONING)]
    ids = {node.mem_id for node in doomed}
    for node in [node for node in doomed if not _inside_any(node, ids)]:
        node.decompose()


def _holds_content(node: LexborNode) -> bool:
    return node.css_matches(_CONTENT) or node.css_first(_CONTENT) is not None


def _ancestors(node: LexborNode) -> Iterator[LexborNode]:
    parent = node.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def _inside(node: LexborNode, tags: frozenset[str]) -> bool:
    return any(ancestor.tag in tags for ancestor in _ancestors(node))


def _inside_any(node: LexborNode, ids: set[int]) -> bool:
    return any(ancestor.mem_id in ids for ancestor in _ancestors(node))


def _content_root(tree: LexborHTMLParser) -> LexborNode | None:
    for selector in ("main", "[role=main]", "article"):
        marked = tree.css(selector)
        if len(marked) == 1:
            return marked[0]
    body = tree.body
    return _densest(body) if body is not None else tree.root


def _densest(body: LexborNode) -> LexborNode:
    """The innermost element holding most of the page's prose (paragraphs that are more than
    links, and longer than a label): the content, without what lies around it. Several
    articles of a listing are held by their common container."""
    prose: dict[int, int] = defaultdict(int)
    elements: dict[int, LexborNode] = {}
    for paragraph in body.css(_PARAGRAPHS):
        length = len(normalise(paragraph.text(deep=True)))
        if length < _SHORT_PARAGRAPH or _link_density(paragraph) > 0.5:
            continue
        for ancestor in _ancestors(paragraph):
            prose[ancestor.mem_id] += length
            elements[ancestor.mem_id] = ancestor
    total = prose.get(body.mem_id, 0)
    holding = [key for key in prose if prose[key] >= _MOST_PROSE * total]
    if not total or not holding:
        return body
    innermost = min(holding, key=lambda key: (prose[key], -_depth(elements[key])))
    content = elements[innermost]
    while content.tag in _LIST_PARTS and content.parent is not None:
        content = content.parent  # the list's heading and introduction belong with it
    return content


def _depth(node: LexborNode) -> int:
    return sum(1 for _ in _ancestors(node))


def _link_density(node: LexborNode) -> float:
    text = len(normalise(node.text(deep=True)))
    links = sum(len(normalise(link.text(deep=True))) for link in node.css("a"))
    return min(1.0, links / text) if text else 1.0


class _HtmlBlocks:
    """Walks the content in document order (with a stack: pages nest deeper than Python
    recursion goes), cutting a block at every block-level element's start and end."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._parts: list[str] = []

    def read(self, root: LexborNode) -> list[Block]:
        stack: list[tuple[LexborNode, bool]] = [(root, False)]
        while stack:
            node, leaving = stack.pop()
            if leaving:
                self._flush(level=int(node.tag[1]) if node.tag in _HEADINGS else 0)
            else:
                stack.extend(self._enter(node))
        self._flush()
        return self.blocks

    def _enter(self, node: LexborNode) -> list[tuple[LexborNode, bool]]:
        """Reads ``node``; returns what to visit after it, last first."""
        tag = node.tag or ""
        if tag == "-text":
            self._parts.append(node.text_content or "")
            return []
        if tag.startswith("-"):  # comments, doctype
            return []
        if tag == "br":
            self._parts.append(" ")
            return []
        if tag == "tr" and _is_data_row(node):
            self._flush()
            self._add_row(node)
            return []
        if tag in _BLOCKS:
            self._flush()
        children = [(child, False) for child in node.iter(include_text=True)]
        leaving = [(node, True)] if tag in _BLOCKS else []
        return leaving + children[::-1]

    def _add_row(self, row: LexborNode) -> None:
        cells = (normalise(cell.text(deep=True, separator=" ")) for cell in row.css("td, th"))
        text = " | ".join(cell for cell in cells if cell)
        if text:
            self.blocks.append(Block(text))

    def _flush(self, *, level: int = 0) -> None:
        text = normalise("".join(self._parts))
        self._parts.clear()
        if text:
            self.blocks.append(Block(text, heading=level > 0, level=level))


def _is_data_row(row: LexborNode) -> bool:
    """A row of cells holding words; a layout table's row (cells holding paragraphs, lists
    or tables) is walked like any other container instead."""
    return row.css_first("p, div, ul, ol, table, h1, h2, h3, h4, h5, h6") is None
