"""Issue 21's schema 9: the ledger's day totals kept by a trigger (A/R at the start of any day
without summing the whole ledger) and checked against the entries; the insurance-unpaid lists
and the as-of aging read their own indexes; a version 8 file gains all of it."""

from __future__ import annotations

import datetime as dt

import pytest
from old_files import BARE_ACCOUNT, BARE_USER, older_file, upgraded

from billing_desk.models import database
from billing_desk.services.books import invoices, payments
from billing_desk.services.books.ledger import check_ledger
from billing_desk.services.books.reports_data import receivables_cents

pytestmark = pytest.mark.both_engines

DAY = dt.date(2026, 3, 2)


def _entries_by_day() -> dict:
    return {d: (a, n) for d, a, n in database.execute_sql(
        "SELECT entry_date, SUM(amount), COUNT(*) FROM ledger_entry GROUP BY entry_date")}


def _kept() -> dict:
    return {d: (a, n) for d, a, n in database.execute_sql(
        "SELECT entry_date, amount, entries FROM ledger_day")}


def test_every_entry_written_moves_its_days_total(db, admin, catalogue, make_account):
    account = make_account()
    invoices.quick_invoice(account.id, DAY, [("99213", 1), ("36415", 3)], admin, entry_date=DAY)
    later = DAY + dt.timedelta(days=3)
    payments.record_payment(account.id, "20.00", admin, method="cash", received_on=later,
                            entry_date=later)
    assert _kept() == _entries_by_day() and len(_kept()) == 2
    assert check_ledger() == []


def test_receivables_at_the_start_of_a_day_are_the_ledger_before_it(db, admin, catalogue, make_account):
    account = make_account()
    for n in range(3):
        day = DAY + dt.timedelta(days=n)
        invoices.quick_invoice(account.id, day, [("99213", 1)], admin, entry_date=day)
    payments.record_payment(account.id, "30.00", admin, method="cash", received_on=DAY + dt.timedelta(days=1),
                            entry_date=DAY + dt.timedelta(days=1))
    for n in range(-1, 5):
        day = DAY + dt.timedelta(days=n)
        want = database.execute_sql("SELECT COALESCE(SUM(amount), 0) FROM ledger_entry WHERE entry_date < ?",
                                    (day.isoformat(),)).fetchone()[0]
        assert receivables_cents(day) == want


def test_a_day_total_changed_outside_the_program_is_found(db, admin, catalogue, make_account):
    invoices.quick_invoice(make_account().id, DAY, [("99213", 1)], admin, entry_date=DAY)
    database.execute_sql("UPDATE ledger_day SET amount = amount + 100")
    assert check_ledger() == ["the day totals of 03/02/2026 say $121.00 in 1 entry; the ledger "
                              "holds $120.00 in 1 entry"]
    database.execute_sql("DELETE FROM ledger_day")
    assert check_ledger() == ["the day totals of 03/02/2026 say $0.00 in 0 entries; the ledger "
                              "holds $120.00 in 1 entry"]


def _plan(sql: str, params) -> list[str]:
    return [row[3] for row in database.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()]


@pytest.mark.sqlite_only  # SQLite's plan / SQLite's data version
def test_the_insurance_unpaid_lists_read_the_open_insurance_index(db):
    from billing_desk.services.collections import collection_reports

    captured = []
    real = database.execute_sql

    def spy(sql, params=None, *args, **kwargs):
        captured.append((sql, params))
        return real(sql, params, *args, **kwargs)

    database.obj.execute_sql = spy
    try:
        collection_reports.insurance_unpaid(days=45, today=DAY)
        collection_reports.insurance_unpaid_claims(1, days=45, today=DAY)
    finally:
        del database.obj.execute_sql
    lists = [(s, p) for s, p in captured if "insurance_balance > 0" in s]
    assert len(lists) == 2
    for sql, params in lists:
        assert any("invoice_insurance_open" in line for line in _plan(sql, params)), _plan(sql, params)


def test_a_version_8_file_gains_the_day_totals_and_the_indexes(tmp_path):
    path = tmp_path / "office.sqlite"
    entries = [("INSERT INTO ledger_entry (account_id, kind, party, amount, entry_date, posting_date, memo,"
                 " created_by_id, created_at) VALUES (1, 'payment', 'patient', ?, ?, ?, '', 1, '2026-01-05')",
                 (amount, day, day))
                for day, amount in (("2026-01-05", -300), ("2026-01-05", -200), ("2026-01-07", 0))]
    older_file(path, 8, BARE_USER, BARE_ACCOUNT, "UPDATE account SET unapplied_credit = 500", *entries,
               "DROP TRIGGER ledger_entry_day_total", "DROP TABLE ledger_day",
               "DROP INDEX invoice_insurance_open", "DROP INDEX ledger_entry_invoice_day")
    with upgraded(path, 8):
        assert _kept() == {"2026-01-05": (-500, 2), "2026-01-07": (0, 1)}


def _ledger_before(day: dt.date):
    from billing_desk.money import from_cents

    return from_cents(database.execute_sql("SELECT COALESCE(SUM(amount), 0) FROM ledger_entry "
                                           "WHERE entry_date < ?", (day.isoformat(),)).fetchone()[0])


