"""Reading an import file: a CSV of any size, streamed in bounded memory.

Three functions, used in this order:

- ``sniff(path)`` guesses the encoding and delimiter from the first MiB of the file;
- ``read_header(path, fmt)`` returns the first non-blank record, the column names;
- ``read_rows(path, fmt)`` yields every later non-blank record as a ``SourceRow``, with the
  physical line the record starts on and the bytes read so far (for a progress bar).

The encoding is found as every text file's is (:mod:`leadflow.kit.encodings`): no byte is
dropped or turned into U+FFFD. A file that is not UTF-8 is cp1252 unless charset-normalizer
finds it written in a legacy encoding of another script (Windows-1256 Arabic, Cyrillic,
Greek, Hebrew, East Asian) and it reads as that script's letters. NUL bytes are the
exception: no lead field can hold one, so they are removed before parsing and their count is
logged as ``import.nul_bytes_removed``.

Importing this module raises csv's field size limit to 10 MiB for the whole process.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import charset_normalizer
import structlog

from leadflow.kit.encodings import DECODE_ERRORS, sniff_encoding

if TYPE_CHECKING:
    from _csv import Reader

    from _typeshed import WriteableBuffer

log = structlog.get_logger()

DELIMITERS = (",", ";", "\t", "|")
FIELD_SIZE_LIMIT = 10 * 1024 * 1024
# What an import takes, refused before any work on the file: CRM exports have tens of
# columns, a few hundred at most.
MAX_COLUMNS = 1000
MAX_HEADER_BYTES = 64 * 1024

_ENCODING_SAMPLE_BYTES = 1024 * 1024
_DELIMITER_SAMPLE_CHARS = 64 * 1024
# csv.Sniffer's quote regex is quadratic: 64 KiB of unbalanced quotes takes seconds.
_SNIFFER_SAMPLE_CHARS = 8 * 1024
_DELIMITER_SAMPLE_RECORDS = 20
_READ_BYTES = 64 * 1024

csv.field_size_limit(max(csv.field_size_limit(), FIELD_SIZE_LIMIT))


class NotCsv(ValueError):
    """The file is not delimited text: a workbook, an image, a binary."""


class HeaderTooLarge(ValueError):
    """The header is wider than an import takes, or longer than any header should be."""


@dataclass(frozen=True)
class FileFormat:
    encoding: str  # "utf-8-sig", "utf-8", "utf-16", "cp1252" or a _LEGACY_ENCODINGS one
    delimiter: str  # one of DELIMITERS
    total_bytes: int
    # Lines before the header that are not data: Excel's "sep=;" hint.
    preamble_lines: int = 0


# What other files start with, and what to tell the person who uploaded one.
_SIGNATURES = (
    (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx workbook?); save it as CSV and try again"),
    (b"\xd0\xcf\x11\xe0", "an Excel .xls workbook; save it as CSV and try again"),
    (b"%PDF", "a PDF document, not a CSV file"),
    (b"\x89PNG", "a PNG image, not a CSV file"),
    (b"\xff\xd8\xff", "a JPEG image, not a CSV file"),
    (b"GIF8", "a GIF image, not a CSV file"),
)
_SEPARATOR_HINT = re.compile(r"sep=(.)\r?\n", re.IGNORECASE)


class SourceRow(NamedTuple):
    line: int  # 1-based physical line the record starts on; the header is on line 1
    cells: list[str]
    offset: int  # bytes of the file read so far, read ahead by up to 64 KiB


def sniff(path: Path) -> FileFormat:
    """Guess how the file is written from its first MiB; NotCsv if it is no text at all."""
    with path.open("rb") as file:
        sample = file.read(_ENCODING_SAMPLE_BYTES)
        total_bytes = file.seek(0, io.SEEK_END)
    _refuse_binary(sample)
    encoding = sniff_encoding(sample, complete=len(sample) == total_bytes)
    if encoding == "cp1252":
        encoding = _legacy_encoding(sample)
    text = sample[: _DELIMITER_SAMPLE_CHARS * 4].decode(encoding, DECODE_ERRORS)
    hint = _SEPARATOR_HINT.match(text.lstrip("\ufeff"))
    if hint and hint.group(1) in DELIMITERS:
        return FileFormat(encoding, hint.group(1), total_bytes, preamble_lines=1)
    return FileFormat(encoding, _sniff_delimiter(text), total_bytes)


# Legacy encodings of scripts other than Latin: charset-normalizer's names (Python codecs).
# Latin ones are left out on purpose: on a short sample of accented Latin it guesses
# cp1250 or cp1006 as readily as cp1252, and cp1252 is what such files are.
_LEGACY_ENCODINGS = frozenset(
    ("cp1256", "iso8859_6", "cp720", "cp864", "cp1251", "koi8_r", "koi8_u", "iso8859_5",
     "cp866", "mac_cyrillic", "cp1253", "iso8859_7", "cp1255", "iso8859_8", "shift_jis",
     "cp932", "euc_jp", "gb2312", "gbk", "gb18030", "big5", "cp950", "euc_kr", "cp949")
)  # fmt: skip
_LATIN_END = 0x250  # letters below it are Latin


def _legacy_encoding(sample: bytes) -> str:
    """cp1252, unless charset-normalizer finds another script's legacy encoding whose
    reading of the sample is mostly that script's letters."""
    best = charset_normalizer.from_bytes(sample[:_DELIMITER_SAMPLE_CHARS]).best()
    if best is None or best.encoding not in _LEGACY_ENCODINGS:
        return "cp1252"
    letters = [char for char in str(best) if char.isalpha() and not char.isascii()]
    foreign = sum(ord(char) >= _LATIN_END for char in letters)
    return best.encoding if letters and foreign * 2 > len(letters) else "cp1252"


