"""The benchmark book (bench/book.py) as the program sees it: the ledger check finds it clean,
claims stand in every status and insurance money went through checks (untimed; a small book)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

BOOK = Path(__file__).resolve().parent.parent / "bench" / "book.py"


def book_module():
    spec = importlib.util.spec_from_file_location("bench_book", BOOK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_small_benchmark_book_is_clean_and_has_insurance_in_every_status(tmp_path):
    from billing_desk.choices import CLAIM_STATUSES
    from billing_desk.models import database
    from billing_desk.models.db import open_database
    from billing_desk.services.checks import run_checks

    path = tmp_path / "book.sqlite"
    book_module().build(path, accounts=2_000, invoices=30_000, say=lambda _text: None)
    assert path.exists() and not list(tmp_path.glob(".book.sqlite.building*"))
    opened = open_database(path)
    try:
        result = run_checks()
        assert result.clean, result.lines()
        statuses = {s for (s,) in database.execute_sql("SELECT DISTINCT status FROM claim")}
        assert statuses == set(CLAIM_STATUSES)
        checks, applied = database.execute_sql(
            "SELECT count(*), sum(amount) FROM insurance_payment").fetchone()
        assert checks > 0 and applied > 0
        owed = database.execute_sql("SELECT count(*) FROM invoice WHERE insurance_balance > 0").fetchone()[0]
        assert owed > 0
    finally:
        opened.close()
