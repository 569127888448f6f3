"""How a report's table is laid out on paper: column widths, wrapped cells, row heights.

Nothing is ever drawn outside its cell. Text wraps inside its column (at spaces, or inside a
word too long for the column: each text column is made as wide as its longest word when the
page has room for all of them) up to ``MAX_LINES`` lines; numbers and dates are never wrapped or
cut: each such column is made at least as wide as its widest value, and when the page is too
narrow for them all the report turns landscape (``choose_landscape``), and only if that is not
enough their type shrinks, down to ``MIN_SIZE`` and then as far as the value needs. Group
headings span the table; a subtotal's or total's label spans the columns before the first
summed one. The renderer (``pdf``) turns these rows into reportlab tables.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER, landscape
from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus.tables import CellStyle

from .fonts import BOLD, FONT
from .report import Column, Report

SIZE, HEADING_SIZE, MIN_SIZE = 8.0, 10.0, 6.5
LEADING = 1.15  # line height as a multiple of the type size
PAD_X, PAD_TOP, PAD_BOTTOM = 3.0, 0.5, 1.5
HEADING_SPACE = 5.0  # above a group heading
MAX_LINES = 5  # a longer cell ends in an ellipsis (the whole text is on screen and in Excel)
MIN_TEXT_WIDTH = 36.0  # the narrowest a text column becomes, points
WORD_CAP = 1.4 * inch  # a longer word may still break inside its column
MARGIN = 0.5 * inch
HEADER_FILL = colors.HexColor("#E6E6E6")


@dataclass
class Row:
    """One printed row: ``kind`` is heading, header, data, subtotal or total.

    ``span`` (first, last column) merges cells for a heading or a label."""

    kind: str
    cells: list[str]
    height: float
    span: tuple[int, int] | None = None


_WIDTHS: dict[tuple[str, float], dict[str, float]] = {}


def text_width(text: str, font: str, size: float) -> float:
    """The width of one line of ``text`` in points (glyph widths cached per font and size)."""
    widths = _WIDTHS.setdefault((font, size), {})
    total = 0.0
    for char in text:
        w = widths.get(char)
        if w is None:
            w = widths[char] = stringWidth(char, font, size)
        total += w
    return total


def wrap(text: str, room: float, font: str, size: float, max_lines: int = MAX_LINES) -> list[str]:
    """``text`` broken into lines no wider than ``room``: at its own line breaks, at spaces,
    and inside a word too long for a line; beyond ``max_lines`` the last line ends in "…"."""
    if text[:1] not in ("", " ") and text.isprintable() and text_width(text, font, size) <= room:
        return [text]  # one line that fits (no line break, no leading space): as below, sooner
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if text_width(candidate, font, size) <= room:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            while word and text_width(word, font, size) > room:  # (no room at all: a char a line)
                cut = _longest_prefix(word, room, font, size)
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and text_width(last + "\u2026", font, size) > room:
            last = last[:-1]
        lines = lines[:max_lines - 1] + [last + "\u2026"]
    return lines


def _longest_prefix(word: str, room: float, font: str, size: float) -> int:
    used = 0.0
    for i, char in enumerate(word):
        used += text_width(char, font, size)
        if used > room:
            return max(i, 1)
    return len(word)


def line_height(size: float) -> float:
    return size * LEADING


def _needed_widths(report: Report) -> list[float]:
    """Per column, the width its numbers or dates need (0 for text columns), padding included."""
    return [need if column.kind != "text" else 0.0
            for column, need in zip(report.columns, _natural_widths(report))]


_NATURAL: list = [None, 0, []]  # the last report measured (a weak reference), its rows, widths


def _natural_widths(report: Report) -> list[float]:
    """Per column, the width of its longest value on one line, padding included (the longest
    by characters stands for the widest: a good guess, and it keeps long reports fast).
    Measured once per report: choosing the orientation and laying out ask three times."""
    last, rows, widths = _NATURAL
    if last is not None and last() is report and rows == report.row_count():
        return list(widths)
    _NATURAL[:] = [weakref.ref(report), report.row_count(), _measure_natural(report)]
    return list(_NATURAL[2])


def _measure_natural(report: Report) -> list[float]:
    """Data rows measured in the regular font they print in; subtotals and totals in bold."""
    plain = _longest_texts(report.columns, report.all_rows())
    sums = _longest_texts(report.columns, [g.subtotals for g in report.groups if g.subtotals]
                          + [report.totals])
    return [max(_one_line(a, FONT), _one_line(b, BOLD)) for a, b in zip(plain, sums)]


def _longest_texts(columns: list[Column], rows) -> list[str]:
    longest: list[str] = ["" for _ in columns]
    for row in rows:
        for i, column in enumerate(columns):
            text = column.format(row.get(column.key))
            if len(text) > len(longest[i]):
                longest[i] = text
    return longest


def _one_line(text: str, font: str) -> float:
    return text_width(max(text.splitlines(), key=len), font, SIZE) + 1 + 2 * PAD_X if text else 0.0


def _word_widths(report: Report) -> list[float]:
    """Per text column, the width its longest word needs (up to ``WORD_CAP``), so that a word
    such as "verification" or "submitted" is not broken when the page has room for it."""
    longest = ["" for _ in report.columns]
    text = [i for i, c in enumerate(report.columns) if c.kind == "text"]
    for row in report.all_rows():
        for i in text:
            value = row.get(report.columns[i].key)
            if value is None or value == "":
                continue
            for word in str(value).split():
                if len(word) > len(longest[i]):
                    longest[i] = word
    return [min(WORD_CAP, text_width(w, FONT, SIZE) + 1 + 2 * PAD_X) if w else 0.0 for w in longest]


def _title_minimum(column: Column) -> float:
    """A column's title wraps at spaces; its longest word must fit."""
    return max(text_width(w, BOLD, SIZE) for w in column.title.split() or [""]) + 2 * PAD_X


