"""Cutting a parsed document into chunks of about ``size`` tokens that overlap by about
``overlap``, counted with the embedding model's tokenizer. Cuts fall between paragraphs where
they can, else between sentences, else between words; a heading stays with what follows it.
An FAQ is one chunk, question and answer together."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from leadflow.integrations.parsing.base import Block

# Token counts of many texts at once (the tokenizer is fastest in batches).
Counter = Callable[[Sequence[str]], list[int]]

# A sentence ends in . ! ? (Arabic ؟) or an ellipsis, maybe inside quotes or brackets.
_SENTENCE_END = re.compile(r"(?<=[.!?\u061f\u3002\u2026])[\"'\u201d\u2019)\]]*\s+")
_WORD = re.compile(r"\S+\s*")


@dataclass(frozen=True)
class Chunk:
    text: str
    position: int  # 0-based order in its document
    page: int | None


@dataclass(frozen=True)
class _Unit:
    """A piece no cut goes through: a paragraph, or a sentence or run of words of a long one."""

    text: str
    tokens: int
    page: int | None
    heading: bool = False
    starts_block: bool = True


def chunk_blocks(
    blocks: Sequence[Block], *, count: Counter, size: int = 500, overlap: int = 50
) -> list[Chunk]:
    units = list(_units(blocks, count=count, size=size))
    groups = _packed(units, count=count, size=size, overlap=overlap)
    return [Chunk(_joined(group), i, group[0].page) for i, group in enumerate(groups)]


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
                yield _Unit(text, run_tokens, block.page, block.heading, starts_block=first)
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
    paragraph start that leaves it at least half full, else where the next unit would not fit,
    and at a heading once it holds a quarter; each group after the first begins with the last
    ``overlap`` tokens of the one before."""
    groups: list[list[_Unit]] = []
    group: list[_Unit] = []
    fresh = 0  # units in the group that no earlier group holds
    for unit in units:
        while fresh and (
            (full := _tokens(group) + unit.tokens > size) or _heading_starts(group, unit, size)
        ):
            emitted, carried = _cut(group, fresh, size) if full else (group, [])
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


def _heading_starts(group: list[_Unit], unit: _Unit, size: int) -> bool:
    return (
        unit.heading
        and unit.starts_block
        and not group[-1].heading
        and (_tokens(group) >= size // 4)
    )


def _cut(group: list[_Unit], fresh: int, size: int) -> tuple[list[_Unit], list[_Unit]]:
    """Where a full group ends: at its last paragraph start (or heading) that leaves it at
    least half full; the units after the cut start the next group."""
    first_fresh = len(group) - fresh
    for at in range(len(group) - 1, first_fresh, -1):
        if group[at].starts_block and _tokens(group[:at]) >= size // 2:
            while at - 1 > first_fresh and group[at - 1].heading:
                at -= 1
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
    return [_Unit(text, overlap - budget, last.page, last.heading, starts_block=False)]


def _joined(group: list[_Unit]) -> str:
    parts: list[str] = []
    for unit in group:
        if parts:
            parts.append("\n\n" if unit.starts_block else " ")
        parts.append(unit.text)
    return "".join(parts)
