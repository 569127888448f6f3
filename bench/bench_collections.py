#!/usr/bin/env python3
"""The collections worklist at office scale: 100,000 accounts, 200,000 invoices; the aim is the
first page under 200 ms. Prints a table of timings (best of three, ms) and whether each meets it.

    python bench/bench_collections.py [--accounts 100000]

Rows are bulk-inserted in SQL (the services would take minutes); the worklist only reads them.
The functional check of the same worklist, untimed, is tests/test_collections_bench.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from decimal import Decimal as D
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from peewee import chunked

from billing_desk.models import Account, Invoice, database

TODAY = dt.date(2026, 6, 1)
AIM_MS = 200
INVOICES_EACH = 2
TODAY = dt.date(2026, 6, 1)


def fill(admin_id: int, accounts: int = 100_000) -> None:
    """Bulk-insert ``accounts`` accounts, two invoices each, a quarter owing; stages; follow-ups."""
    rng = random.Random(3)
    with database.atomic():
        database.execute_sql("INSERT INTO collection_stage (position, name, days_past_due, letter_template,"
                             " action) VALUES (1,'Reminder',30,'',\'letter\'), (2,'Second',60,'','letter'),"
                             " (3,'Final',90,'','letter'), (4,'Agency',120,'','agency')")
        for batch in chunked([dict(number=str(100000 + i), status="active", first_name=f"First{i}",
                                   last_name=f"Last{i % 5000}", sort_name=f"last{i % 5000} first{i}",
                                   phone=f"212-555-{i % 10000:04d}") for i in range(accounts)], 2000):
            Account.insert_many(batch).execute()
        invoices, number = [], 1
        for account_id in range(1, accounts + 1):
            for _ in range(INVOICES_EACH):
                posted = TODAY - dt.timedelta(days=rng.randint(1, 400))
                open_ = rng.random() < 0.15  # about one account in four owes something
                invoices.append(dict(number=number, account=account_id, status="posted",
                                     service_date=posted, posted_on=posted,
                                     due_date=posted + dt.timedelta(days=30), total=D(120),
                                     patient_balance=D(rng.choice([40, 120])) if open_ else D(0),
                                     insurance_balance=D(80) if open_ and rng.random() < 0.2 else D(0),
                                     created_by=admin_id))
                number += 1
        for batch in chunked(invoices, 2000):
            Invoice.insert_many(batch).execute()
        database.cursor().executemany(
            "INSERT INTO account_collection (account_id, stage_id, next_follow_up, hold, hold_reason,"
            " agency, flag) VALUES (?,?,?,?,'','','')",
            [(a, rng.choice([None, 1, 2]), (TODAY + dt.timedelta(days=rng.randint(-5, 20))).isoformat(),
              rng.choice(["", "", "", "dispute"])) for a in range(1, accounts + 1, 3)])
    database.execute_sql("ANALYZE")



def timed(fn, repeat: int = 3) -> float:
    best = 1e9
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    args = parser.parse_args()
    import os

    from billing_desk.models.db import open_database
    from billing_desk.services.collections import worklist as col
    from billing_desk.services.office.users import ensure_administrator

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["BILLING_DESK_HOME"] = str(Path(tmp) / "home")
        opened = open_database(Path(tmp) / "bench.sqlite")
        try:
            fill(ensure_administrator().id, args.accounts)
            cases = {f"sort by {s}": (lambda s=s: col.worklist(col.WorkFilter(sort=s), today=TODAY))
                     for s in ("follow_up", "past_due", "name", "stage")}
            cases["search 'last42'"] = lambda: col.worklist(col.WorkFilter(text="last42"), today=TODAY)
            cases["follow-ups due"] = lambda: col.worklist(col.WorkFilter(show="follow_ups"), today=TODAY)
            cases["count"] = lambda: col.worklist_count(today=TODAY)
            print(f"worklist at {args.accounts:,} accounts, {col.worklist_count(today=TODAY):,} rows")
            print(f"{'query':<22}{'ms':>8}  aim {AIM_MS} ms")
            for name, fn in cases.items():
                ms = timed(fn)
                print(f"{name:<22}{ms:>8.1f}  {'ok' if ms < AIM_MS else 'OVER'}")
        finally:
            opened.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
