"""Whatever bytes arrive, the local parser gives a document or an UnreadableDocument: never
another exception."""

from __future__ import annotations

from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadflow.integrations.parsing import KINDS, ParsedDocument, UnreadableDocument
from leadflow.integrations.parsing.local import LocalParser
from tests.integrations.parsing.documents import (
    ARABIC,
    BODY,
    Heading,
    Table,
    Text,
    attempt,
    heading,
    make_docx,
    make_pdf,
)


def read(content: bytes, kind: str) -> ParsedDocument | UnreadableDocument:
    parser = LocalParser(max_bytes=1024 * 1024, max_pages=20)
    return attempt(lambda: parser.parse(content, kind=kind))


@cache
def real(kind: str) -> bytes:
    if kind == "pdf":
        return make_pdf([heading("Prices"), BODY, Text(ARABIC, rtl=True)], [BODY])
    return make_docx(Heading("Prices"), BODY, Table([["Type", "Price"], ["Studio", "450,000"]]))


@settings(max_examples=200, deadline=None)
@given(content=st.binary(max_size=2048), kind=st.sampled_from(KINDS))
def test_any_bytes_of_any_kind(content: bytes, kind: str) -> None:
    result = read(content, kind)

    if isinstance(result, UnreadableDocument):
        assert result.reason in ("corrupt", "no_text", "encrypted", "unsupported")
    else:
        assert result.blocks


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(["pdf", "docx"]),
    damage=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.binary(min_size=1))),
    cut=st.floats(0.05, 1),
)
def test_damaged_pdf_and_word_files(
    kind: str, damage: list[tuple[float, bytes]], cut: float
) -> None:
    content = bytearray(real(kind))
    for where, garbage in damage:
        start = int(where * len(content))
        content[start : start + len(garbage)] = garbage
    result = read(bytes(content[: max(1, int(cut * len(content)))]), kind)

    assert isinstance(result, ParsedDocument | UnreadableDocument)
