"""Word documents read with python-docx: paragraphs and tables in order, headings from styles."""

from __future__ import annotations

import io

import pytest
from docx import Document
from docx.enum.style import WD_STYLE_TYPE

from leadflow.integrations.parsing import Block, ParsedDocument, UnreadableDocument
from leadflow.integrations.parsing.local import LocalParser
from tests.integrations.parsing.documents import (
    ARABIC,
    ARABIC_HEADING,
    BODY,
    Heading,
    Table,
    make_docx,
    zip_bomb,
)


def read(content: bytes, *, max_bytes: int = 5 * 1024 * 1024) -> ParsedDocument:
    return LocalParser(max_bytes=max_bytes, max_pages=10).parse(content, kind="docx")


def test_paragraphs_headings_and_tables_in_order() -> None:
    document = read(
        make_docx(
            Heading("Riyadh Homes", level=0),  # the Title style
            BODY,
            Heading("Prices", level=1),
            Table([["Type", "Price"], ["Studio", "450,000 SAR"], ["Villa", "2,100,000 SAR"]]),
            Heading(ARABIC_HEADING, level=2),
            ARABIC,
        )
    )

    assert document.title == "Riyadh Homes"
    assert (document.parser, document.kind) == ("local", "docx")
    assert document.blocks == (
        Block("Riyadh Homes", heading=True),
        Block(BODY),
        Block("Prices", heading=True),
        Block("Type | Price"),
        Block("Studio | 450,000 SAR"),
        Block("Villa | 2,100,000 SAR"),
        Block(ARABIC_HEADING, heading=True),
        Block(ARABIC),
    )


def test_the_document_properties_title_comes_first() -> None:
    assert read(make_docx(Heading("Prices"), BODY, title="Price list 2026")).title == (
        "Price list 2026"
    )


def test_merged_cells_are_read_once() -> None:
    table = Table([["Apartments", ""], ["Studio", "450,000 SAR"]], merge_first_row=True)

    assert read(make_docx(table)).blocks == (Block("Apartments"), Block("Studio | 450,000 SAR"))


def test_a_style_based_on_a_heading_is_a_heading() -> None:
    word = Document()
    style = word.styles.add_style("Brochure Heading", WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = word.styles["Heading 2"]
    word.add_paragraph("Our towers", style="Brochure Heading")
    word.add_paragraph("Three towers in the north of the city.")
    content = io.BytesIO()
    word.save(content)

    assert read(content.getvalue()).blocks == (
        Block("Our towers", heading=True),
        Block("Three towers in the north of the city."),
    )


def test_empty_paragraphs_are_skipped_and_an_empty_document_has_no_text() -> None:
    assert read(make_docx("", BODY, "   ")).blocks == (Block(BODY),)

    with pytest.raises(UnreadableDocument) as caught:
        read(make_docx("", " "))
    assert caught.value.reason == "no_text"


def test_a_damaged_word_document_is_refused() -> None:
    damaged = make_docx(BODY)[:-200]

    with pytest.raises(UnreadableDocument) as caught:
        read(damaged)

    assert caught.value.reason == "corrupt"


def test_a_zip_that_unpacks_far_beyond_the_limit_is_refused_unread() -> None:
    bomb = zip_bomb(unpacked_bytes=50 * 1024 * 1024)

    with pytest.raises(UnreadableDocument) as caught:
        read(bomb, max_bytes=1024 * 1024)

    assert caught.value.reason == "too_large"
    assert len(bomb) < 100 * 1024
