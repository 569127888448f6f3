"""Closing a day: supervisors only, in order, and later entries dated into it move to the next
open day (the closed day's sheet never changes; the posting date keeps the date asked for)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from billing_desk.errors import PermissionDenied, RuleError
from billing_desk.models import AuditEntry, LedgerEntry
from billing_desk.reports import Params, run
from billing_desk.services.books import invoices, payments
from billing_desk.services.books.ledger import open_entry_date
from billing_desk.services.books.reports_close import (
    close_day,
    closed_through,
    is_closed,
    next_open_day,
)

pytestmark = pytest.mark.both_engines

MON, TUE, WED = dt.date(2026, 3, 2), dt.date(2026, 3, 3), dt.date(2026, 3, 4)


def test_a_payment_keyed_into_a_closed_day_goes_on_the_next_open_day(db, admin, supervisor,
                                                                     catalogue, make_account):
    account = make_account()
    invoices.quick_invoice(account.id, MON, [("99213", 1)], admin, entry_date=MON)
    before = run("day-sheet", Params(start=MON, end=MON))
    assert close_day(MON, supervisor, now=WED) == MON
    assert closed_through() == MON and is_closed(MON) and not is_closed(TUE)
    payment = payments.record_payment(account.id, "50.00", admin, entry_date=MON)
    entry = LedgerEntry.get(LedgerEntry.payment == payment.id)
    assert entry.entry_date == TUE  # moved past the closed day
    assert entry.posting_date == MON  # still stands for the day it was received
    after = run("day-sheet", Params(start=MON, end=MON))
    assert after.totals == before.totals and dict(after.parameters)["Books"] == "closed"
    tuesday = run("day-sheet", Params(start=TUE, end=TUE))
    assert dict(tuesday.parameters)["Patient payments"] == D("-50.00")
    row = next(tuesday.all_rows())
    assert "for 03/02/2026" in row["what"]


def test_open_days_are_untouched_and_days_close_in_order(db, supervisor):
    assert open_entry_date(MON) == MON
    close_day(TUE, supervisor, now=WED)
    assert open_entry_date(MON) == WED and open_entry_date(WED) == WED
    assert is_closed(MON)  # closing Tuesday closed Monday too
    with pytest.raises(RuleError, match="already closed"):
        close_day(MON, supervisor, now=WED)
    with pytest.raises(RuleError, match="has not come yet"):
        close_day(dt.date(2026, 3, 5), supervisor, now=WED)
    assert next_open_day() >= WED
    entry = AuditEntry.select().where(AuditEntry.action == "close_day").get()
    assert entry.after == {"books_closed_through": "2026-03-03"} and entry.username == "super"


def test_a_clerk_cannot_close_a_day(db, clerk):
    with pytest.raises(PermissionDenied):
        close_day(MON, clerk, now=WED)
    assert closed_through() is None
