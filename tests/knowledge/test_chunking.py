"""Chunking: each section and each FAQ pair a chunk of its own, carrying its heading path; a
long section cut into parts of about N tokens counted by the model's tokenizer, overlapping, cut
between paragraphs or sentences where it can; nothing lost."""

from __future__ import annotations

import itertools
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from leadflow.integrations.parsing.base import Block
from leadflow.knowledge.chunking import chunk_blocks, embedding_text
from leadflow.knowledge.embedder import get_embedder


def words(texts) -> list[int]:
    return [len(text.split()) for text in texts]


def sentence(i: int, length: int = 12) -> str:
    return " ".join(f"w{i}x{j}" for j in range(length - 1)) + f" end{i}."


def test_chunks_keep_near_the_size_in_the_models_tokens_and_overlap():
    embedder = get_embedder()
    paragraphs = [
        " ".join(f"The villa number {i}.{j} has a garden and a pool." for j in range(6))
        for i in range(40)
    ]
    chunks = chunk_blocks(
        [Block(p) for p in paragraphs], count=embedder.token_counts, size=200, overlap=30
    )

    sizes = embedder.token_counts([c.text for c in chunks])
    assert len(chunks) > 5
    assert all(size <= 200 + 30 for size in sizes)
    assert all(size >= 100 for size in sizes[:-1])
    for before, after in itertools.pairwise(chunks):
        shared = _shared_sentences(before.text, after.text)
        assert shared  # the overlap is whole sentences...
        assert embedder.token_counts([" ".join(shared)])[0] <= 30  # ...within its tokens


def _shared_sentences(before: str, after: str) -> list[str]:
    """The longest run of sentences that ends ``before`` and starts ``after``."""
    tail = re.split(r"(?<=\.)\s+", before)
    head = re.split(r"(?<=\.)\s+", after)
    for count in range(min(len(tail), len(head)), 0, -1):
        if tail[-count:] == head[:count]:
            return head[:count]
    return []


def test_cuts_fall_between_paragraphs_when_that_leaves_a_chunk_half_full():
    paragraphs = [
        " ".join(sentence(10 * p + s) for s in range(3)) for p in range(10)
    ]  # 36 words each
    chunks = chunk_blocks([Block(p) for p in paragraphs], count=words, size=100, overlap=0)
    for chunk in chunks:
        assert chunk.text in "\n\n".join(paragraphs)
        assert chunk.text.split("\n\n")[0] in paragraphs  # each starts at a paragraph


def test_each_section_is_a_chunk_of_its_own_carrying_its_heading_path():
    blocks = [
        Block("Prices", heading=True, level=1),
        Block(sentence(0)),
        Block("Villas", heading=True, level=2),
        Block(sentence(1)),
        Block("Flats", heading=True, level=2),
        Block(sentence(2)),
        Block("Payment plans", heading=True, level=1),
        Block(" ".join(sentence(i) for i in range(5, 14))),
    ]
    chunks = chunk_blocks(blocks, count=words, size=60, overlap=0)
    assert [(c.section, c.text.split()[-1]) for c in chunks[:3]] == [
        ("Prices", "end0."), ("Prices \u203a Villas", "end1."), ("Prices \u203a Flats", "end2."),
    ]  # fmt: skip
    rest = chunks[3:]
    assert len(rest) == 2  # a section longer than a chunk is cut in parts...
    assert {c.section for c in rest} == {"Payment plans"}  # ...each with its path


def test_each_question_of_an_faq_page_is_a_chunk_with_its_answer():
    blocks = [
        Block("FAQ", heading=True, level=1),
        Block("Q: Do you work on Fridays?"),
        Block("A: No, we work Saturday to Thursday."),
        Block("How long does it take?"),
        Block("About three hours for a flat."),
    ]
    chunks = chunk_blocks(blocks, count=words, size=200, overlap=0)
    assert [c.text for c in chunks] == [
        "Q: Do you work on Fridays?\n\nA: No, we work Saturday to Thursday.",
        "How long does it take?\n\nAbout three hours for a flat.",
    ]
    assert {c.section for c in chunks} == {"FAQ"}


def test_what_the_model_reads_of_a_chunk_starts_with_where_it_sits():
    assert embedding_text("Villas start at SAR 2,500.", section="Prices \u203a Villas",
                          title="Price list") == (
        "Price list \u203a Prices \u203a Villas\nVillas start at SAR 2,500."
    )  # fmt: skip
    assert embedding_text("x", section="Prices", title="prices") == "Prices\nx"
    assert embedding_text("x", section=None, title=None) == "x"


def test_a_sentence_longer_than_a_chunk_is_cut_between_words():
    long_sentence = " ".join(f"word{i}" for i in range(250))
    chunks = chunk_blocks([Block(long_sentence)], count=words, size=100, overlap=10)
    assert max(len(c.text.split()) for c in chunks) <= 110
    assert chunks[0].text.split()[:3] == ["word0", "word1", "word2"]
    assert chunks[-1].text.split()[-1] == "word249"


def test_pages_and_positions_follow_the_blocks():
    blocks = [
        Block(" ".join(sentence(10 * page + i) for i in range(8)), page=page) for page in (1, 2, 3)
    ]
    chunks = chunk_blocks(blocks, count=words, size=100, overlap=0)
    assert [c.position for c in chunks] == list(range(len(chunks)))
    assert [c.page for c in chunks] == sorted(c.page for c in chunks)
    assert chunks[0].page == 1
    assert chunks[-1].page == 3


paragraph = st.lists(
    st.text(alphabet=st.sampled_from("abcdefgh ابتث.!?؟\n"), min_size=1, max_size=60),
    min_size=1,
    max_size=8,
).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(
    paragraphs=st.lists(paragraph, min_size=0, max_size=12),
    size=st.integers(5, 60),
    overlap=st.integers(0, 20),
    headings=st.lists(st.booleans(), min_size=12, max_size=12),
)
def test_no_word_is_lost_and_no_chunk_is_empty(paragraphs, size, overlap, headings):
    blocks = [Block(p, heading=h) for p, h in zip(paragraphs, headings, strict=False)]
    chunks = chunk_blocks(blocks, count=words, size=size, overlap=min(overlap, size // 2))
    assert all(c.text.strip() for c in chunks)
    written = [w for p, h in zip(paragraphs, headings, strict=False) if not h for w in p.split()]
    seen = {word for chunk in chunks for word in chunk.text.split()}
    assert set(written) <= seen  # every word of the body is in a chunk...
    assert seen <= {w for p in paragraphs for w in p.split()}  # ...and nothing else is
    assert all(len(c.text.split()) <= size + overlap + 1 for c in chunks) or size < 10
