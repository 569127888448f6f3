"""Several workstations on one server: processes post invoices (with their insurance claims) and
payments to the same accounts at once; afterwards the checks are clean, nothing acknowledged is
missing, and invoice numbers and claim control numbers have no gaps and no duplicates."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from claims_fixtures import insured, office  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.both_engines, pytest.mark.server_only]

WORKERS = 4
ROUNDS = 20

WORKER = r"""
import json, random, sys, datetime as dt
from decimal import Decimal
from billing_desk.models.db import open_database
from billing_desk.services.books import invoices, payments
from billing_desk.services.office.users import ensure_administrator

url, seed, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
accounts = json.loads(sys.argv[4])
rng = random.Random(seed)
opened = open_database(url, create=False)
admin = ensure_administrator()
day = dt.date(2026, 1, 5)
for _ in range(rounds):
    account = rng.choice(accounts)
    if rng.random() < 0.5:
        draft = invoices.InvoiceDraft(account_id=account, service_date=day, diagnoses=["E11.9"],
                                      lines=[invoices.LineInput(code="99213", quantity=1, pointers="1")])
        invoice = invoices.post_invoice(invoices.save_draft(draft, admin).id, admin, entry_date=day)
        print(json.dumps({"invoice": invoice.number, "account": account,
                          "total": str(invoice.total)}), flush=True)
    else:
        amount = Decimal(rng.choice(["5.00", "20.00", "75.50", "130.00"]))
        payment = payments.record_payment(account, amount, admin, entry_date=day, received_on=day)
        print(json.dumps({"payment": payment.id, "account": account, "amount": str(amount)}),
              flush=True)
opened.close()
"""


def test_workstations_posting_at_once_keep_the_books_right(db, admin, insured):
    from billing_desk.models import Claim, Invoice, Payment
    from billing_desk.services.books.ledger import check_ledger
    from billing_desk.services.checks import run_checks

    accounts = [insured(last="Lee").id, insured(last="Ray", secondary=False).id,
                insured(last="Kim").id]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, db.server, str(seed), str(ROUNDS),
                                 json.dumps(accounts)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=env)
               for seed in range(WORKERS)]
    acknowledged = []
    for worker in workers:
        out, err = worker.communicate(timeout=900)
        assert worker.returncode == 0, err[-3000:]
        acknowledged += [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert len(acknowledged) == WORKERS * ROUNDS

    assert check_ledger() == []
    result = run_checks()
    assert result.clean, list(result.lines())
    made = [a for a in acknowledged if "invoice" in a]
    numbers = sorted(i.number for i in Invoice.select() if i.number is not None)
    assert sorted(a["invoice"] for a in made) == numbers  # every one acknowledged, no other
    assert numbers == list(range(1001, 1001 + len(numbers)))  # no gap, no duplicate
    for entry in made:
        invoice = Invoice.get(Invoice.number == entry["invoice"])
        assert (invoice.account_id, str(invoice.total)) == (entry["account"], entry["total"])
    controls = sorted(int(c.control_number) for c in Claim.select())
    assert len(controls) == len(made)  # one primary claim per invoice
    assert controls == list(range(200001, 200001 + len(controls)))
    paid = {a["payment"]: a for a in acknowledged if "payment" in a}
    stored = {p.id: p for p in Payment.select()}
    assert set(paid) == set(stored)
    for pid, entry in paid.items():
        assert (stored[pid].account_id, str(stored[pid].amount)) == (entry["account"], entry["amount"])
