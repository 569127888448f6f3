"""PDF output read back as text: numbers to the cent, page numbers, headers on every page."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from decimal import Decimal

from pypdf import PdfReader

from billing_desk.money import format_money
from billing_desk.printing.office import OfficeInfo
from billing_desk.printing.pdf import render_pdf
from billing_desk.printing.report import Column, Group, Report

OFFICE = OfficeInfo("Main Street Clinic", ("12 Main St", "Springfield, IL 62701"),
                    phone="(555) 010-0199", tax_id="12-3456789")
COLUMNS = [Column("invoice", "Invoice No"), Column("seen", "Service Date", "date"),
           Column("charge", "Charge Amt", "money"), Column("paid", "Paid Amt", "money")]


def long_report(rows_per_group: int = 70, groups: int = 3, columns=COLUMNS) -> Report:
    built, n = [], 0
    for g in range(groups):
        rows = []
        for _ in range(rows_per_group):
            rows.append({"invoice": f"INV-{n:05d}", "seen": date(2026, 1, 1) + timedelta(n),
                         "charge": Decimal(1000 + n) + Decimal(n % 100) / 100,
                         "paid": Decimal(n % 7) / 100})
            n += 1
        built.append(Group(f"Account A-{g:03d}", rows))
    return Report("test", "Charges Detail", [("Period", "01/01/2026 - 12/31/2026")],
                  list(columns), built).compute_totals()


def pages_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def render(report: Report) -> tuple[int, list[str], bytes]:
    out = io.BytesIO()
    count = render_pdf(report, out, OFFICE)
    return count, pages_text(out.getvalue()), out.getvalue()


def test_every_number_agrees_to_the_cent_and_pages_are_numbered():
    report = long_report()
    count, texts, _ = render(report)
    assert count == len(texts) >= 3
    for i, text in enumerate(texts, start=1):
        assert f"Page {i} of {count}" in text
    everything = "\n".join(texts)
    for row in report.all_rows():
        line = re.search(rf"{row['invoice']}\s+(\S+)\s+(\S+)\s+(\S+)", everything)
        assert line, row["invoice"]
        assert line.groups() == (row["seen"].strftime("%m/%d/%Y"), format_money(row["charge"]),
                                 format_money(row["paid"]))
    for group in report.groups:
        assert group.title in everything
        assert format_money(group.subtotals["charge"]) in everything
    assert re.search(rf"Total\s+{re.escape(format_money(report.totals['charge']))}\s+"
                     rf"{re.escape(format_money(report.totals['paid']))}", texts[-1])


def test_letterhead_title_parameters_and_repeated_headers():
    count, texts, _ = render(long_report())
    first = texts[0]
    for part in ("Main Street Clinic", "12 Main St", "Tax ID 12-3456789", "Charges Detail",
                 "Period", "01/01/2026 - 12/31/2026"):
        assert part in first
    for text in texts:  # every page has rows, so every page shows the column header
        for column in COLUMNS:
            assert column.title in text
    assert "Springfield" not in texts[1]  # later pages carry the short running header


def test_header_repeats_in_a_single_group_spanning_many_chunks():
    report = long_report(rows_per_group=450, groups=1)  # > 2 chunks of 200 rows
    count, texts, _ = render(report)
    assert count >= 8
    for text in texts:
        assert text.count("Invoice No") == 1  # at the top of each page, never mid-page
    assert sum(len(re.findall(r"INV-\d{5}", t)) for t in texts) == 450


def test_wide_reports_print_landscape_and_narrow_portrait():
    wide_columns = COLUMNS + [Column(f"x{i}", f"Extra {i}") for i in range(5)]
    _, _, data = render(long_report(5, 1, wide_columns))
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    assert box.width > box.height
    _, _, data = render(long_report(5, 1))
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    assert box.width < box.height


def test_empty_report_still_prints_one_page(tmp_path):
    report = Report("empty", "Nothing Due", [("As of", date(2026, 11, 30))], list(COLUMNS),
                    []).compute_totals()
    path = tmp_path / "empty.pdf"
    assert render_pdf(report, path, OFFICE) == 1
    text = PdfReader(path).pages[0].extract_text()
    assert "No rows for these parameters." in text and "Page 1 of 1" in text


def test_long_text_wraps_in_its_column_and_stops_with_an_ellipsis():
    report = long_report(3, 1)
    name = "Green Acres Farm Co-op (Clark, Michael) of Greater Springfield and District, Inc."
    report.groups[0].rows[0]["invoice"] = f"{name} {name}"
    report.groups[0].rows[1]["invoice"] = "X" * 400
    _, texts, _ = render(report)
    lines = texts[0].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Green Acres"))
    words = f"{name} {name}".split()
    assert lines[start].split() != words  # wrapped onto more lines, every word kept
    assert " ".join(lines[start:]).split()[:len(words)] == words
    assert "X" * 400 not in texts[0] and "XXXX\u2026" in texts[0]


def test_the_c_accelerator_is_what_reportlab_uses():
    """reportlab[accel] (pyproject) installs rl_accel: without it reportlab falls back to pure
    Python for its hottest functions (issue 21: a third of a long report's time)."""
    from reportlab.lib import rl_accel

    assert rl_accel.fp_str.__module__ == "_rl_accel"
    assert rl_accel.unicode2T1.__module__ == "_rl_accel"


def test_cells_are_styled_by_shared_styles_not_commands_per_page(monkeypatch):
    """Each kind of row has its cell styles made once; no page applies style commands cell by
    cell (issue 21: 3.8 s of 36 on 100,000 rows)."""
    from reportlab.platypus import tables

    from billing_desk.printing.pdf_layout import Layout, page_width

    applied = []
    original = tables._setCellStyle
    monkeypatch.setattr(tables, "_setCellStyle", lambda *args: (applied.append(args), original(*args)))
    render_pdf(long_report(rows_per_group=5), io.BytesIO(), OFFICE)
    once = len(applied)  # the parameters above the table: once a report
    report = long_report(rows_per_group=100)
    pages = render_pdf(report, io.BytesIO(), OFFICE)
    assert pages > 3 and len(applied) == 2 * once
    layout = Layout(report, page_width(report.is_landscape))
    first, second = (layout.data_row(r) for r in list(report.all_rows())[:2])
    assert layout.cell_styles(first) is layout.cell_styles(second)
    money = [i for i, c in enumerate(report.columns) if c.numeric]
    assert all(layout.cell_styles(first)[i].alignment == "RIGHT" for i in money)
