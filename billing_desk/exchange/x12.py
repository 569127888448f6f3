"""X12 text into segments and envelopes: the small tokenizer every X12 reader here stands on.

An interchange says its own punctuation: the element separator is the character after ``ISA``,
the component separator is ISA16 and the segment terminator is the character after it (the
repetition separator is ISA11). Nothing here assumes ``*``, ``:`` or ``~``. Line breaks between
segments are allowed (and may themselves be the terminator).

``transactions(path_or_text)`` checks the envelopes (ISA/IEA, GS/GE, ST/SE: nesting, counts and
control numbers) and hands back each transaction's segments between ST and SE. Every refusal is
an ``X12Error`` that names the segment by its number in the file (the ISA is segment 1) and says
what is wrong, in words. A hostile file is bounded before it is split: at most ``MAX_BYTES``,
``MAX_SEGMENTS`` segments, ``MAX_ELEMENTS`` elements and ``MAX_SEGMENT_LENGTH`` characters to a
segment.

Encodings (``decode``): valid UTF-8 is read as UTF-8; a file that is not, and holds no UTF-8
multi-byte sequence, is an old system's Windows-1252; a file that mixes the two is refused at the
first byte that is not UTF-8, naming its segment and the byte. A control character (NUL, ESC,
DEL, C1) that is not one of the file's own separators is refused naming its segment too: a name
is never posted garbled or with a hidden character in it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, NoReturn

from ..errors import BillingError
from .text_files import UTF8_MULTIBYTE as _UTF8_MULTIBYTE

MEGABYTE = 1024 * 1024
MAX_BYTES = 50 * MEGABYTE
MAX_SEGMENTS = 200_000
MAX_ELEMENTS = 64  # the widest X12 segment (MIA) has 24
MAX_SEGMENT_LENGTH = 4096  # the longest element of an 835 is 264 characters (MSG01)
_SEGMENT_ID = re.compile(r"[A-Z][A-Z0-9]{1,2}")
_CP1252 = {b: bytes([b]).decode("cp1252") for b in range(0x80, 0xA0)
           if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}
# a control character (C0, DEL, C1) or a byte kept by surrogateescape; \r and \n are line breaks
_BAD_CHARACTER = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\udc80-\udcff]")


class X12Error(BillingError):
    """The file cannot be read as X12: not X12, damaged, cut short, too large, or the wrong kind."""


@dataclass(frozen=True)
class Separators:
    element: str
    component: str
    segment: str
    repetition: str = ""


@dataclass(frozen=True, slots=True)
class Segment:
    """One segment: ``number`` counts from the ISA (1); ``elements[0]`` is the segment id, so
    ``el(3)`` is CLP03 on a CLP."""

    number: int
    elements: tuple[str, ...]
    component: str

    @property
    def id(self) -> str:
        return self.elements[0]

    def el(self, index: int) -> str:
        """Element ``index`` as sent, trimmed of spaces ('' when absent)."""
        return self.elements[index].strip() if index < len(self.elements) else ""

    def components(self, index: int) -> list[str]:
        return [c.strip() for c in self.el(index).split(self.component)]

    def where(self) -> str:
        return f"segment {self.number} ({self.id})"

    def fail(self, message: str) -> NoReturn:
        raise X12Error(f"{self.where()}: {message}")


@dataclass
class Transaction:
    """One ST ... SE: what its envelopes say and the segments between ST and SE."""

    st: Segment
    isa: Segment
    gs: Segment
    segments: list[Segment] = field(default_factory=list)

    @property
    def interchange(self) -> str:
        return self.isa.el(13)  # ISA13, the interchange control number

    @property
    def control(self) -> str:
        return self.st.el(2)


def load_text(path_or_text: str | bytes | os.PathLike[str]) -> str:
    """The file's text (a ``Path``, or a string naming a file that exists), or the X12 text
    itself (any other string, or bytes), refused when larger than ``MAX_BYTES``."""
    if isinstance(path_or_text, str) and _looks_like_path(path_or_text):
        path_or_text = Path(path_or_text)
    if isinstance(path_or_text, os.PathLike):
        path = Path(path_or_text)
        try:
            size = path.stat().st_size
            if size > MAX_BYTES:
                raise X12Error(f"{path.name} is {size / MEGABYTE:.1f} MB; an X12 file over "
                               f"{MAX_BYTES / MEGABYTE:.1f} MB is refused")
            data: str | bytes = path.read_bytes()
        except OSError as exc:
            raise X12Error(f"{path.name} cannot be read: {exc.strerror or exc}") from exc
    else:
        data = path_or_text
    if len(data) > MAX_BYTES:
        raise X12Error(f"the text is over {MAX_BYTES / MEGABYTE:.1f} MB; it is refused")
    if isinstance(data, bytes):
        return decode(data)
    return data


def decode(data: bytes) -> str:
    """Valid UTF-8 is UTF-8. A file that is not, and holds no UTF-8 multi-byte sequence, is an old
    system's Windows-1252 (Latin-1 for the five bytes 1252 leaves out; they are control
    characters and ``segments`` refuses them). A file mixing both keeps each bad byte as a lone
    surrogate (surrogateescape) so that ``segments`` refuses it naming its segment."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if _UTF8_MULTIBYTE.search(data):
        return data.decode("utf-8", "surrogateescape")
    return data.decode("latin-1").translate(_CP1252)


