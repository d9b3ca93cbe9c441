"""Cutting a parsed document into chunks the embedding model reads whole, along the document's
own structure: each section (the text under a heading, down to the next heading of the same or
a higher level) and each question of an FAQ page with its answer is a chunk of its own; a
section longer than ``size`` tokens (counted with the model's tokenizer) is cut between its
paragraphs and list items where it can, else between sentences, else between words, and its
parts overlap by about ``overlap`` tokens. Every chunk carries its section path (the headings
above it, outermost first), shown with it and embedded with it.
An FAQ entry is one chunk, question and answer together."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from leadflow.integrations.parsing.base import Block

# Token counts of many texts at once (the tokenizer is fastest in batches).
Counter = Callable[[Sequence[str]], list[int]]

# A sentence ends in . ! ? (Arabic ؟) or an ellipsis, maybe inside quotes or brackets.
_SENTENCE_END = re.compile(r"(?<=[.!?\u061f\u3002\u2026])[\"'\u201d\u2019)\]]*\s+")
_WORD = re.compile(r"\S+\s*")
# A paragraph that opens an FAQ entry: "Q: ...", "Question: ...", "س: ...", or a short line
# that is itself a question.
_FAQ_QUESTION = re.compile(r"^(?:q|question|س|سؤال)\s*[:.)-]\s*\S", re.IGNORECASE)
_QUESTION_CHARS = 200
SECTION_JOIN = " \u203a "  # a single right-pointing angle quotation mark
UNKNOWN_LEVEL = 2  # a heading whose depth the format does not tell


@dataclass(frozen=True)
class Chunk:
    text: str
    position: int  # 0-based order in its document
    page: int | None
    section: str | None = None  # the headings above it, outermost first, joined by SECTION_JOIN


def embedding_text(chunk_text: str, *, section: str | None, title: str | None) -> str:
    """What the model reads of a chunk: where it sits in its document, then its text."""
    path = [part for part in (section or "").split(SECTION_JOIN) if part]
    if title and (not path or path[0].casefold() != title.strip().casefold()):
        path.insert(0, title.strip())
    return f"{SECTION_JOIN.join(path)}\n{chunk_text}" if path else chunk_text


@dataclass
class _Section:
    path: tuple[str, ...]
    blocks: list[Block] = field(default_factory=list)


@dataclass(frozen=True)
class _Unit:
    """A piece no cut goes through: a paragraph, or a sentence or run of words of a long one."""

    text: str
    tokens: int
    page: int | None
    starts_block: bool = True


def chunk_blocks(
    blocks: Sequence[Block], *, count: Counter, size: int = 224, overlap: int = 0
) -> list[Chunk]:
    chunks: list[Chunk] = []
    for section in sections(blocks):
        units = list(_units(section.blocks, count=count, size=size))
        section_path = SECTION_JOIN.join(section.path) or None
        for group in _packed(units, count=count, size=size, overlap=overlap):
            chunks.append(Chunk(_joined(group), len(chunks), group[0].page, section_path))
    return chunks


def sections(blocks: Sequence[Block]) -> Iterator[_Section]:
    """The document's sections in order, each with its heading path and body blocks: a new
    one at every heading and at every FAQ question."""
    path: list[tuple[int, str]] = []
    current = _Section(())
    for block in blocks:
        if block.heading:
            if current.blocks:
                yield current
            level = block.level or UNKNOWN_LEVEL
            path = [(lv, text) for lv, text in path if lv < level] + [(level, block.text)]
            current = _Section(tuple(text for _, text in path))
            continue
        if current.blocks and _opens_faq_entry(block):
            yield current
            current = _Section(current.path)
        current.blocks.append(block)
    if current.blocks:
        yield current


def _opens_faq_entry(block: Block) -> bool:
    text = block.text.strip()
    if _FAQ_QUESTION.match(text):
        return True
    return len(text) <= _QUESTION_CHARS and text.endswith(("?", "\u061f"))


def faq_text(question: str, answer: str) -> str:
    return f"Q: {question.strip()}\nA: {answer.strip()}"


def _units(blocks: Sequence[Block], *, count: Counter, size: int) -> Iterator[_Unit]:
    """Every block as its sentences (a sentence longer than a chunk as runs of words)."""
    for block in blocks:
        sentences = [s.strip() for s in _SENTENCE_END.split(block.text) if s.strip()]
        first = True
        for sentence, tokens in zip(sentences, count(sentences), strict=True):
            runs = [(sentence, tokens)] if tokens <= size else _word_runs(sentence, count, size)
            for text, run_tokens in runs:
                yield _Unit(text, run_tokens, block.page, starts_block=first)
                first = False


def _word_runs(sentence: str, count: Counter, size: int) -> list[tuple[str, int]]:
    """A sentence longer than a chunk, in runs of whole words of at most ``size`` tokens."""
    words = _WORD.findall(sentence)
    runs: list[tuple[str, int]] = []
    current: list[str] = []
    current_tokens = 0
    for word, tokens in zip(words, count(words), strict=True):
        if current and current_tokens + tokens > size:
            runs.append(("".join(current).strip(), current_tokens))
            current, current_tokens = [], 0
        current.append(word)
        current_tokens += tokens
    if current:
        runs.append(("".join(current).strip(), current_tokens))
    return runs


def _packed(units: list[_Unit], *, count: Counter, size: int, overlap: int) -> list[list[_Unit]]:
    """Groups of consecutive units of at most about ``size`` tokens. A group ends at the last
    paragraph start that leaves it at least half full, else where the next unit would not fit;
    each group after the first begins with the last ``overlap`` tokens of the one before."""
    groups: list[list[_Unit]] = []
    group: list[_Unit] = []
    fresh = 0  # units in the group that no earlier group holds
    for unit in units:
        while fresh and _tokens(group) + unit.tokens > size:
            emitted, carried = _cut(group, fresh, size)
            groups.append(emitted)
            group = _overlap(emitted, count, overlap) + carried
            fresh = len(carried)
        group.append(unit)
        fresh += 1
    if fresh:
        groups.append(group)
    return groups


def _tokens(group: list[_Unit]) -> int:
    return sum(u.tokens for u in group)


def _cut(group: list[_Unit], fresh: int, size: int) -> tuple[list[_Unit], list[_Unit]]:
    """Where a full group ends: at its last paragraph start that leaves it at least half full;
    the units after the cut start the next group."""
    first_fresh = len(group) - fresh
    for at in range(len(group) - 1, first_fresh, -1):
        if group[at].starts_block and _tokens(group[:at]) >= size // 2:
            return group[:at], group[at:]
    return group, []


def _overlap(emitted: list[_Unit], count: Counter, overlap: int) -> list[_Unit]:
    """The last whole sentences of ``emitted`` within ``overlap`` tokens, or else the last
    words of its last sentence."""
    tail: list[_Unit] = []
    budget = overlap
    for unit in reversed(emitted[1:]):
        if unit.tokens > budget:
            break
        tail.insert(0, unit)
        budget -= unit.tokens
    if tail or overlap == 0:
        return tail
    last = emitted[-1]
    words = _WORD.findall(last.text)
    kept: list[str] = []
    for word, tokens in zip(reversed(words), count(words[::-1]), strict=True):
        if tokens > budget:
            break
        kept.insert(0, word)
        budget -= tokens
    if not kept or len(kept) == len(words):
        return []
    text = "".join(kept).strip()
    return [_Unit(text, overlap - budget, last.page, starts_block=False)]


def _joined(group: list[_Unit]) -> str:
    parts: list[str] = []
    for unit in group:
        if parts:
            parts.append("\n\n" if unit.starts_block else " ")
        parts.append(unit.text)
    return "".join(parts)