def test_the_day_sheets_receivables_are_the_ledgers_whatever_the_period(db, admin, catalogue, make_account):
    from billing_desk.reports import Params, run

    account, other = make_account(), make_account()
    for n in range(4):
        day = DAY + dt.timedelta(days=2 * n)
        invoices.quick_invoice((account if n % 2 else other).id, day, [("99213", 1)], admin, entry_date=day)
        payments.record_payment(account.id, "12.50", admin, method="check", reference=f"C{n}",
                                received_on=day, entry_date=day + dt.timedelta(days=1))
    for start, end in ((DAY, DAY), (DAY + dt.timedelta(days=1), DAY + dt.timedelta(days=1)),
                       (DAY - dt.timedelta(days=5), DAY - dt.timedelta(days=5)),
                       (DAY + dt.timedelta(days=2), DAY + dt.timedelta(days=5)),
                       (DAY, DAY + dt.timedelta(days=30))):
        values = dict(run("day-sheet", Params(start=start, end=end)).parameters)
        assert values["A/R at start"] == _ledger_before(start)
        assert values["A/R at end"] == _ledger_before(end + dt.timedelta(days=1))


def test_the_aging_by_account_is_the_open_items_by_payer_added_up(db, admin, catalogue, make_account):
    """The aging by account reads its own grouping (no payer): the same cents as the open items
    grouped per payer and added up, today and as of a past day."""
    from billing_desk.services.books import aging

    accounts = [make_account() for _ in range(3)]
    for n in range(9):
        day = DAY + dt.timedelta(days=17 * n)
        invoices.quick_invoice(accounts[n % 3].id, day, [("99213", 1 + n % 2)], admin, entry_date=day)
        if n % 3 == 1:
            payments.record_payment(accounts[n % 3].id, "50.00", admin, method="cash", received_on=day,
                                    entry_date=day + dt.timedelta(days=5))
    for as_of in (DAY + dt.timedelta(days=400), DAY + dt.timedelta(days=60), DAY + dt.timedelta(days=3)):
        want: dict[int, list[int]] = {}
        for account, _payer, bucket, patient, insurance in aging._open_items(as_of, None):
            sums = want.setdefault(account, [0] * 12)
            sums[bucket] += patient
            sums[6 + bucket] += insurance
        got = aging.aging_by_account(as_of, apply_credits=False)
        assert {k: r.patient_cents + r.insurance_cents for k, r in got.items() if any(
            r.patient_cents + r.insurance_cents)} == {k: v for k, v in want.items() if any(v)}


def test_the_worklist_is_read_once_per_state_of_the_data(db, admin, catalogue, make_account):
    """Searching, sorting and counting read the connection's snapshot of the worklist; a payment
    saved here, or by another connection (a worker thread), is on the list at the next read."""
    import threading

    from billing_desk.services.collections import worklist as col

    accounts = [make_account(last=name) for name in ("Adams", "Baker", "Clark")]
    for account in accounts:
        invoices.quick_invoice(account.id, DAY, [("99213", 1)], admin, entry_date=DAY)
    today = DAY + dt.timedelta(days=90)
    made = []
    real = database.obj.execute_sql

    def spy(sql, params=None, *args, **kwargs):
        if sql.startswith("CREATE TEMP TABLE"):
            made.append(sql)
        return real(sql, params, *args, **kwargs)

    database.obj.execute_sql = spy
    try:
        assert col.worklist_count(today=today) == 3
        assert [r.name for r in col.worklist(col.WorkFilter(text="bak"), today=today)] == ["Baker, Ann"]
        assert [r.name for r in col.worklist(col.WorkFilter(sort="name"), today=today)] == \
            ["Adams, Ann", "Baker, Ann", "Clark, Ann"]
        assert len(made) == 1
        payments.record_payment(accounts[0].id, "120.00", admin, method="cash", received_on=today,
                                entry_date=today)
        assert [r.name for r in col.worklist(col.WorkFilter(sort="name"), today=today)] == \
            ["Baker, Ann", "Clark, Ann"]
        assert len(made) == 2

        def pay_elsewhere():
            payments.record_payment(accounts[1].id, "120.00", admin, method="cash", received_on=today,
                                    entry_date=today)
            database.close()

        worker = threading.Thread(target=pay_elsewhere)
        worker.start()
        worker.join()
        assert col.worklist_count(today=today) == 1 and len(made) == 3
        assert col.worklist_count(col.WorkFilter(show="follow_ups"), today=today) == 0
        assert len(made) == 3
    finally:
        del database.obj.execute_sql


def test_the_invoice_list_pages_and_counts_as_the_joined_query_did(db, admin, catalogue, make_account):
    """The Invoice Entry list reads a page's ids first and counts without the accounts' join:
    the same invoices, in the same order, and the same count as the joined query."""
    from billing_desk.services.accounts import lists

    people = [make_account(last=last) for last in ("Smith", "Smithers", "Jones")]
    numbers = []
    for n in range(14):
        inv = invoices.quick_invoice(people[n % 3].id, DAY + dt.timedelta(days=n), [("99213", 1)], admin,
                                     entry_date=DAY + dt.timedelta(days=n))
        numbers.append(inv.number)
    for text in ("", "smith", "smithers", "jon", str(numbers[4]), people[2].number, "nobody"):
        for status in (None, "posted", "void"):
            query = lists.invoices_query(text, status)
            joined = list(query)  # the query itself, read whole
            assert [i.id for i in lists.page(query, 0, 5)] == [i.id for i in joined[:5]]
            assert [i.id for i in lists.page(query, 5, 5)] == [i.id for i in joined[5:10]]
            assert lists.count(query) == len(joined) == query.order_by().count()


def test_a_version_11_file_gains_the_index_of_the_accounts_in_credit(tmp_path):
    """Schema 12: the aging's credits (and the ledger check's) read the accounts in credit from a
    partial index, not a scan of every account."""
    path = tmp_path / "office.sqlite"
    older_file(path, 11, "DROP INDEX account_credit")
    with upgraded(path, 11):
        plan = " ".join(str(row) for row in database.execute_sql(
            "EXPLAIN QUERY PLAN SELECT id, unapplied_credit FROM account WHERE unapplied_credit != 0"))
        assert "COVERING INDEX account_credit" in plan
