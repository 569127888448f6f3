"""Benchmark the renderers: 100,000 report rows to PDF and to Excel beside the bare libraries.

The report is bench_reports' synthetic aging detail (one row per open invoice, ten columns,
grouped by account, subtotals and totals), so every run renders the same thing whatever book
is given. The PDF is set beside bare reportlab platypus laying out the same table (200-row
tables, the header repeated, money right-aligned; the cells formatted by the same columns), the
workbook beside a bare openpyxl write-only loop of the same values. Goals: 1.2x and 1.3x.

The first PDF baseline (the issue's) lays out the data rows alone in Helvetica, each on one line;
what the report prints has half as many rows again (a heading and a subtotal per account, in
bold) in the program's embedded Unicode font. A second figure sets it beside bare platypus
drawing those same rows, cells and heights in that font. (Until each column was measured in the
font its cells print in, the bold totals' amounts widened the money columns and every name
wrapped onto two lines: 1.31x.)

    .venv/bin/python bench/bench_render.py [--db FILE] [--rows 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reportlab.lib.pagesizes import LETTER, landscape  # noqa: E402

from bench.bench_reports import OFFICE, bare_openpyxl, bare_table, formatted, make_report, make_rows  # noqa: E402
from bench.figures import Figure, median_seconds  # noqa: E402

ROWS = 100_000


def accelerated() -> bool:
    """True when reportlab's C accelerator (the rl_accel package) is there."""
    try:
        import _rl_accel  # noqa: F401
    except ImportError:
        return False
    return True


def bare_same_table(report, path: Path) -> int:
    """Bare platypus printing what the report prints: the same rows (group headings, rows,
    subtotals, the total) with the same cells and row heights as the program's layout gives
    them (wrapped where the column is too narrow), in the program's embedded font, in 200-row
    tables with the header repeated, headings and sums in bold. The layout is timed with it:
    only the drawing is left to bare platypus."""
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    from billing_desk.printing.fonts import BOLD, FONT
    from billing_desk.printing.pdf import _printed_rows
    from billing_desk.printing.pdf_layout import Layout, choose_landscape

    size = landscape(LETTER) if choose_landscape(report) else LETTER
    doc = SimpleDocTemplate(str(path), pagesize=size, leftMargin=36, rightMargin=36,
                            topMargin=36, bottomMargin=36)
    layout = Layout(report, doc.width)
    rows = _printed_rows(report, layout)
    numeric = [i for i, c in enumerate(report.columns) if c.numeric]
    story = []
    for start in range(0, len(rows), 200):
        chunk = [layout.header] + rows[start:start + 200]
        cmds = [("FONT", (0, 0), (-1, -1), FONT, 8, 9.2), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 0.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]
        cmds += [("ALIGN", (i, 0), (i, -1), "RIGHT") for i in numeric]
        cmds += [("FONT", (0, n), (-1, n), BOLD, 8, 9.2) for n, row in enumerate(chunk)
                 if row.kind != "data"]
        story.append(Table([r.cells for r in chunk], colWidths=layout.widths,
                           rowHeights=[r.height for r in chunk], repeatRows=1,
                           style=TableStyle(cmds)))
    doc.build(story)
    return len(rows)


def measure(db: Path | None = None, repeat: int = 3, rows: int = ROWS) -> list[Figure]:
    """``db`` is not read: the rows are made up, the same every run."""
    from billing_desk.printing.excel import render_xlsx
    from billing_desk.printing.pdf import render_pdf

    data = make_rows(rows)
    report = make_report(data)
    accel = "" if accelerated() else " (no rl_accel)"
    with tempfile.TemporaryDirectory(prefix="bench_render_") as folder:
        out = Path(folder)
        ours_pdf = median_seconds(lambda: render_pdf(report, out / "ours.pdf", OFFICE), repeat)
        bare_pdf = median_seconds(lambda: bare_table(formatted(data), out / "bare.pdf"), repeat)
        same_pdf = median_seconds(lambda: bare_same_table(report, out / "same.pdf"), repeat)
        ours_xlsx = median_seconds(lambda: render_xlsx(report, out / "ours.xlsx"), repeat)
        bare_xlsx = median_seconds(lambda: bare_openpyxl(data, out / "bare.xlsx"), repeat)
    return [
        Figure(f"{rows:,} rows to PDF{accel}", ours_pdf, bare_pdf, "bare reportlab platypus",
               "<= 1.2x"),
        Figure(f"{rows:,} rows to PDF{accel}, as printed", ours_pdf, same_pdf,
               "bare platypus, same printed rows and font", "<= 1.2x"),
        Figure(f"{rows:,} rows to Excel", ours_xlsx, bare_xlsx, "bare openpyxl write-only",
               "<= 1.3x"),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="the benchmark book (not read: the rows are made up)")
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    for figure in measure(args.db, args.repeat, args.rows):
        print(f"{figure.name:40} {figure.seconds:7.2f} s  {figure.baseline_name} "
              f"{figure.baseline or 0:7.2f} s  {figure.ratio or 0:5.2f}x  goal {figure.goal}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
