"""The collections worklist over a bulk-filled office: every sort, the search and the count
agree with the rows in SQL (untimed; its timings on the benchmark book are `bench/run.py`'s).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal as D

from peewee import chunked

from billing_desk.models import Account, Invoice, database
from billing_desk.services.collections import worklist as col

TODAY = dt.date(2026, 6, 1)
INVOICES_EACH = 2


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


def test_worklist_over_a_bulk_filled_office_sorts_searches_and_counts(db, admin):
    fill(admin.id, accounts=3_000)
    today = TODAY
    count = col.worklist_count(today=today)
    owing = database.execute_sql("SELECT count(DISTINCT account_id) FROM invoice WHERE "
                                 "patient_balance + insurance_balance > 0").fetchone()[0]
    assert 0 < count <= owing
    for sort in ("follow_up", "past_due", "name", "stage"):
        rows = col.worklist(col.WorkFilter(sort=sort), today=today)
        assert rows and len(rows) <= count
    found = col.worklist(col.WorkFilter(text="last42"), today=today)
    assert found and all("42" in str(row) for row in found[:5])
    assert len(col.worklist(col.WorkFilter(show="follow_ups"), today=today)) <= count
