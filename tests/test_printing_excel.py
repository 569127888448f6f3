"""Excel output read back with openpyxl: typed cells, exact money, frozen header, no formulas."""

from __future__ import annotations

import random
import zipfile
from datetime import date, datetime, timedelta
from decimal import Decimal

import openpyxl
import pytest

from billing_desk.money import CENT
from billing_desk.printing.excel import DATE_FORMAT, MONEY_FORMAT, render_xlsx
from billing_desk.printing.report import Column, Group, Report

COLUMNS = [Column("account", "Account"), Column("seen", "Service Date", "date"),
           Column("units", "Units", "int", total=True), Column("amount", "Amount", "money"),
           Column("share", "Share", "percent")]
HEADER_ROW = 4  # title, one parameter, blank, header


def make_report(groups: list[Group]) -> Report:
    return Report("test", "Charges: Detail", [("As of", date(2026, 11, 30))], list(COLUMNS),
                  groups).compute_totals()


def as_decimal(value) -> Decimal:
    assert isinstance(value, (int, float)) and not isinstance(value, bool), value
    return Decimal(repr(value)).quantize(CENT)


@pytest.fixture
def two_groups() -> Report:
    rows_a = [{"account": "A-1", "seen": date(2026, 1, 2), "units": 2,
               "amount": Decimal("1234.56"), "share": Decimal("0.25")},
              {"account": "A-1", "seen": date(2026, 1, 3), "units": 1,
               "amount": Decimal("0.10"), "share": Decimal("0.5")}]
    rows_b = [{"account": "B-2", "seen": date(2026, 2, 1), "units": 3,
               "amount": Decimal("-0.30"), "share": None}]
    return make_report([Group("Account A-1", rows_a), Group("Account B-2", rows_b)])


def test_layout_types_and_totals(tmp_path, two_groups):
    path = tmp_path / "report.xlsx"
    written = render_xlsx(two_groups, path)
    sheet = openpyxl.load_workbook(path).active
    assert written == sheet.max_row == 12  # 4 above + 2 headings + 3 rows + 2 subtotals + total
    assert sheet["A1"].value == "Charges: Detail" and sheet["A1"].font.b
    assert (sheet["A2"].value, sheet["B2"].value) == ("As of:", datetime(2026, 11, 30))
    assert sheet["B2"].number_format == DATE_FORMAT  # a date parameter is a date (issue 18)
    assert [c.value for c in sheet[HEADER_ROW]] == [c.title for c in COLUMNS]
    assert all(c.font.b for c in sheet[HEADER_ROW])
    assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"
    assert sheet.auto_filter.ref == f"A{HEADER_ROW}:E11"
    assert sheet["A5"].value == "Account A-1" and sheet["A5"].font.b
    first = sheet[6]
    assert first[1].value == datetime(2026, 1, 2) and first[1].number_format == DATE_FORMAT
    assert first[2].value == 2 and isinstance(first[2].value, int)
    assert as_decimal(first[3].value) == Decimal("1234.56")
    assert first[3].number_format == MONEY_FORMAT and not first[3].font.b
    assert first[4].value == 0.25 and first[4].number_format == "0.0%"
    subtotal = [c.value for c in sheet[8]]
    assert subtotal[0] == "Subtotal Account A-1" and as_decimal(subtotal[3]) == Decimal("1234.66")
    total = sheet[12]
    assert total[0].value == "Total" and total[0].font.b and total[3].font.b
    assert total[2].value == 6 and as_decimal(total[3].value) == Decimal("1234.36")


