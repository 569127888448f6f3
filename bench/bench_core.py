"""The data behind the screens and reports on the benchmark book, each beside bare SQL doing the
same work: the account search, one account's ledger, aging (today, a year ago), the day sheet
(today, a year ago), the collections lists, the counts the tabs show.

    python bench/run.py --db FILE --only bench_core       # how it is meant to run
    python bench/bench_core.py --db FILE [--repeat 5]     # the same, alone (on FILE itself)

The bare baselines are the best plain query for the same rows (the index that fits named where
SQLite would pick another), with the rows fetched and, where the program buckets or sums in
Python, the same done in a bare loop. Only reads: the book is not changed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from figures import Figure, median_seconds

AGING_EDGES = (0, 30, 60, 90, 120)


def _bucket(due: str, edges: list[str]) -> int:
    for index, edge in enumerate(edges):
        if due >= edge:
            return index
    return 5


def bare_aging(con, as_of: dt.date) -> dict[int, list[int]]:
    """Today's aging as a covering-index scan of the open items, bucketed in Python."""
    edges = [(as_of - dt.timedelta(days=d)).isoformat() for d in AGING_EDGES]
    sums: dict[int, list[int]] = {}
    for account, due, patient, insurance in con.execute(
            "SELECT account_id, due_date, patient_balance, insurance_balance FROM invoice "
            "INDEXED BY invoice_open_items WHERE patient_balance != 0 OR insurance_balance != 0"):
        row = sums.get(account)
        if row is None:
            row = sums[account] = [0] * 12
        b = _bucket(due or "", edges)
        row[b] += patient
        row[6 + b] += insurance
    return sums


def bare_aging_as_of(con, as_of: dt.date) -> dict[int, list[int]]:
    """A past date's aging: each invoice's ledger up to the day, bucketed in Python."""
    edges = [(as_of - dt.timedelta(days=d)).isoformat() for d in AGING_EDGES]
    sums: dict[int, list[int]] = {}
    for account, due, patient, insurance in con.execute(
            """SELECT i.account_id, i.due_date, o.p, o.i FROM
                 (SELECT invoice_id AS iid, SUM(CASE WHEN party = 'patient' THEN amount ELSE 0 END) AS p,
                         SUM(CASE WHEN party = 'insurance' THEN amount ELSE 0 END) AS i
                  FROM ledger_entry WHERE entry_date <= ? AND invoice_id IS NOT NULL
                  GROUP BY invoice_id HAVING p != 0 OR i != 0) o JOIN invoice i ON i.id = o.iid""",
            (as_of.isoformat(),)):
        row = sums.get(account)
        if row is None:
            row = sums[account] = [0] * 12
        b = _bucket(due or "", edges)
        row[b] += patient
        row[6 + b] += insurance
    return sums


def bare_day_sheet(con, day: dt.date) -> tuple[list, int, list]:
    """The day's entries with their names (every part the printed name is made of), codes and
    payment methods, in the order keyed; A/R at the start; the deposit slip's sums by method
    (payments received and returned, the insurers' checks)."""
    when = (day.isoformat(), day.isoformat())
    rows = con.execute(
        """SELECT le.entry_date, le.posting_date, a.number, a.last_name, a.first_name, a.middle_name,
                  a.suffix, a.organization, a.kind, inv.number, il.code, le.kind, le.party, le.amount,
                  pay.method, le.memo
           FROM ledger_entry le JOIN account a ON a.id = le.account_id
           LEFT JOIN invoice inv ON inv.id = le.invoice_id
           LEFT JOIN invoice_line il ON il.id = le.line_id
           LEFT JOIN payment pay ON pay.id = le.payment_id
           WHERE le.entry_date BETWEEN ? AND ? ORDER BY le.entry_date, le.id""", when).fetchall()
    deposit = con.execute(
        """SELECT le.kind, p.method, -SUM(le.amount)
           FROM ledger_entry le JOIN payment p ON p.id = le.payment_id
           WHERE le.kind IN ('payment', 'payment_void') AND le.entry_date BETWEEN ? AND ?
             AND p.insurance_payment_id IS NULL GROUP BY le.kind, p.method""", when).fetchall()
    deposit += con.execute("SELECT 'check', method, SUM(amount) FROM insurance_payment "
                           "WHERE amount != 0 AND entered_on BETWEEN ? AND ? GROUP BY method",
                           when).fetchall()
    return rows, _bare_receivables(con, day), deposit


