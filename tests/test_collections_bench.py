"""The collections worklist over a bulk-filled office: every sort, the search and the count
agree with the rows in SQL (untimed; the timings at 100,000 accounts are bench/bench_collections.py).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from billing_desk.models import database
from billing_desk.services.collections import worklist as col

BENCH = Path(__file__).resolve().parent.parent / "bench" / "bench_collections.py"


def bench_module():
    spec = importlib.util.spec_from_file_location("bench_collections", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_worklist_over_a_bulk_filled_office_sorts_searches_and_counts(db, admin):
    bench = bench_module()
    bench.fill(admin.id, accounts=3_000)
    today = bench.TODAY
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
