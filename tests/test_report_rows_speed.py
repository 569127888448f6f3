"""The faster row builders against the ones they replaced, on a small book: the same numbers.

Issue 21 took the reports' data within 3x of bare SQL on the benchmark book. Where a query or a
row builder was rewritten for speed, the old one is kept here, word for word, and both are run
on a small office with a bit of everything (insurance and its transfers, allowances, cash,
checks and cards, a bounced check, a voided invoice, unapplied credit, a customer with an
organisation, a middle name and a suffix), for several dates.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from billing_desk.models import Account, Coverage, Invoice, InvoiceLine, Payer, Plan, database
from billing_desk.services.books import adjustments, aging, invoices, payments
from billing_desk.services.books.ledger import post_entry

pytestmark = pytest.mark.both_engines

JAN5 = dt.date(2026, 1, 5)


def day(n: int) -> dt.date:
    return JAN5 + dt.timedelta(days=n)


@pytest.fixture
def book(db, admin, catalogue, make_account):
    """Six accounts, entries on a dozen days over five months."""
    payer = Payer.create(name="Blue")
    plan = Plan.create(payer=payer, name="PPO")
    ins = make_account(last="Insured", first="Ann")
    Coverage.create(account=ins, plan=plan, member_id="X1")
    cash, check, credit = (make_account(last="Cash", first="Bob"), make_account(last="Check", first="Cy"),
                           make_account(last="Credit", first="Di"))
    shop = make_account(last="Lee", first="Al", kind="customer", organization="Harbor Supply")
    Account.update(middle_name="Marie", suffix="Jr").where(Account.id == cash.id).execute()
    billed = [invoices.quick_invoice(ins.id, day(7 * n), [("99213", 1), ("36415", 1)], admin,
                                     entry_date=day(7 * n)) for n in range(4)]
    line = InvoiceLine.get(InvoiceLine.invoice == billed[0].id, InvoiceLine.code == "99213")
    adjustments.transfer_to_patient(line.id, "20.00", admin, entry_date=day(40))
    adjustments.adjust_line(line.id, "contractual", "30.00", "contract", admin, party="insurance",
                            entry_date=day(40))
    for n in range(5):
        invoices.quick_invoice(cash.id, day(10 * n), [("36415", 1 + n % 2)], admin, entry_date=day(10 * n))
        invoices.quick_invoice(check.id, day(10 * n + 3), [("99213", 1)], admin, entry_date=day(10 * n + 3))
    payments.record_payment(cash.id, "20.00", admin, entry_date=day(20))
    payments.record_payment(cash.id, "7.50", admin, method="card", entry_date=day(41))
    bounced = payments.record_payment(check.id, "100.00", admin, method="check", reference="501",
                                      received_on=day(30), entry_date=day(31))
    payments.void_payment(bounced.id, "returned", admin, entry_date=day(45))
    payments.record_payment(check.id, "60.00", admin, method="check", reference="502",
                            entry_date=day(50), received_on=day(49))
    wrong = invoices.quick_invoice(check.id, day(52), [("80053", 1)], admin, entry_date=day(52))
    invoices.void_invoice(wrong.id, "keyed twice", admin, entry_date=day(53))
    payments.record_payment(credit.id, "30.00", admin, method="check", reference="77", entry_date=day(20))
    invoices.quick_invoice(credit.id, day(60), [("99213", 1)], admin, entry_date=day(60))
    payments.apply_credit(credit.id, admin, entry_date=day(61))
    invoices.quick_invoice(shop.id, day(3), [("36415", 3)], admin, entry_date=day(3))
    payments.record_payment(shop.id, "10.00", admin, method="eft", entry_date=day(61))
    return {"ins": ins, "cash": cash, "check": check, "credit": credit, "shop": shop, "admin": admin,
            "payer": payer}


AS_OF_DAYS = (day(-1), day(0), day(8), day(31), day(45), day(61), day(130), day(400))

# --- aging as of a past day -------------------------------------------------------------------
# The ledger path before: the invoice joined first (the planner walked every invoice and
# searched the ledger for each), grouped by invoice, account, payer and due date.

OLD_LEDGER_BUCKETS = """SELECT account_id, {case} AS bucket, SUM(p), SUM(i)
               FROM (SELECT le.account_id AS account_id, inv.due_date AS due_date,
                            SUM(CASE WHEN le.party = 'patient' THEN le.amount ELSE 0 END) AS p,
                            SUM(CASE WHEN le.party = 'insurance' THEN le.amount ELSE 0 END) AS i
                     FROM ledger_entry le JOIN invoice inv ON inv.id = le.invoice_id
                     WHERE le.entry_date <= ? {where}
                     GROUP BY le.invoice_id, le.account_id, inv.due_date
                     HAVING SUM(CASE WHEN le.party = 'patient' THEN le.amount ELSE 0 END) != 0
                         OR SUM(CASE WHEN le.party = 'insurance' THEN le.amount ELSE 0 END) != 0
                    ) AS open_items
               GROUP BY account_id, bucket"""

OLD_LEDGER_OPEN_ITEMS = """SELECT account_id, COALESCE(payer_id, 0), {case} AS bucket, SUM(p), SUM(i)
               FROM (SELECT le.account_id AS account_id, inv.payer_id AS payer_id,
                            inv.due_date AS due_date,
                            SUM(CASE WHEN le.party = 'patient' THEN le.amount ELSE 0 END) AS p,
                            SUM(CASE WHEN le.party = 'insurance' THEN le.amount ELSE 0 END) AS i
                     FROM ledger_entry le JOIN invoice inv ON inv.id = le.invoice_id
                     WHERE le.entry_date <= ? {where}
                     GROUP BY le.invoice_id, le.account_id, inv.payer_id, inv.due_date
                     HAVING SUM(CASE WHEN le.party = 'patient' THEN le.amount ELSE 0 END) != 0
                         OR SUM(CASE WHEN le.party = 'insurance' THEN le.amount ELSE 0 END) != 0
                    ) AS open_items
               GROUP BY account_id, payer_id, bucket"""


def _rows(sql: str, params: list) -> list[tuple]:
    return sorted(tuple(row) for row in database.execute_sql(sql, params).fetchall())


def test_the_aging_as_of_a_past_day_sums_as_it_did(book):
    """Both ledger-path statements give the old rows for every date, for the whole book and for
    one account, even for an entry keyed on one account against another account's invoice (the
    program never writes one; the old statement grouped by the entry's account, so does this)."""
    cash_line = InvoiceLine.select().join(Invoice).where(Invoice.account == book["cash"].id).first()
    with database.atomic():
        post_entry(account_id=book["check"].id, amount=D("-1.25"), kind="adjustment", party="patient",
                   by=book["admin"], line=cash_line, entry_date=day(44))
    old_case = aging._bucket_case()
    compared = 0
    for as_of in AS_OF_DAYS:
        edges = aging._edge_dates(as_of)
        for account in (None, book["cash"].id, book["check"].id, book["ins"].id):
            where = "" if account is None else "AND le.account_id = ?"
            params = [*edges, as_of.isoformat()] + ([] if account is None else [account])
            one = account is not None
            for old, new in ((OLD_LEDGER_BUCKETS, aging.account_buckets_sql(False, one)),
                             (OLD_LEDGER_OPEN_ITEMS, aging.open_items_sql(False, one))):
                want = _rows(old.format(case=old_case, where=where), params)
                assert _rows(new, params) == want, (as_of, account)
                compared += len(want)
    assert compared > 100


