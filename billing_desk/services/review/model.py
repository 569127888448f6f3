"""The billing review as data: figures with their definitions, the rows behind them, the trend
points, the recommendations. Plain dataclasses: the window, the PDF and the workbook read them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from ...money import from_cents

# What a figure's value is: a fraction (0.125 prints 12.5 %), days, money or a count.
PERCENT, DAYS, MONEY, COUNT = "percent", "days", "money", "count"
TENTH = Decimal("0.1")


@dataclass
class Drill:
    """The rows a figure counts: columns as (key, title, kind) and rows as dicts."""

    columns: list[tuple[str, str, str]]
    rows: list[dict] = field(default_factory=list)


@dataclass
class Figure:
    key: str
    title: str
    value: Decimal | None  # None: nothing to measure (``empty`` says why), never shown as zero
    unit: str
    definition: str
    empty: str = "no data in the period"
    parts: list[tuple[str, Decimal | None]] = field(default_factory=list)  # by party, payer...
    drill: Drill | None = None
    count: int = 0  # how many items it was measured over (claims, promises, accounts...)
    counts: dict[str, int] = field(default_factory=dict)  # items per part (claims per payer)

    def text(self) -> str:
        return format_value(self.value, self.unit, self.empty)


@dataclass
class Point:
    """One month-end (or the review's own date) of the A/R trend, in cents."""

    on: dt.date
    ar: int = 0
    over_90: int = 0
    over_120: int = 0

    def share(self, which: str) -> Decimal | None:
        part = self.over_90 if which == "over_90" else self.over_120
        return ratio(part, self.ar)


@dataclass
class Recommendation:
    key: str
    title: str  # one sentence: what is wrong, in numbers
    evidence: list[str]  # the figure, the trend, the top rows, in words
    step: str  # the concrete next step
    rows: Drill | None = None


@dataclass
class Review:
    start: dt.date
    end: dt.date
    as_of: dt.date  # entries keyed after this day are not counted
    figures: dict[str, Figure]
    year_before: dict[str, Figure]  # the same figures for the same period a year earlier
    trend: list[Point]  # the 12 month-ends before the period's end, then the end itself
    months: list[dict]  # per month of the 12: charges, payments (cents)
    recommendations: list[Recommendation] = field(default_factory=list)
    not_judged: list[str] = field(default_factory=list)  # rules left out: too few data
    notes: str = ""

    @property
    def snapshot(self) -> dt.date:
        """The day the balances are taken: the period's end, or the as-of day when earlier."""
        return min(self.end, self.as_of)

    def chart(self, name: str) -> list[tuple[str, Decimal]]:
        """A chart's bars or points as (label, value): aging, collections, denials, days_to_pay."""
        if name == "aging":
            return [(f"{p.on:%b %y}", (p.share("over_90") or Decimal(0)) * 100) for p in self.trend[:-1]]
        if name == "collections":
            return [(m["label"], from_cents(m["payments"])) for m in self.months]
        source = {"denials": "denial_rate", "days_to_pay": "days_to_pay"}[name]
        figure = self.figures[source]
        if name == "denials":
            rows = figure.drill.rows if figure.drill else []
            counts: dict[str, int] = {}
            for row in rows:
                counts[row["code"] or "no code"] = counts.get(row["code"] or "no code", 0) + 1
            return sorted(((code, Decimal(n)) for code, n in counts.items()), key=lambda p: -p[1])[:8]
        return [(label, value) for label, value in figure.parts if value is not None][:8]


def ratio(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """``part / whole`` to four places (a tenth of a percent), half up; None when whole is 0."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def rate_figure(key: str, title: str, rows: list[dict], hit: Callable[[dict], object], definition: str, *,
                empty: str, columns: list[tuple[str, str, str]] | None = None) -> Figure:
    """A rate: the rows that ``hit`` ÷ all the rows, measured over the rows; with ``columns``, the
    rows are its drill-down."""
    return Figure(key, title, ratio(sum(1 for r in rows if hit(r)), len(rows)), PERCENT, definition,
                  empty=empty, count=len(rows), drill=Drill(columns, rows) if columns is not None else None)


def tenth(value: Decimal | float | int | None) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(TENTH, rounding=ROUND_HALF_UP)


def format_value(value: Decimal | None, unit: str, empty: str = "no data") -> str:
    if value is None:
        return empty
    if unit == PERCENT:
        return f"{(value * 100).quantize(TENTH, rounding=ROUND_HALF_UP)} %"
    if unit == DAYS:
        return f"{value.quantize(TENTH, rounding=ROUND_HALF_UP)} days"
    if unit == MONEY:
        return f"${value:,.2f}"
    return f"{value:,}"


def days_between(later: dt.date | None, earlier: dt.date | None) -> int | None:
    return (later - earlier).days if later is not None and earlier is not None else None


def day(value) -> dt.date | None:
    """A date from what SQLite hands back (ISO text, date or datetime)."""
    if type(value) is str:
        return dt.date.fromisoformat(value[:10]) if value else None
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
