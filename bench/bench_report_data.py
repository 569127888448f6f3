"""Benchmark the reports on a real office database: the aging detail of every account to Excel
and to PDF, and a batch of statements to PDF, beside bare openpyxl / reportlab writes of the
same rows. The database is opened read-only (build one with bench/bench_core.py).

    .venv/bin/python bench/bench_report_data.py --db /tmp/bench/big.sqlite
    .venv/bin/python bench/bench_report_data.py --db /tmp/bench/big.sqlite --statements 1000
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from openpyxl import Workbook
from reportlab.lib.pagesizes import LETTER, landscape
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas

from billing_desk.models.db import open_database
from billing_desk.printing.excel import render_xlsx
from billing_desk.printing.pdf import render_pdf
from billing_desk.printing.statements import render_statements
from billing_desk.reports import Params, office_info, run
from billing_desk.services.books import reports_statements


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def bare_canvas(report, path: Path) -> int:
    """The report's rows as formatted strings, drawn with a bare drawString loop."""
    columns = report.columns
    width, height = landscape(LETTER)
    canvas = Canvas(str(path), pagesize=(width, height))
    x = [36 + i * (width - 72) / len(columns) for i in range(len(columns) + 1)]
    per_page, pages, y = int((height - 1.4 * inch) // 11), 0, 0.0
    for index, row in enumerate(report.all_rows()):
        if index % per_page == 0:
            if index:
                canvas.showPage()
                pages += 1
            canvas.setFont("Helvetica-Bold", 8)
            for i, column in enumerate(columns):
                canvas.drawString(x[i] + 2, height - 48, column.title)
            canvas.setFont("Helvetica", 8)
            y = height - 60
        for i, column in enumerate(columns):
            text = column.format(row.get(column.key))
            if column.numeric:
                canvas.drawRightString(x[i + 1] - 2, y, text)
            else:
                canvas.drawString(x[i] + 2, y, text)
        y -= 11
    canvas.showPage()
    canvas.save()
    return pages + 1


def bare_openpyxl(report, path: Path) -> int:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Aging")
    keys = [c.key for c in report.columns]
    sheet.append([c.title for c in report.columns])
    count = 1
    for row in report.all_rows():
        sheet.append([row.get(k) for k in keys])
        count += 1
    workbook.save(path)
    return count


def bare_statements(documents: list[dict], path: Path) -> int:
    """The same strings a statement prints (address blocks, items, sums), in a bare loop."""
    canvas = Canvas(str(path), pagesize=LETTER)
    width, height = LETTER
    for data in documents:
        canvas.setFont("Helvetica", 9)
        y = height - 60
        for line in [*data["to_lines"], data["account"], str(data["amount_due"]), str(data["due_date"])]:
            canvas.drawString(50, y, line)
            y -= 12
        y = height - 250
        for item in data["items"]:
            for i, key in enumerate(("service_date", "code", "description", "charge",
                                     "insurance_paid", "adjusted", "patient_paid", "balance")):
                canvas.drawString(43 + i * 65, y, str(item[key]))
            y -= 12.5
            if y < 350:
                canvas.showPage()
                y = height - 250
        canvas.drawString(50, 200, data["message"])
        canvas.showPage()
    canvas.save()
    return len(documents)


def aging(args, out: Path, results: list) -> None:
    as_of = dt.date.fromisoformat(args.as_of) if args.as_of else None
    seconds, report = timed(run, "aging", Params(as_of=as_of, view="detail"))
    rows = report.row_count()
    print(f"aging detail: {rows:,} rows in {len(report.groups):,} accounts, built in {seconds:.2f} s "
          f"({rows / seconds:,.0f} rows/s from the database)")
    office = office_info()
    seconds, count = timed(render_xlsx, report, out / "aging.xlsx")
    results.append(("aging XLSX ours (render_xlsx)", seconds, None, rows))
    seconds, _ = timed(bare_openpyxl, report, out / "aging-bare.xlsx")
    results.append(("aging XLSX bare openpyxl write_only", seconds, None, rows))
    seconds, pages = timed(render_pdf, report, out / "aging.pdf", office)
    results.append(("aging PDF  ours (render_pdf)", seconds, pages, rows))
    seconds, pages = timed(bare_canvas, report, out / "aging-bare.pdf")
    results.append(("aging PDF  bare canvas drawString", seconds, pages, rows))


def statements(args, out: Path, results: list) -> None:
    as_of = dt.date.fromisoformat(args.as_of) if args.as_of else dt.date.today()
    chosen = reports_statements.select_accounts(as_of)
    ids = chosen.account_ids[:args.statements]
    seconds, documents = timed(lambda: [reports_statements.statement_data(k, as_of) for k in ids])
    items = sum(len(d["items"]) for d in documents)
    print(f"statements: {len(documents):,} of {len(chosen.account_ids):,} due "
          f"({len(chosen.skipped):,} left out), {items:,} items, data in {seconds:.2f} s")
    office = office_info()
    copies: list = []
    seconds, pages = timed(render_statements, documents, out / "statements.pdf", office)
    results.append(("statements PDF ours (one file)", seconds, pages, items))
    seconds, pages = timed(render_statements, documents, out / "statements-kept.pdf", office,
                           on_each=lambda d, pdf: copies.append(len(pdf)))
    results.append(("statements PDF ours + a copy each", seconds, pages, items))
    seconds, count = timed(bare_statements, documents, out / "statements-bare.pdf")
    results.append(("statements PDF bare canvas", seconds, pages, items))
    print(f"a kept copy is {sum(copies) / max(len(copies), 1) / 1024:.1f} KB on average")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="/tmp/bench/big.sqlite", help="the database (read-only)")
    parser.add_argument("--as-of", default="", help="the aging as-of date (default: today)")
    parser.add_argument("--statements", type=int, default=1000, help="statements to draw")
    parser.add_argument("--skip-aging", action="store_true")
    args = parser.parse_args(argv)
    seconds, opened = timed(open_database, args.db, readonly=True)
    print(f"opened {args.db} read-only in {seconds:.2f} s (includes PRAGMA quick_check)")
    out = Path(tempfile.mkdtemp(prefix="bench_report_data_"))
    results: list = []
    try:
        if not args.skip_aging:
            aging(args, out, results)
        if args.statements:
            statements(args, out, results)
    finally:
        opened.close()
    print(f"files in {out}")
    print(f"{'renderer':38} {'seconds':>8} {'pages':>6} {'pages/s':>8} {'rows/s':>9}")
    for name, seconds, pages, rows in results:
        per_page = f"{pages / seconds:8.1f}" if pages else f"{'':>8}"
        print(f"{name:38} {seconds:8.2f} {pages or '':>6} {per_page} {rows / seconds:9,.0f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the whole run: {peak:,.0f} MB")


if __name__ == "__main__":
    main()