def test_money_round_trips_to_the_cent(tmp_path):
    rng = random.Random(8)
    amounts = [Decimal("0.01"), Decimal("-0.01"), Decimal("0.10"), Decimal("2.675"),
               Decimal("99999999999.99"), Decimal("-99999999999.99"), Decimal("12345678.91")]
    amounts = [a.quantize(CENT) for a in amounts]
    amounts += [Decimal(rng.randint(-10**13 + 1, 10**13 - 1)) / 100 for _ in range(3000)]
    rows = [{"account": f"R{i}", "amount": a, "seen": date(2026, 1, 1) + timedelta(i % 365)}
            for i, a in enumerate(amounts)]
    report = make_report([Group("", rows)])
    path = tmp_path / "money.xlsx"
    render_xlsx(report, path)
    sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    values = list(sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    assert [as_decimal(v[3]) for v in values[:-1]] == amounts
    assert [v[1].date() for v in values[:-1]] == [r["seen"] for r in rows]
    assert as_decimal(values[-1][3]) == report.totals["amount"] == sum(amounts)


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    nasty = ["=1+1", "+SUM(A1:A2)", "-2+3", "@cmd", "=HYPERLINK(\"http://x\",\"y\")", "\t=1"]
    rows = [{"account": text, "amount": Decimal("1.00")} for text in nasty]
    path = tmp_path / "guard.xlsx"
    render_xlsx(make_report([Group("=Group", rows)]), path)
    sheet = openpyxl.load_workbook(path).active
    cells = [sheet.cell(HEADER_ROW + 1 + i, 1) for i in range(len(nasty))]
    assert [c.value for c in cells] == nasty
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml


def test_float_money_is_refused_before_any_file_is_written(tmp_path):
    report = Report("t", "T", columns=list(COLUMNS), groups=[Group("", [{"amount": 1.5}])])
    path = tmp_path / "float.xlsx"
    with pytest.raises(TypeError, match="float"):
        render_xlsx(report, path)
    assert not path.exists() and not list(tmp_path.iterdir())


def test_progress_is_reported(tmp_path):
    rows = [{"account": "A", "amount": Decimal("1.00")} for _ in range(2500)]
    seen: list[tuple[int, int]] = []
    render_xlsx(make_report([Group("", rows)]), tmp_path / "p.xlsx",
                progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (1000, 2500) and seen[-1] == (2500, 2500)


def test_every_kind_of_cell_reads_back_as_openpyxl_writes_it(tmp_path):
    """The table's rows are written as sheet XML (printing/excel_rows.py, issue 21): each cell
    must read back exactly as the same value put in an openpyxl write-only cell does."""
    from openpyxl.cell import WriteOnlyCell

    from billing_desk.printing.excel import FORMATS

    columns = [Column("t", "Text"), Column("d", "Day", "date"), Column("i", "Count", "int"),
               Column("m", "Amount", "money"), Column("p", "Share", "percent")]
    values = {"t": ["plain", "  spaced ", "a & b < c > d", "#N/A", "#DIV/0!", "=1+1", "x" * 40000,
                    "Łukasiewicz-Nguyễn", "tab\there", "bell\x07", "line\nbreak", 12, ""],
              "d": [date(2026, 2, 28), datetime(2026, 3, 1, 13, 45), date(1900, 2, 1), None],
              "i": [0, -7, 10**15, True],
              "m": [Decimal("0.10"), Decimal("-12345678901.23"), 5, Decimal("1E+2")],
              "p": [Decimal("0.125"), Decimal("1")]}
    height = max(len(v) for v in values.values())
    rows = [{key: v[n] if n < len(v) else None for key, v in values.items()} for n in range(height)]
    report = Report("cells", "Cells", [], columns, [Group("", rows)])
    ours = tmp_path / "ours.xlsx"
    render_xlsx(report, ours)

    reference = openpyxl.Workbook(write_only=True)
    sheet = reference.create_sheet("Cells")
    for row in rows:
        cells = []
        for column in columns:
            value = row[column.key]
            if value is None or value == "":
                cells.append(None)
                continue
            cell = WriteOnlyCell(sheet)
            if column.kind != "text" and not isinstance(value, str) and column.kind in FORMATS:
                cell.number_format = FORMATS[column.kind]
            text = str(value)[:32767].replace("\x07", "\ufffd") if isinstance(value, str) or \
                column.kind == "text" else value
            cell.value = text
            if isinstance(text, str) and text.startswith(("=", "+", "-", "@", "\t", "\r")):
                cell.data_type, cell.quotePrefix = "s", True
            cells.append(cell)
        sheet.append(cells)
    theirs = tmp_path / "theirs.xlsx"
    reference.save(theirs)

    def read(path, first):
        sheet = openpyxl.load_workbook(path).active
        return [[(c.value, c.data_type, c.number_format, bool(c.font.b), bool(c.quotePrefix))
                 for c in row] for row in sheet.iter_rows(min_row=first, max_col=len(columns))]

    assert read(ours, 4) == read(theirs, 1)  # ours: title, a blank row, the column header
