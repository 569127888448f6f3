"""In Excel every amount is a number with the currency format, never text (issue 18, item 7):
the amounts among a report's parameters (the day sheet's A/R at start and end and its deposit
subtotals, the account ledger's balances) as well as every amount in its table, on every
report; dates among the parameters are dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from billing_desk.printing.excel import DATE_FORMAT, MONEY_FORMAT, render_xlsx
from billing_desk.reports import AS_OF, PERIOD, REPORTS, Params, run
from tests.test_reports_numbers import JAN1, MAR1, MAR15, office  # noqa: F401 (fixture)

pytestmark = pytest.mark.both_engines


def params_for(name: str, office) -> Params:
    spec = REPORTS[name]
    return Params(as_of=MAR15 if AS_OF in spec.takes and PERIOD not in spec.takes else None,
                  start=JAN1 if PERIOD in spec.takes else None,
                  end=MAR15 if PERIOD in spec.takes else None,
                  account=office["cash"].number if spec.account_required else "",
                  user=office["admin"])


@pytest.mark.parametrize("name", list(REPORTS))
def test_every_amount_in_every_workbook_is_a_number(office, tmp_path, name):
    report = run(name, params_for(name, office))
    path = tmp_path / f"{name}.xlsx"
    render_xlsx(report, path)
    sheet = load_workbook(path).active
    rows = list(sheet.iter_rows())
    for offset, (label, value) in enumerate(report.parameters, start=2):
        cell = rows[offset - 1][1]
        assert rows[offset - 1][0].value == f"{label}:"
        if isinstance(value, D):
            assert isinstance(cell.value, (int, float)), (label, cell.value)
            assert D(str(cell.value)).quantize(D("0.01")) == value
            assert cell.number_format == MONEY_FORMAT, label
        elif isinstance(value, dt.date):
            assert isinstance(cell.value, dt.datetime) and cell.value.date() == value, label
            assert cell.number_format == DATE_FORMAT
    header = len(report.parameters) + 3
    money_columns = [i for i, c in enumerate(report.columns) if c.kind == "money"]
    for row in rows[header:]:
        for i in money_columns:
            cell = row[i] if i < len(row) else None
            if cell is not None and cell.value is not None:
                assert isinstance(cell.value, (int, float)), (name, cell.coordinate, cell.value)
                assert cell.number_format == MONEY_FORMAT


def test_the_day_sheet_balances_and_deposit_are_numbers(office, tmp_path):
    report = run("day-sheet", Params(start=MAR1, end=MAR1))
    render_xlsx(report, tmp_path / "day.xlsx")
    sheet = load_workbook(tmp_path / "day.xlsx").active
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert values["A/R at start:"] == 135 and values["A/R at end:"] == 130
    assert (values["Deposit: cash:"], values["Deposit: checks:"], values["Deposit total:"]) == \
        (20, 30, 50)
    ledger = run("account-ledger", Params(account=office["cash"].number))
    render_xlsx(ledger, tmp_path / "ledger.xlsx")
    values = {row[0]: row[1] for row in load_workbook(tmp_path / "ledger.xlsx").active
              .iter_rows(values_only=True) if row and row[0]}
    assert values["Patient owes:"] == 40 and values["Insurance owes:"] == 0