def _bare_receivables(con, before: dt.date) -> int:
    """What was owed at the start of a day, the cheapest way the file allows: the day totals
    kept beside the ledger when there are any, else a sum over the ledger."""
    kept = con.execute("SELECT name FROM sqlite_master WHERE name = 'ledger_day'").fetchone()
    if kept:
        return con.execute("SELECT COALESCE(SUM(amount), 0) FROM ledger_day WHERE entry_date < ?",
                           (before.isoformat(),)).fetchone()[0]
    return con.execute("SELECT COALESCE(SUM(amount), 0) FROM ledger_entry WHERE entry_date < ?",
                       (before.isoformat(),)).fetchone()[0]


def bare_ledger(con, account: int) -> list[tuple]:
    """One account's entries as the account page lists them (its invoices' numbers joined), oldest
    first, each with the balance after it."""
    balance, rows = 0, []
    for row in con.execute(
            """SELECT le.id, le.entry_date, le.posting_date, le.kind, le.party, le.amount, le.memo,
                      le.invoice_id, inv.number, le.line_id, le.payment_id, le.adjustment_id
               FROM ledger_entry le LEFT JOIN invoice inv ON inv.id = le.invoice_id
               WHERE le.account_id = ? ORDER BY le.entry_date, le.id""", (account,)):
        balance += row[5]
        rows.append((row, balance))
    return rows


# Per payer who owes it: a secondary's part is summed from the ledger's insurance entries by their
# payer (the invoice's own payer is its primary), for the invoices whose insurance part is open.
INSURANCE_UNPAID = """SELECT p.id, p.name, p.phone, COUNT(*), SUM(w.cents), MIN(i.posted_on) FROM
    (SELECT le.invoice_id AS invoice_id, COALESCE(le.payer_id, 0) AS payer_id, SUM(le.amount) AS cents
     FROM invoice oi {hint} JOIN ledger_entry le ON le.invoice_id = oi.id
     WHERE {where} oi.insurance_balance > 0 AND oi.posted_on <= ? AND le.party = 'insurance'
     GROUP BY le.invoice_id, le.payer_id HAVING SUM(le.amount) != 0) w
    JOIN invoice i ON i.id = w.invoice_id JOIN payer p ON p.id = w.payer_id WHERE w.cents > 0
    GROUP BY p.id ORDER BY SUM(w.cents) DESC"""


def bare_search(con, text: str, today: str = "9999-12-31") -> list:
    """The first page of accounts whose name starts with ``text``, with the oldest past-due date
    the list shows."""
    return con.execute("SELECT a.*, (SELECT MIN(i.due_date) FROM invoice i WHERE i.account_id = a.id "
                       "AND (i.patient_balance != 0 OR i.insurance_balance != 0) AND i.due_date < ?) "
                       "FROM account a WHERE sort_name >= ? AND sort_name < ? ORDER BY sort_name, id "
                       "LIMIT 100", (today, text, text + "\uffff")).fetchall()


