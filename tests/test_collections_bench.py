"""The worklist at office scale: 100,000 accounts, 200,000 invoices; the first page under 200 ms.

Rows are bulk-inserted in SQL (the services would take minutes); the worklist only reads them.
Run: .venv/bin/pytest tests/test_collections_bench.py -m slow -s
"""

from __future__ import annotations

import datetime as dt
import random
import time
from decimal import Decimal as D

import pytest
from peewee import chunked

from billing_desk.models import Account, Invoice, database
from billing_desk.services.collections import worklist as col

ACCOUNTS, INVOICES_EACH = 100_000, 2
TODAY = dt.date(2026, 6, 1)


def _fill(admin_id: int) -> None:
    rng = random.Random(3)
    with database.atomic():
        database.execute_sql("INSERT INTO collection_stage (position, name, days_past_due, letter_template,"
                             " action) VALUES (1,'Reminder',30,'',\'letter\'), (2,'Second',60,'','letter'),"
                             " (3,'Final',90,'','letter'), (4,'Agency',120,'','agency')")
        for batch in chunked([dict(number=str(100000 + i), status="active", first_name=f"First{i}",
                                   last_name=f"Last{i % 5000}", sort_name=f"last{i % 5000} first{i}",
                                   phone=f"212-555-{i % 10000:04d}") for i in range(ACCOUNTS)], 2000):
            Account.insert_many(batch).execute()
        invoices, number = [], 1
        for account_id in range(1, ACCOUNTS + 1):
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
              rng.choice(["", "", "", "dispute"])) for a in range(1, ACCOUNTS + 1, 3)])
    database.execute_sql("ANALYZE")


def _timed(fn, repeat: int = 3) -> float:
    best = 1e9
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best * 1000


@pytest.mark.slow
def test_worklist_first_page_under_200_ms(db, admin):
    _fill(admin.id)
    timings = {}
    for sort in ("follow_up", "past_due", "name", "stage"):
        timings[sort] = _timed(lambda s=sort: col.worklist(col.WorkFilter(sort=s), today=TODAY))
    timings["search"] = _timed(lambda: col.worklist(col.WorkFilter(text="last42"), today=TODAY))
    timings["follow_ups"] = _timed(lambda: col.worklist(col.WorkFilter(show="follow_ups"), today=TODAY))
    timings["count"] = _timed(lambda: col.worklist_count(today=TODAY))
    print("\nworklist at 100,000 accounts (ms):", {k: round(v) for k, v in timings.items()},
          "rows:", col.worklist_count(today=TODAY))
    assert timings["follow_up"] < 200
