#!/usr/bin/env python3
"""The billing review (issue 20) on the benchmark book: how long it takes to open.

    python bench/bench_review.py --db WORKING_COPY.sqlite [--repeat 3]

``measure(db, repeat)`` is what bench/run.py calls (on a working copy: the review keeps the sums
of months that are over in the settings table, so the file is written). Figures:

- a quarter, first opening: nothing kept yet (the kept months are dropped before each run);
- a quarter, opened again: the months it reads are kept (what the clerk sees after the first time);
- this month to date: today's balances, the month still open;

each beside the A/R aging of the same day (services.books.aging), the report the office already
runs over the same ledger. The issue's goal: under 2 s on the 100,000-account book.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.figures import Figure, median_seconds


def _last_quarter(today: dt.date) -> tuple[dt.date, dt.date]:
    index = today.year * 4 + (today.month - 1) // 3 - 1
    start = dt.date(index // 4, index % 4 * 3 + 1, 1)
    following = dt.date(start.year + (start.month + 2) // 12, (start.month + 2) % 12 + 1, 1)
    return start, following - dt.timedelta(days=1)


def measure(db: Path, repeat: int = 3) -> list[Figure]:
    from billing_desk.models import Setting
    from billing_desk.models.db import open_database
    from billing_desk.services.books.aging import aging_by_account
    from billing_desk.services.review import build_review
    from billing_desk.services.review.history import CACHE_KEY

    opened = open_database(db)
    try:
        today = dt.date.today()
        start, end = _last_quarter(today)

        def cold() -> None:
            Setting.delete().where(Setting.key == CACHE_KEY).execute()
            build_review(start, end)

        first = median_seconds(cold, repeat)
        build_review(start, end)  # keeps the months
        again = median_seconds(lambda: build_review(start, end), repeat)
        aging_then = median_seconds(lambda: aging_by_account(end), repeat)
        month = median_seconds(lambda: build_review(today.replace(day=1), today), repeat)
        aging_now = median_seconds(lambda: aging_by_account(today), repeat)
    finally:
        opened.close()
    base = "the A/R aging of the same day"
    quarter = f"{start:%m/%d/%Y}-{end:%m/%d/%Y}"
    return [
        Figure(f"billing review of a quarter ({quarter}), first opening", first, aging_then, base, "< 2 s"),
        Figure(f"billing review of a quarter ({quarter}), opened again", again, aging_then, base, "< 2 s"),
        Figure("billing review of this month to date", month, aging_now, base, "< 2 s"),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a working copy of the benchmark book")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for figure in measure(args.db, args.repeat):
        ratio = f"{figure.ratio:.1f}x" if figure.ratio is not None else "-"
        print(
            f"{figure.name:<62} {figure.seconds:7.3f} s   {figure.baseline_name}: "
            f"{figure.baseline or 0:.3f} s ({ratio})   goal {figure.goal}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
