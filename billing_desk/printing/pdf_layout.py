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

from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER, landscape
from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import TableStyle

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
            while text_width(word, font, size) > room:
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


def _natural_widths(report: Report) -> list[float]:
    """Per column, the width of its longest value on one line, padding included (the longest
    by characters stands for the widest: a good guess, and it keeps long reports fast)."""
    longest: list[str] = ["" for _ in report.columns]
    value_rows: list[dict] = list(report.all_rows())
    value_rows += [g.subtotals for g in report.groups if g.subtotals] + [report.totals]
    for row in value_rows:
        for i, column in enumerate(report.columns):
            text = column.format(row.get(column.key))
            if len(text) > len(longest[i]):
                longest[i] = text
    return [text_width(max(t.splitlines(), key=len), BOLD, SIZE) + 1 + 2 * PAD_X if t else 0.0
            for t in longest]


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

    def style(self, rows: list[Row]) -> TableStyle:
        """The table style for one realised block of rows."""
        cmds: list[tuple[Any, ...]] = [
            ("FONT", (0, 0), (-1, -1), FONT, SIZE, line_height(SIZE)),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), PAD_TOP),
            ("BOTTOMPADDING", (0, 0), (-1, -1), PAD_BOTTOM),
            ("LEFTPADDING", (0, 0), (-1, -1), PAD_X),
            ("RIGHTPADDING", (0, 0), (-1, -1), PAD_X)]
        cmds += [("ALIGN", (i, 0), (i, -1), "RIGHT") for i, c in enumerate(self.columns) if c.numeric]
        for i, row in enumerate(rows):
            font = FONT if row.kind == "data" else BOLD
            if font != FONT:
                cmds.append(("FONT", (0, i), (-1, i), font, SIZE, line_height(SIZE)))
            cmds += [("FONT", (c, i), (c, i), font, size, line_height(size))
                     for c, size in enumerate(self.sizes) if size != SIZE]
            if row.span is not None:
                cmds.append(("SPAN", (row.span[0], i), (row.span[1], i)))
                cmds.append(("ALIGN", (row.span[0], i), (row.span[1], i), "LEFT"))
            if row.kind == "heading":
                cmds += [("FONT", (0, i), (-1, i), BOLD, HEADING_SIZE, line_height(HEADING_SIZE)),
                         ("TOPPADDING", (0, i), (-1, i), PAD_TOP + HEADING_SPACE)]
            elif row.kind == "header":
                cmds += [("BACKGROUND", (0, i), (-1, i), HEADER_FILL),
                         ("VALIGN", (0, i), (-1, i), "BOTTOM"),
                         ("LINEBELOW", (0, i), (-1, i), 0.75, colors.black)]
            elif row.kind in ("subtotal", "total"):
                weight = 1.0 if row.kind == "total" else 0.5
                cmds.append(("LINEABOVE", (0, i), (-1, i), weight, colors.black))
        return TableStyle(cmds)


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
