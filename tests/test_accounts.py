"""Accounts as rules: every bad input named at its field and nothing stored; approval rights;
duplicates; search by each key; status changes with reasons; history from the audit trail."""

import datetime as dt
from decimal import Decimal

import pytest

from billing_desk.errors import PermissionDenied, RuleError, ValidationError
from billing_desk.models import Account, AuditEntry, Coverage, Guarantor, Payer, Plan
from billing_desk.services.accounts import account_page, registry

pytestmark = pytest.mark.both_engines

TODAY = dt.date(2026, 3, 1)


@pytest.fixture
def payers(db):
    lakes = Payer.create(name="Great Lakes Mutual", member_id_pattern=r"BPH\d{9}")
    Plan.create(payer=lakes, name="Choice 1000")
    Plan.create(payer=lakes, name="Basic")
    prairie = Payer.create(name="Prairie Health")
    Plan.create(payer=prairie, name="Standard")
    return lakes, prairie


def good_form(**extra) -> registry.AccountForm:
    values = dict(first_name="Ann", last_name="Smith", date_of_birth="01/02/1980", street="1 Main St",
                  city="Springfield", state="il", zip_code="62701", phone="217-555-0101",
                  email="Ann@Example.com")
    values.update(extra)
    return registry.AccountForm(**values)


def problems_of(form, **kwargs):
    with pytest.raises(ValidationError) as caught:
        registry.create_account(form, kwargs.pop("by"), today=TODAY)
    return {p.field: p.message for p in caught.value.problems}


@pytest.mark.parametrize("change, field, words", [
    ({"last_name": ""}, "last_name", "required"),
    ({"first_name": " "}, "first_name", "required"),
    ({"date_of_birth": ""}, "date_of_birth", "required"),
    ({"date_of_birth": "02/30/1980"}, "date_of_birth", "not a date that exists"),
    ({"date_of_birth": "04/01/2026"}, "date_of_birth", "future"),
    ({"zip_code": "6270"}, "zip_code", "5 or 9 digits"),
    ({"state": "XX"}, "state", "not a US state"),
    ({"phone": "12"}, "phone", "not a phone number"),
    ({"phone_alt": "555-01"}, "phone_alt", "not a phone number"),
    ({"email": "ann@"}, "email", "after the @"),
    ({"email": "", "statement_delivery": "email"}, "email", "need an email"),
    ({"payment_terms_days": "x"}, "payment_terms_days", "whole number"),
    ({"billing_cycle_day": "31"}, "billing_cycle_day", "at most 28"),
    ({"credit_limit": "1,2x"}, "credit_limit", ""),
    ({"credit_limit": "-5"}, "credit_limit", "negative"),
    ({"primary_payer": "Nobody Insurance", "primary_member_id": "1"}, "primary_payer", "no payer named"),
    ({"primary_payer": "Great Lakes Mutual", "primary_member_id": "BPH123456789"}, "primary_plan",
     "choose the Great Lakes Mutual plan"),
    ({"primary_payer": "Great Lakes Mutual", "primary_plan": "Gold", "primary_member_id": "BPH123456789"},
     "primary_plan", "no plan named"),
    ({"primary_payer": "Great Lakes Mutual", "primary_plan": "Basic", "primary_member_id": "X1"},
     "primary_member_id", "not a Great Lakes Mutual member id"),
    ({"primary_payer": "Prairie Health"}, "primary_member_id", "required"),
    ({"primary_payer": "Prairie Health", "primary_member_id": "P1", "primary_start_date": "05/01/2025",
      "primary_end_date": "01/01/2025"}, "primary_end_date", "ends before it starts"),
    ({"secondary_payer": "Prairie Health", "secondary_member_id": "P1"}, "secondary_payer", "primary"),
    ({"guarantor_relationship": "parent"}, "guarantor_last_name", "required"),
    ({"guarantor_last_name": "Smith", "guarantor_first_name": "Bo"}, "guarantor_relationship", "related"),
    ({"guarantor_relationship": "parent", "guarantor_last_name": "Smith", "guarantor_first_name": "Bo",
      "guarantor_zip_code": "1"}, "guarantor_zip_code", "5 or 9 digits"),
])
def test_every_bad_input_is_named_at_its_field_and_nothing_is_stored(payers, clerk, change, field, words):
    found = problems_of(good_form(**change), by=clerk)
    assert field in found, found
    assert words in found[field]
    assert Account.select().count() == 0 and Coverage.select().count() == 0
    assert Guarantor.select().count() == 0
    assert AuditEntry.select().where(AuditEntry.action == "create").count() == 0