def _refuse_binary(sample: bytes) -> None:
    for signature, what in _SIGNATURES:
        if sample.startswith(signature):
            raise NotCsv(f"this file is {what}")
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return
    head = sample[:65536]
    if head.count(b"\0") > max(32, len(head) // 100):  # a few stray NULs are only noise
        raise NotCsv("this file holds binary data, not CSV text")


def _sniff_delimiter(text: str) -> str:
    """The delimiter csv.Sniffer finds, unless it does not split the header; else the one
    that splits the first records into the most columns, consistently; else a comma."""
    sample = _leading_lines(text.replace("\0", ""))
    widths = {delimiter: _record_widths(sample, delimiter) for delimiter in DELIMITERS}
    guess = _sniffer_guess(sample[:_SNIFFER_SAMPLE_CHARS])
    if guess is not None and _consistency(widths[guess])[1] > 1:
        return guess
    return max(DELIMITERS, key=lambda delimiter: _consistency(widths[delimiter]))


def _leading_lines(text: str) -> str:
    head = text[:_DELIMITER_SAMPLE_CHARS]
    last_break = max(head.rfind("\n"), head.rfind("\r"))
    return head[: last_break + 1] if last_break > 0 else head


def _record_widths(sample: str, delimiter: str) -> list[int]:
    records = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
    return [len(cells) for cells in islice(filter(any, records), _DELIMITER_SAMPLE_RECORDS)]


def _sniffer_guess(sample: str) -> str | None:
    try:
        return csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        return None


def _consistency(widths: list[int]) -> tuple[float, int]:
    """How well a delimiter fits: share of records as wide as the header, then header width."""
    if not widths or widths[0] < 2:
        return (0.0, 0)
    return (widths.count(widths[0]) / len(widths), widths[0])


def read_header(path: Path, fmt: FileFormat) -> list[str]:
    """The first non-blank record of the file; [] when there is none. It is read from the
    file's first ``MAX_HEADER_BYTES`` only, and refused (HeaderTooLarge) when it does not end
    within them or names more than ``MAX_COLUMNS`` columns."""
    with path.open("rb") as file:
        head = file.read(MAX_HEADER_BYTES + 1)
    whole_file = len(head) <= MAX_HEADER_BYTES
    text = head[:MAX_HEADER_BYTES].decode(fmt.encoding, DECODE_ERRORS)
    if fmt.encoding != "utf-16":
        text = text.replace("\0", "")
    stream = io.StringIO(text, newline="")
    for _ in range(fmt.preamble_lines):
        stream.readline()
    header = next(filter(any, csv.reader(stream, delimiter=fmt.delimiter)), [])
    cut = not whole_file and stream.tell() >= len(text)
    if len(header) > MAX_COLUMNS:
        counted = f"more than {len(header) - 1:,}" if cut else f"{len(header):,}"
        raise HeaderTooLarge(f"it has {counted} columns; an import takes at most {MAX_COLUMNS:,}")
    if cut:
        raise HeaderTooLarge(
            f"its header does not end within its first {MAX_HEADER_BYTES // 1024} KiB"
        )
    return header


def read_rows(path: Path, fmt: FileFormat) -> Iterator[SourceRow]:
    """Every non-blank record after the header, as it was written: ragged rows stay ragged."""
    with _open_records(path, fmt) as (records, source):
        next(filter(any, records), None)
        end = records.line_num + fmt.preamble_lines
        for cells in records:
            # line_num is the line a record ends on, so the next one starts just after it.
            line, end = end + 1, records.line_num + fmt.preamble_lines
            if any(cells):
                # SourceRow(...) goes through a Python-level __new__: a sixth of the read time.
                yield tuple.__new__(SourceRow, (line, cells, source.consumed))


@contextmanager
def _open_records(path: Path, fmt: FileFormat) -> Iterator[tuple[Reader, _NulFreeBytes]]:
    # NUL bytes belong to UTF-16's characters; in any other encoding they are noise.
    source = _NulFreeBytes(path.open("rb", buffering=0), strip=fmt.encoding != "utf-16")
    text = io.TextIOWrapper(
        io.BufferedReader(source, _READ_BYTES),
        encoding=fmt.encoding,
        errors=DECODE_ERRORS,
        newline="",
    )
    try:
        with text:
            for _ in range(fmt.preamble_lines):
                text.readline()
            yield csv.reader(text, delimiter=fmt.delimiter), source
    finally:
        if source.nul_bytes:
            log.warning("import.nul_bytes_removed", path=str(path), count=source.nul_bytes)


class _NulFreeBytes(io.RawIOBase):
    """The bytes of a file with its NULs taken out, counting what was read from disk."""

    def __init__(self, file: io.FileIO, *, strip: bool = True) -> None:
        super().__init__()
        self._file = file
        self._strip = strip
        self.consumed = 0
        self.nul_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        with memoryview(buffer) as view:
            while chunk := self._file.read(len(view)):
                self.consumed += len(chunk)
                if self._strip and b"\0" in chunk:
                    kept = chunk.replace(b"\0", b"")
                    self.nul_bytes += len(chunk) - len(kept)
                    chunk = kept
                if chunk:
                    view[: len(chunk)] = chunk
                    return len(chunk)
        return 0

    def close(self) -> None:
        self._file.close()
        super().close()


class CsvSource:
    """An import file, sniffed and its header read once: ``rows()`` streams the rest."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.format = sniff(path)
        self.header = read_header(path, self.format)

    def rows(self) -> Iterator[SourceRow]:
        return read_rows(self.path, self.format)
