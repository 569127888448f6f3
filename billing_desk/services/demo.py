"""The demo office: built by the program's own services, so it is always consistent.

About 200 accounts in every status, payers and plans, a catalogue of about 60 items, and
18 months of invoices, insurance remittances, patient payments, allowances and returns,
leaving balances in every aging bucket and open cases.
"""

from __future__ import annotations

import datetime as dt
import functools
import heapq
import json
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

from ..models import (
    CatalogueItem,
    CollectionStage,
    Coverage,
    FeeSchedule,
    InvoiceLine,
    Modifier,
    Payer,
    Plan,
    ReasonCode,
    Setting,
    User,
    database,
)
from ..models.base import prepared
from ..money import ZERO, round_money
from ..paths import resource
from . import demo_claims
from .accounts import cases, registry
from .books import adjustments, invoices, payments
from .books.payments import RemitLine
from .office.steady import kept, steady
from .office.users import ensure_administrator

DEMO_PASSWORD = "billing-demo"  # the demo is for trying the program: every demo user's password
DEMO_RECOVERY_KEY = "DEM0D-EM0DE-M0DEM-0DEM0-DEM0D"


def load_recipe() -> dict:
    return json.loads(resource("demo", "recipe.json").read_text(encoding="utf-8"))


@dataclass
class DemoWorld:
    rng: random.Random
    recipe: dict
    admin: User
    clerk: User
    supervisor: User
    today: dt.date
    events: list = field(default_factory=list)
    counter: int = 0
    counts: dict = field(default_factory=lambda: {"invoices": 0, "payments": 0, "adjustments": 0})

    def at(self, when: dt.date, action: Callable[[], None]) -> None:
        if when <= self.today:
            self.counter += 1
            heapq.heappush(self.events, (when, self.counter, action))


def build_demo(accounts: int = 200, seed: int = 7, today: dt.date | None = None,
               progress: Callable[[str], None] | None = None) -> str:
    """Fill an empty database with a lively office. Returns a one-line summary."""
    say = progress or (lambda text: None)
    rng = random.Random(seed)
    today = today or dt.date.today()
    recipe = load_recipe()
    with database.atomic():
        admin, clerk, supervisor = _demo_users()
        world = DemoWorld(rng, recipe, admin, clerk, supervisor, today)
        _office(recipe)
        _billing_identity(world)
        say("catalogue, payers and plans")
        _reference_data(recipe, rng)
        # The office, its catalogue and doctors stay as they are: read them once. The build is
        # kept whole or not at all: its writes open no savepoints (see office/steady.py).
        with steady(whole=True):
            _everyday_work(world, accounts, say)
    return (f"{accounts} accounts, {world.counts['invoices']} invoices, "
            f"{world.counts['payments']} payments, {world.counts['adjustments']} adjustments")


def _everyday_work(world: DemoWorld, accounts: int, say: Callable[[str], None]) -> None:
    """18 months of the office's work, then claims, orders, cases and collections left open."""
    say(f"{accounts} accounts")
    opened = [_open_account(world, i) for i in range(accounts)]
    say("18 months of invoices, remittances and payments")
    demo_claims.weekly_submissions(world)
    done = 0
    while world.events:
        when, _n, action = heapq.heappop(world.events)
        action()
        done += 1
        if done % 200 == 0:
            say(f"18 months of invoices, remittances and payments: {when:%B %Y}")
    _finish_statuses(world, opened)
    demo_claims.every_status(world)
    demo_claims.payer_denials(world)
    demo_claims.remittances_in(world)
    demo_claims.follow_up_work(world)
    _orders(world, opened)
    _open_cases(world, opened)
    _collections(world)


def _demo_users() -> tuple[User, User, User]:
    """admin, maria (clerk) and sam (supervisor), all with DEMO_PASSWORD (see the README)."""
    from .office.audit import chain_key
    from .office.auth import LIGHT_COST, hash_password, set_recovery_key
    from .office.seals import seal_user

    admin = ensure_administrator()
    admin.full_name, admin.password_hash = "Alex Admin", hash_password(DEMO_PASSWORD, LIGHT_COST)
    admin.save()
    clerk = User.create(username="maria", full_name="Maria Lopez", role="clerk",
                        password_hash=hash_password(DEMO_PASSWORD, LIGHT_COST))
    supervisor = User.create(username="sam", full_name="Sam Okafor", role="supervisor",
                             password_hash=hash_password(DEMO_PASSWORD, LIGHT_COST))
    for user in (admin, clerk, supervisor):
        seal_user(user, chain_key())
    set_recovery_key(DEMO_RECOVERY_KEY)
    return admin, clerk, supervisor


