"""What a file handed in for an import really is, read from its bytes, not its name.

``csv_encoding(path)`` says how a text (CSV) file is encoded: UTF-16 when it starts with a
byte-order mark (Excel's "Unicode Text"), UTF-8 when it all is, else an old system's
Windows-1252. A file that is not UTF-8 but holds UTF-8 text elsewhere mixes the two: it is
refused naming the first line with a byte that is not UTF-8, since either reading would garble
names. ``what_it_is(path)`` names a workbook, an old .xls or text behind the wrong name, for the
refusal of a file that is not what its name says.
"""

from __future__ import annotations

import re
from pathlib import Path

UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")
ZIP_MARK, OLE_MARK = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class MixedEncoding(ValueError):
    """A file of UTF-8 text with bytes that are not UTF-8: ``line`` and ``byte`` name the first."""

    def __init__(self, line: int, byte: int, utf8_line: int):
        self.line, self.byte, self.utf8_line = line, byte, utf8_line
        super().__init__(f"line {line}: the byte 0x{byte:02X} is not UTF-8, but the file holds "
                         f"UTF-8 text elsewhere (line {utf8_line}): it mixes two encodings")


def csv_encoding(path: Path) -> str:
    """"utf-16", "utf-8-sig" or "cp1252"; raises MixedEncoding for a file that mixes two."""
    with open(path, "rb") as handle:
        if handle.read(2) in UTF16_MARKS:
            return "utf-16"
    first_bad: tuple[int, int] | None = None
    first_utf8: int | None = None
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, 1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as exc:
                first_bad = first_bad or (number, line[exc.start])
            if first_utf8 is None and UTF8_MULTIBYTE.search(line):
                first_utf8 = number
            if first_bad and first_utf8:
                raise MixedEncoding(first_bad[0], first_bad[1], first_utf8)
    return "cp1252" if first_bad else "utf-8-sig"


def what_it_is(path: Path) -> str:
    """What the file's first bytes say it is: "workbook", "xls", "text" or "" (none of them)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        return ""
    if head.startswith(ZIP_MARK):
        return "workbook"
    if head.startswith(OLE_MARK):
        return "xls"
    if head.startswith(UTF16_MARKS) or (head and b"\x00" not in head):
        return "text"
    return ""


__all__ = ["MixedEncoding", "UTF8_MULTIBYTE", "csv_encoding", "what_it_is"]