def test_customer_accounts_have_no_insurance(payers, clerk):
    form = good_form(kind="customer", organization="Acme Roofing", date_of_birth="",
                     primary_payer="Prairie Health", primary_member_id="P1")
    found = problems_of(form, by=clerk)
    assert "customer account has no insurance" in found["primary_payer"]
    ok = registry.create_account(good_form(kind="customer", organization="Acme Roofing",
                                           date_of_birth="", first_name="", last_name=""), clerk)
    assert ok.display_name == "Acme Roofing"


def test_a_full_form_stores_account_guarantor_and_coverages(payers, clerk):
    form = good_form(guarantor_relationship="parent", guarantor_first_name="Bo",
                     guarantor_last_name="Smith", guarantor_phone="2175550199",
                     primary_payer="great lakes mutual", primary_plan="choice 1000",
                     primary_member_id="BPH123456789", primary_group_number="G1",
                     primary_start_date="01/01/2025", secondary_payer="Prairie Health",
                     secondary_member_id="P-77", credit_limit="1,500.00")
    account = registry.create_account(form, clerk, today=TODAY)
    assert account.status == "pending" and account.state == "IL" and account.email == "ann@example.com"
    assert account.phone == "(217) 555-0101" and account.credit_limit == Decimal("1500.00")
    guarantor = account.guarantor
    assert (guarantor.first_name, guarantor.relationship, guarantor.street) == ("Bo", "parent", "1 Main St")
    cover = {c.rank: c for c in account.coverages}
    assert cover["primary"].plan.name == "Choice 1000" and cover["primary"].subscriber_name == "Ann Smith"
    assert cover["secondary"].plan.name == "Standard"  # the payer's only plan
    # A sibling on the same guarantor shares it (a family shares one responsible party).
    sibling = registry.create_account(good_form(first_name="Cy", phone="217-555-0102",
                                                guarantor_relationship="parent", guarantor_first_name="bo",
                                                guarantor_last_name="SMITH", guarantor_phone="217 555 0199"),
                                      clerk, today=TODAY)
    assert sibling.guarantor_id == guarantor.id and Guarantor.select().count() == 1


def test_approval_rights_are_enforced_by_the_service(clerk, supervisor):
    account = registry.create_account(good_form(), clerk)
    with pytest.raises(PermissionDenied, match="supervisor"):
        registry.approve_account(account.id, clerk)
    with pytest.raises(PermissionDenied):
        registry.return_account(account.id, clerk, "fix the zip")
    assert Account.get_by_id(account.id).status == "pending"
    with pytest.raises(ValidationError, match="needs fixing"):
        registry.return_account(account.id, supervisor, "")
    registry.return_account(account.id, supervisor, "ZIP looks wrong")
    assert Account.get_by_id(account.id).status_reason == "returned: ZIP looks wrong"
    approved = registry.approve_account(account.id, supervisor, "checked")
    assert approved.status == "active" and approved.approved_by_id == supervisor.id
    with pytest.raises(RuleError, match="cannot be approved"):
        registry.approve_account(account.id, supervisor)


def test_pending_and_closed_accounts_cannot_be_invoiced(clerk, supervisor):
    account = registry.create_account(good_form(), clerk)
    with pytest.raises(RuleError, match="pending"):
        registry.can_invoice(account)
    registry.can_invoice(registry.approve_account(account.id, supervisor))


def test_a_duplicate_is_caught_by_name_and_birth_date_or_by_phone(clerk):
    first = registry.create_account(good_form(), clerk)
    with pytest.raises(registry.DuplicateFound) as caught:
        registry.create_account(good_form(phone="217-555-0999"), clerk, refuse_duplicates=True)
    assert [a.number for a in caught.value.accounts] == [first.number]
    with pytest.raises(registry.DuplicateFound):
        registry.create_account(good_form(first_name="Zed", phone="(217) 555-0101"), clerk,
                                refuse_duplicates=True)
    assert Account.select().count() == 1
    again = registry.create_account(good_form(phone="217-555-0999"), clerk, refuse_duplicates=True,
                                    reviewed=[first.number])
    assert again.duplicates_reviewed == first.number
    checks = {i.label: i for i in account_page.approval_checklist(again.id).items}
    reviewed = checks["Duplicates reviewed"]
    assert reviewed.ok and "reviewed by the clerk" in reviewed.detail


