"""Two workstations on one invoice at the same moment (probe4): one voids it while the other
posts a payment to its lines. Either the payment is applied and the void refused, or the void
done and the payment refused in words naming the invoice; never both, never half of either."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from claims_fixtures import office, post  # noqa: F401 (fixtures)

pytestmark = pytest.mark.both_engines

ROUNDS = 8

WORKER = r"""
import json, sys, time, datetime as dt
from decimal import Decimal
from billing_desk.errors import BillingError
from billing_desk.models.db import open_database
from billing_desk.services.books import invoices, payments
from billing_desk.services.office.users import ensure_administrator

url, role, rounds = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
opened = open_database(url, create=False)
admin = ensure_administrator()
day = dt.date(2026, 1, 5)
for at, account, invoice_id, lines in rounds:
    time.sleep(max(0.0, at - time.time()))
    try:
        if role == "void":
            invoices.void_invoice(invoice_id, "posted on the wrong account", admin, entry_date=day)
        else:
            payments.record_payment(account, Decimal("10.00"), admin, entry_date=day, received_on=day,
                                    allocations=[(lines[0], Decimal("10.00"))])
        print(json.dumps({"invoice": invoice_id, "done": True}), flush=True)
    except BillingError as exc:
        print(json.dumps({"invoice": invoice_id, "done": False, "why": str(exc)}), flush=True)
opened.close()
"""


@pytest.mark.server_only
def test_a_void_and_a_payment_at_once_on_one_invoice_never_both_land(db, admin, office,
                                                                    make_account):
    from billing_desk.models import Invoice, InvoiceLine, PaymentAllocation
    from billing_desk.services.books.ledger import check_ledger
    from billing_desk.services.checks import run_checks

    account = make_account(last="O'Neil-Muñoz")  # self-pay: the charges are the patient's
    made = []
    for _ in range(ROUNDS):
        invoice = post(account, admin)
        lines = [line.id for line in InvoiceLine.select().where(InvoiceLine.invoice == invoice.id)
                 .order_by(InvoiceLine.position)]
        made.append((invoice.id, lines))
    start = time.time() + 8
    rounds = [(start + 1.5 * n, account.id, invoice_id, lines)
              for n, (invoice_id, lines) in enumerate(made)]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    workers = {role: subprocess.Popen([sys.executable, "-c", WORKER, db.server, role, json.dumps(rounds)],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
               for role in ("void", "pay")}
    said = {}
    for role, worker in workers.items():
        out, err = worker.communicate(timeout=600)
        assert worker.returncode == 0, err[-3000:]
        said[role] = {r["invoice"]: r for r in map(json.loads, out.splitlines())}
    for invoice_id, lines in made:
        voided, paid = said["void"][invoice_id], said["pay"][invoice_id]
        assert voided["done"] != paid["done"], (voided, paid)  # exactly one of the two landed
        invoice = Invoice.get_by_id(invoice_id)
        allocated = PaymentAllocation.select().where(PaymentAllocation.line.in_(lines)).count()
        assert (invoice.status, allocated) == (("void", 0) if voided["done"] else ("posted", 1))
        refusal = paid["why"] if voided["done"] else voided["why"]
        assert str(invoice.number) in refusal, refusal
        assert ("was voided" if voided["done"] else "payments or adjustments applied") in refusal
    assert check_ledger() == []
    result = run_checks()
    assert result.clean, list(result.lines())


def test_a_payment_to_a_line_voided_since_the_screen_showed_it_says_voided(db, admin, office,
                                                                          make_account):
    from decimal import Decimal

    from billing_desk.errors import ValidationError
    from billing_desk.models import InvoiceLine, Payment
    from billing_desk.services.books import invoices, payments

    account = make_account(last="D'Arcy")
    invoice = post(account, admin)
    line = InvoiceLine.select().where(InvoiceLine.invoice == invoice.id).first()
    invoices.void_invoice(invoice.id, "wrong account", admin)  # at another workstation
    with pytest.raises(ValidationError) as refused:
        payments.record_payment(account.id, Decimal("10.00"), admin,
                                allocations=[(line.id, Decimal("10.00"))])
    assert refused.value.problems[0].field == "allocation"
    assert f"invoice {invoice.number} was voided" in str(refused.value)
    assert Payment.select().count() == 0