def _office(recipe: dict) -> None:
    office = recipe["office"]
    for key, value in (("office_name", office["name"]), ("office_address", office["address"]),
                       ("office_phone", office["phone"]), ("office_tax_id", office["tax_id"])):
        Setting.insert(key=key, value=value).on_conflict_replace().execute()


def _billing_identity(world: DemoWorld) -> None:
    """The office as its claims name it, and its doctors: NPIs that pass the Luhn rule."""
    from .claims import identity

    identity.save_billing_identity(identity.BillingIdentity(**world.recipe["billing_identity"]), world.admin)
    for last, first, npi, taxonomy, role in world.recipe["providers"]:
        identity.add_provider(identity.ProviderInput(last, first, npi=npi, taxonomy=taxonomy, role=role),
                              world.admin)


PAYER_KEYS = ("name", "program", "payer_id", "address", "phone", "fax", "portal", "timely_filing_days",
              "claim_mode", "member_id_pattern", "notes")


def _reference_data(recipe: dict, rng: random.Random) -> None:
    for code, kind, description in recipe["reason_codes"]:
        ReasonCode.create(code=code, kind=kind, description=description)
    for code, description in recipe["modifiers"]:
        Modifier.create(code=code, description=description)
    common = {"99213", "99214", "99203", "36415", "85025", "80053", "90686", "93000", "81002", "87880"}
    for code, kind, description, category, price, cost in recipe["catalogue"]:
        CatalogueItem.create(code=code, kind=kind, description=description, category=category,
                             unit_price=Decimal(price), unit_cost=Decimal(cost),
                             common=code in common, taxable=kind == "product")
    items = list(CatalogueItem.select().where(CatalogueItem.kind == "procedure"))
    for payer_data in recipe["payers"]:
        payer = Payer.create(**{key: payer_data[key] for key in PAYER_KEYS},
                             follow_up_days=payer_data.get("follow_up_days", 30))
        share = Decimal(rng.choice([70, 75, 80, 85])) / 100
        for item in items:
            FeeSchedule.create(payer=payer, item=item, allowed=round_money(item.unit_price * share))
        for plan in payer_data["plans"]:
            Plan.create(payer=payer, name=plan["name"], copay=Decimal(plan["copay"]),
                        deductible=Decimal(plan["deductible"]), coinsurance=Decimal(plan["coinsurance"]),
                        out_of_pocket_max=Decimal(plan["oop"]) if plan["oop"] else None,
                        covers_unlisted=False)
    for plan in Plan.select():
        for item in items:
            from ..models import PlanRule

            rule = "covered" if rng.random() > 0.04 else rng.choice(["not_covered", "prior_auth"])
            PlanRule.create(plan=plan, item=item, rule=rule)
    for position, name, days, action, template in recipe["collection_stages"]:
        CollectionStage.create(position=position, name=name, days_past_due=days, action=action,
                               letter_template=template)


def _person_form(world: DemoWorld, index: int) -> registry.AccountForm:
    rng, recipe = world.rng, world.recipe
    city, state, zip_code = rng.choice(recipe["cities"])
    organization = index % 7 == 3
    first, last = rng.choice(recipe["first_names"]), rng.choice(recipe["last_names"])
    born = dt.date(rng.randint(1940, 2020), rng.randint(1, 12), rng.randint(1, 28))
    form = registry.AccountForm(
        kind="customer" if organization else "patient", first_name=first, last_name=last,
        organization=rng.choice(recipe["organizations"]) if organization else "",
        date_of_birth="" if organization else born.strftime("%m/%d/%Y"),
        sex="U" if organization else random.Random(index).choice("MF"),  # world.rng keeps its draws
        street=f"{rng.randint(10, 9999)} {rng.choice(recipe['streets'])}", city=city, state=state,
        zip_code=zip_code, phone=f"217-555-{1000 + index:04d}",
        email=f"{first}.{last}{index}@example.com".lower(),
        statement_delivery="email" if rng.random() < 0.3 else "print",
        payment_terms_days="30", billing_cycle_day=str(rng.randint(1, 28)),
        credit_limit="5000.00" if organization else "")
    return form


