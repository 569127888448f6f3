"""Payers kept by the office: each field checked and named, saved with an audit entry,
deactivated and brought back (never deleted), searched; category copays on plans."""

from decimal import Decimal as D

import pytest

from billing_desk.errors import ValidationError
from billing_desk.models import AuditEntry, Payer, PlanCopay
from billing_desk.services.books import payers, plans

pytestmark = pytest.mark.both_engines


def good(**changes) -> payers.PayerForm:
    form = payers.PayerForm(name="Blue Harbor", payer_id="bh123", address="PO Box 1, Boston MA 02101",
                            phone="617 555 0100", fax="617-555-0101", portal="https://pro.blueharbor.example",
                            timely_filing_days="90", claim_mode="e", member_id_pattern=r"BH\d{6}",
                            notes="Call for prior auth")
    for name, value in changes.items():
        setattr(form, name, value)
    return form


def fields_of(problems) -> set[str]:
    return {p.field for p in problems}


def test_a_good_payer_is_saved_cleaned_and_audited(db, admin):
    payer = payers.save_payer(None, good(), admin)
    payer = Payer.get_by_id(payer.id)
    assert (payer.payer_id, payer.phone, payer.fax) == ("BH123", "(617) 555-0100", "(617) 555-0101")
    assert (payer.claim_mode, payer.timely_filing_days, payer.active) == ("electronic", 90, True)
    entry = AuditEntry.select().where(AuditEntry.table == "payer").get()
    assert entry.action == "create" and entry.after["payer_id"] == "BH123" and entry.before is None


@pytest.mark.parametrize("field, value", [
    ("name", ""), ("payer_id", "BH-12!"), ("payer_id", ""), ("phone", "12"), ("fax", "abc"),
    ("portal", "not a site"), ("timely_filing_days", "ninety"), ("timely_filing_days", "0"),
    ("claim_mode", "fax"), ("member_id_pattern", "BH[0-9"),
])
def test_each_bad_field_is_named(db, field, value):
    assert fields_of(payers.validate_payer(good(**{field: value}))) == {field}


def test_paper_claims_need_an_address_but_no_payer_id(db):
    assert fields_of(payers.validate_payer(good(claim_mode="paper", payer_id="", address=""))) == {"address"}
    assert payers.validate_payer(good(claim_mode="p", payer_id="")) == []


def test_names_are_unique_ignoring_case_and_a_bad_save_writes_nothing(db, admin):
    first = payers.save_payer(None, good(), admin)
    with pytest.raises(ValidationError) as caught:
        payers.save_payer(None, good(name="BLUE HARBOR", phone="1"), admin)
    assert fields_of(caught.value.problems) == {"name", "phone"}
    assert Payer.select().count() == 1
    assert payers.validate_payer(good(notes="changed"), first.id) == []  # its own name is fine


def test_a_change_records_before_and_after(db, admin):
    payer = payers.save_payer(None, good(), admin)
    payers.save_payer(payer.id, good(timely_filing_days="180"), admin)
    entry = AuditEntry.select().where(AuditEntry.action == "update").get()
    assert (entry.before["timely_filing_days"], entry.after["timely_filing_days"]) == (90, 180)
    assert payers.payer_form(payer.id).timely_filing_days == "180"


def test_deactivate_and_reactivate_never_delete(db, admin):
    payer = payers.save_payer(None, good(), admin)
    payers.save_payer(None, good(name="Acme Health", payer_id="ACME1"), admin)
    payers.deactivate_payer(payer.id, admin)
    assert [p.name for p in payers.search_payers(include_inactive=False)] == ["Acme Health"]
    assert [p.name for p in payers.search_payers()] == ["Acme Health", "Blue Harbor"]
    payers.reactivate_payer(payer.id, admin)
    assert Payer.get_by_id(payer.id).active
    assert [e.action for e in AuditEntry.select().where(AuditEntry.record_id == payer.id,
                                                        AuditEntry.table == "payer")
            .order_by(AuditEntry.id)] == ["create", "deactivate", "reactivate"]


def test_search_by_name_or_payer_id(db, admin):
    payers.save_payer(None, good(), admin)
    payers.save_payer(None, good(name="Acme Health", payer_id="ACME1"), admin)
    assert [p.name for p in payers.search_payers("harb")] == ["Blue Harbor"]
    assert [p.name for p in payers.search_payers("acme1")] == ["Acme Health"]


def test_a_plan_sets_a_copay_for_a_category(db, admin, catalogue):
    catalogue["99213"].category = "Visits"
    catalogue["99213"].save()
    payers.save_payer(None, good(), admin)
    plan = plans.save_plan(None, {"payer": "Blue Harbor", "name": "PPO", "copay": "40"}, admin)
    assert plans.catalogue_categories() == ["Visits"]
    plans.set_category_copay(plan.id, "Visits", "25", False, admin)
    assert plans.category_copays(plan.id) == [("Visits", D("25.00"), False)]
    with pytest.raises(ValidationError, match="not a category"):
        plans.set_category_copay(plan.id, "Surgery", "10", False, admin)
    plans.set_category_copay(plan.id, "Visits", "", False, admin)
    assert PlanCopay.select().count() == 0


def test_a_payer_cannot_have_two_plans_of_one_name_and_a_change_keeps_covers_unlisted(db, admin):
    payers.save_payer(None, good(), admin)
    plan = plans.save_plan(None, {"payer": "Blue Harbor", "name": "PPO", "covers_unlisted": False}, admin)
    with pytest.raises(ValidationError) as caught:
        plans.save_plan(None, {"payer": "Blue Harbor", "name": "ppo"}, admin)
    assert [(p.field, p.message) for p in caught.value.problems] == [
        ("name", "Blue Harbor already has a plan named 'ppo'")]
    changed = plans.save_plan(plan.id, {"payer": "Blue Harbor", "name": "PPO", "copay": "30"}, admin)
    assert changed.copay == D("30.00") and changed.covers_unlisted is False