def measure(db: Path, repeat: int) -> list[Figure]:
    import sqlite3

    from billing_desk.models.db import open_database
    from billing_desk.reports import Params, run
    from billing_desk.services.accounts import account_page, lists, registry
    from billing_desk.services.books import aging
    from billing_desk.services.collections import collection_reports, worklist

    opened = open_database(db)  # as the window opens it (run.py gives a working copy)
    bare = sqlite3.connect(f"{Path(db).absolute().as_uri()}?mode=ro", uri=True)
    figures: list[Figure] = []
    newest = bare.execute("SELECT MAX(entry_date) FROM ledger_entry").fetchone()[0]
    today = dt.date.fromisoformat(newest)
    year_ago = today - dt.timedelta(days=365)
    day = today - dt.timedelta(days=1)  # a day like any (the last one holds every payment the
    day_entries = bare.execute(  # book's builder would have dated after it)
        "SELECT count(*) FROM ledger_entry WHERE entry_date = ?", (day.isoformat(),)).fetchone()[0]
    last_entries = bare.execute(
        "SELECT count(*) FROM ledger_entry WHERE entry_date = ?", (today.isoformat(),)).fetchone()[0]

    def figure(name, program, baseline, baseline_name="bare SQL", goal="<= 3x", times=repeat):
        seconds = median_seconds(program, times)
        base = median_seconds(baseline, times) if baseline is not None else None
        figures.append(Figure(name, seconds, base, baseline_name if baseline else "", goal))

    try:
        figure("account search 'smith1', first page (the query)",
               lambda: list(registry.search_accounts("smith1", limit=100, today=today)),
               lambda: bare_search(bare, "smith1", today.isoformat()), goal="< 0.050 s")
        busiest = bare.execute("SELECT account_id FROM invoice GROUP BY account_id "
                               "ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
        figure("one account's ledger (running balance), as the account page shows it",
               lambda: account_page.ledger_rows(busiest), lambda: bare_ledger(bare, busiest),
               "the same rows in bare SQL, the balance summed in Python")
        figure("aging of the whole book, by account", lambda: aging.aging_by_account(today),
               lambda: bare_aging(bare, today), "covering-index scan bucketed in Python", "< 0.200 s")
        figure("aging as of a year ago, by account", lambda: aging.aging_by_account(year_ago),
               lambda: bare_aging_as_of(bare, year_ago), "ledger summed per invoice in SQL, bucketed "
               "in Python", times=max(1, repeat // 2))
        for name, when in ((f"day sheet of a day ({day:%m/%d/%Y}, {day_entries:,} entries)", day),
                           (f"day sheet of the book's last day ({today:%m/%d/%Y}, {last_entries:,} entries)",
                            today),
                           (f"day sheet of a day a year ago ({year_ago:%m/%d/%Y})", year_ago)):
            figure(f"{name}, the data", lambda w=when: run("day-sheet", Params(start=w, end=w)),
                   lambda w=when: bare_day_sheet(bare, w),
                   "the day's entries, A/R at start and the deposit's sums in SQL")
        cutoff = (today - dt.timedelta(days=45)).isoformat()
        worklist_params: dict = {"today": today.isoformat()}
        worklist_sql = worklist._sql(worklist.WorkFilter(), worklist_params)
        plain = median_seconds(lambda: bare.execute(INSURANCE_UNPAID.format(hint="", where=""),
                                                    (cutoff,)).fetchall(), repeat)
        hinted = median_seconds(lambda: bare.execute(INSURANCE_UNPAID.format(
            hint="INDEXED BY invoice_open_items",
            where="(oi.patient_balance != 0 OR oi.insurance_balance != 0) AND"),
            (cutoff,)).fetchall(), repeat)
        figures.append(Figure("insurance unpaid over 45 days, per payer", median_seconds(
            lambda: collection_reports.insurance_unpaid(days=45, today=today), repeat), min(plain, hinted),
            "the faster of bare SQL as planned and on the open-items index", "<= 3x"))
        claims_payer = bare.execute("SELECT payer_id FROM invoice WHERE insurance_balance > 0 "
                                    "GROUP BY payer_id ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
        figure("insurance unpaid: one payer's invoices", lambda: collection_reports.insurance_unpaid_claims(
            claims_payer, days=45, today=today), None, goal="< 0.050 s")
        figure("collections worklist, first page", lambda: worklist.worklist(
            worklist.WorkFilter(), today=today, limit=100), None, goal="< 0.050 s")
        figure("collections worklist, search 'smith1', first page", lambda: worklist.worklist(
            worklist.WorkFilter(text="smith1"), today=today, limit=100), None, goal="< 0.050 s")
        figure("collections worklist, count", lambda: worklist.worklist_count(today=today), None,
               goal="< 0.050 s")

        def after_a_change():
            getattr(worklist, "_snapshots", {}).clear()  # (a program without snapshots reads afresh)
            return worklist.worklist(worklist.WorkFilter(), today=today, limit=100)

        first_page = (f"SELECT * FROM ({worklist_sql}) AS w ORDER BY {worklist.SORTS['follow_up']}, "
                      "w.account_id LIMIT 100")
        figure("collections worklist after a saved change (read afresh)", after_a_change,
               lambda: bare.execute(first_page, worklist_params).fetchall(),
               "the worklist's first page in bare SQL", times=max(1, repeat // 2))
        query = lists.invoices_query("", None)
        figure("Invoice Entry list: first page and count",
               lambda: (lists.page(query, 0, 200), lists.count(query)),
               lambda: (bare.execute("SELECT * FROM invoice ORDER BY id DESC LIMIT 200").fetchall(),
                        bare.execute("SELECT count(*) FROM invoice").fetchone()), goal="< 0.050 s")
    finally:
        bare.close()
        opened.close()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from run import table_lines

    for line in table_lines([f.as_json() for f in measure(args.db, args.repeat)]):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