def _open_account(world: DemoWorld, index: int):
    rng = world.rng
    account = registry.create_account(_person_form(world, index), world.clerk)
    fate = rng.random()
    behaviour = rng.choices(["prompt", "slow", "late", "never"], weights=[55, 20, 15, 10])[0]
    if fate < 0.06:  # still pending approval
        return account, "pending", behaviour
    registry.approve_account(account.id, world.supervisor, "checked against the form")
    if account.kind == "patient" and rng.random() < 0.75:
        plans = list(Plan.select())
        plan = rng.choice(plans)
        Coverage.create(account=account, plan=plan, rank="primary", member_id=_member_id(plan, rng),
                        group_number=f"G{rng.randint(1000, 9999)}",
                        start_date=world.today - dt.timedelta(days=900),
                        **{"subscriber_name": account.display_name,
                           **demo_claims.parent_subscriber(world, account)})
        second = rng.choice(plans) if rng.random() < 0.15 else None
        if second is not None and not demo_claims.may_follow(plan, second):
            second = next((p for p in plans if demo_claims.may_follow(plan, p)), None)
        if second is not None:
            Coverage.create(account=account, plan=second, rank="secondary",
                            member_id=_member_id(second, rng),
                            subscriber_name=account.display_name,
                            start_date=world.today - dt.timedelta(days=900))
    start = world.today - dt.timedelta(days=548)
    for _ in range(rng.randint(2, 9)):
        when = start + dt.timedelta(days=rng.randint(0, 547))
        world.at(when, functools.partial(_visit, world, account.id, when, behaviour))
    fate_end = "closed" if fate > 0.97 else "inactive" if fate > 0.93 else "active"
    return account, fate_end, behaviour


def _member_id(plan, rng: random.Random) -> str:
    """A member id in the payer's own pattern (three letters of its payer id, nine digits), so
    every demo coverage passes the validation an edit of its account goes through."""
    letters = "".join(c for c in plan.payer.payer_id.upper() if c.isalpha())[:3].ljust(3, "X")
    return f"{letters}{rng.randint(100000000, 999999999)}"


def _visit(world: DemoWorld, account_id: int, when: dt.date, behaviour: str) -> None:
    rng = world.rng
    from ..models import Account

    account = Account.get_by_id(account_id)
    if account.kind == "customer":
        pool = [i for i in world.recipe["catalogue"] if i[3] in ("Occupational", "Products", "Training")]
        codes = [(c[0], rng.randint(1, 12)) for c in rng.sample(pool, rng.randint(1, 3))]
        diagnoses = []
    else:
        visit = rng.choice(["99212", "99213", "99213", "99214", "99215", "99203", "99396"])
        extras = rng.sample(["36415", "85025", "80053", "83036", "93000", "81002", "87880", "90686",
                             "90471", "J3420", "L1810", "A4253"], rng.randint(0, 3))
        codes = [(visit, 1)] + [(code, 1) for code in extras]
        diagnoses = rng.sample(world.recipe["diagnoses"], rng.randint(1, 3))
    draft = invoices.InvoiceDraft(
        account_id=account_id, service_date=when, diagnoses=diagnoses,
        **demo_claims.providers_for(world, account),
        lines=[invoices.LineInput(code=c, quantity=q, pointers="1" if diagnoses else "")
               for c, q in codes])
    invoice = invoices.save_draft(draft, world.clerk)
    invoices.post_invoice(invoice.id, world.clerk, entry_date=when)
    world.counts["invoices"] += 1
    if invoice.payer_id:
        world.at(when + dt.timedelta(days=rng.randint(18, 45)),
                 lambda: _remit(world, invoice.id, behaviour))
    else:
        _patient_pays_later(world, account_id, when, behaviour)
    if rng.random() < 0.04:
        world.at(when + dt.timedelta(days=rng.randint(2, 20)), lambda: _return(world, invoice.id))


