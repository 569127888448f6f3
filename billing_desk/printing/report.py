"""A report as data: typed columns, grouped rows, subtotals and totals.

Building a report touches no Qt and no reportlab; the renderers (``pdf``, ``excel``, the
screen preview) only read it. Money is ``Decimal`` (never float), dates are ``datetime.date``,
percentages are ``Decimal`` fractions (``Decimal("0.25")`` prints as 25.0%).

A report is defined once::

    report = Report(
        name="aging-detail",
        title="A/R Aging Detail",
        parameters=[("As of", date(2026, 11, 30))],
        columns=[Column("account", "Account"), Column("balance", "Balance", "money")],
        groups=[Group("Smith, Ann", rows=[{"account": "A-1001", "balance": Decimal("12.50")}])],
    ).compute_totals()
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Callable, Iterable, Iterator

from billing_desk.money import format_money

KINDS = ("text", "money", "date", "int", "percent")
NUMERIC_KINDS = frozenset({"money", "int", "percent"})

#: Relative column widths by kind, used when a column gives no width of its own.
DEFAULT_WIDTHS = {"text": 2.0, "money": 1.2, "date": 1.0, "int": 0.7, "percent": 0.8}

#: More columns than this and the report prints landscape unless it says otherwise.
LANDSCAPE_OVER = 7


@dataclass(frozen=True)
class Column:
    """One typed column: ``key`` into each row dict, the ``title`` printed above it, its kind.

    ``width`` is a relative width hint (see ``DEFAULT_WIDTHS``); ``total`` says whether the
    column is summed into subtotals and totals (money columns are, by default).
    """

    key: str
    title: str
    kind: str = "text"
    width: float | None = None
    total: bool | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"column {self.key!r}: kind {self.kind!r} is not one of {KINDS}")

    @property
    def numeric(self) -> bool:
        """True for columns printed right-aligned (money, int, percent)."""
        return self.kind in NUMERIC_KINDS

    @property
    def summed(self) -> bool:
        """True when the column is added up into subtotals and totals."""
        if self.total is None:
            return self.kind == "money"
        return self.total and self.kind in ("money", "int")

    @property
    def relative_width(self) -> float:
        return self.width if self.width is not None else DEFAULT_WIDTHS[self.kind]

    def format(self, value: Any) -> str:
        """The cell's text as it appears on screen and on paper."""
        return format_cell(self.kind, value)


@dataclass
class Group:
    """A titled run of rows; ``subtotals`` maps column keys to sums (None: no subtotal line)."""

    title: str
    rows: list[dict] = field(default_factory=list)
    subtotals: dict | None = None


@dataclass
class Report:
    """A whole report: what it is, what it was run for, its columns, groups and totals.

    ``landscape`` is a hint: True asks for landscape, False for portrait, None lets the
    renderer choose (landscape when there are more than ``LANDSCAPE_OVER`` columns); a report
    whose numbers do not fit across a portrait page prints landscape whatever the hint.
    """

    name: str
    title: str
    parameters: list[tuple[str, Any]] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    totals: dict = field(default_factory=dict)
    landscape: bool | None = None

    def __post_init__(self) -> None:
        keys = [c.key for c in self.columns]
        if len(set(keys)) != len(keys):
            raise ValueError(f"report {self.name!r} has duplicate column keys: {keys}")

    @property
    def is_landscape(self) -> bool:
        """The orientation to print in: the hint if given, else by the number of columns."""
        if self.landscape is not None:
            return self.landscape
        return len(self.columns) > LANDSCAPE_OVER

    @property
    def summed_columns(self) -> list[Column]:
        return [c for c in self.columns if c.summed]

    def all_rows(self) -> Iterator[dict]:
        """Every data row of every group, in order."""
        for group in self.groups:
            yield from group.rows

    def row_count(self) -> int:
        return sum(len(g.rows) for g in self.groups)

    def formatted_parameters(self) -> list[tuple[str, str]]:
        """The parameters as (label, text), dates and amounts formatted."""
        return [(label, format_value(value)) for label, value in self.parameters]

    def compute_totals(self, *, subtotals: bool | None = None) -> "Report":
        """Fill group subtotals and grand totals of the summed columns; returns ``self``.

        Subtotals are filled when ``subtotals`` is True, or (None) when there is more than
        one group. Sums are exact: money is added as ``Decimal``, a float raises TypeError.
        """
        summed = self.summed_columns
        if subtotals is None:
            subtotals = len(self.groups) > 1
        zeros = {c.key: _zero(c) for c in summed}
        grand = dict(zeros)
        keyed = [(c.key, c) for c in summed]
        for group in self.groups:
            sums = _sums(group.rows, keyed, zeros)
            if subtotals:
                group.subtotals = sums
            for key, value in sums.items():
                grand[key] += value
        self.totals = grand
        return self


