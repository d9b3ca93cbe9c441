"""The keyword index's wording: Arabic spellings meet, stop words drop out, and any text at all
is handled."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from leadflow.knowledge.wording import MAX_QUERY_WORDS, query_words, searchable


def test_arabic_spellings_meet():
    assert searchable("الأسعار") == searchable("اسعار") == "اسعار"
    assert searchable("وبالتقسيط") == "تقسيط"
    assert searchable("مدرسةٌ") == searchable("مدرسه")
    assert searchable("إلى") == searchable("الى")
    assert searchable("فيلا") == "فيلا"  # too short to lose a letter it does not have as a prefix


def test_query_words_are_the_telling_ones_once_each():
    assert query_words("What are the PRICES of the villas? prices!") == ["prices", "villas"]
    assert query_words("ما هي أسعار الفلل؟") == ["اسعار", "فلل"]
    assert query_words("the of and") == []


@given(st.text())
def test_any_text_gives_words_the_index_can_take(text):
    words = query_words(text)
    assert len(words) <= MAX_QUERY_WORDS
    assert all(word and '"' not in word and not word.isspace() for word in words)
    assert searchable(searchable(text)) == searchable(text)
