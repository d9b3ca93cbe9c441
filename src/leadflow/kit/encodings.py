"""Reading text files whose encoding nobody told us: a BOM, else UTF-8, else cp1252.

No byte is dropped or turned into U+FFFD: bytes that do not decode are read as cp1252 (the
``leadflow-cp1252`` error handler, registered when this module is imported), which is what the
stray bytes in a mostly UTF-8 export or document almost always are.
"""

from __future__ import annotations

import codecs
import re

DECODE_ERRORS = "leadflow-cp1252"

_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


def _cp1252_char(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:  # 0x81 0x8D 0x8F 0x90 0x9D: kept as the code point latin-1 gives
        return chr(byte)


_CP1252_CHARS = tuple(_cp1252_char(byte) for byte in range(256))


def _decode_as_cp1252(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    stray = error.object[error.start : error.end]
    return "".join(_CP1252_CHARS[byte] for byte in stray), error.end


codecs.register_error(DECODE_ERRORS, _decode_as_cp1252)


def sniff_encoding(sample: bytes, *, complete: bool) -> str:
    """``"utf-8-sig"``, ``"utf-16"``, ``"utf-8"`` or ``"cp1252"``, judged from ``sample``.

    ``complete`` says the sample is the whole file, so it may end in a cut character."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # Excel's "Unicode Text", Google Contacts exports, Notepad's "Unicode"
    decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")
    text = decoder.decode(sample, final=complete)
    stray_bytes = len(_ESCAPED_BYTE.findall(text))
    if not stray_bytes:
        return "utf-8"
    # A UTF-8 file with a few pasted-in cp1252 bytes is still UTF-8 (the handler reads those
    # bytes); cp1252 text seldom holds a valid UTF-8 sequence, so a tie goes to UTF-8.
    utf8_chars = len(text) - len(text.encode("ascii", "ignore")) - stray_bytes
    return "utf-8" if utf8_chars >= stray_bytes else "cp1252"


def decode_text(content: bytes) -> str:
    """The whole of ``content`` as text, in the encoding :func:`sniff_encoding` finds, without
    its BOM."""
    encoding = sniff_encoding(content, complete=True)
    return content.decode(encoding, DECODE_ERRORS)
