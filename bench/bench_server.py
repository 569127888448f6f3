#!/usr/bin/env python3
"""The office's hot paths on a file and on a PostgreSQL server, side by side.

    python bench/bench_server.py --server postgresql://USER@HOST:PORT/DBNAME \\
        [--accounts 10000] [--invoices 100000] [--repeat 7]

Builds the benchmark book into a file (``book.build``, as ``bench/run.py`` does), copies it whole
onto the (empty) server database with the program's own move (``billing-desk migrate``), then
times the same paths through the program (medians) on both and prints them in two columns. The
server database is left holding the copy; drop it after. Run it from the repository root.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from book import build

from billing_desk.services.moving import move_office


def timed(work: Callable[[], object], repeat: int) -> float:
    """The median of ``repeat`` runs of ``work``, in milliseconds."""
    times = []
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def measure(target: str | Path, repeat: int = 7) -> list[tuple[str, float]]:
    """(what, milliseconds) for the office at ``target`` (a file or a server's address)."""
    from billing_desk.models import LedgerEntry
    from billing_desk.models.db import open_database
    from billing_desk.services.accounts import lists, registry
    from billing_desk.services.books import aging
    from billing_desk.services.books.ledger import running_ledger
    from billing_desk.services.collections import worklist

    start = time.perf_counter()
    opened = open_database(target)
    rows = [("open the office", (time.perf_counter() - start) * 1000)]
    db = opened.db
    try:
        newest = db.execute_sql("SELECT MAX(entry_date) FROM ledger_entry").fetchone()[0]
        today = dt.date.fromisoformat(str(newest)[:10])
        phone = db.execute_sql("SELECT phone FROM account ORDER BY id LIMIT 1").fetchone()[0]
        busiest = db.execute_sql("SELECT account_id FROM invoice GROUP BY account_id "
                                 "ORDER BY count(*) DESC, account_id LIMIT 1").fetchone()[0]
        day = today - dt.timedelta(days=3)
        query = lists.invoices_query("", None)

        def worklist_afresh():
            worklist._snapshots.clear()  # as after a saved change
            return worklist.worklist(worklist.WorkFilter(), today=today, limit=100)

        paths: list[tuple[str, Callable[[], object], int]] = [
            ("account search, first page", lambda: list(registry.search_accounts(
                "smith1", limit=100, today=today)), repeat),
            ("account search by phone", lambda: list(registry.search_accounts(
                phone, limit=100, today=today)), repeat),
            ("one account's ledger with running balance", lambda: running_ledger(busiest), repeat),
            ("aging of the whole book", lambda: aging.aging_by_account(today), repeat),
            ("aging as of a year ago (summing the ledger)", lambda: aging.aging_by_account(
                today - dt.timedelta(days=365)), max(1, repeat // 3)),
            ("one day's transactions", lambda: list(LedgerEntry.select().where(
                LedgerEntry.entry_date == day)), repeat),
            ("collections worklist, first page after a change", worklist_afresh,
             max(1, repeat // 2)),
            ("collections worklist, first page again (no change)", lambda: worklist.worklist(
                worklist.WorkFilter(), today=today, limit=100), repeat),
            ("Invoice Entry list: first page and count",
             lambda: (lists.page(query, 0, 200), lists.count(query)), repeat),
        ]
        for name, work, times in paths:
            rows.append((name, timed(work, times)))
    finally:
        opened.close()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", required=True, help="an empty database: postgresql://...")
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    path = Path(tempfile.mkdtemp()) / "bench.sqlite"
    built = build(path, args.accounts, args.invoices, say=lambda text: None)
    start = time.perf_counter()
    move_office(path, args.server)
    moved = time.perf_counter() - start
    on_file, on_server = measure(path, args.repeat), measure(args.server, args.repeat)
    rows: list[tuple[str, float | None, float | None]] = [
        (f"build {args.accounts:,} accounts, {args.invoices:,} invoices (file)", built * 1000, None),
        ("move it onto the server, verified (billing-desk migrate)", None, moved * 1000)]
    rows += [(name, file_ms, server_ms) for (name, file_ms), (_n, server_ms)
             in zip(on_file, on_server)]
    width = max(len(name) for name, _f, _s in rows)
    print(f"{'what':<{width}}  {'file':>12}  {'server':>12}")
    print(f"{'-' * width}  {'-' * 12}  {'-' * 12}")
    for name, file_ms, server_ms in rows:
        cells = [f"{v:>9,.1f} ms" if v else " " * 12 for v in (file_ms, server_ms)]
        print(f"{name:<{width}}  {cells[0]}  {cells[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