def _remit(world: DemoWorld, invoice_id: int, behaviour: str) -> None:
    rng = world.rng
    from ..models import Invoice

    invoice = Invoice.get_by_id(invoice_id)
    if invoice.insurance_balance <= 0:
        return
    remits = []
    for line in prepared("an invoice's lines", lambda: InvoiceLine.select().where(
            InvoiceLine.invoice == invoice.id), [(InvoiceLine.invoice, invoice.id)]):
        if line.insurance_balance <= 0:
            continue
        fee = kept("demo fee", (invoice.payer_id, line.item_id), functools.partial(
            FeeSchedule.get_or_none, FeeSchedule.payer == invoice.payer_id, FeeSchedule.item == line.item_id))
        allowed = min(fee.allowed * line.quantity if fee else line.amount, line.insurance_balance)
        denied = rng.random() < 0.03
        paid = ZERO if denied else round_money(allowed * Decimal("0.8"))
        remits.append(RemitLine(line_id=line.id, allowed=allowed, paid=paid,
                                denial_reason="CO50 not medically necessary" if denied else ""))
    if not remits:
        return
    adjustments.post_remittance(invoice.payer_id, invoice.account_id,
                                f"EFT{rng.randint(100000, 999999)}", remits, world.clerk,
                                entry_date=world_today_or(world, invoice.service_date, 30))
    world.counts["payments"] += 1
    world.counts["adjustments"] += len(remits)
    _patient_pays_later(world, invoice.account_id, world_today_or(world, invoice.service_date, 30),
                        behaviour)


def world_today_or(world: DemoWorld, base: dt.date, days: int) -> dt.date:
    return min(world.today, base + dt.timedelta(days=days))


def _patient_pays_later(world: DemoWorld, account_id: int, since: dt.date, behaviour: str) -> None:
    rng = world.rng
    delay = {"prompt": (5, 25), "slow": (35, 75), "late": (95, 150), "never": None}[behaviour]
    if delay is None:
        return
    when = since + dt.timedelta(days=rng.randint(*delay))
    world.at(when, lambda: _patient_payment(world, account_id, when))


def _patient_payment(world: DemoWorld, account_id: int, when: dt.date) -> None:
    rng = world.rng
    from ..models import Account

    account = Account.get_by_id(account_id)
    owed = account.patient_balance - account.unapplied_credit
    if owed <= 0:
        return
    amount = owed if rng.random() < 0.8 else round_money(owed * Decimal(rng.choice([0.5, 0.25])))
    if rng.random() < 0.03:
        amount += Decimal("20.00")  # an overpayment, left as credit
    method = rng.choice(["cash", "check", "card", "card"])
    payments.record_payment(account_id, amount, world.clerk, method=method,
                            reference=str(rng.randint(1000, 9999)) if method != "cash" else "",
                            received_on=when, entry_date=when)
    world.counts["payments"] += 1
    if rng.random() < 0.05 and owed > 40:
        line = (InvoiceLine.select().join(invoices.Invoice)
                .where(invoices.Invoice.account == account_id, InvoiceLine.patient_balance > 5).first())
        if line:
            adjustments.adjust_line(line.id, "discount", Decimal("5.00"), "prompt-pay courtesy",
                                    world.clerk, reason_code="DISC", entry_date=when)
            world.counts["adjustments"] += 1


def _return(world: DemoWorld, invoice_id: int) -> None:
    line = (InvoiceLine.select().where(InvoiceLine.invoice == invoice_id)
            .order_by(InvoiceLine.amount.desc()).first())
    if line is None or line.amount <= 0:
        return
    amount = min(line.amount, Decimal("50.00"))
    adjustments.adjust_line(line.id, "credit_memo", amount, "returned / not performed", world.supervisor,
                            party="patient" if line.patient_balance >= amount or not line.insurance_balance
                            else "insurance", reason_code="RET",
                            entry_date=min(world.today, line.invoice.posted_on + dt.timedelta(days=5)))
    world.counts["adjustments"] += 1


