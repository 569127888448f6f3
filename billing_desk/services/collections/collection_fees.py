"""Late fees / finance charges where the office turns them on (settings: rate, minimum, grace
days): posted as invoices of the LATEFEE catalogue item, owed by the patient."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ...models import Account, User, database
from ...money import ZERO, from_cents, parse_money, percent_of
from ..office.settings import get_setting
from ..office.transactions import in_transaction, today as ledger_today
from .worklist import WorkFilter, standing, worklist


def late_fee_terms() -> tuple[bool, Decimal, Decimal, int]:
    enabled = get_setting("late_fee_enabled") in (True, "true", "1", 1, "yes")
    rate = parse_money(str(get_setting("late_fee_rate")), "late_fee_rate")
    minimum = parse_money(str(get_setting("late_fee_minimum")), "late_fee_minimum")
    return enabled, rate, minimum, int(get_setting("late_fee_grace_days"))


def late_fees_due(*, today: dt.date | None = None) -> list[tuple[int, Decimal]]:
    """(account id, fee) for every account a fee is due on today: past due beyond the grace
    days, not skipped, and no fee in the last 30 days. Fees are not charged on fees."""
    today = today or ledger_today()
    enabled, rate, minimum, grace = late_fee_terms()
    if not enabled:
        return []
    params = {"cutoff": (today - dt.timedelta(days=grace)).isoformat(),
              "since": (today - dt.timedelta(days=30)).isoformat()}
    base = dict(database.execute_sql(
        """SELECT i.account_id, SUM(l.patient_balance) FROM invoice_line l
           JOIN invoice i ON i.id = l.invoice_id
           LEFT JOIN account_collection ac ON ac.account_id = i.account_id
           WHERE i.status = 'posted' AND l.patient_balance > 0 AND l.code != 'LATEFEE'
             AND i.due_date < :cutoff AND (ac.late_fee_on IS NULL OR ac.late_fee_on <= :since)
           GROUP BY i.account_id""", params).fetchall())
    due = []
    for row in worklist(WorkFilter(sort="number"), today=today, limit=None):
        cents = base.get(row.account_id)
        if not cents or row.skip:
            continue
        fee = max(minimum, percent_of(from_cents(cents), rate))
        due.append((row.account_id, fee))
    return due


def post_late_fees(by: User, *, today: dt.date | None = None) -> list[tuple[int, Decimal]]:
    """Charge each fee due as an invoice of the LATEFEE item, owed by the patient."""
    from ..books import invoices
    from ..books.adjustments import transfer_to_patient

    today = today or ledger_today()
    due = late_fees_due(today=today)
    posted = []
    with in_transaction():
        for account_id, fee in due:
            if Account.get_by_id(account_id).status != "active":
                continue
            draft = invoices.InvoiceDraft(account_id=account_id, service_date=today,
                                          lines=[invoices.LineInput("LATEFEE", 1, fee)],
                                          notes="late fee / finance charge")
            invoice = invoices.post_invoice(invoices.save_draft(draft, by).id, by, entry_date=today)
            for line in invoice.lines:
                if line.insurance_balance:
                    transfer_to_patient(line.id, line.insurance_balance, by,
                                        reason="late fees are the patient's", entry_date=today)
            record = standing(account_id)
            record.late_fee_on = today
            record.save()
            posted.append((account_id, fee))
    return posted


def total_past_due(*, today: dt.date | None = None) -> Decimal:
    params = {"today": (today or ledger_today()).isoformat()}
    cents = database.execute_sql("SELECT SUM(patient_balance) FROM invoice WHERE status = 'posted' "
                                 "AND patient_balance > 0 AND due_date < :today", params).fetchone()[0]
    return from_cents(cents) if cents else ZERO
