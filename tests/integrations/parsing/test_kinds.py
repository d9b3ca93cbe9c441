"""What kind of document a file is: its bytes first, then its media type, then its name."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadflow.integrations.parsing import KINDS, UnreadableDocument, kind_of
from tests.integrations.parsing.documents import BODY, attempt, make_docx, make_pdf

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def refusal(content: bytes, **declared: str) -> UnreadableDocument:
    with pytest.raises(UnreadableDocument) as caught:
        kind_of(content, **declared)
    return caught.value


def test_the_bytes_decide_before_the_name_or_type() -> None:
    assert kind_of(make_pdf([BODY]), filename="notes.txt", media_type="text/plain") == "pdf"
    assert kind_of(make_docx(BODY), filename="upload.bin") == "docx"
    assert kind_of(b"<!DOCTYPE html><html><body>x</body></html>", filename="page.md") == "html"


@pytest.mark.parametrize(
    "start",
    [
        b"<!doctype html>",
        b"  \n<HTML lang='ar'>",
        b"\xef\xbb\xbf<html>",
        b"<?xml version='1.0'?>\n<!DOCTYPE html PUBLIC '-//W3C//DTD XHTML 1.0 Strict//EN'>",
        b"<!-- saved from url -->\n<html>",
        "<html>".encode("utf-16"),
    ],
)
def test_html_is_known_by_how_it_starts(start: bytes) -> None:
    assert kind_of(start + b"<body>hello</body>") == "html"


def test_a_pdf_header_may_follow_some_junk() -> None:
    assert kind_of(b"\r\n" * 10 + make_pdf([BODY])) == "pdf"


@pytest.mark.parametrize(
    ("media_type", "kind"),
    [
        ("text/html; charset=utf-8", "html"),
        ("application/xhtml+xml", "html"),
        ("text/markdown", "markdown"),
        ("text/x-markdown", "markdown"),
        ("TEXT/PLAIN", "text"),
    ],
)
def test_text_kinds_come_from_the_media_type(media_type: str, kind: str) -> None:
    assert kind_of(b"# Prices\n\nFrom 450,000 SAR.", media_type=media_type) == kind


@pytest.mark.parametrize(
    ("filename", "kind"),
    [
        ("faq.md", "markdown"),
        ("FAQ.MARKDOWN", "markdown"),
        ("notes.txt", "text"),
        ("saved.htm", "html"),
        ("saved.html", "html"),
        ("الأسئلة.md", "markdown"),
    ],
)
def test_then_from_the_extension(filename: str, kind: str) -> None:
    assert kind_of(b"Prices start at 450,000 SAR.", filename=filename) == kind


def test_a_generic_media_type_leaves_it_to_the_extension() -> None:
    content = b"Prices start at 450,000 SAR."
    assert kind_of(content, filename="a.txt", media_type="application/octet-stream") == "text"


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old Word (.doc)"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "PNG image"),
        (b"{\\rtf1\\ansi hello}", "RTF"),
    ],
)
def test_other_files_are_refused_with_what_they_are(content: bytes, says: str) -> None:
    error = refusal(content, filename="brochure.pdf")

    assert error.reason == "unsupported"
    assert error.status == 415
    assert says in error.message


def test_a_zip_that_is_not_a_word_document_is_refused() -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as writer:
        writer.writestr("xl/workbook.xml", "<workbook/>")

    error = refusal(archive.getvalue(), filename="prices.xlsx")

    assert error.reason == "unsupported"
    assert "not a Word document" in error.message


def test_a_damaged_zip_is_corrupt() -> None:
    assert refusal(b"PK\x03\x04" + b"\x00" * 40, filename="a.docx").reason == "corrupt"


@pytest.mark.parametrize(
    "declared",
    [{"filename": "brochure.pdf"}, {"media_type": "application/pdf"}, {"media_type": DOCX_TYPE}],
)
def test_a_file_presented_as_a_pdf_or_docx_must_be_one(declared: dict[str, str]) -> None:
    error = refusal(b"just some text", **declared)

    assert error.reason == "corrupt"
    assert "is not one" in error.message


def test_nothing_to_tell_the_kind_by_is_refused() -> None:
    error = refusal(b"Prices start at 450,000 SAR.", filename="notes.odt")

    assert error.reason == "unsupported"
    assert "PDF, Word (.docx), HTML, Markdown and plain text" in error.message


def test_binary_data_named_as_text_is_refused() -> None:
    assert refusal(bytes(range(256)) * 4, filename="notes.txt").reason == "unsupported"


@settings(max_examples=300, deadline=None)
@given(
    content=st.binary(max_size=2048),
    filename=st.one_of(st.none(), st.text(max_size=30)),
    media_type=st.one_of(st.none(), st.text(max_size=40), st.sampled_from(["text/html"])),
)
def test_any_bytes_get_a_kind_or_a_clear_refusal(
    content: bytes, filename: str | None, media_type: str | None
) -> None:
    kind = attempt(lambda: kind_of(content, filename=filename, media_type=media_type))

    if isinstance(kind, UnreadableDocument):
        assert kind.reason in ("unsupported", "corrupt")
        assert kind.message
    else:
        assert kind in KINDS