def _orders(world: DemoWorld, opened) -> None:
    """Clients' order forms of the last weeks: filled and billed, partly filled with back-orders
    open (some of it billed), not started, and one cancelled. Through the order services."""
    from .orders import order_billing, order_forms

    rng = world.rng
    pool = [c[0] for c in world.recipe["catalogue"] if c[3] in ("Occupational", "Products", "Training")]
    customers = [a for a, fate, _b in opened if fate == "active" and a.kind == "customer"]
    for i, account in enumerate(customers[:10]):
        day = world.today - dt.timedelta(days=rng.randint(6, 45))
        form = order_forms.OrderForm(
            account.id, day, [order_forms.OrderLineInput(code, rng.randint(2, 12))
                              for code in rng.sample(pool, rng.randint(2, 3))],
            po_number=f"PO-{rng.randint(1000, 9999)}", requested_date=day + dt.timedelta(days=14),
            ship_to=f"{account.organization or account.display_name}\n{account.street}",
            contact=f"{account.first_name} {account.last_name}, {account.phone}")
        order = order_forms.save_order(form, world.clerk)
        if order.status != "approved":
            continue  # over its credit limit: waits for Sam
        lines = order_forms.order_lines(order.id)
        first = min(world.today, day + dt.timedelta(days=rng.randint(1, 4)))
        if i % 5 == 4:
            order_forms.cancel_order(order.id, "client bought elsewhere", world.clerk)
        elif i % 5 == 0:
            order_forms.record_delivery(order.id, {l.id: l.quantity for l in lines}, world.clerk,
                                   on=first, performed_by="Dave (van 2)")
            order_billing.invoice_order(order.id, world.clerk, entry_date=first)
        elif i % 5 in (1, 2):  # partly filled: back-orders stay open
            order_forms.record_delivery(order.id, {lines[0].id: lines[0].quantity,
                                              lines[1].id: lines[1].quantity // 2}, world.clerk,
                                   on=first, performed_by="Dave (van 2)")
            if i % 5 == 1:
                order_billing.invoice_order(order.id, world.clerk, entry_date=first)


def _finish_statuses(world: DemoWorld, opened) -> None:
    for account, fate, _behaviour in opened:
        if fate == "inactive":
            registry.deactivate_account(account.id, "moved away", world.clerk)
        elif fate == "closed":
            registry.close_account(account.id, "asked to close the account", world.supervisor,
                                   confirm_balance=lambda _text: True)


def _open_cases(world: DemoWorld, opened) -> None:
    rng = world.rng
    subjects = [("query", "Patient says the insurance already paid this visit"),
                ("issue", "EOB shows a different allowed amount than the fee schedule"),
                ("query", "Collections asks for a copy of the itemized bill"),
                ("issue", "Duplicate charge reported by the patient"),
                ("query", "Guarantor wants to set up a payment plan")]
    active = [a for a, fate, _b in opened if fate == "active"]
    for account in rng.sample(active, min(len(active), 8)):
        kind, subject = rng.choice(subjects)
        case = cases.open_case(account.id, subject, world.clerk, kind=kind, note="Caller left a message.",
                               from_collections=subject.startswith("Collections"))
        if rng.random() < 0.3:
            cases.resolve_case(case.id, "Explained the statement; no change needed.", world.clerk)


def _collections(world: DemoWorld) -> None:
    """Collections under way: letters sent, calls logged, promises (one broken), a payment plan,
    a dispute on hold. All through the collections services, on the demo's own days."""
    from .collections import collection_actions as act, dunning, worklist as col

    earlier = world.today - dt.timedelta(days=20)
    act.review(today=earlier)
    first = dunning.proposals(today=earlier)
    dunning.confirm_stages([r.account_id for r in first[: len(first) // 2]], world.clerk, today=earlier)
    rows = [r for r in col.worklist(today=earlier, limit=None) if not r.skip]
    for i, row in enumerate(rows[:12]):
        outcome = ("left message", "no answer", "reached", "promised to pay")[i % 4]
        promise = (row.past_due / 2).quantize(Decimal("0.01")) if outcome == "promised to pay" else None
        act.log_contact(row.account_id, "call", outcome, world.clerk, note="demo call",
                        promise_amount=promise, promise_date=earlier + dt.timedelta(days=7 + i),
                        today=earlier)
    act.assign([r.account_id for r in rows[:6]], world.clerk, world.clerk)
    if len(rows) > 14:
        act.set_hold(rows[12].account_id, "dispute", "says the visit was billed twice", world.clerk)
        owed = min(rows[13].past_due, rows[13].balance - rows[13].credit)
        act.create_plan(rows[13].account_id, owed, 4, earlier + dt.timedelta(days=5), world.clerk,
                        today=earlier)
    act.review(today=world.today)

