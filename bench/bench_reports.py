"""Benchmark the report renderers against bare reportlab and bare openpyxl.

A synthetic aging-detail report (one row per open invoice, ten columns, grouped by account)
is written to PDF by our renderer, by a bare platypus table in 200-row chunks and by a bare
canvas loop; and to Excel by our renderer and by a bare openpyxl write-only loop. Prints a
table of seconds, pages/s and rows/s.

    .venv/bin/python bench/bench_reports.py            # 100,000 rows
    .venv/bin/python bench/bench_reports.py --rows 5000
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from openpyxl import Workbook
from pypdf import PdfReader
from reportlab.lib.pagesizes import LETTER, landscape
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

from billing_desk.printing.excel import render_xlsx
from billing_desk.printing.office import OfficeInfo
from billing_desk.printing.pdf import render_pdf
from billing_desk.printing.report import Column, Report, group_rows

BUCKETS = ["current", "d31", "d61", "d91", "d121"]
COLUMNS = [Column("account", "Account"), Column("name", "Patient", width=2.4),
           Column("invoice", "Invoice"), Column("seen", "Service Date", "date"),
           Column("current", "Current", "money"), Column("d31", "31-60", "money"),
           Column("d61", "61-90", "money"), Column("d91", "91-120", "money"),
           Column("d121", "Over 120", "money"), Column("balance", "Balance", "money")]
OFFICE = OfficeInfo("Main Street Clinic", ("12 Main St", "Springfield, IL 62701"),
                    "(555) 010-0199", "12-3456789")


def make_rows(count: int) -> list[dict]:
    """Invoices of about 4 per account, each balance in one aging bucket."""
    rows, as_of = [], date(2026, 11, 30)
    for i in range(count):
        account = i // 4
        amount = Decimal(1000 + (i * 7919) % 250000) / 100
        age = (i * 37) % 200
        row = {"account": f"A-{account:06d}", "name": f"Patient {account:06d}, Pat",
               "invoice": f"INV-{i:07d}", "seen": as_of - timedelta(days=age),
               "balance": amount, **{b: None for b in BUCKETS}}
        row[BUCKETS[min(age // 30, 4)]] = amount
        rows.append(row)
    return rows


def make_report(rows: list[dict]) -> Report:
    groups = group_rows(rows, "account", title=lambda a: f"Account {a}")
    return Report("aging-detail", "A/R Aging Detail", [("As of", date(2026, 11, 30)),
                                                        ("Payer", "All")],
                  list(COLUMNS), groups).compute_totals()


def formatted(rows: list[dict]) -> list[list[str]]:
    return [[c.format(r.get(c.key)) for c in COLUMNS] for r in rows]


def bare_table(cells: list[list[str]], path: Path) -> int:
    """Plain platypus: one Table per 200 rows, header repeated, money right-aligned."""
    doc = SimpleDocTemplate(str(path), pagesize=landscape(LETTER), leftMargin=36,
                            rightMargin=36, topMargin=36, bottomMargin=36)
    header = [c.title for c in COLUMNS]
    style = TableStyle([("FONT", (0, 0), (-1, -1), "Helvetica", 8),
                        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8),
                        ("ALIGN", (4, 0), (-1, -1), "RIGHT"),
                        ("TOPPADDING", (0, 0), (-1, -1), 0),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 2)])
    widths = [doc.width * w / 13.6 for w in (1.2, 2.4, 1.2, 1.0, 1.2, 1.2, 1.2, 1.2, 1.2, 1.4)]
    story = [Table([header] + cells[i:i + 200], colWidths=widths, rowHeights=11,
                   repeatRows=1, style=style) for i in range(0, len(cells), 200)]
    doc.build(story)
    return len(PdfReader(path).pages)


def bare_canvas(cells: list[list[str]], path: Path) -> int:
    """A drawString loop: the fastest reportlab can put the same rows on paper."""
    width, height = landscape(LETTER)
    canvas = Canvas(str(path), pagesize=(width, height))
    x = [36 + i * (width - 72) / len(COLUMNS) for i in range(len(COLUMNS) + 1)]
    per_page, pages = int((height - 1.4 * inch) // 11), 0
    for start in range(0, len(cells), per_page):
        canvas.setFont("Helvetica-Bold", 8)
        for i, column in enumerate(COLUMNS):
            canvas.drawString(x[i] + 2, height - 48, column.title)
        canvas.setFont("Helvetica", 8)
        y = height - 60
        for row in cells[start:start + per_page]:
            for i, text in enumerate(row):
                if i >= 4:
                    canvas.drawRightString(x[i + 1] - 2, y, text)
                else:
                    canvas.drawString(x[i] + 2, y, text)
            y -= 11
        canvas.showPage()
        pages += 1
    canvas.save()
    return pages


def bare_openpyxl(rows: list[dict], path: Path) -> int:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Aging")
    sheet.append([c.title for c in COLUMNS])
    for row in rows:
        sheet.append([row.get(c.key) for c in COLUMNS])
    workbook.save(path)
    return len(rows) + 1


def timed(fn, *args) -> tuple[float, int]:
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="invoice rows (100,000)")
    args = parser.parse_args(argv)
    rows = make_rows(args.rows)
    report = make_report(rows)
    out = Path(tempfile.mkdtemp(prefix="bench_reports_"))
    results = []
    seconds, pages = timed(render_pdf, report, out / "ours.pdf", OFFICE)
    results.append(("PDF  ours (render_pdf)", seconds, pages))
    cells_seconds, cells = timed(formatted, rows)
    seconds, pages = timed(bare_table, cells, out / "table.pdf")
    results.append(("PDF  bare platypus Table x200", seconds + cells_seconds, pages))
    seconds, pages = timed(bare_canvas, cells, out / "canvas.pdf")
    results.append(("PDF  bare canvas drawString", seconds + cells_seconds, pages))
    seconds, _ = timed(render_xlsx, report, out / "ours.xlsx")
    results.append(("XLSX ours (render_xlsx)", seconds, None))
    seconds, _ = timed(bare_openpyxl, rows, out / "bare.xlsx")
    results.append(("XLSX bare openpyxl write_only", seconds, None))
    print(f"{args.rows:,} rows, {len(report.groups):,} accounts; files in {out}")
    print(f"{'renderer':32} {'seconds':>8} {'pages':>6} {'pages/s':>8} {'rows/s':>9}")
    for name, seconds, pages in results:
        per_page = f"{pages / seconds:8.1f}" if pages else f"{'':>8}"
        print(f"{name:32} {seconds:8.2f} {pages or '':>6} {per_page} "
              f"{args.rows / seconds:9,.0f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the whole run: {peak:,.0f} MB")


if __name__ == "__main__":
    main()
