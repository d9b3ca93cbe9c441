"""PDFs read locally with pypdf: paragraphs, headings and pages rebuilt from the layout;
Arabic in reading order; locked, damaged, overlong and scanned PDFs refused clearly."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from leadflow.integrations.parsing import Block, ParsedDocument, UnreadableDocument
from leadflow.integrations.parsing.local import LocalParser
from leadflow.integrations.parsing.pdf import count_pages, is_sparse
from tests.integrations.parsing.documents import (
    ARABIC,
    ARABIC_HEADING,
    BODY,
    Text,
    heading,
    locked_pdf,
    make_pdf,
    scanned_pdf,
)

SHORT = "Viewings can be booked online."


def read(content: bytes, *, max_pages: int = 20) -> ParsedDocument:
    return LocalParser(max_bytes=5 * 1024 * 1024, max_pages=max_pages).parse(content, kind="pdf")


def refusal(content: bytes, **limits: int) -> UnreadableDocument:
    with pytest.raises(UnreadableDocument) as caught:
        read(content, **limits)
    return caught.value


def test_paragraphs_headings_and_pages() -> None:
    brochure = make_pdf(
        [heading("Riyadh Homes"), BODY, SHORT, heading("Prices"), "From 450,000 SAR."],
        [heading("Contact"), "Call 920000000."],
        title="The 2026 brochure",
    )

    document = read(brochure)

    assert document.title == "The 2026 brochure"
    assert (document.parser, document.kind) == ("local", "pdf")
    assert document.blocks == (
        Block("Riyadh Homes", heading=True, page=1),
        Block(BODY, page=1),  # two lines on the page, one paragraph
        Block(SHORT, page=1),
        Block("Prices", heading=True, page=1),
        Block("From 450,000 SAR.", page=1),
        Block("Contact", heading=True, page=2),
        Block("Call 920000000.", page=2),
    )


def test_without_a_metadata_title_the_first_heading_is_the_title() -> None:
    assert read(make_pdf([BODY, heading("Prices"), SHORT])).title == "Prices"


def test_a_file_name_in_the_metadata_is_no_title() -> None:
    document = read(make_pdf([heading("Prices"), BODY], title="Microsoft Word - prices.docx"))

    assert document.title == "Prices"


def test_a_short_first_line_reads_as_the_title_when_nothing_else_does() -> None:
    assert read(make_pdf(["Opening hours", BODY])).title == "Opening hours"
    assert read(make_pdf([BODY])).title is None


def test_arabic_written_in_visual_order_is_read_in_reading_order() -> None:
    document = read(
        make_pdf([heading(ARABIC_HEADING, rtl=True), Text(ARABIC, rtl=True), Text(BODY)])
    )

    assert document.blocks == (
        Block(ARABIC_HEADING, heading=True, page=1),
        Block(ARABIC, page=1),  # its final full stop after the last word, not before the first
        Block(BODY, page=1),
    )


def test_arabic_presentation_forms_become_letters() -> None:
    shaped = "\ufee3\ufeae\ufea3\ufe92\ufe8e"  # مرحبا as initial, medial and final glyph forms

    assert read(make_pdf([Text(shaped, rtl=True)])).blocks == (Block("مرحبا", page=1),)


def test_a_scanned_pdf_has_no_text_and_says_what_would_read_it() -> None:
    error = refusal(scanned_pdf(pages=2))

    assert error.reason == "no_text"
    assert error.status == 422
    assert "scan" in error.message
    assert "LEADFLOW_LLAMAPARSE_API_KEY" in error.message


def test_a_pdf_that_needs_a_password_is_refused() -> None:
    error = refusal(locked_pdf(make_pdf([BODY]), user_password="s3cret"))

    assert error.reason == "encrypted"
    assert "password" in error.message


def test_a_pdf_that_only_restricts_printing_and_copying_is_read() -> None:
    assert read(locked_pdf(make_pdf([BODY]), user_password="")).blocks == (Block(BODY, page=1),)


@pytest.mark.parametrize(
    "damage",
    [
        lambda pdf: pdf[: len(pdf) // 3],
        lambda pdf: b"%PDF-1.7\n" + b"\x00garbage\xff" * 200,
        lambda pdf: pdf.replace(b"/Type /Page", b"/Type /Junk"),
    ],
    ids=["truncated", "garbage", "no pages"],
)
def test_a_damaged_pdf_is_refused_as_such(damage: Callable[[bytes], bytes]) -> None:
    error = refusal(damage(make_pdf([BODY], [SHORT])))

    assert error.reason == "corrupt"
    assert error.status == 422


def test_a_pdf_over_the_page_limit_is_refused_before_it_is_read() -> None:
    error = refusal(make_pdf(*[[f"Page {n}"] for n in range(6)]), max_pages=5)

    assert error.reason == "too_many_pages"
    assert error.status == 413
    assert "6 pages; at most 5" in error.message


def test_a_pdf_over_the_size_limit_is_refused_unread() -> None:
    parser = LocalParser(max_bytes=1000, max_pages=10)

    with pytest.raises(UnreadableDocument) as caught:
        parser.parse(make_pdf([BODY] * 3), kind="pdf")

    assert caught.value.reason == "too_large"


def test_count_pages() -> None:
    assert count_pages(make_pdf([BODY], [SHORT], scanned_pages=1), max_pages=10) == 3


def test_sparse_text_for_its_pages_is_taken_for_a_scan() -> None:
    one_line_per_page = make_pdf(*[[f"Page {n} of 4"] for n in range(1, 5)])
    prose = make_pdf([BODY, BODY, BODY])

    assert is_sparse(read(one_line_per_page), pages=4)
    assert not is_sparse(read(prose), pages=1)
