import csv
import io
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from structlog.testing import capture_logs

from leadflow.imports.reader import (
    DELIMITERS,
    CsvSource,
    FileFormat,
    read_header,
    read_rows,
    sniff,
)


def write_bytes(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "leads.csv"
    path.write_bytes(data)
    return path


def write_table(
    tmp_path: Path, rows: list[list[str]], *, encoding: str = "utf-8", delimiter: str = ","
) -> Path:
    return write_bytes(tmp_path, table_text(rows, delimiter).encode(encoding))


def table_text(rows: list[list[str]], delimiter: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue()


def cells_of(path: Path) -> list[list[str]]:
    return [row.cells for row in read_rows(path, sniff(path))]


def lines_of(path: Path) -> list[int]:
    return [row.line for row in read_rows(path, sniff(path))]


def test_utf8_with_bom_is_read_without_the_bom(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, b"\xef\xbb\xbfEmail,Name\r\nzoe@example.com,Zo\xc3\xab\r\n")

    fmt = sniff(path)

    assert fmt.encoding == "utf-8-sig"
    assert read_header(path, fmt) == ["Email", "Name"]
    assert cells_of(path) == [["zoe@example.com", "Zoë"]]


def test_plain_utf8(tmp_path: Path) -> None:
    path = write_table(tmp_path, [["Name", "City"], ["Zoë", "Zürich"], ["Søren", "東京"]])

    assert sniff(path).encoding == "utf-8"
    assert cells_of(path) == [["Zoë", "Zürich"], ["Søren", "東京"]]


def test_cp1252_accents(tmp_path: Path) -> None:
    rows = [["Name", "City", "Budget"], ["José", "München", "€5000"], ["Zoë", "Köln", "—"]]
    path = write_table(tmp_path, rows, encoding="cp1252")

    assert sniff(path).encoding == "cp1252"
    assert cells_of(path) == rows[1:]


def test_bytes_cp1252_leaves_undefined_are_kept_as_their_code_points(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, b"Name\nA\x81B\x8dC\x8fD\x90E\x9d\n")

    assert sniff(path).encoding == "cp1252"
    assert cells_of(path) == [["A\x81B\x8dC\x8fD\x90E\x9d"]]


def test_a_stray_cp1252_byte_in_a_utf8_file_reads_as_its_cp1252_character(
    tmp_path: Path,
) -> None:
    data = "Name,City\nZoë,Zürich\nSøren,Malmö\n".encode() + b"Jos\xe9,Paris\n"
    path = write_bytes(tmp_path, data)

    assert sniff(path).encoding == "utf-8"
    assert cells_of(path) == [["Zoë", "Zürich"], ["Søren", "Malmö"], ["José", "Paris"]]


def test_a_few_cp1252_bytes_among_many_utf8_characters(tmp_path: Path) -> None:
    rows = [f"Zoë {n},Zürich,Malmö\n" for n in range(50)]
    data = b"Name,City,Notes\n" + "".join(rows).encode() + b"Jos\xe9,Par\xeds,\x80 5 \x85\n"
    path = write_bytes(tmp_path, data)

    assert sniff(path).encoding == "utf-8"
    assert cells_of(path)[-1] == ["José", "París", "€ 5 …"]


def test_a_stray_byte_past_the_sniffed_sample_is_not_replaced(tmp_path: Path) -> None:
    filler = "".join(f"Zoë {n},Zürich\n" for n in range(80_000)).encode()
    assert len(filler) > 1024 * 1024
    path = write_bytes(tmp_path, b"Name,City\n" + filler + b"Jos\xe9,Paris\n")

    assert sniff(path).encoding == "utf-8"
    rows = cells_of(path)
    assert rows[-1] == ["José", "Paris"]
    assert not any("\ufffd" in cell for row in rows for cell in row)


def test_a_stray_byte_at_the_very_end_of_the_file(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "Name\nZoë\nSøren\n".encode() + b"Caf\xe9")

    assert sniff(path).encoding == "utf-8"
    assert cells_of(path) == [["Zoë"], ["Søren"], ["Café"]]


def test_a_character_cut_by_the_sample_edge_does_not_make_utf8_look_like_cp1252(
    tmp_path: Path,
) -> None:
    head = b"Name\n" + b"a" * (1024 * 1024 - 6) + b"\n"
    path = write_bytes(tmp_path, head + "€uro\n".encode())  # the sample ends inside "€"

    assert sniff(path).encoding == "utf-8"
    assert cells_of(path)[-1] == ["€uro"]


@pytest.mark.parametrize("delimiter", DELIMITERS)
def test_delimiter_is_sniffed(tmp_path: Path, delimiter: str) -> None:
    rows = [
        ["First Name", "Notes", "City", "Email"],
        ["Ann", "likes, commas; and | pipes", "Paris", "ann@example.com"],
        ["Bob", 'says "hi"\tthere', "Oslo", "bob@example.com"],
    ]
    path = write_table(tmp_path, rows, delimiter=delimiter)

    assert sniff(path).delimiter == delimiter
    assert cells_of(path) == rows[1:]


@pytest.mark.parametrize("delimiter", DELIMITERS)
def test_delimiter_of_a_header_only_file(tmp_path: Path, delimiter: str) -> None:
    path = write_table(tmp_path, [["Email", "First Name", "Company"]], delimiter=delimiter)

    assert sniff(path).delimiter == delimiter


def test_delimiter_inside_quoted_header_cells_does_not_count(tmp_path: Path) -> None:
    rows = [["Name, full", "City, town"], ["Ann Lee", "Paris"], ["Bob Ray", "Oslo"]]
    path = write_table(tmp_path, rows, delimiter=";")

    assert sniff(path).delimiter == ";"


def test_a_single_column_file_defaults_to_comma(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, b"Email\nann@example.com\nbob@example.com\n")

    assert sniff(path).delimiter == ","
    assert cells_of(path) == [["ann@example.com"], ["bob@example.com"]]


def test_quoted_newlines_keep_the_following_line_numbers_right(tmp_path: Path) -> None:
    data = 'Name,Notes\nAnn,"line one\nline two"\nBob,plain\nCy,"a\n\nb\nc"\nDi,last\n'
    path = write_bytes(tmp_path, data.encode())

    assert lines_of(path) == [2, 4, 5, 9]
    assert cells_of(path)[0] == ["Ann", "line one\nline two"]


def test_crlf_line_endings(tmp_path: Path) -> None:
    data = 'Name,Notes\r\nAnn,"one\r\ntwo"\r\nBob,plain\r\n'
    path = write_bytes(tmp_path, data.encode())

    assert cells_of(path) == [["Ann", "one\r\ntwo"], ["Bob", "plain"]]
    assert lines_of(path) == [2, 4]


def test_blank_lines_are_skipped_but_counted(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, b"\nName,City\n\nAnn,Paris\n,\r\n\n  ,\nBob,Oslo\n\n")

    assert read_header(path, sniff(path)) == ["Name", "City"]
    assert cells_of(path) == [["Ann", "Paris"], ["  ", ""], ["Bob", "Oslo"]]
    assert lines_of(path) == [4, 7, 8]


def test_ragged_rows_are_yielded_as_they_are(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, b"a,b,c\n1\n1,2,3,4\n1,2,3\n")

    assert cells_of(path) == [["1"], ["1", "2", "3", "4"], ["1", "2", "3"]]


def test_a_field_larger_than_csvs_default_limit(tmp_path: Path) -> None:
    big = "x" * 2_000_000 + ",\n" + "y" * 100
    path = write_table(tmp_path, [["Notes", "Name"], [big, "Ann"], ["small", "Bob"]])

    assert cells_of(path) == [[big, "Ann"], ["small", "Bob"]]
    assert lines_of(path) == [2, 4]


def test_nul_bytes_are_removed_and_logged(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, b"Na\x00me,City\nAnn\x00\x00,Paris\n\x00\n")

    with capture_logs() as logs:
        fmt = sniff(path)
        rows = list(read_rows(path, fmt))

    assert read_header(path, fmt) == ["Name", "City"]
    assert [row.cells for row in rows] == [["Ann", "Paris"]]
    assert [(entry["event"], entry["count"]) for entry in logs] == [("import.nul_bytes_removed", 4)]


def test_an_empty_file(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, b"")

    fmt = sniff(path)

    assert fmt == FileFormat("utf-8", ",", 0)
    assert read_header(path, fmt) == []
    assert list(read_rows(path, fmt)) == []


def test_offsets_grow_and_reach_the_file_size(tmp_path: Path) -> None:
    rows = [["Email", "Name"]] + [[f"lead{n}@example.com", f"Lead {n}"] for n in range(20_000)]
    path = write_table(tmp_path, rows)

    fmt = sniff(path)
    offsets = [row.offset for row in read_rows(path, fmt)]

    assert offsets == sorted(offsets)
    assert offsets[0] > 0
    assert offsets[-1] == fmt.total_bytes == path.stat().st_size


def test_csv_source_reads_format_header_and_rows(tmp_path: Path) -> None:
    path = write_table(tmp_path, [["Email", "Name"], ["ann@example.com", "Ann"]], delimiter="|")

    source = CsvSource(path)

    assert source.format.delimiter == "|"
    assert source.header == ["Email", "Name"]
    assert [tuple(row) for row in source.rows()] == [
        (2, ["ann@example.com", "Ann"], path.stat().st_size)
    ]


_SPECIAL = st.sampled_from(['"', ",", ";", "\t", "|", "\r", "\n", "\r\n", " ", "é", "€"])
_UTF8_CHARS = st.characters(exclude_categories=["Cs"], exclude_characters="\0")
_CP1252_ALPHABET = [char for char in map(chr, range(1, 0x2200)) if char.encode("cp1252", "ignore")]


def _tables(chars: st.SearchStrategy[str]) -> st.SearchStrategy[list[list[str]]]:
    cell = st.lists(_SPECIAL | chars, max_size=12).map("".join)
    return st.lists(st.lists(cell, min_size=1, max_size=6), max_size=12)


def _start_lines(rows: list[list[str]], delimiter: str) -> list[int]:
    """Where csv.writer puts each row, counting \\r\\n, \\r and \\n as one line break each."""
    text, starts = table_text([["h1", "h2"]], delimiter), []
    for row in rows:
        starts.append(len(re.findall(r"\r\n|\r|\n", text)) + 1)
        text += table_text([row], delimiter)
    return starts


def _assert_round_trip(path: Path, fmt: FileFormat, rows: list[list[str]]) -> None:
    written = [row for row in rows if any(row)]
    read = list(read_rows(path, fmt))

    assert read_header(path, fmt) == ["h1", "h2"]
    assert [row.cells for row in read] == written
    starts = _start_lines(rows, fmt.delimiter)
    assert [row.line for row in read] == [
        n for n, row in zip(starts, rows, strict=True) if any(row)
    ]


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=_tables(_UTF8_CHARS), delimiter=st.sampled_from(DELIMITERS))
def test_utf8_tables_read_back_as_written(
    tmp_path: Path, rows: list[list[str]], delimiter: str
) -> None:
    path = write_table(tmp_path, [["h1", "h2"], *rows], delimiter=delimiter)

    assert sniff(path).encoding == "utf-8"
    _assert_round_trip(path, FileFormat("utf-8", delimiter, path.stat().st_size), rows)


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=_tables(st.sampled_from(_CP1252_ALPHABET)), delimiter=st.sampled_from(DELIMITERS))
def test_cp1252_tables_read_back_as_written(
    tmp_path: Path, rows: list[list[str]], delimiter: str
) -> None:
    path = write_table(tmp_path, [["h1", "h2"], *rows], encoding="cp1252", delimiter=delimiter)

    _assert_round_trip(path, FileFormat("cp1252", delimiter, path.stat().st_size), rows)