def _looks_like_path(text: str) -> bool:
    if text.lstrip("\ufeff \t\r\n").startswith("ISA") or len(text) > 4096 or "\n" in text:
        return False
    try:
        return Path(text).is_file()
    except (OSError, ValueError):  # a name the system cannot hold is not a file
        return False


def separators(text: str) -> tuple[Separators, int]:
    """The interchange's punctuation, read from its ISA, and where the ISA starts in ``text``."""
    start = len(text) - len(text.lstrip("\ufeff \t\r\n"))
    if text[start:start + 3] != "ISA" or len(text) < start + 4:
        raise X12Error("segment 1: this is not an X12 file (it does not begin with an ISA "
                       "interchange header)")
    element = text[start + 3]
    position = start + 3
    for _ in range(15):  # ISA16 follows the sixteenth element separator
        position = text.find(element, position + 1, start + 200)
        if position < 0:
            raise X12Error("segment 1 (ISA): the interchange header is cut short or damaged "
                           "(it needs 16 elements)")
    if len(text) < position + 3:
        raise X12Error("segment 1 (ISA): the file ends inside the interchange header")
    component, terminator = text[position + 1], text[position + 2]
    isa = text[start:position + 2].split(element)
    repetition = isa[11].strip() if len(isa) > 11 and len(isa[11].strip()) == 1 else ""
    if (element.isalnum() or element.isspace() or component.isalnum() or component.isspace()
            or terminator.isalnum() or terminator == " "
            or len({element, component, terminator}) < 3):
        raise X12Error(f"segment 1 (ISA): its separators ({element!r}, {component!r}, "
                       f"{terminator!r}) are not usable: they must be three different "
                       f"punctuation characters")
    return Separators(element, component, terminator, repetition), start


def segments(text: str) -> Iterator[Segment]:
    """Each segment of ``text`` in order, numbered from the ISA, within the bounds."""
    seps, start = separators(text)
    body = text[start:]
    if body.count(seps.segment) > MAX_SEGMENTS:
        raise X12Error(f"the file has more than {MAX_SEGMENTS:,} segments; it is refused")
    number = 0
    for raw in body.split(seps.segment):
        raw = raw.strip("\r\n")
        if not raw.strip():
            continue
        number += 1
        if len(raw) > MAX_SEGMENT_LENGTH:
            raise X12Error(f"segment {number}: it is {len(raw):,} characters long (at most "
                           f"{MAX_SEGMENT_LENGTH:,}); the file is damaged")
        if raw.count(seps.element) > MAX_ELEMENTS:
            raise X12Error(f"segment {number}: it has more than {MAX_ELEMENTS} elements; the file "
                           f"is damaged")
        elements = tuple(raw.split(seps.element))
        _refuse_bad_characters(number, raw, elements[0], seps)
        if not _SEGMENT_ID.fullmatch(elements[0]):
            shown = elements[0][:20]
            raise X12Error(f"segment {number}: {shown!r} is not a segment name; the file is "
                           f"damaged or not X12")
        yield Segment(number, elements, seps.component)