def _title_width(column: Column) -> float:
    """A column's title on one line."""
    return text_width(column.title, BOLD, SIZE) + 2 * PAD_X + 1


def minimum_width(report: Report, needed: list[float] | None = None) -> float:
    """The narrowest the table can be at full type size."""
    needed = needed if needed is not None else _needed_widths(report)
    return sum(max(need, _title_minimum(c), MIN_TEXT_WIDTH if c.kind == "text" else 0)
               for c, need in zip(report.columns, needed))


def choose_landscape(report: Report) -> bool:
    """Landscape when the report asks for it, has many columns, or is too wide for portrait."""
    if report.landscape:
        return True
    portrait = LETTER[0] - 2 * MARGIN
    return report.is_landscape or minimum_width(report) > portrait


class Layout:
    """Column widths and type sizes for one report on one page width; formats its rows."""

    def __init__(self, report: Report, width: float):
        self.columns = list(report.columns)
        needed = _needed_widths(report)
        self.sizes = [SIZE for _ in self.columns]
        least = minimum_width(report, needed)
        if least > width:  # even landscape is too narrow: smaller type for the numbers
            numbers = sum(n for n in needed if n)
            text = least - numbers
            scale = max(0.1, (width - text) / numbers) if numbers else 1.0
            for i, need in enumerate(needed):
                if need:
                    self.sizes[i] = SIZE * min(1.0, scale)
                    needed[i] = (need - 2 * PAD_X - 1) * min(1.0, scale) + 2 * PAD_X + 1
        self.widths = self._widths(report, needed, width)
        self.header = self._header()
        self._cell_styles: dict[tuple[str, tuple[int, int] | None], list[CellStyle]] = {}

    def _widths(self, report: Report, needed: list[float], width: float) -> list[float]:
        """Numbers and dates get what they need (a little more when there is room); text
        columns share the rest by their relative widths, none wider than its longest value
        while another still wraps."""
        floors = [max(need, _title_minimum(c), MIN_TEXT_WIDTH if c.kind == "text" else 0)
                  for c, need in zip(self.columns, needed)]
        whole = [max(f, w) for f, w in zip(floors, _word_widths(report))]
        if sum(whole) <= width:  # room for every column's longest word: no word is broken
            floors = whole
        total = sum(c.relative_width for c in self.columns) or 1.0
        widths = [max(floor, min(width * c.relative_width / total,
                                 max(floor * 1.2, _title_width(c))))
                  for c, floor in zip(self.columns, floors)]
        text = [i for i, c in enumerate(self.columns) if c.kind == "text"]
        natural = _natural_widths(report)
        wants = {i: max(floors[i], natural[i]) for i in text}
        room = width - sum(w for i, w in enumerate(widths) if i not in wants)
        open_ = set(text)
        while open_:  # water-filling: a column that wants less than its share takes what it wants
            weight = sum(self.columns[i].relative_width for i in open_) or 1.0
            share = {i: room * self.columns[i].relative_width / weight for i in open_}
            settled = {i for i in open_ if wants[i] <= share[i]}
            if not settled:
                for i in open_:
                    widths[i] = max(floors[i], share[i])
                break
            for i in settled:
                widths[i] = wants[i]
                room -= wants[i]
            open_ -= settled
        if not open_ and text and room > 0:  # every text fits: the rest to the text columns
            weight = sum(self.columns[i].relative_width for i in text) or 1.0
            for i in text:
                widths[i] += room * self.columns[i].relative_width / weight
        for _ in range(len(widths)):  # take back what the floors added, from the columns above theirs
            excess = sum(widths) - width
            if excess <= 0.01:
                break
            slack = [w - f for w, f in zip(widths, floors)]
            spare = sum(s for s in slack if s > 0)
            if spare <= 0:
                break
            widths = [w - excess * s / spare if s > 0 else w for w, s in zip(widths, slack)]
        if sum(widths) < width - 0.01:  # no text columns: the rest to all in proportion
            extra = width - sum(widths)
            widths = [w + extra * c.relative_width / total for w, c in zip(widths, self.columns)]
        return widths

    def _header(self) -> Row:
        cells = [wrap(c.title, w - 2 * PAD_X, BOLD, SIZE) for c, w in zip(self.columns, self.widths)]
        lines = max(len(c) for c in cells)
        return Row("header", ["\n".join(c) for c in cells], _height(lines, SIZE))

    def room(self, index: int, span_to: int | None = None) -> float:
        last = index if span_to is None else span_to
        return sum(self.widths[index:last + 1]) - 2 * PAD_X

    def data_row(self, row: dict, kind: str = "data") -> Row:
        """Every cell of a row formatted; text wrapped to its column."""
        font = FONT if kind == "data" else BOLD
        cells, lines = [], 1
        for i, column in enumerate(self.columns):
            text = column.format(row.get(column.key))
            if column.kind == "text" and text:
                wrapped = wrap(text, self.room(i), font, SIZE)
                lines = max(lines, len(wrapped))
                text = "\n".join(wrapped)
            cells.append(text)
        return Row(kind, cells, _height(lines, SIZE))

    def label_row(self, label: str, values: dict, kind: str) -> Row:
        """A subtotal or total row: the label across the columns before the first summed one."""
        row = self.data_row(values, kind)
        first = next((i for i, c in enumerate(self.columns) if not c.summed), None)
        if first is None:
            return row
        last = first
        while last + 1 < len(self.columns) and not self.columns[last + 1].summed:
            last += 1
        wrapped = wrap(label, self.room(first, last), BOLD, SIZE)
        row.cells[first] = "\n".join(wrapped)
        for i in range(first + 1, last + 1):
            row.cells[i] = ""
        row.height = max(row.height, _height(len(wrapped), SIZE))
        row.span = (first, last) if last > first else None
        return row

    def heading_row(self, title: str) -> Row:
        wrapped = wrap(title, sum(self.widths) - 2 * PAD_X, BOLD, HEADING_SIZE, max_lines=3)
        blank = [""] * (len(self.columns) - 1)
        return Row("heading", ["\n".join(wrapped), *blank],
                   _height(len(wrapped), HEADING_SIZE) + HEADING_SPACE, (0, len(self.columns) - 1))

    def cell_styles(self, row: Row) -> list[CellStyle]:
        """The look of each cell of ``row``: shared objects made once per kind of row (no style
        commands applied cell by cell on every page)."""
        key = (row.kind, row.span)
        styles = self._cell_styles.get(key)
        if styles is None:
            styles = self._cell_styles[key] = [self._cell_style(row, i) for i in range(len(self.columns))]
        return styles

    def _cell_style(self, row: Row, index: int) -> CellStyle:
        font = FONT if row.kind == "data" else BOLD
        size = HEADING_SIZE if row.kind == "heading" else self.sizes[index]
        style = CellStyle(f"{row.kind}-{index}")
        style.fontname, style.fontsize, style.leading = font, size, line_height(size)
        style.valign = "BOTTOM" if row.kind == "header" else "TOP"
        style.topPadding = PAD_TOP + (HEADING_SPACE if row.kind == "heading" else 0)
        style.bottomPadding, style.leftPadding, style.rightPadding = PAD_BOTTOM, PAD_X, PAD_X
        spanned = row.span is not None and row.span[0] <= index <= row.span[1]
        style.alignment = "RIGHT" if self.columns[index].numeric and not spanned else "LEFT"
        return style

    def table_commands(self, rows: list[Row]) -> list[tuple[Any, ...]]:
        """The rules, the header's fill and the spans of one realised block of rows (the cells'
        fonts, padding and alignment are in ``cell_styles``)."""
        cmds: list[tuple[Any, ...]] = []
        for i, row in enumerate(rows):
            if row.span is not None:
                cmds.append(("SPAN", (row.span[0], i), (row.span[1], i)))
            if row.kind == "header":
                cmds += [("BACKGROUND", (0, i), (-1, i), HEADER_FILL),
                         ("LINEBELOW", (0, i), (-1, i), 0.75, colors.black)]
            elif row.kind in ("subtotal", "total"):
                weight = 1.0 if row.kind == "total" else 0.5
                cmds.append(("LINEABOVE", (0, i), (-1, i), weight, colors.black))
        return cmds


def _height(lines: int, size: float) -> float:
    return lines * line_height(size) + PAD_TOP + PAD_BOTTOM


def page_width(is_landscape: bool) -> float:
    size = landscape(LETTER) if is_landscape else LETTER
    return size[0] - 2 * MARGIN


def column_edges(layout: Layout, left: float = MARGIN) -> list[float]:
    """The x of every column boundary (for tests and for drawing rules)."""
    edges = [left]
    for width in layout.widths:
        edges.append(edges[-1] + width)
    return edges


__all__ = ["Layout", "Row", "choose_landscape", "column_edges", "page_width", "text_width", "wrap"]