def sum_rows(rows: Iterable[dict], columns: Iterable[Column]) -> dict:
    """Sum ``columns`` over ``rows`` exactly (blank cells count as zero)."""
    return _sums(rows, [(c.key, c) for c in columns])


_CHECKED = (Decimal, int)  # exactly these types pass _check_number for every kind of column


def _sums(rows: Iterable[dict], keyed: list[tuple[str, Column]], zeros: dict | None = None) -> dict:
    """sum_rows with the keys taken once (a day sheet has tens of thousands of small groups);
    ``zeros``: a dict of each key's zero to start from (copied, not changed)."""
    sums = {key: _zero(column) for key, column in keyed} if zeros is None else dict(zeros)
    for row in rows:
        get = row.get
        for key, column in keyed:
            value = get(key)
            if value is None:
                continue
            if type(value) not in _CHECKED:
                _check_number(column, value)
            sums[key] += value
    return sums


def group_rows(rows: Iterable[dict], key: str | Callable[[dict], Any],
               title: Callable[[Any], str] = str) -> list[Group]:
    """Split rows (already sorted by the grouping) into groups at each change of ``key``."""
    get = key if callable(key) else (lambda row: row.get(key))
    groups: list[Group] = []
    current: Any = object()
    for row in rows:
        value = get(row)
        if not groups or value != current:
            groups.append(Group(title(value)))
            current = value
        groups[-1].rows.append(row)
    return groups


_MONEY_ZERO = Decimal("0.00")  # a Decimal never changes: one for every sum to start from


def _zero(column: Column) -> Decimal | int:
    return _MONEY_ZERO if column.kind == "money" else 0


def _check_number(column: Column, value: Any) -> None:
    if isinstance(value, float) or isinstance(value, bool):
        raise TypeError(f"column {column.key!r}: {value!r} is a {type(value).__name__}; "
                        "money and counts must be Decimal or int")
    if column.kind == "money" and not isinstance(value, (Decimal, int)):
        raise TypeError(f"column {column.key!r}: {value!r} is not a Decimal amount")


def format_date(value: _dt.date | None) -> str:
    """MM/DD/YYYY, the way the office writes dates."""
    if value is None:
        return ""
    return f"{value.month:02d}/{value.day:02d}/{value.year:04d}"


def format_percent(value: Decimal | int | None, places: int = 1) -> str:
    """A fraction as a percentage: Decimal('0.125') -> '12.5%'."""
    if value is None:
        return ""
    if isinstance(value, float):
        raise TypeError(f"{value!r}: percentages must be Decimal, not float")
    percent = (Decimal(value) * 100).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{percent:,.{places}f}%"  # exact already for a money.share_of value: no 2nd rounding


def format_cell(kind: str, value: Any) -> str:
    """Format one cell of ``kind`` for screen and paper; None is blank."""
    if value is None:
        return ""
    if kind == "money":
        if isinstance(value, float):
            raise TypeError(f"{value!r}: money must be Decimal, not float")
        return format_money(value)
    if kind == "date":
        return format_date(value)
    if kind == "int":
        return f"{value:,}"
    if kind == "percent":
        return format_percent(value)
    return str(value)


def format_value(value: Any) -> str:
    """Format a parameter value by its Python type (dates, amounts, text)."""
    if isinstance(value, _dt.datetime):
        return f"{format_date(value.date())} {value:%H:%M}"
    if isinstance(value, _dt.date):
        return format_date(value)
    if isinstance(value, Decimal):
        return format_money(value)
    if value is None:
        return ""
    return str(value)


__all__ = [
    "Column", "Group", "KINDS", "Report", "format_cell", "format_date", "format_percent",
    "format_value", "group_rows", "sum_rows",
]