def test_search_finds_by_each_key(payers, clerk):
    ann = registry.create_account(good_form(primary_payer="Prairie Health", primary_member_id="ZX-4411"),
                                  clerk)
    registry.create_account(good_form(first_name="Bob", last_name="Jones", date_of_birth="03/04/1970",
                                      phone="312-555-0000", email="bob@example.org"), clerk)

    def numbers(text):
        return [a.number for a in registry.search_accounts(text)]

    for key in ("smi", "Smith, A", ann.number, "217-555-0101", "(217) 555-0101", "01/02/1980",
                "1980-01-02", "ann@example.com", "ZX-4411", "zx-4411"):
        assert numbers(key) == [ann.number], key
        assert registry.count_accounts(key) == 1
    assert len(numbers("")) == 2
    assert numbers("nobody") == []


def test_changes_show_in_the_history_with_who_and_what(payers, clerk, supervisor):
    account = registry.create_account(good_form(), clerk)
    form = registry.form_from_account(account)
    form.city, form.phone = "Salem", "217-555-0177"
    form.primary_payer, form.primary_member_id = "Prairie Health", "P-1"
    registry.update_account(account.id, form, supervisor)
    changed = Account.get_by_id(account.id)
    assert changed.city == "Salem" and changed.phone == "(217) 555-0177"
    entries = account_page.history(account.id)
    update = next(e for e in entries if e.action == "update" and e.table == "account")
    assert update.username == "super"
    assert "city: Springfield → Salem" in account_page.describe_change(update)
    assert any("added primary insurance P-1" in e.summary for e in entries)
    # The same member id again changes nothing; a new one ends the old coverage.
    form = registry.form_from_account(changed)
    form.primary_member_id = "P-2"
    registry.update_account(account.id, form, clerk)
    active = registry.active_coverages(account.id)
    assert active["primary"].member_id == "P-2"
    assert Coverage.select().where(Coverage.account == account.id).count() == 2


def test_bad_change_stores_nothing(clerk):
    account = registry.create_account(good_form(), clerk)
    form = registry.form_from_account(account)
    form.city, form.zip_code = "Salem", "1"
    with pytest.raises(ValidationError, match="ZIP: "):
        registry.update_account(account.id, form, clerk)
    assert Account.get_by_id(account.id).city == "Springfield"


def test_deactivate_reactivate_close_need_reasons_and_closing_a_balance_asks(make_account, admin):
    account = make_account()
    with pytest.raises(ValidationError, match="reason"):
        registry.deactivate_account(account.id, " ", admin)
    registry.deactivate_account(account.id, "moved away", admin)
    registry.reactivate_account(account.id, "came back", admin)
    Account.update(patient_balance=Decimal("42.50")).where(Account.id == account.id).execute()
    with pytest.raises(RuleError, match=r"\$42.50"):
        registry.close_account(account.id, "left", admin)
    asked = []
    with pytest.raises(RuleError):
        registry.close_account(account.id, "left", admin, confirm_balance=lambda owed: asked.append(owed))
    assert asked == ["$42.50"] and Account.get_by_id(account.id).status == "active"
    closed = registry.close_account(account.id, "left", admin, confirm_balance=lambda owed: True)
    assert closed.status == "closed" and closed.status_reason == "left"
    actions = [e.action for e in account_page.history(account.id)]
    assert actions[:3] == ["close", "reactivate", "deactivate"]


def test_batch_counts_what_was_entered(clerk):
    batch = registry.start_batch(2, clerk)
    registry.create_account(good_form(), clerk, batch_id=batch.id)
    assert registry.batch_count(batch.id) == (1, 2)
    with pytest.raises(ValidationError):
        registry.start_batch(0, clerk)


def test_oldest_bucket():
    assert registry.oldest_bucket(None) == ""
    assert registry.oldest_bucket("2026-01-01", dt.date(2026, 1, 20)) == "1-30"
    assert registry.oldest_bucket(dt.date(2025, 1, 1), dt.date(2026, 1, 20)) == "120+"


def test_a_save_over_a_change_made_at_another_workstation_is_refused(db, admin, make_account):
    from billing_desk.errors import StaleRecordError

    account = make_account()
    mine = registry.form_from_account(registry.get_account(account.id))
    theirs = registry.form_from_account(registry.get_account(account.id))
    theirs.phone = "212-555-7777"
    registry.update_account(account.id, theirs, admin)  # the other clerk saves first
    mine.street = "9 Oak Street"
    with pytest.raises(StaleRecordError, match="Account .* was changed on another "
                       "screen or workstation .* after this screen showed it: nothing was saved"):
        registry.update_account(account.id, mine, admin)
    assert registry.get_account(account.id).street != "9 Oak Street"
    again = registry.form_from_account(registry.get_account(account.id))
    again.street = "9 Oak Street"
    saved = registry.update_account(account.id, again, admin)
    assert (saved.street, saved.phone) == ("9 Oak Street", "(212) 555-7777")
