"""Placeholder of the parsing interface's data shapes (the parsers land from their branch)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Block:
    text: str
    heading: bool = False
    page: int | None = None


@dataclass(frozen=True)
class ParsedDocument:
    title: str | None
    blocks: tuple[Block, ...]
    parser: str
    kind: str


class UnreadableDocument(Exception):
    status = 422


class DocumentParser:
    name = "local"

    def parse(self, content: bytes, *, kind: str, filename: str | None = None) -> ParsedDocument:
        text = content.decode("utf-8", errors="replace")
        blocks = tuple(Block(" ".join(p.split())) for p in text.split("\n\n") if p.strip())
        if not blocks:
            raise UnreadableDocument("no text found")
        return ParsedDocument(None, blocks, "local", kind)


def kind_of(content: bytes, *, filename: str | None = None, media_type: str | None = None) -> str:
    return "text"