def test_the_aging_by_account_and_by_payer_as_of_each_day(book):
    """The public answers on each date: the cents the old statements give, credits applied."""
    for as_of in AS_OF_DAYS:
        params = [*aging._edge_dates(as_of), as_of.isoformat()]
        want: dict[int, list[int]] = {}
        for account, bucket, patient, insurance in database.execute_sql(
                OLD_LEDGER_BUCKETS.format(case=aging._bucket_case(), where=""), params).fetchall():
            sums = want.setdefault(account, [0] * 12)
            sums[bucket] += int(patient)
            sums[6 + bucket] += int(insurance)
        fast = aging._fast_path(as_of)
        got = aging.aging_by_account(as_of, apply_credits=False)
        if not fast:
            assert {k: r.patient_cents + r.insurance_cents for k, r in got.items()
                    if any(r.patient_cents + r.insurance_cents)} == want, as_of
        by_payer: dict[int, list[int]] = {}
        for _account, payer, bucket, _patient, insurance in database.execute_sql(
                OLD_LEDGER_OPEN_ITEMS.format(case=aging._bucket_case(), where=""), params).fetchall():
            if insurance and not fast:
                by_payer.setdefault(payer, [0] * 6)[bucket] += int(insurance)
        if not fast:
            assert {k: r.insurance_cents for k, r in aging.aging_by_payer(as_of).items()} == by_payer


