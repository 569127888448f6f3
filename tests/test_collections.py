"""Collections rules: the worklist, stages over simulated days, skipped accounts, promises, plans."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal as D

import pytest

from billing_desk.errors import PermissionDenied, RuleError, ValidationError
from billing_desk.models import AccountCollection, Coverage, Letter, Payer, Plan
from billing_desk.printing import letters
from billing_desk.services.books.adjustments import transfer_to_patient
from billing_desk.services.books.invoices import quick_invoice
from billing_desk.services.books.ledger import check_ledger
from billing_desk.services.books.payments import record_payment
from billing_desk.services.collections import collection_actions as act, dunning, worklist as col

pytestmark = pytest.mark.both_engines

DAY0 = dt.date(2026, 1, 5)  # invoices posted; due 30 days later
DUE = DAY0 + dt.timedelta(days=30)


def days(n: int) -> dt.date:
    """n days past due."""
    return DUE + dt.timedelta(days=n)


@pytest.fixture
def ladder(db, admin):
    return col.save_stages([col.StageInput("Reminder", 30, "Your balance of {amount_due} is past due."),
                            col.StageInput("Second notice", 60, "Still owing {amount_due}, {name}."),
                            col.StageInput("Final notice", 90, "Final notice: pay by {pay_by}."),
                            col.StageInput("Agency", 120, "Placed with an agency.", "agency")], admin)


@pytest.fixture
def owing(make_account, catalogue, clerk):
    """An account owing $120.00 for a visit posted on DAY0 (no insurance)."""
    def make(last="Lee", first="Ann", codes=(("99213", 1),), posted=DAY0):
        account = make_account(last=last, first=first)
        quick_invoice(account.id, posted, list(codes), clerk, entry_date=posted)
        return account
    return make


def test_ages_cross_each_stage_over_simulated_days(ladder, owing, clerk, supervisor):
    account = owing()
    seen = []
    for n in range(0, 131):
        today = days(n)
        proposed = dunning.proposals(today=today)
        if not proposed:
            continue
        assert [r.account_id for r in proposed] == [account.id]
        seen.append((n, proposed[0].proposed))
        result = dunning.confirm_stages([account.id], clerk, today=today, render=letters.render)
        if proposed[0].proposed == "Agency":
            assert result.needs_supervisor and not result.sent
            result = dunning.confirm_stages([account.id], supervisor, today=today, render=letters.render)
            assert result.handed_off == [account.id]
        else:
            assert len(result.sent) == 1 and result.pdf.startswith(b"%PDF")
    assert seen == [(30, "Reminder"), (60, "Second notice"), (90, "Final notice"), (120, "Agency")]
    sent = list(Letter.select().where(Letter.account == account.id).order_by(Letter.id))
    assert [l.kind for l in sent] == ["Reminder", "Second notice", "Final notice"]
    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(sent[1].pdf)).pages[0].extract_text()
    assert "Still owing $120.00, Lee, Ann." in text and "Second notice" in text
    assert col.statements_stopped(account.id)
    assert account.__class__.get_by_id(account.id).patient_balance == 0
    assert check_ledger() == []


def test_skipped_accounts_say_why(ladder, owing, make_account, catalogue, clerk, admin):
    plan_ok = owing("Plan", "Good")
    act.create_plan(plan_ok.id, "120.00", 3, days(70), clerk, today=days(70))
    dispute = owing("Dispute", "Dan")
    act.set_hold(dispute.id, "dispute", "says the visit was not his", clerk)
    held = owing("Held", "Hal")
    act.set_hold(held.id, "hold", "office manager asked", clerk)
    in_credit = owing("Credit", "Cora")
    line = in_credit.invoices[0].lines[0]
    record_payment(in_credit.id, "200.00", clerk, allocations=[(line.id, D("1.00"))], entry_date=DAY0)
    insured = _insured_account(make_account, catalogue, clerk)
    plain = owing("Plain", "Pat")
    rows = {r.account_id: r for r in col.worklist(today=days(70), limit=None)}
    assert rows[plan_ok.id].skip == "payment plan in good standing"
    assert rows[dispute.id].skip == "in dispute"
    assert rows[held.id].skip == "on hold"
    assert in_credit.id not in rows  # its credit pays what is past due: nothing to chase
    assert rows[insured.id].skip == "waiting for insurance"
    assert rows[plain.id].skip == "" and rows[plain.id].proposed == "Reminder"
    assert [r.account_id for r in dunning.proposals(today=days(70))] == [plain.id]
    assert col.worklist_count(col.WorkFilter(show="skipped"), today=days(70)) == 4


def _insured_account(make_account, catalogue, clerk):
    payer = Payer.create(name="Acme Health", payer_id="ACME")
    plan = Plan.create(payer=payer, name="PPO")
    account = make_account(last="Insured", first="Ike")
    Coverage.create(account=account, plan=plan, rank="primary", member_id="X1",
                    start_date=DAY0 - dt.timedelta(days=400))
    invoice = quick_invoice(account.id, DAY0, [("99213", 1)], clerk, entry_date=DAY0)
    transfer_to_patient(invoice.lines[0].id, D("20.00"), clerk, reason="copay", entry_date=DAY0)
    return account


def test_broken_promise_is_flagged_the_day_after(owing, clerk):
    account = owing()
    act.log_contact(account.id, "call", "promised to pay", clerk, promise_amount="50.00",
                    promise_date=days(10), today=days(3))
    row = col.worklist_row(account.id, today=days(3))
    assert row.promise_due == days(10) and row.next_follow_up == days(11)
    act.review(today=days(10))
    assert col.worklist_row(account.id, today=days(10)).flag == ""
    record_payment(account.id, "20.00", clerk, entry_date=days(9))  # not enough
    act.review(today=days(11))
    row = col.worklist_row(account.id, today=days(11))
    assert row.flag == "broken promise" and row.follow_up_due and row.promise_due is None
    flagged = col.worklist(col.WorkFilter(show="flagged"), today=days(11))
    assert [r.account_id for r in flagged] == [account.id]


def test_kept_promise_is_not_flagged(owing, clerk):
    account = owing()
    promise = act.make_promise(account.id, "50.00", days(10), clerk, today=days(3))
    record_payment(account.id, "50.00", clerk, entry_date=days(8))
    act.review(today=days(11))
    assert promise.__class__.get_by_id(promise.id).status == "kept"
    assert col.worklist_row(account.id, today=days(11)).flag == ""


def test_plan_installments_missed_and_caught(ladder, owing, clerk):
    account = owing()
    plan = act.create_plan(account.id, "120.00", 3, days(40), clerk, today=days(35),
                           render=letters.render)
    assert plan.agreement.startswith(b"%PDF")
    assert [i.amount for i in plan.schedule] == [D("40.00")] * 3
    record_payment(account.id, "40.00", clerk, entry_date=days(39))
    act.review(today=days(60))
    row = col.worklist_row(account.id, today=days(60))
    assert row.skip == "payment plan in good standing" and row.flag == ""
    act.review(today=days(71))  # the second installment was due on day 70
    row = col.worklist_row(account.id, today=days(71))
    assert row.flag == "installment missed" and row.skip == "" and row.follow_up_due
    assert row.proposed == "Reminder"
    assert [i.due_date for i in act.missed_installments(plan, days(71))] == [days(70)]
    record_payment(account.id, "80.00", clerk, entry_date=days(72))
    assert act.review(today=days(73))["completed"] == 1


def test_hand_off_and_write_off_need_a_supervisor(owing, clerk, supervisor):
    first, second = owing("First", "Fay"), owing("Second", "Sol")
    with pytest.raises(PermissionDenied):
        act.hand_off(first.id, "Acme Recovery", "no answer to final notice", clerk, today=days(130))
    with pytest.raises(PermissionDenied):
        act.write_off(second.id, "deceased, no estate", clerk, today=days(130))
    assert act.hand_off(first.id, "Acme Recovery", "no answer", supervisor, today=days(130)) == D("120.00")
    assert act.write_off(second.id, "deceased, no estate", supervisor, today=days(130)) == D("120.00")
    assert first.__class__.get_by_id(first.id).patient_balance == 0
    assert col.worklist_row(first.id, today=days(131)) is None  # nothing past due any more
    assert check_ledger() == []
    export = act.agency_export()
    assert export.splitlines()[1].startswith(f"{first.number},First,Fay,,,")
    assert export.splitlines()[1].endswith("Acme Recovery,2026-06-14,120.00,0.00,120.00")


def test_payment_after_write_off_is_a_recovery(owing, clerk, supervisor):
    account = owing(codes=(("99213", 1), ("36415", 1)))
    act.write_off(account.id, "skipped town", supervisor, today=days(130))
    payment = act.record_recovery(account.id, "100.00", clerk, reference="77", today=days(140))
    fresh = account.__class__.get_by_id(account.id)
    assert fresh.patient_balance == 0 and fresh.unapplied_credit == 0
    assert sum(left for _e, left in act.recoverable(account.id)) == D("35.00")
    assert payment.amount == D("100.00") and check_ledger() == []
    act.record_recovery(account.id, "50.00", clerk, method="cash", today=days(141))
    fresh = account.__class__.get_by_id(account.id)
    assert fresh.unapplied_credit == D("15.00") and not act.is_recovery(account.id)
    assert check_ledger() == []
    with pytest.raises(RuleError):
        act.record_recovery(account.id, "5.00", clerk, method="cash", today=days(142))


def test_agency_recovery_keeps_the_books(owing, supervisor):
    account = owing()
    act.hand_off(account.id, "Acme Recovery", "final notice unanswered", supervisor, today=days(125))
    act.record_recovery(account.id, "60.00", supervisor, method="eft", source="agency", today=days(160))
    assert check_ledger() == []
    assert act.agency_export().splitlines()[1].endswith("120.00,60.00,60.00")


def test_the_worklist_matches_a_hand_built_case(ladder, owing, clerk, supervisor):
    a = owing("Adams", "Amy")  # 120.00, due DUE
    b = owing("Brown", "Bob", codes=(("36415", 1),), posted=DAY0 + dt.timedelta(days=20))  # 15.00
    c = owing("Clark", "Cy", codes=(("80053", 2),), posted=DAY0 + dt.timedelta(days=50))  # 90.00
    owing("Dunn", "Di", posted=DAY0 + dt.timedelta(days=200))  # not yet due on the day
    today = days(65)
    dunning.confirm_stages([a.id], clerk, today=days(31))
    act.log_contact(b.id, "call", "left message", clerk, follow_up=today, today=days(40))
    act.make_promise(c.id, "45.00", days(70), clerk, today=days(60))
    act.assign([a.id, c.id], supervisor, clerk)
    # Follow-ups due today (or overdue, oldest first) come first, then the rest by follow-up date.
    rows = [(r.number, r.name, r.past_due, r.days, r.bucket, r.stage, r.last_contact_on, r.promise_due,
             r.next_follow_up, r.held_by, r.skip, r.proposed) for r in col.worklist(today=today)]
    assert rows == [
        (a.number, "Adams, Amy", D("120.00"), 65, "61-90", "Reminder", days(31), None, days(45),
         "super", "", "Second notice"),
        (b.number, "Brown, Bob", D("15.00"), 45, "31-60", "", days(40), None, today, "", "", "Reminder"),
        (c.number, "Clark, Cy", D("90.00"), 15, "1-30", "", None, days(70), days(71), "super", "", ""),
    ]
    by_amount = col.worklist(col.WorkFilter(sort="past_due", descending=True), today=today)
    assert [r.number for r in by_amount] == [a.number, c.number, b.number]
    assert [r.number for r in col.worklist(col.WorkFilter(text="bro"), today=today)] == [b.number]
    assert [r.number for r in col.worklist(col.WorkFilter(bucket="1-30"), today=today)] == [c.number]
    assert col.worklist_count(col.WorkFilter(show="follow_ups"), today=today) == 2
    assert col.worklist_count(col.WorkFilter(stage_id=0), today=today) == 2


def test_stage_ladder_rules(ladder, clerk, admin):
    with pytest.raises(PermissionDenied):
        col.save_stages([col.StageInput("Reminder", 30)], clerk)
    with pytest.raises(ValidationError) as caught:
        col.save_stages([col.StageInput("", 30), col.StageInput("Late", 20, "{nope}"),
                         col.StageInput("Agency", 40, "", "agency"), col.StageInput("After", 50)], admin)
    text = str(caught.value)
    for part in ("row 1, Name", "row 2, Days past due", "{nope} is not a placeholder",
                 "row 3, Action: the agency stage must be the last rung"):
        assert part in text
    renamed = [col.StageInput(s.name.upper(), s.days_past_due, s.letter_template, s.action, s.id)
               for s in col.stages()]
    col.save_stages(renamed[:1] + [col.StageInput("Call", 45)] + renamed[1:], admin)
    assert [(s.position, s.name) for s in col.stages()] == [
        (1, "REMINDER"), (2, "Call"), (3, "SECOND NOTICE"), (4, "FINAL NOTICE"), (5, "AGENCY")]


def test_a_stage_accounts_stand_on_cannot_be_removed(ladder, owing, clerk, admin):
    account = owing()
    dunning.confirm_stages([account.id], clerk, today=days(31))
    assert AccountCollection.get(AccountCollection.account == account.id).stage.name == "Reminder"
    with pytest.raises(RuleError, match="stand at stage 'Reminder'"):
        col.save_stages([col.StageInput("Later", 60)], admin)


def test_late_fees_where_turned_on(owing, clerk, admin, catalogue):
    from billing_desk.models import CatalogueItem, InvoiceLine
    from billing_desk.services.collections import collection_fees as fees
    from billing_desk.services.office.settings import set_setting

    CatalogueItem.create(code="LATEFEE", kind="fee", description="Late fee", unit_price=D("0.00"))
    account = owing()
    small = owing("Small", "Sue", codes=(("36415", 1),))
    assert fees.late_fees_due(today=days(45)) == []  # turned off
    for key, value in (("late_fee_enabled", True), ("late_fee_rate", "1.5"), ("late_fee_minimum", "5.00"),
                       ("late_fee_grace_days", 30)):
        set_setting(key, value, admin)
    assert fees.late_fees_due(today=days(29)) == []  # within the grace days
    assert fees.late_fees_due(today=days(45)) == [(account.id, D("5.00")), (small.id, D("5.00"))]
    set_setting("late_fee_minimum", "1.00", admin)
    assert fees.post_late_fees(clerk, today=days(45)) == [(account.id, D("1.80")), (small.id, D("1.00"))]
    line = InvoiceLine.get(InvoiceLine.code == "LATEFEE", InvoiceLine.amount == D("1.80"))
    assert line.patient_balance == D("1.80")
    assert fees.late_fees_due(today=days(60)) == []  # one a month, and never on fees
    assert [a for a, _f in fees.late_fees_due(today=days(76))] == [account.id, small.id]
    assert check_ledger() == []


def test_collections_reports_are_defined_once_for_every_output(ladder, owing, clerk):
    from billing_desk import reports
    from billing_desk.ui.collections.collection_reports import all_reports, pdf_bytes

    account = owing()
    act.log_contact(account.id, "call", "promised to pay", clerk, promise_amount="30.00",
                    promise_date=days(50), today=days(40))
    dunning.confirm_stages([account.id], clerk, today=days(41))
    act.create_plan(owing("Plan", "Paula").id, "120.00", 2, days(45), clerk, today=days(41))
    listing = reports.run("collection-list", reports.Params())  # the worklist as it stands today
    assert account.number in [r["account"] for r in listing.all_rows()] and listing.row_count() == 2
    promised = list(reports.run("promises-due", reports.Params(start=days(41), end=days(60))).all_rows())
    assert promised[0]["amount"] == D("30.00") and promised[0]["by"] == "clerk"
    plans = list(reports.run("payment-plans", reports.Params(as_of=days(76))).all_rows())
    assert plans[0]["missed"] == 2 and plans[0]["next_due"] == days(45)
    activity = reports.run("collections-activity", reports.Params(start=days(40), end=days(41)))
    assert list(activity.all_rows()) == [{"clerk": "clerk", "call": 1, "letter": 1, "other": 0, "promises": 1,
                                          "promised": D("30.00")}]
    assert activity.totals["promised"] == D("30.00")
    on_tab = all_reports(days(41))
    assert [r["account"] for r in on_tab["Collection list"].all_rows()] == \
        [r["account"] for r in listing.all_rows()]
    assert pdf_bytes(listing).startswith(b"%PDF")


def test_insurance_unpaid_past_n_days_per_payer(make_account, catalogue, clerk):
    from billing_desk.services.collections import collection_reports as reports

    account = _insured_account(make_account, catalogue, clerk)
    assert reports.insurance_unpaid(days=45, today=DAY0 + dt.timedelta(days=44)) == []
    (row,) = reports.insurance_unpaid(days=45, today=DAY0 + dt.timedelta(days=45))
    assert (row.payer, row.claims, row.unpaid, row.oldest) == ("Acme Health", 1, D("100.00"), DAY0)
    (claim,) = reports.insurance_unpaid_claims(row.payer_id, days=45, today=DAY0 + dt.timedelta(days=50))
    assert (claim["account"], claim["days"], claim["unpaid"]) == (account.number, 50, D("100.00"))


@pytest.mark.parametrize("action", ["write_off", "hand_off"])
def test_an_accounts_credit_is_used_before_its_balance_goes_to_bad_debt_or_the_agency(
        owing, clerk, supervisor, action):
    """probe3: an account owing $120.00 that holds $20.00 of credit had the whole $120.00 written
    off (or placed with the agency) and kept the $20.00 credit, to be refunded to a patient who
    owes: bad debt overstated by the credit. The credit pays the oldest items first, as on a
    statement; only what is left ($100.00) goes."""
    account = owing()
    line = account.invoices[0].lines[0]
    record_payment(account.id, "20.00", clerk, allocations=[(line.id, D("0"))], entry_date=days(100))
    assert account.__class__.get_by_id(account.id).unapplied_credit == D("20.00")
    if action == "write_off":
        gone = act.write_off(account.id, "skipped town", supervisor, today=days(130))
    else:
        gone = act.hand_off(account.id, "Acme Recovery", "no answer", supervisor, today=days(130))
    fresh = account.__class__.get_by_id(account.id)
    assert gone == D("100.00")
    assert fresh.patient_balance == 0 and fresh.unapplied_credit == 0
    assert check_ledger() == []
