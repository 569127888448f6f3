"""Benchmark the renderers: 100,000 report rows to PDF and to Excel beside the bare libraries.

The report is bench_reports' synthetic aging detail (one row per open invoice, ten columns,
grouped by account, subtotals and totals), so every run renders the same thing whatever book
is given. The PDF is set beside bare reportlab platypus laying out the same table (200-row
tables, the header repeated, money right-aligned; the cells formatted by the same columns), the
workbook beside a bare openpyxl write-only loop of the same values. Goals: 1.2x and 1.3x.

    .venv/bin/python bench/bench_render.py [--db FILE] [--rows 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

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
        ours_xlsx = median_seconds(lambda: render_xlsx(report, out / "ours.xlsx"), repeat)
        bare_xlsx = median_seconds(lambda: bare_openpyxl(data, out / "bare.xlsx"), repeat)
    return [
        Figure(f"{rows:,} rows to PDF{accel}", ours_pdf, bare_pdf, "bare reportlab platypus",
               "<= 1.2x"),
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
