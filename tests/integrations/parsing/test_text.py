"""Plain text: paragraphs on blank lines, any encoding a person's file is likely to be in, and
no word lost on the way."""

from __future__ import annotations

import codecs
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadflow.integrations.parsing import Block, UnreadableDocument
from leadflow.integrations.parsing.local import LocalParser
from leadflow.integrations.parsing.text import paragraphs
from tests.integrations.parsing.documents import ARABIC, attempt

FAQ = (
    "Opening hours\r\n\r\nWe are open Sunday to Thursday,\r\n9:00 to 18:00.\r\n"
    "   \t\r\nViewings can be booked online.\r\n"
)


def parser() -> LocalParser:
    return LocalParser(max_bytes=1024 * 1024, max_pages=10)


def read(content: bytes) -> list[Block]:
    return list(parser().parse(content, kind="text").blocks)


def test_paragraphs_are_what_blank_lines_separate() -> None:
    document = parser().parse(FAQ.encode(), kind="text", filename="faq.txt")

    assert document.blocks == (
        Block("Opening hours"),
        Block("We are open Sunday to Thursday, 9:00 to 18:00."),
        Block("Viewings can be booked online."),
    )
    assert (document.title, document.parser, document.kind) == (None, "local", "text")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_the_encoding_is_found(encoding: str) -> None:
    text = "Café Zoë\n\nRésidence Élysée, 450 000 €"

    assert read(text.encode(encoding)) == [Block("Café Zoë"), Block("Résidence Élysée, 450 000 €")]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_arabic_text_survives_intact(encoding: str) -> None:
    rtl_mark = "\u200f"
    price = f"{rtl_mark}السعر ٤٥٠٬٠٠٠ ريال"  # noqa: RUF001 - Arabic-Indic digits, as written

    assert read(f"{ARABIC}\n\n{price}".encode(encoding)) == [Block(ARABIC), Block(price)]


def test_a_stray_cp1252_byte_in_utf8_text_is_read_as_its_character() -> None:
    content = "Zoë\u2019s agency".encode() + b" \x96 since 2004"  # 0x96: cp1252's en dash

    assert read(content) == [Block("Zoë\u2019s agency \u2013 since 2004")]


def test_nul_and_other_unstorable_characters_become_spaces() -> None:
    assert read(b"Riyadh\x00Jeddah\x07Dammam") == [Block("Riyadh Jeddah Dammam")]


def test_a_form_feed_separates_paragraphs() -> None:
    assert read(b"Page one ends here.\fPage two starts here.") == [
        Block("Page one ends here."),
        Block("Page two starts here."),
    ]


def test_an_empty_file_has_no_text() -> None:
    with pytest.raises(UnreadableDocument) as caught:
        read(b" \r\n\t\r\n")

    assert caught.value.reason == "no_text"
    assert caught.value.status == 422


def test_a_file_over_the_size_limit_is_refused_unread() -> None:
    with pytest.raises(UnreadableDocument) as caught:
        LocalParser(max_bytes=100, max_pages=10).parse(b"x" * 101, kind="text")

    assert caught.value.reason == "too_large"
    assert caught.value.status == 413


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(UnreadableDocument) as caught:
        parser().parse(b"a,b\n1,2", kind="csv")

    assert caught.value.reason == "unsupported"


# What the parser must keep: every word, in order. Characters no database can store (NUL and
# the other non-space controls) count as spaces; lone surrogates as U+FFFD.
def _words(text: str) -> list[str]:
    text = re.sub("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]", " ", text)
    return re.sub("[\ud800-\udfff]", "\ufffd", text).split()


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_no_text_is_lost_between_paragraphs(text: str) -> None:
    found = paragraphs(text)

    assert " ".join(found).split() == _words(text)
    for paragraph in found:
        assert paragraph == " ".join(paragraph.split())
        assert paragraph


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab ج\n\r\t\f\x00")))
def test_no_text_is_lost_with_many_line_breaks(text: str) -> None:
    assert " ".join(paragraphs(text)).split() == _words(text)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=4096))
def test_any_bytes_read_as_text_give_blocks_or_a_clear_refusal(content: bytes) -> None:
    blocks = attempt(lambda: read(content))

    if isinstance(blocks, UnreadableDocument):
        assert blocks.reason == "no_text"
    else:
        assert blocks
        assert all(block.text and "\x00" not in block.text for block in blocks)


def test_the_utf16_bom_alone_is_no_text() -> None:
    with pytest.raises(UnreadableDocument):
        read(codecs.BOM_UTF16_LE)