# --- the day sheet ----------------------------------------------------------------------------

def test_a_reports_rows_are_built_with_the_collector_paused(book):
    """Rows hold no cycles: built with the collector paused and handed to the oldest generation,
    not traced again and again while tens of thousands are made (reports.run)."""
    import gc

    from billing_desk.reports import Params, run

    gc.collect()
    report = run("day-sheet", Params(start=day(0), end=day(61)))
    rows = list(report.all_rows())
    assert len(rows) > 30
    young = {id(obj) for generation in (0, 1) for obj in gc.get_objects(generation)}
    assert not any(id(row) in young for row in rows)
    assert gc.isenabled()


def _old_listed(last, first, middle="", suffix="", organization="", kind="patient"):
    def join(*parts):
        return " ".join(p.strip() for p in parts if p and p.strip())

    given = join(first, middle, suffix)
    person = ", ".join(p for p in ((last or "").strip(), given) if p)
    organization = (organization or "").strip()
    if kind == "customer" and organization:
        return f"{organization} ({person})" if person else organization
    return person or organization


def test_a_name_is_said_as_before():
    """names.listed strips each part once now: the same text for every mix of blank, white
    space (Unicode's too), padded and plain parts, for patients and customers."""
    import itertools

    from billing_desk.names import listed

    parts = (None, "", " ", "\t\n", "\u00a0", "\u2003\x1c", " Ann ", "Lee", "O'Hara-\u00c9 ", "\u200bX")
    for last, first, middle, suffix in itertools.product(parts, repeat=4):
        for organization, kind in (("", "patient"), (" Harbor ", "customer"), (" ", "customer"),
                                   (None, "customer"), ("Harbor", "patient"), ("\u2003", "patient")):
            assert listed(last, first, middle, suffix, organization, kind) == \
                _old_listed(last, first, middle, suffix, organization, kind)


