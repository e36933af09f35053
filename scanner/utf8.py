"""Text that must be UTF-8 (config files, rule and source files, input to `scanner extract`).

Windows editors save UTF-16 ("Unicode" in Notepad) or Windows-1252 ("ANSI"), and some add a UTF-8
byte-order mark. A bare `UnicodeDecodeError` or a parser complaining about line 1 names none of
that, so `decode_utf8` accepts UTF-8 with or without a byte-order mark and otherwise raises
`NotUTF8` saying where the first bad byte is and which encoding the bytes look like. Callers turn it
into their own `ScannerError` (a `ConfigError` for scanner.toml, a file:line problem for YAML, an
`InputError` for extract).
"""

from __future__ import annotations

import codecs

UTF8_BOM = codecs.BOM_UTF8
# Longest first: the UTF-32 little-endian mark starts with the UTF-16 one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
FIX = "save it as UTF-8 (in most editors: Save as, Encoding: UTF-8)"


class NotUTF8(ValueError):
    """Bytes that are not UTF-8 text: what they look like instead (`message`), and where (`line`, `column`)."""

    def __init__(self, message: str, *, line: int = 1, column: int = 1, encoding: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.encoding = encoding  # the encoding the bytes look like, as iconv names it
        self.hint = FIX + (f", or convert it: iconv -f {encoding} -t UTF-8 FILE > NEW-FILE" if encoding else "")


def decode_utf8(data: bytes, *, allow_nul: bool = False) -> str:
    """The text of `data` (UTF-8, a leading byte-order mark dropped), or NotUTF8 naming the encoding."""
    for mark, name in _BOMS:
        if data.startswith(mark):
            raise NotUTF8(f"the text is {name} (it starts with a {name} byte-order mark), not UTF-8", encoding=name)
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
    if not allow_nul and b"\x00" in data:
        position = data.index(b"\x00")
        line, column = _place(data, position)
        if _looks_like_utf16(data):
            raise NotUTF8(
                "the text looks like UTF-16 without a byte-order mark, not UTF-8",
                line=line,
                column=column,
                encoding="UTF-16LE" if data[1:2] == b"\x00" else "UTF-16BE",
            )
        raise NotUTF8("binary data: a NUL byte, which text never holds", line=line, column=column)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _place(data, exc.start)
        encoding = _guess(data)
        looks = "it looks like Windows-1252 (CP1252, 'ANSI') or Latin-1 text" if encoding else "the encoding is unknown"
        raise NotUTF8(
            f"not UTF-8: byte 0x{data[exc.start]:02X}; {looks}", line=line, column=column, encoding=encoding
        ) from None


def _place(data: bytes, position: int) -> tuple[int, int]:
    """1-based line and character column of a byte offset (the bytes before it decode as UTF-8)."""
    line_start = data.rfind(b"\n", 0, position) + 1
    column = len(data[line_start:position].decode("utf-8", errors="replace")) + 1
    return data.count(b"\n", 0, position) + 1, column


def _looks_like_utf16(data: bytes) -> bool:
    """ASCII-range text in UTF-16 has a NUL in every other byte."""
    sample = data[:4096]
    pairs = len(sample) // 2
    if pairs == 0:
        return False
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    return max(even, odd) >= pairs * 0.4 and min(even, odd) <= pairs * 0.05


def _guess(data: bytes) -> str | None:
    """CP1252 when the bytes decode as Windows-1252 (as nearly all Western European legacy text does)."""
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    return "CP1252"
