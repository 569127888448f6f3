#!/usr/bin/env python3
"""Billing Desk's core benchmark: build a synthetic office at scale, time the hot paths.

    python bench/bench_core.py [--accounts 100000] [--invoices 1000000] [--db PATH] [--keep]

Builds with fast bulk inserts (indexes dropped during the load, rebuilt after), keeping every
cached balance consistent with the ledger, then prints a table of timings. Each query timing is
the median of several runs on a warm connection. Run it from the repository root.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from billing_desk.models.db import open_database

LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Lopez",
        "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Martin", "Lee", "Perez", "White",
        "Harris", "Clark", "Lewis", "Walker", "Young", "King", "Wright", "Scott", "Hill", "Green"]
FIRST = ["James", "Mary", "Robert", "Patricia", "John", "Linda", "Michael", "Susan", "David",
         "Karen", "Wei", "Aisha", "Mateo", "Priya", "Olga", "Kwame", "Yuki", "Fatima", "Liam"]


def build(path: Path, n_accounts: int, n_invoices: int, seed: int = 1) -> float:
    """Create the schema with the program itself, then bulk-load. Returns seconds."""
    started = time.perf_counter()
    open_database(path).close()
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA synchronous = OFF")
    index_sql = [row[0] for row in con.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")]
    indexes = "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    for (name,) in con.execute(indexes).fetchall():
        con.execute(f'DROP INDEX "{name}"')
    rng = random.Random(seed)
    today = dt.date.today()
    con.execute("BEGIN")
    from billing_desk.models import CatalogueItem, User

    _insert(con, User, [{"id": 1, "username": "admin", "full_name": "Administrator",
                         "role": "administrator"}])
    _insert(con, CatalogueItem, [{"id": 1, "code": "99213", "kind": "procedure", "category": "Visits",
                                  "description": "Established patient visit, level 3",
                                  "unit_price": 12000, "unit_cost": 4500, "common": 1}])
    balances = _load_invoices(con, rng, today, n_accounts, n_invoices)
    _load_accounts(con, rng, n_accounts, balances)
    con.execute("INSERT INTO sequence (name, next_value) VALUES ('invoice', ?), ('account', ?)",
                (1001 + n_invoices, 100001 + n_accounts))
    con.execute("COMMIT")
    for sql in index_sql:
        con.execute(sql)
    con.execute("ANALYZE")
    con.close()
    return time.perf_counter() - started


def _insert(con, model, rows: list[dict]) -> None:
    """Bulk insert into a model's table, filling every other column with the model's default,
    so the benchmark keeps up with the schema."""
    if not rows:
        return
    defaults = {}
    for f in model._meta.sorted_fields:
        if f.primary_key and f.name not in rows[0]:
            continue
        default = f.default() if callable(f.default) else f.default
        defaults[f.column_name] = f.db_value(default) if default is not None else None
    columns = list(defaults)
    for key in rows[0]:
        if key not in defaults:
            columns.append(key)
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" * len(columns))
    sql = f'INSERT INTO "{model._meta.table_name}" ({names}) VALUES ({marks})'
    con.executemany(sql, ([row.get(c, defaults.get(c)) for c in columns] for row in rows))


def _load_accounts(con, rng, n_accounts, balances) -> None:
    from billing_desk.models import Account

    rows = []
    for i in range(1, n_accounts + 1):
        last, first = rng.choice(LAST), rng.choice(FIRST)
        born = dt.date(1940 + i % 80, 1 + i % 12, 1 + i % 28).isoformat()
        rows.append({"created_at": "2025-01-01 09:00:00", "number": str(100000 + i),
                     "status": "active", "first_name": first, "last_name": f"{last}{i % 997}",
                     "sort_name": f"{last}{i % 997} {first}".lower(), "date_of_birth": born,
                     "phone": f"({200 + i % 800:03d}) 555-{i % 10000:04d}",
                     "email": f"{first}.{i}@example.com".lower(), "street": "1 Main St",
                     "city": "Springfield", "state": "IL", "zip_code": "62701",
                     "patient_balance": balances.get(i, 0)})
    _insert(con, Account, rows)


def _load_invoices(con, rng, today, n_accounts, n_invoices) -> dict[int, int]:
    balances: dict[int, int] = {}
    batch_inv, batch_line, batch_ledger = [], [], []
    for n in range(1, n_invoices + 1):
        account = rng.randint(1, n_accounts)
        posted = today - dt.timedelta(days=rng.randint(0, 730))
        due = posted + dt.timedelta(days=30)
        amount = 12000 * rng.randint(1, 3)
        paid = amount if rng.random() >= _open_chance((today - posted).days) else (
            amount // 2 if rng.random() < 0.5 else 0)
        left = amount - paid
        balances[account] = balances.get(account, 0) + left
        batch_inv.append((n, "2025-01-01", 1000 + n, account, "posted", posted.isoformat(), due.isoformat(),
                          posted.isoformat(), amount, left))
        batch_line.append((n, n, posted.isoformat(), amount, left))
        batch_ledger.append((account, n, n, "charge", amount, posted.isoformat()))
        if paid:
            paid_on = min(today, posted + dt.timedelta(days=rng.randint(5, 60))).isoformat()
            batch_ledger.append((account, n, n, "payment", -paid, paid_on))
        if len(batch_inv) >= 50_000 or n == n_invoices:
            _flush(con, batch_inv, batch_line, batch_ledger)
            batch_inv, batch_line, batch_ledger = [], [], []
    return balances


def _open_chance(age_days: int) -> float:
    """How likely an invoice of this age is still open: most are paid within a few months,
    and what is left of the old ones has mostly gone to collections or been written off."""
    for limit, chance in ((30, 0.6), (90, 0.3), (180, 0.1)):
        if age_days <= limit:
            return chance
    return 0.02


def _flush(con, invoices, lines, ledger) -> None:
    from billing_desk.models import Invoice, InvoiceLine, LedgerEntry

    _insert(con, Invoice, [
        {"id": n, "created_at": created, "number": number, "account_id": account, "status": status,
         "service_date": service, "due_date": due, "posted_on": posted, "total": total,
         "patient_balance": left, "created_by_id": 1}
        for n, created, number, account, status, service, due, posted, total, left in invoices])
    _insert(con, InvoiceLine, [
        {"id": n, "invoice_id": inv, "position": 1, "item_id": 1, "code": "99213",
         "description": "Established patient visit, level 3", "service_date": day, "quantity": 1,
         "unit_price": 12000 * 0 + amount, "amount": amount, "unit_cost": 4500,
         "patient_balance": left}
        for n, inv, day, amount, left in lines])
    _insert(con, LedgerEntry, [
        {"account_id": account, "invoice_id": inv, "line_id": line, "kind": kind,
         "party": "patient", "amount": amount, "entry_date": day, "posting_date": day,
         "created_by_id": 1, "created_at": day}
        for account, inv, line, kind, amount, day in ledger])


def timed(fn, repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def measure(path: Path) -> list[tuple[str, float, str]]:
    from billing_desk.models import LedgerEntry
    from billing_desk.services.accounts import lists, registry
    from billing_desk.services.books import aging
    from billing_desk.services.books.ledger import running_ledger

    start = time.perf_counter()
    opened = open_database(path)
    open_ms = (time.perf_counter() - start) * 1000
    results = [("open (lock, quick_check, schema)", open_ms, "ms")]
    open_items = opened.db.execute_sql("SELECT count(*) FROM invoice WHERE patient_balance != 0 "
                                       "OR insurance_balance != 0").fetchone()[0]
    results.append((f"  (open items in the book: {open_items:,})", 0.0, ""))
    today = dt.date.today()
    try:
        results.append(("account search 'smith1' (first page)",
                        timed(lambda: list(registry.search_accounts("smith1", limit=50))), "ms"))
        results.append(("account search by phone", timed(lambda: list(registry.search_accounts(
            "(201) 555-0001", limit=50))), "ms"))
        busiest = opened.db.execute_sql(
            "SELECT account_id FROM invoice GROUP BY account_id ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
        results.append(("one account's ledger (running balance)",
                        timed(lambda: running_ledger(busiest)), "ms"))
        results.append(("aging of the whole book (by account)",
                        timed(lambda: aging.aging_by_account(today), repeat=5), "ms"))
        results.append(("aging as one bare SQL query", timed(lambda: opened.db.execute_sql(
            aging.open_items_sql(fast=True, account=False), aging._edge_dates(today)).fetchall(),
            repeat=5), "ms"))
        results.append(("aging as of a year ago (ledger sum)", timed(
            lambda: aging.aging_by_account(today - dt.timedelta(days=365)), repeat=1), "ms"))
        day = today - dt.timedelta(days=3)
        results.append(("one day's transactions", timed(
            lambda: list(LedgerEntry.select().where(LedgerEntry.entry_date == day))), "ms"))
        results.append(("collections worklist, first page", timed(
            lambda: lists.page(lists.past_due_query(today), 0, 100)), "ms"))
    finally:
        opened.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, help="reuse (or build into) this file")
    parser.add_argument("--check", action="store_true", help="run the full ledger check after")
    args = parser.parse_args()
    path = args.db or Path(tempfile.mkdtemp()) / "bench.sqlite"
    rows = []
    if not path.exists():
        seconds = build(path, args.accounts, args.invoices)
        rows.append((f"build {args.accounts:,} accounts, {args.invoices:,} invoices", seconds * 1000, "ms"))
    rows += measure(path)
    if args.check:
        from billing_desk.services.checks import run_checks

        opened = open_database(path)
        start = time.perf_counter()
        result = run_checks()
        rows.append((f"full check ({'clean' if result.clean else 'PROBLEMS'})",
                     (time.perf_counter() - start) * 1000, "ms"))
        opened.close()
    width = max(len(name) for name, _v, _u in rows)
    print(f"{'what':<{width}}  {'time':>12}")
    print(f"{'-' * width}  {'-' * 12}")
    for name, value, unit in rows:
        print(f"{name:<{width}}  {value:>9,.1f} {unit}")
    print(f"\ndatabase: {path} ({path.stat().st_size / 1e6:,.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
