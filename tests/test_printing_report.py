"""The report as data: columns, groups, exact totals, cell formats; no Qt, no reportlab."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from decimal import Decimal

import pytest

from billing_desk.printing.report import (
    Column,
    Group,
    Report,
    format_cell,
    format_date,
    format_percent,
    group_rows,
    sum_rows,
)

pytestmark = pytest.mark.both_engines

COLUMNS = [Column("account", "Account"), Column("seen", "Date", "date"),
           Column("units", "Units", "int", total=True), Column("amount", "Amount", "money")]


def make_report(groups: list[Group]) -> Report:
    return Report("test", "Test Report", [("As of", date(2026, 11, 30))], list(COLUMNS), groups)


def test_totals_are_exact_decimals():
    rows = [{"account": "A", "units": 1, "amount": Decimal("0.10")} for _ in range(10)]
    report = make_report([Group("", rows)]).compute_totals()
    assert report.totals == {"units": 10, "amount": Decimal("1.00")}
    assert isinstance(report.totals["amount"], Decimal)
    assert report.groups[0].subtotals is None  # one group: no subtotal line


def test_subtotals_per_group_and_grand_total():
    groups = [Group("Smith", [{"amount": Decimal("1.25"), "units": 2},
                              {"amount": Decimal("2.50"), "units": None}]),
              Group("Jones", [{"amount": Decimal("-0.75"), "units": 1}])]
    report = make_report(groups).compute_totals()
    assert groups[0].subtotals == {"units": 2, "amount": Decimal("3.75")}
    assert groups[1].subtotals == {"units": 1, "amount": Decimal("-0.75")}
    assert report.totals == {"units": 3, "amount": Decimal("3.00")}
    assert [r["amount"] for r in report.all_rows()] == [Decimal("1.25"), Decimal("2.50"),
                                                        Decimal("-0.75")]
    assert report.row_count() == 3


def test_float_money_is_refused():
    report = make_report([Group("", [{"amount": 0.1}])])
    with pytest.raises(TypeError, match="float"):
        report.compute_totals()
    with pytest.raises(TypeError):
        format_cell("money", 1.5)


def test_column_kind_is_checked_and_keys_unique():
    with pytest.raises(ValueError, match="kind"):
        Column("x", "X", "currency")
    with pytest.raises(ValueError, match="duplicate"):
        Report("r", "R", columns=[Column("a", "A"), Column("a", "B")])


def test_cell_formats():
    assert format_cell("money", Decimal("1234.5")) == "$1,234.50"
    assert format_cell("money", Decimal("-12")) == "-$12.00"
    assert format_cell("date", date(2026, 3, 7)) == "03/07/2026" == format_date(date(2026, 3, 7))
    assert format_cell("int", 12345) == "12,345"
    assert format_percent(Decimal("0.125")) == "12.5%"
    assert format_cell("text", None) == "" == format_cell("money", None)
    assert make_report([]).formatted_parameters() == [("As of", "11/30/2026")]


def test_landscape_hint_and_default():
    narrow = make_report([])
    assert not narrow.is_landscape
    wide = Report("w", "W", columns=[Column(f"c{i}", f"C{i}") for i in range(9)])
    assert wide.is_landscape
    wide.landscape = False
    assert not wide.is_landscape


def test_group_rows_splits_at_each_change():
    rows = [{"acct": "A", "amount": Decimal(1)}, {"acct": "A", "amount": Decimal(2)},
            {"acct": "B", "amount": Decimal(3)}]
    groups = group_rows(rows, "acct", title=lambda v: f"Account {v}")
    assert [(g.title, len(g.rows)) for g in groups] == [("Account A", 2), ("Account B", 1)]
    assert sum_rows(rows, [Column("amount", "A", "money")]) == {"amount": Decimal("6.00")}


def test_report_module_imports_no_qt_and_no_reportlab():
    code = ("import sys, billing_desk.printing.report, billing_desk.printing.office;"
            "bad=[m for m in sys.modules if m.split('.')[0] in ('PySide6','reportlab','openpyxl')];"
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