def _old_day_sheet(params):
    """reports/daysheet.build as it was, with the row builders and totals of then."""
    from collections import defaultdict

    from billing_desk.printing.report import Group, Report
    from billing_desk.reports import daysheet
    from billing_desk.reports.common import money
    from billing_desk.services.books.reports_data import as_date

    start, end = params.period()
    sql = """SELECT le.entry_date, le.posting_date, a.number, a.last_name, a.first_name, a.middle_name,
                    a.suffix, a.organization, a.kind,
                    inv.number, COALESCE(il.code, ''), le.kind, le.party,
                    le.amount, COALESCE(pay.method, ''), le.memo
             FROM ledger_entry le JOIN account a ON a.id = le.account_id
             LEFT JOIN invoice inv ON inv.id = le.invoice_id
             LEFT JOIN invoice_line il ON il.id = le.line_id
             LEFT JOIN payment pay ON pay.id = le.payment_id
             WHERE le.entry_date BETWEEN ? AND ? ORDER BY le.entry_date, le.id"""
    from billing_desk.services.books.reports_data import DayEntry

    entries = [DayEntry(as_date(r[0]), as_date(r[1]), r[2], _old_listed(*r[3:9]), r[9], r[10], r[11],
                        r[12], r[13], r[14], r[15] or "")
               for r in database.execute_sql(sql, (start.isoformat(), end.isoformat())).fetchall()]

    def row_of(entry):
        amount = money(entry.cents)
        row = {"entry_date": entry.entry_date, "account": entry.account, "name": entry.name,
               "invoice": "" if entry.invoice is None else str(entry.invoice), "code": entry.code,
               "net": amount,
               "what": daysheet.KIND_WORDS[entry.kind] + (f" ({entry.method})" if entry.method else "")
               + (f", {entry.party}" if entry.kind not in ("charge", "void") else ""),
               "charges": None, "patient_paid": None, "insurance_paid": None, "adjustments": None}
        row[daysheet._column(entry)] = amount
        if entry.posting_date != entry.entry_date:
            row["what"] += f", for {entry.posting_date:%m/%d/%Y}"
        return row

    view = params.view or "account"
    if view == "account":
        key, title = (lambda e: (e.name.lower(), e.account)), (lambda e: f"{e.account} {e.name}")
    elif view == "code":
        key = lambda e: e.code or "~"
        title = lambda e: e.code or "Not on a line (credit on account, refunds)"
    else:
        key, title = daysheet._type_of, (lambda e: daysheet._type_of(e)[2:])
    grouped: dict = defaultdict(list)
    titles: dict = {}
    for entry in entries:
        grouped[key(entry)].append(row_of(entry))
        titles.setdefault(key(entry), title(entry))
    groups = [Group(titles[k], grouped[k]) for k in sorted(grouped)]
    report = Report("day-sheet", "Day Sheet", [], daysheet.COLUMNS, groups, landscape=True)
    summed = report.summed_columns
    grand = {c.key: D("0.00") for c in summed}
    for group in groups:
        sums = {c.key: D("0.00") for c in summed}
        for row in group.rows:
            for column in summed:
                if row.get(column.key) is not None:
                    sums[column.key] += row[column.key]
        group.subtotals = sums
        for k, value in sums.items():
            grand[k] += value
    report.totals = grand
    report.parameters = daysheet._parameters(start, end, report.totals, entries)
    return report


def _printed(report) -> list:
    """Everything a report prints, Decimals as they print (12.5 and 12.50 differ here)."""
    return [report.title, [(label, repr(value)) for label, value in report.parameters],
            [(g.title, [repr(list(row.items())) for row in g.rows], repr(list((g.subtotals or {}).items())))
             for g in report.groups], repr(list(report.totals.items()))]


@pytest.mark.parametrize("view", ["account", "code", "type"])
def test_the_day_sheet_prints_what_it_did(book, view):
    from billing_desk.reports import Params, run

    periods = [(day(n), day(n)) for n in (0, 3, 20, 31, 40, 45, 50, 53, 61, 62)]
    periods += [(day(0), day(61)), (day(10), day(45)), (day(-30), day(-1))]
    printed_rows = 0
    for start, end in periods:
        params = Params(start=start, end=end, view=view)
        new = run("day-sheet", params)
        assert _printed(new) == _printed(_old_day_sheet(params)), (start, end)
        printed_rows += new.row_count()
    assert printed_rows > 60


# --- one account's ledger ---------------------------------------------------------------------

def _old_ledger_rows(account_id, through=None):
    """account_page.ledger_rows as it was: model instances, the invoice joined."""
    from peewee import JOIN

    from billing_desk.models import LedgerEntry
    from billing_desk.money import ZERO

    query = (LedgerEntry.select(LedgerEntry, Invoice)
             .join(Invoice, JOIN.LEFT_OUTER, on=(LedgerEntry.invoice == Invoice.id))
             .where(LedgerEntry.account == account_id)
             .order_by(LedgerEntry.entry_date, LedgerEntry.id))
    if through is not None:
        query = query.where(LedgerEntry.entry_date <= through)
    rows, balance = [], ZERO
    for entry in query:
        balance += entry.amount
        target = next(((kind, entry.__data__.get(kind)) for kind in ("adjustment", "payment", "invoice")
                       if entry.__data__.get(kind)), None)
        text = entry.kind.replace("_", " ")
        if entry.__data__.get("invoice"):
            text += f", inv. {entry.invoice.number or 'draft'}"
        if entry.memo:
            text += f": {entry.memo}"
        rows.append((entry, balance, target, text))
    return rows


