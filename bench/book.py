"""The benchmark book: a synthetic office at scale, loaded in bulk, that `billing-desk check` finds
clean. 100,000 accounts and 1,000,000 invoices (one line each) by default, about 2 M ledger
entries, and insurance: eight payers with two plans each, a coverage on one account in twenty,
a claim on each of those accounts' invoices in every status (ready, held, submitted, accepted,
paid, partly paid, denied and appealed, resubmitted with its replacement, voided, closed), the
payers' checks with the parts they paid, the allowances and the coinsurance moved to the patient,
and collections work (stages, follow-ups, open promises, payment plans).

    python bench/book.py --db FILE [--accounts N] [--invoices N]

The schema is the program's own (a fresh `open_database`); the rows go in with bare inserts,
indexes dropped during the load and rebuilt after, every cached balance the ledger's sum. The
file is written under a temporary name and renamed when whole, so a half-built book is never
taken for a book. `bench/run.py` builds it when the file is missing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Lopez",
        "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Martin", "Lee", "Perez", "White",
        "Harris", "Clark", "Lewis", "Walker", "Young", "King", "Wright", "Scott", "Hill", "Green"]
FIRST = ["James", "Mary", "Robert", "Patricia", "John", "Linda", "Michael", "Susan", "David",
         "Karen", "Wei", "Aisha", "Mateo", "Priya", "Olga", "Kwame", "Yuki", "Fatima", "Liam"]
PAYERS = [("Blue Prairie Health", "BPH01", "electronic"), ("Medicare Part B", "06102", "electronic"),
          ("Illinois Medicaid", "IL001", "paper"), ("Aetna", "60054", "electronic"),
          ("United Healthcare", "87726", "electronic"), ("Cigna", "62308", "electronic"),
          ("Humana", "61101", "electronic"), ("Midwest Workers Comp", "MWC77", "paper")]
DENIALS = ("CO16 claim lacks information", "CO50 not deemed a medical necessity",
           "PR204 not covered under the patient's current benefit plan",
           "CO197 precertification or authorization absent")
INSURED_EVERY = 20  # one account in twenty has insurance; its invoices are billed to the payer
STAGES = ((1, "Reminder", 30, "letter"), (2, "Second notice", 60, "letter"),
          (3, "Final notice", 90, "letter"), (4, "Agency", 120, "agency"))
BATCH = 50_000


def build(path: Path, accounts: int = 100_000, invoices: int = 1_000_000, seed: int = 1,
          today: dt.date | None = None, say: Callable[[str], None] = print) -> float:
    """Build the book at ``path`` (through a temporary file renamed when whole). Returns seconds."""
    from billing_desk.models.db import open_database

    started = time.perf_counter()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.building-{os.getpid()}")
    for leftover in (temp, Path(f"{temp}-wal"), Path(f"{temp}-shm")):
        leftover.unlink(missing_ok=True)
    open_database(temp).close()
    con = sqlite3.connect(temp, isolation_level=None)
    con.execute("PRAGMA synchronous = OFF")
    con.execute("PRAGMA journal_mode = OFF")
    index_sql = [row[0] for row in con.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")]
    for (name,) in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL").fetchall():
        con.execute(f'DROP INDEX "{name}"')
    book = _Book(con, random.Random(seed), today or dt.date.today(), accounts)
    con.execute("BEGIN")
    book.reference_data()
    say(f"book: {invoices:,} invoices on {accounts:,} accounts")
    book.invoices(invoices, say)
    book.finish(invoices)
    con.execute("COMMIT")
    say("book: indexes and statistics")
    for sql in index_sql:
        con.execute(sql)
    con.execute("ANALYZE")
    con.execute("PRAGMA journal_mode = WAL")
    con.close()
    temp.replace(path)
    return time.perf_counter() - started


def ensure(path: Path, say: Callable[[str], None] = print, **kwargs) -> Path:
    """The book at ``path``, built first when the file is missing."""
    if not Path(path).exists():
        seconds = build(Path(path), say=say, **kwargs)
        say(f"book: built {path} in {seconds:,.0f} s")
    return Path(path)


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


def open_chance(age_days: int) -> float:
    """How likely a patient's bill of this age is still open: most are paid within a few months,
    and what is left of the old ones has mostly gone to collections or been written off."""
    for limit, chance in ((30, 0.6), (90, 0.3), (180, 0.1)):
        if age_days <= limit:
            return chance
    return 0.02


def _stamp(day: dt.date, hour: int = 9) -> str:
    return f"{day.isoformat()} {hour:02d}:00:00"


class _Book:
    """The rows of one build, flushed to the file every BATCH invoices."""

    def __init__(self, con, rng: random.Random, today: dt.date, accounts: int) -> None:
        self.con, self.rng, self.today, self.n_accounts = con, rng, today, accounts
        self.patient: dict[int, int] = {}  # account -> patient balance (cents)
        self.insurance: dict[int, int] = {}
        self.coverage: dict[int, tuple[int, int]] = {}  # account -> (coverage id, payer id)
        self.rows: dict[str, list[dict]] = {}
        self.ids = {"claim": 0, "payment": 0, "adjustment": 0, "ledger": 0, "batch": 0}
        self.checks: dict[tuple[int, dt.date], list] = {}  # (payer, day) -> [id, amount]
        self.batches: dict[tuple[str, dt.date], list] = {}  # (mode, monday) -> [id, count, total]

    def add(self, table: str, **row) -> None:
        self.rows.setdefault(table, []).append(row)

    def next_id(self, name: str) -> int:
        self.ids[name] += 1
        return self.ids[name]

    # --- the office ---------------------------------------------------------------------------
    def reference_data(self) -> None:
        from billing_desk.models import CatalogueItem, CollectionStage, FeeSchedule, Payer, Plan, User

        _insert(self.con, User, [{"id": 1, "username": "admin", "full_name": "Administrator",
                                  "role": "administrator"}])
        _insert(self.con, CatalogueItem, [{
            "id": 1, "code": "99213", "kind": "procedure", "category": "Visits",
            "description": "Established patient visit, level 3", "unit_price": 12000,
            "unit_cost": 4500, "common": 1}])
        _insert(self.con, Payer, [{"id": n, "created_at": "2024-01-01 09:00:00", "name": name,
                                   "payer_id": code, "phone": f"(800) 555-01{n:02d}",
                                   "address": f"Claims, PO Box {1000 + n}, Chicago IL 60680",
                                   "timely_filing_days": 365, "claim_mode": mode}
                                  for n, (name, code, mode) in enumerate(PAYERS, 1)])
        _insert(self.con, Plan, [{"id": 2 * n - 1 + k, "created_at": "2024-01-01 09:00:00",
                                  "payer_id": n, "name": ("PPO", "HMO")[k], "copay": 2500,
                                  "deductible": 50000, "coinsurance": 2000}
                                 for n in range(1, len(PAYERS) + 1) for k in (0, 1)])
        _insert(self.con, FeeSchedule, [{"payer_id": n, "item_id": 1, "allowed": 9000}
                                        for n in range(1, len(PAYERS) + 1)])
        _insert(self.con, CollectionStage, [{"position": p, "name": name, "days_past_due": days,
                                             "action": action} for p, name, days, action in STAGES])
        coverages = []
        for account in range(INSURED_EVERY, self.n_accounts + 1, INSURED_EVERY):
            payer = 1 + (account // INSURED_EVERY) % len(PAYERS)
            plan = 2 * payer - 1 + account % 2
            coverages.append({"id": len(coverages) + 1, "created_at": "2024-01-01 09:00:00",
                              "account_id": account, "plan_id": plan, "rank": "primary",
                              "member_id": f"M{account:09d}", "group_number": f"G{payer:04d}",
                              "start_date": "2020-01-01"})
            self.coverage[account] = (len(coverages), payer)
            if account % (10 * INSURED_EVERY) == 0:  # one in ten also has a secondary
                second = 1 + payer % len(PAYERS)
                coverages.append({"id": len(coverages) + 1, "created_at": "2024-01-01 09:00:00",
                                  "account_id": account, "plan_id": 2 * second - 1,
                                  "rank": "secondary", "member_id": f"S{account:09d}",
                                  "start_date": "2020-01-01"})
        from billing_desk.models import Coverage

        _insert(self.con, Coverage, coverages)

    # --- invoices -------------------------------------------------------------------------------
    def invoices(self, count: int, say: Callable[[str], None]) -> None:
        rng, today = self.rng, self.today
        for n in range(1, count + 1):
            account = rng.randint(1, self.n_accounts)
            posted = today - dt.timedelta(days=rng.randint(0, 730))
            amount = 12000 * rng.randint(1, 3)
            self.add("invoice", id=n, created_at=_stamp(posted), number=1000 + n, account_id=account,
                     status="posted", service_date=posted.isoformat(),
                     due_date=(posted + dt.timedelta(days=30)).isoformat(),
                     posted_on=posted.isoformat(), total=amount, created_by_id=1, posted_by_id=1,
                     payer_id=self.coverage[account][1] if account in self.coverage else None)
            if account in self.coverage:
                patient, insurance = self._insured(n, account, posted, amount)
            else:
                patient, insurance = self._self_pay(n, account, posted, amount), 0
            self.rows["invoice"][-1].update(patient_balance=patient, insurance_balance=insurance)
            self.add("invoice_line", id=n, invoice_id=n, position=1, item_id=1, code="99213",
                     description="Established patient visit, level 3",
                     service_date=posted.isoformat(), quantity=amount // 12000, unit_price=12000,
                     amount=amount, unit_cost=4500, patient_balance=patient,
                     insurance_balance=insurance)
            self.patient[account] = self.patient.get(account, 0) + patient
            self.insurance[account] = self.insurance.get(account, 0) + insurance
            if n % BATCH == 0 or n == count:
                self.flush()
                say(f"book: {n:,} invoices")

    def ledger(self, account: int, invoice: int, kind: str, party: str, amount: int, day: dt.date,
               **more) -> None:
        self.add("ledger_entry", account_id=account, invoice_id=invoice, line_id=invoice, kind=kind,
                 party=party, amount=amount, entry_date=day.isoformat(), posting_date=day.isoformat(),
                 created_by_id=1, created_at=_stamp(day), **more)

    def _self_pay(self, n: int, account: int, posted: dt.date, amount: int) -> int:
        rng = self.rng
        paid = amount if rng.random() >= open_chance((self.today - posted).days) else (
            amount // 2 if rng.random() < 0.5 else 0)
        self.ledger(account, n, "charge", "patient", amount, posted, memo="99213")
        if paid:
            paid_on = min(self.today, posted + dt.timedelta(days=rng.randint(5, 60)))
            self.ledger(account, n, "payment", "patient", -paid, paid_on)
        return amount - paid

    def _insured(self, n: int, account: int, posted: dt.date, amount: int) -> tuple[int, int]:
        """A claim for the invoice, in the status its age and luck give it; returns the line's
        patient and insurance balances."""
        rng, today = self.rng, self.today
        coverage, payer = self.coverage[account]
        mode = PAYERS[payer - 1][2]
        self.ledger(account, n, "charge", "insurance", amount, posted, payer_id=payer, memo="99213 x1")
        claim = self.next_id("claim")
        row = {"id": claim, "invoice_id": n, "payer_id": payer, "coverage_id": coverage,
               "control_number": str(200000 + claim), "total_charge": amount, "created_by_id": 1,
               "created_at": _stamp(posted), "updated_at": _stamp(posted), "status": "ready"}
        self.rows.setdefault("claim", []).append(row)  # kept by reference: its status changes
        self.add("claim_line", claim_id=claim, line_id=n, charge=amount)
        self.add("claim_event", claim_id=claim, status="ready", at=_stamp(posted), by_id=1, note="made")
        age = (today - posted).days
        sent = posted + dt.timedelta(days=(7 - posted.weekday()) % 7)  # the Monday after
        if age < 7 or sent > today:
            if rng.random() < 0.15:
                self._status(row, "held", posted, "the invoice's prior authorization number: 99213 "
                             "needs the plan's prior authorization number", hold=True)
            return 0, amount
        self._submit(row, mode, sent, amount)
        luck = rng.random()
        if age < 30 or luck < 0.05:  # no answer yet (or, past 30 days, still waiting)
            if rng.random() < 0.4:
                row["payer_claim_number"] = f"PCN{claim}"
                self._status(row, "accepted", sent + dt.timedelta(days=2), "accepted by the payer")
            if age > 60 and rng.random() < 0.3:
                row["follow_up_on"] = (today + dt.timedelta(days=rng.randint(-10, 14))).isoformat()
            return 0, amount
        answered = min(today, sent + dt.timedelta(days=rng.randint(12, 40)))
        if luck < 0.13:  # denied; some appealed, some corrected and sent again
            self._status(row, "denied", answered, rng.choice(DENIALS))
            if rng.random() < 0.25:
                self._resubmit(row, mode, answered, amount)
            elif rng.random() < 0.3:
                row["appealed_on"] = answered.isoformat()
                row["follow_up_on"] = (answered + dt.timedelta(days=30)).isoformat()
                self._status(row, "denied", answered, "appealed: the notes are enclosed")
            return 0, amount
        allowed = amount * 3 // 4
        paid = allowed * 4 // 5
        share = allowed - paid  # the patient's coinsurance
        partly = luck < 0.19
        self._pay(row, account, n, payer, answered, amount, paid, share, moved=not partly)
        if partly:
            self._status(row, "partly_paid", answered, f"EOB EFT{payer}{answered:%y%m%d}")
            return 0, share
        self._status(row, "paid", answered, f"EOB EFT{payer}{answered:%y%m%d}")
        if (today - answered).days > 200 and rng.random() < 0.5:
            self._status(row, "closed", answered + dt.timedelta(days=60),
                         "paid in full; nothing more expected")
        elif luck > 0.998:
            row["payer_claim_number"] = row.get("payer_claim_number") or f"PCN{claim}"
            self._status(row, "voided", min(today, answered + dt.timedelta(days=3)),
                         "billed to the wrong patient")
        patient_paid = 0
        if rng.random() >= open_chance((today - answered).days):
            patient_paid = share
            self.ledger(account, n, "payment", "patient", -share,
                        min(today, answered + dt.timedelta(days=rng.randint(5, 40))))
        return share - patient_paid, 0

    def _status(self, row: dict, status: str, day: dt.date, note: str, hold: bool = False) -> None:
        row["status"], row["updated_at"] = status, _stamp(day, 10)
        if hold:
            row["hold_reason"] = note
        self.add("claim_event", claim_id=row["id"], status=status, at=_stamp(day, 10), by_id=1,
                 note=note)

    def _submit(self, row: dict, mode: str, day: dt.date, amount: int) -> None:
        batch = self.batches.get((mode, day))
        if batch is None:
            batch = self.batches[(mode, day)] = [self.next_id("batch"), 0, 0]
        batch[1] += 1
        batch[2] += amount
        row["batch_id"], row["submitted_mode"] = batch[0], mode
        self._status(row, "submitted", day, f"{mode} batch {batch[0]}")

    def _resubmit(self, row: dict, mode: str, day: dt.date, amount: int) -> None:
        self._status(row, "resubmitted", day, "added the missing referral")
        claim = self.next_id("claim")
        new = {**row, "id": claim, "control_number": str(200000 + claim), "frequency": "7",
               "replaces_id": row["id"], "status": "ready", "created_at": _stamp(day, 11),
               "payer_claim_number": f"PCN{row['id']}"}
        for key in ("batch_id", "submitted_mode", "appealed_on", "follow_up_on"):
            new.pop(key, None)
        self.rows["claim"].append(new)
        self.add("claim_line", claim_id=claim, line_id=row["invoice_id"], charge=amount)
        self.add("claim_event", claim_id=claim, status="ready", at=_stamp(day, 11), by_id=1,
                 note="replacement of a denied claim")
        monday = day + dt.timedelta(days=(7 - day.weekday()) % 7 or 7)
        if monday <= self.today:
            self._submit(new, mode, monday, amount)

    def _pay(self, row: dict, account: int, n: int, payer: int, day: dt.date, amount: int,
             paid: int, share: int, moved: bool) -> None:
        """The payer's part of a check for the claim: what it paid, the contractual allowance,
        and (when ``moved``) the coinsurance moved to the patient."""
        check = self.checks.get((payer, day))
        if check is None:
            check = self.checks[(payer, day)] = [len(self.checks) + 1, 0]
        check[1] += paid
        payment = self.next_id("payment")
        reference = f"EFT{payer}{day:%y%m%d}"
        self.add("payment", id=payment, created_at=_stamp(day, 12), account_id=account,
                 source="insurance", payer_id=payer, method="check", reference=reference,
                 amount=paid, received_on=day.isoformat(), entered_on=day.isoformat(),
                 note=f"claim {row['control_number']}", created_by_id=1,
                 insurance_payment_id=check[0])
        self.add("payment_allocation", payment_id=payment, line_id=n, party="insurance", amount=paid)
        self.ledger(account, n, "payment", "insurance", -paid, day, payer_id=payer,
                    payment_id=payment, memo=f"claim {row['control_number']}")
        allowance = amount - paid - share
        lines = [f"CO 45 {allowance / 100:.2f}"]
        adjustments = [("contractual", "CO", "45", allowance, f"CO 45 per claim {row['control_number']}")]
        if moved:
            lines.append(f"PR 2 {share / 100:.2f}")
            adjustments.append(("transfer", "PR", "2", share, "PR 2 coinsurance to the patient"))
        for kind, group, carc, cents, reason in adjustments:
            adjustment = self.next_id("adjustment")
            self.add("adjustment", id=adjustment, created_at=_stamp(day, 12), account_id=account,
                     line_id=n, payment_id=payment, kind=kind, reason=reason, party="insurance",
                     amount=cents, adjusted_on=day.isoformat(), entered_on=day.isoformat(),
                     created_by_id=1, group_code=group, carc=carc)
            memo = reason.split(" per ")[0].replace(" to the patient", "")
            self.ledger(account, n, "adjustment" if kind == "contractual" else "transfer", "insurance",
                        -cents, day, payer_id=payer, adjustment_id=adjustment, memo=memo)
            if kind == "transfer":
                self.ledger(account, n, "transfer", "patient", cents, day, adjustment_id=adjustment,
                            memo=memo)
        self.add("remit_line", insurance_payment_id=check[0], payment_id=payment, claim_id=row["id"],
                 line_id=n, code="99213", charge=amount, allowed=amount - allowance, paid=paid,
                 coinsurance=share, adjustments="\n".join(lines))

    # --- writing ------------------------------------------------------------------------------
    def flush(self) -> None:
        from billing_desk import models

        tables = {m._meta.table_name: m for m in models.ALL_MODELS}
        for table in ("invoice", "invoice_line", "claim", "claim_line", "claim_event", "payment",
                      "payment_allocation", "adjustment", "ledger_entry", "remit_line"):
            _insert(self.con, tables[table], self.rows.pop(table, []))

    def finish(self, invoices: int) -> None:
        from billing_desk.models import Account, ClaimBatch, InsurancePayment

        _insert(self.con, InsurancePayment, [
            {"id": check_id, "created_at": _stamp(day, 12), "payer_id": payer,
             "payer_ref": PAYERS[payer - 1][1], "method": "check", "reference": f"EFT{payer}{day:%y%m%d}",
             "amount": amount, "received_on": day.isoformat(), "entered_on": day.isoformat(),
             "created_by_id": 1} for (payer, day), (check_id, amount) in self.checks.items()])
        _insert(self.con, ClaimBatch, [
            {"id": batch_id, "created_at": _stamp(day, 9), "kind": mode, "number": batch_id,
             "created_by_id": 1, "claim_count": count, "total": total,
             "file_name": f"claims-{day:%Y%m%d}.837" if mode == "electronic" else "",
             "printer": "Office printer" if mode == "paper" else ""}
            for (mode, day), (batch_id, count, total) in self.batches.items()])
        rows = []
        for i in range(1, self.n_accounts + 1):
            last, first = self.rng.choice(LAST), self.rng.choice(FIRST)
            rows.append({"created_at": "2025-01-01 09:00:00", "number": str(100000 + i),
                         "status": "active", "first_name": first, "last_name": f"{last}{i % 997}",
                         "sort_name": f"{last}{i % 997} {first}".lower(),
                         "date_of_birth": dt.date(1940 + i % 80, 1 + i % 12, 1 + i % 28).isoformat(),
                         "phone": f"({200 + i % 800:03d}) 555-{i % 10000:04d}",
                         "email": f"{first}.{i}@example.com".lower(), "street": "1 Main St",
                         "city": "Springfield", "state": "IL", "zip_code": "62701",
                         "sex": "FM"[i % 2], "patient_balance": self.patient.get(i, 0),
                         "insurance_balance": self.insurance.get(i, 0)})
        _insert(self.con, Account, rows)
        self.con.execute("INSERT INTO sequence (name, next_value) VALUES ('invoice', ?), "
                         "('account', ?), ('claim', ?), ('claim_batch', ?)",
                         (1001 + invoices, 100001 + self.n_accounts, 200001 + self.ids["claim"],
                          self.ids["batch"] + 1))
        self._collections()

    def _collections(self) -> None:
        """Where the owing accounts stand: a stage and a follow-up date on one in three, open
        promises (some due, some broken by now) and payment plans, so the day's review has work."""
        from billing_desk.models import AccountCollection, PaymentPlan, PlanInstallment, Promise

        rng, today = self.rng, self.today
        owing = sorted(a for a, cents in self.patient.items() if cents > 0)
        standing, promises, plans, installments = [], [], [], []
        for account in owing[::3]:
            standing.append({"account_id": account, "stage_id": rng.choice([None, 1, 2, 3]),
                             "next_follow_up": (today + dt.timedelta(days=rng.randint(-5, 20))).isoformat(),
                             "hold": rng.choice(["", "", "", "dispute"])})
        for account in owing[1::50]:
            due = today + dt.timedelta(days=rng.randint(-10, 20))
            promises.append({"created_at": _stamp(due - dt.timedelta(days=14)), "account_id": account,
                             "amount": min(self.patient[account], 5000), "due_date": due.isoformat(),
                             "by_id": 1, "made_on": (due - dt.timedelta(days=14)).isoformat()})
        for n, account in enumerate(owing[2::200], 1):
            first = today - dt.timedelta(days=rng.randint(0, 90))
            total = self.patient[account] - self.patient[account] % 300
            if total <= 0:
                continue
            plans.append({"id": n, "created_at": _stamp(first - dt.timedelta(days=7)), "account_id": account,
                          "total": total, "installments": 3, "first_due": first.isoformat(),
                          "by_id": 1, "made_on": (first - dt.timedelta(days=7)).isoformat()})
            installments += [{"plan_id": n, "due_date": (first + dt.timedelta(days=30 * k)).isoformat(),
                              "amount": total // 3} for k in range(3)]
        _insert(self.con, AccountCollection, standing)
        _insert(self.con, Promise, promises)
        _insert(self.con, PaymentPlan, plans)
        _insert(self.con, PlanInstallment, installments)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    args = parser.parse_args()
    if args.db.exists():
        print(f"{args.db} is there already; remove it to build it again")
        return 1
    seconds = build(args.db, args.accounts, args.invoices)
    print(f"built {args.db} in {seconds:,.0f} s ({args.db.stat().st_size / 1e6:,.0f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
