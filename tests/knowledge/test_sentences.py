"""A chunk's sentences: lines and sentence ends cut them, abbreviations and very short
sentences do not stand alone, and every span points at the text it names."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from leadflow.knowledge.sentences import sentence_spans


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in sentence_spans(text)]


ARABIC = "هل تعملون يوم الجمعة؟ لا نعمل يوم الجمعة أبداً."


def test_lines_and_sentence_ends_cut_sentences_in_both_languages():
    text = (
        "Villas cost SAR 2,500 to inspect. We need two days' notice!\n- Flats: SAR 1,200\n" + ARABIC
    )
    assert sentences(text) == [
        "Villas cost SAR 2,500 to inspect.",
        "We need two days' notice!",
        "- Flats: SAR 1,200",
        "هل تعملون يوم الجمعة؟",
        "لا نعمل يوم الجمعة أبداً.",
    ]


def test_an_abbreviation_or_a_short_reply_does_not_stand_alone():
    text = (
        "Q: Do you work on Fridays?\nA: No. Dr. Sara sees patients from 9 to 5. "
        "Book approx. two days ahead."
    )
    assert sentences(text) == [
        "Q: Do you work on Fridays?",
        "A: No. Dr. Sara sees patients from 9 to 5.",
        "Book approx. two days ahead.",
    ]


@given(st.text(alphabet=st.sampled_from("ab .?!\n؟Dr"), max_size=200))
def test_spans_are_in_order_trimmed_and_within_the_text(text):
    spans = sentence_spans(text)
    assert all(0 <= start < end <= len(text) for start, end in spans)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in itertools.pairwise(spans))
    assert all(text[start:end] == text[start:end].strip() for start, end in spans)
    assert {w for s, e in spans for w in text[s:e].split()} == set(text.split())