def test_one_accounts_ledger_reads_as_it_did(book):
    """The account page's ledger, its printout and the self-test's running ledger, read as plain
    rows now: every value, its type and its printed form as the model instances gave them."""
    from billing_desk.services.accounts import account_page
    from billing_desk.services.books.ledger import running_ledger

    entries = 0
    for who in ("ins", "cash", "check", "credit", "shop"):
        account_id = book[who].id
        for through in (None, day(0), day(20), day(45), day(500)):
            old = _old_ledger_rows(account_id, through)
            new = account_page.ledger_rows(account_id, through)
            assert [(repr(e.entry_date), repr(e.posting_date), e.party, repr(e.amount), repr(balance),
                     target, text, e.__data__.get("line")) for e, balance, target, text in old] == \
                [(repr(r.entry.entry_date), repr(r.entry.posting_date), r.entry.party, repr(r.entry.amount),
                  repr(r.balance), r.target, r.description, r.entry.line_id) for r in new], (who, through)
            entries += len(new)
        assert [(e.entry_date, e.invoice_id, e.kind, repr(e.amount), repr(b)) for e, b, _t, _d in
                _old_ledger_rows(account_id)] == \
            [(e.entry_date, e.invoice_id, e.kind, repr(e.amount), repr(b))
             for e, b in running_ledger(account_id)]
    assert entries > 100


def test_the_ledger_printouts_data_and_letterhead_are_as_before(book):
    from billing_desk.services.accounts import account_page
    from billing_desk.services.office import settings

    def old_office_details():
        address = [line.strip() for line in str(settings.get_setting("office_address") or "").splitlines()
                   if line.strip()]
        return {"name": str(settings.get_setting("office_name") or "Billing Desk"), "address_lines": address,
                "phone": str(settings.get_setting("office_phone") or ""),
                "tax_id": str(settings.get_setting("office_tax_id") or ""),
                "logo": str(settings.get_setting("office_logo") or "").strip()}

    assert settings.office_details() == old_office_details()
    settings.set_setting("office_name", "Harbor Clinic", book["admin"])
    settings.set_setting("office_address", " 1 Main St \n\n Albany NY ", book["admin"])
    settings.set_setting("office_phone", None, book["admin"])
    assert settings.office_details() == old_office_details()
    assert settings.office_details()["address_lines"] == ["1 Main St", "Albany NY"]
    keys = list(settings.SETTINGS)
    assert settings.get_settings(keys) == {key: settings.get_setting(key) for key in keys}
    for who in ("ins", "check", "credit"):
        data = account_page.ledger_data(book[who].id, through=day(45))
        rows = _old_ledger_rows(book[who].id, day(45))
        assert [(row["entry_date"], row["service_date"], row["party"], repr(row["charge"]),
                 repr(row["credit"]), repr(row["balance"])) for row in data["rows"]] == \
            [(e.entry_date, e.posting_date, e.party, repr(e.amount if e.amount > 0 else None),
              repr(-e.amount if e.amount < 0 else None), repr(b)) for e, b, _t, _d in rows]
        assert repr((data["patient"], data["insurance"], data["credit"])) == repr((
            sum((e.amount for e, *_ in rows if e.line_id is not None and e.party == "patient"), D("0.00")),
            sum((e.amount for e, *_ in rows if e.line_id is not None and e.party == "insurance"), D("0.00")),
            -sum((e.amount for e, *_ in rows if e.line_id is None), D("0.00"))))