def _refuse_bad_characters(number: int, raw: str, name: str, seps: Separators) -> None:
    """A byte that is not UTF-8 in a UTF-8 file, or a control character that is not one of the
    file's own separators: refused naming the segment (nothing of the file is read)."""
    allowed = {seps.element, seps.component, seps.segment, seps.repetition}
    for found in _BAD_CHARACTER.finditer(raw):
        char = found.group()
        if char in allowed:
            continue
        where = f"segment {number} ({name[:3]!r})" if not _SEGMENT_ID.fullmatch(name) else \
            f"segment {number} ({name})"
        if "\udc80" <= char <= "\udcff":
            raise X12Error(f"{where}: the byte 0x{ord(char) - 0xDC00:02X} is not UTF-8, but the file "
                           f"holds UTF-8 text elsewhere: it mixes two encodings, so its names "
                           f"cannot be read right; nothing was read (ask the payer for the file again)")
        raise X12Error(f"{where}: it holds the control character 0x{ord(char):02X}, which is no "
                       f"part of a name, an amount or a code; the file is damaged and nothing "
                       f"was read")


def transactions(path_or_text: str | bytes | os.PathLike[str]) -> list[Transaction]:
    """Every ST ... SE of the file, its envelopes checked."""
    return _Envelopes().walk(segments(load_text(path_or_text)))


class _Envelopes:
    def __init__(self) -> None:
        self.isa: Segment | None = None
        self.gs: Segment | None = None
        self.tx: Transaction | None = None
        self.groups = 0
        self.sets = 0
        self.done: list[Transaction] = []

    def walk(self, segs: Iterator[Segment]) -> list[Transaction]:
        last: Segment | None = None
        for seg in segs:
            last = seg
            handler = getattr(self, f"_{seg.id.lower()}", None)
            if seg.id in ("ISA", "IEA", "GS", "GE", "ST", "SE") and handler:
                handler(seg)
            elif self.tx is None:
                seg.fail("this segment is outside a transaction (ST ... SE); the file is damaged")
            else:
                self.tx.segments.append(seg)
        if last is None:
            raise X12Error("segment 1: the file is empty")
        if self.tx is not None:
            last.fail(f"the file ends inside transaction {self.tx.control} (no SE): it is cut short")
        if self.gs is not None or self.isa is not None:
            last.fail("the file ends before its envelope is closed (no GE or IEA): it is cut short")
        if not self.done:
            last.fail("the file holds no transaction (ST ... SE)")
        return self.done

    def _isa(self, seg: Segment) -> None:
        if self.isa is not None:
            seg.fail("a new interchange begins before the last one was closed by an IEA: the "
                     "file is cut short or damaged")
        if len(seg.elements) != 17 or not seg.el(13):
            seg.fail("the interchange header needs 16 elements, with its control number in ISA13")
        self.isa, self.groups = seg, 0

    def _iea(self, seg: Segment) -> None:
        if self.isa is None or self.gs is not None:
            seg.fail("an IEA without its ISA, or before the group's GE")
        if seg.el(2) != self.isa.el(13):
            seg.fail(f"IEA02 {seg.el(2)!r} does not match ISA13 {self.isa.el(13)!r}")
        _count(seg, 1, self.groups, "functional groups")
        self.isa = None

    def _gs(self, seg: Segment) -> None:
        if self.isa is None or self.gs is not None:
            seg.fail("a GS outside an interchange, or before the last group's GE")
        self.gs, self.sets = seg, 0
        self.groups += 1

    def _ge(self, seg: Segment) -> None:
        if self.gs is None or self.tx is not None:
            seg.fail("a GE without its GS, or inside a transaction (no SE before it)")
        if seg.el(2) != self.gs.el(6):
            seg.fail(f"GE02 {seg.el(2)!r} does not match GS06 {self.gs.el(6)!r}")
        _count(seg, 1, self.sets, "transactions")
        self.gs = None

    def _st(self, seg: Segment) -> None:
        if self.gs is None or self.isa is None:
            seg.fail("an ST outside a functional group (GS ... GE)")
        if self.tx is not None:
            seg.fail(f"a new transaction begins before transaction {self.tx.control} ended (no SE)")
        self.tx = Transaction(seg, self.isa, self.gs)
        self.sets += 1

    def _se(self, seg: Segment) -> None:
        if self.tx is None:
            seg.fail("an SE without its ST")
        if seg.el(2) != self.tx.control:
            seg.fail(f"SE02 {seg.el(2)!r} does not match ST02 {self.tx.control!r}")
        _count(seg, 1, len(self.tx.segments) + 2, "segments (ST and SE included)")
        self.done.append(self.tx)
        self.tx = None


def _count(seg: Segment, index: int, actual: int, what: str) -> None:
    said = seg.el(index)
    if not said.isdigit() or int(said) != actual:
        seg.fail(f"it says {said!r} {what}, the file has {actual}: it is cut short or damaged")
