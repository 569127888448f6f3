"""Issue 22: a clerk whose screen shows stale data is told when saving, not silently overwritten.

Every screen that edits a saved record hands back the version it showed (services.office.stale);
here two clerks load the same record, one saves, the other's save is refused with the record
named in the clerk's words, who changed it, and nothing saved; after a reload the save goes in.
"""

from __future__ import annotations

import datetime as dt

import pytest
from claims_fixtures import insured, office  # noqa: F401

from billing_desk.errors import StaleRecordError
from billing_desk.models import AuditEntry, CatalogueItem, Payer, Plan
from billing_desk.services.books import catalogue as cat, invoices, payers, plans, remit_codes
from billing_desk.services.claims import identity
from billing_desk.services.collections import worklist as col
from billing_desk.services.office import settings, stale, users
from billing_desk.services.orders import order_forms
from billing_desk.services.review import review

pytestmark = pytest.mark.both_engines

DAY = dt.date(2026, 3, 2)
REFUSED = r"was changed on another screen or workstation.*after this screen showed it: nothing was saved"


def refused(what: str):
    return pytest.raises(StaleRecordError, match=f"{what} {REFUSED}")


def audit_count() -> int:
    return AuditEntry.select().count()


def test_a_payer_saved_over_a_newer_one_is_refused(db, admin, clerk):
    payer = payers.save_payer(None, payers.PayerForm(name="Blue Harbor", payer_id="BH123"), admin)
    mine, theirs = payers.payer_version(payer.id), payers.payer_version(payer.id)
    payers.save_payer(payer.id, payers.PayerForm(name="Blue Harbor", payer_id="BH123",
                                                 phone="617 555 0100"), clerk, loaded_as=theirs)
    entries = audit_count()
    with pytest.raises(StaleRecordError, match=f"Payer Blue Harbor {REFUSED}") as exc:
        payers.save_payer(payer.id, payers.PayerForm(name="Blue Harbor", payer_id="BH123",
                                                     notes="call first"), admin, loaded_as=mine)
    assert "Carla Clerk" in str(exc.value)  # the audit trail knows who
    assert "reload" in str(exc.value)
    kept = Payer.get_by_id(payer.id)
    assert (kept.phone, kept.notes, audit_count()) == ("(617) 555-0100", "", entries)
    again = payers.payer_version(payer.id)
    payers.save_payer(payer.id, payers.PayerForm(name="Blue Harbor", payer_id="BH123",
                                                 phone="617 555 0100", notes="call first"),
                      admin, loaded_as=again)
    assert Payer.get_by_id(payer.id).notes == "call first"


def test_deactivating_a_payer_another_clerk_changed_is_refused(db, admin, clerk):
    payer = payers.save_payer(None, payers.PayerForm(name="Blue Harbor", payer_id="BH123"), admin)
    shown = payers.payer_version(payer.id)
    payers.save_payer(payer.id, payers.PayerForm(name="Blue Harbour", payer_id="BH123"), clerk,
                      loaded_as=shown)
    with refused("Payer Blue Harbour"):
        payers.set_active(payer.id, False, admin, loaded_as=shown)
    assert Payer.get_by_id(payer.id).active


def test_a_plan_saved_over_a_newer_one_is_refused(db, admin, clerk):
    payers.save_payer(None, payers.PayerForm(name="Blue Harbor", payer_id="BH123"), admin)
    plan = plans.save_plan(None, {"payer": "Blue Harbor", "name": "PPO", "copay": "20"}, admin)
    mine, theirs = plans.plan_version(plan.id), plans.plan_version(plan.id)
    plans.save_plan(plan.id, {"payer": "Blue Harbor", "name": "PPO", "copay": "25"}, clerk,
                    loaded_as=theirs)
    with refused("Plan Blue Harbor PPO"):
        plans.save_plan(plan.id, {"payer": "Blue Harbor", "name": "PPO", "copay": "20",
                                  "deductible": "500"}, admin, loaded_as=mine)
    kept = Plan.get_by_id(plan.id)
    assert (str(kept.copay), str(kept.deductible)) == ("25.00", "0.00")


def test_a_catalogue_item_and_a_fee_saved_over_newer_ones_are_refused(db, admin, clerk, catalogue):
    mine, theirs = cat.item_version("99213"), cat.item_version("99213")
    row = {"code": "99213", "kind": "procedure", "description": "Office visit, level 3",
           "unit_price": "125.00"}
    cat.save_item(row, clerk, loaded_as=theirs)
    with refused("Catalogue item 99213"):
        cat.save_item(dict(row, unit_price="130.00"), admin, loaded_as=mine)
    assert str(CatalogueItem.get(CatalogueItem.code == "99213").unit_price) == "125.00"
    # A new code another clerk added meanwhile is not overwritten either.
    new = cat.item_version("99999")
    cat.save_item(dict(row, code="99999", description="Theirs"), clerk, loaded_as=new)
    with refused("Catalogue item 99999"):
        cat.save_item(dict(row, code="99999", description="Mine"), admin, loaded_as=new)
    payers.save_payer(None, payers.PayerForm(name="Blue Harbor", payer_id="BH123"), admin)
    shown = cat.fee_version("Blue Harbor", "99213")
    cat.save_fee("Blue Harbor", "99213", "80.00", clerk, loaded_as=shown)
    with refused("The allowed amount of Blue Harbor for 99213"):
        cat.save_fee("Blue Harbor", "99213", "", admin, loaded_as=shown)  # not even a removal
    assert [fee for name, fee in cat.fees_for(catalogue["99213"].id) if name == "Blue Harbor"] == [
        pytest.approx(80)]


def test_a_provider_and_the_billing_identity_saved_over_newer_ones_are_refused(db, admin, clerk):
    from claims_fixtures import IDENTITY

    doctor = identity.add_provider(identity.ProviderInput("Doe", "Jan", npi="1234567893",
                                                          taxonomy="207Q00000X"), admin)
    mine, theirs = identity.provider_version(doctor.id), identity.provider_version(doctor.id)
    doe = lambda first: identity.ProviderInput("Doe", first, npi="1234567893", taxonomy="207Q00000X")
    identity.update_provider(doctor.id, doe("Janet"), clerk, loaded_as=theirs)
    with refused("Provider Doe, Janet"):
        identity.update_provider(doctor.id, doe("Jane"), admin, loaded_as=mine)
    assert identity.get_provider(doctor.id).first_name == "Janet"

    identity.save_billing_identity(identity.BillingIdentity(**IDENTITY), admin)
    mine, theirs = identity.identity_version(), identity.identity_version()
    identity.save_billing_identity(identity.BillingIdentity(**dict(IDENTITY, phone="217 555 0199")),
                                   admin, loaded_as=theirs)
    with pytest.raises(StaleRecordError, match=f"The office's billing identity {REFUSED}") as exc:
        identity.save_billing_identity(identity.BillingIdentity(**dict(IDENTITY, city="Decatur")),
                                       admin, loaded_as=mine)
    assert "(last by Administrator at " in str(exc.value)
    assert (identity.billing_identity().city, identity.billing_identity().phone) == (
        "Springfield", "217 555 0199")


def test_an_order_saved_over_a_newer_one_is_refused(db, admin, clerk, catalogue, make_account):
    account = make_account(last="Acme", first="Bob")
    Line = order_forms.OrderLineInput
    order = order_forms.save_order(order_forms.OrderForm(account_id=account.id, order_date=DAY,
                                                         lines=[Line("99213", 1)]), clerk)
    mine, theirs = order_forms.order_version(order.id), order_forms.order_version(order.id)
    order_forms.save_order(order_forms.OrderForm(account_id=account.id, order_date=DAY,
                                                 lines=[Line("99213", 2)]), clerk, order.id, loaded_as=theirs)
    with refused(f"Order {order.number}"):
        order_forms.save_order(order_forms.OrderForm(account_id=account.id, order_date=DAY,
                                                     po_number="P-1", lines=[Line("36415", 1)]),
                               admin, order.id, loaded_as=mine)
    lines = order_forms.order_lines(order.id)
    assert [(l.item.code, l.quantity) for l in lines] == [("99213", 2)]
    assert order_forms.get_order(order.id).po_number == ""


def test_a_draft_invoice_saved_over_a_newer_one_is_refused(db, clerk, catalogue, make_account):
    account = make_account()
    Draft, Line = invoices.InvoiceDraft, invoices.LineInput
    draft = invoices.save_draft(Draft(account.id, DAY, [Line("99213")]), clerk)
    mine, theirs = invoices.draft_version(draft.id), invoices.draft_version(draft.id)
    invoices.save_draft(Draft(account.id, DAY, [Line("99213"), Line("36415")]), clerk,
                        invoice_id=draft.id, loaded_as=theirs)
    with refused(f"The draft invoice for account {account.number}"):
        invoices.save_draft(Draft(account.id, DAY, [Line("80053")]), clerk, invoice_id=draft.id,
                            loaded_as=mine)
    assert [l.code for l in invoices.Invoice.get_by_id(draft.id).lines] == ["99213", "36415"]


def test_settings_saved_over_newer_ones_are_refused(db, admin, supervisor):
    keys = [s.key for s in settings.settings_in("Billing review")]
    mine, theirs = settings.settings_version(keys), settings.settings_version(keys)
    typed = {key: settings.get_setting(key) for key in keys}
    settings.save_settings(dict(typed, review_days_in_ar_max="35"), admin, loaded_as=theirs)
    # the stale screen still shows 40 days and changes another threshold: 40 would come back
    with refused("The setting 'Review days in ar max'"):
        settings.save_settings(dict(typed, review_over_90_max="12"), admin, loaded_as=mine)
    assert (settings.get_setting("review_days_in_ar_max"), settings.get_setting("review_over_90_max")) == (
        35, "15")

    keys = ["appeal_letter_template"]
    shown = settings.settings_version(keys)
    settings.save_settings({"appeal_letter_template": "Please review claim {claim}."}, admin,
                           loaded_as=shown)
    with refused("The setting 'Appeal letter'"):
        settings.save_settings({"appeal_letter_template": "Mine: {claim}."}, admin, loaded_as=shown)
    assert settings.get_setting("appeal_letter_template") == "Please review claim {claim}."


def test_collection_stages_saved_over_newer_ones_are_refused(db, admin):
    col.save_stages([col.StageInput("Reminder", 30)], admin)
    mine, theirs = col.stages_version(), col.stages_version()
    first = col.stages()[0]
    col.save_stages([col.StageInput("Reminder", 30, stage_id=first.id), col.StageInput("Call", 60)],
                    admin, loaded_as=theirs)
    with refused("The collection stages"):
        col.save_stages([col.StageInput("Friendly reminder", 30, stage_id=first.id)], admin, loaded_as=mine)
    assert [s.name for s in col.stages()] == ["Reminder", "Call"]


def test_a_user_changed_over_a_newer_change_is_refused(db, admin, clerk):
    mine, theirs = users.user_version(clerk.id), users.user_version(clerk.id)
    users.update_user(admin, clerk.id, role="supervisor", loaded_as=theirs)
    with refused("User clerk"):
        users.update_user(admin, clerk.id, active=False, loaded_as=mine)
    kept = users.reload_user(clerk.id)
    assert (kept.role, kept.active) == ("supervisor", True)


def test_a_sign_in_is_no_change_to_the_users_screen(db, admin, clerk):
    from billing_desk.models import User

    shown = users.user_version(clerk.id)
    User.update(failed_attempts=2).where(User.id == clerk.id).execute()
    users.update_user(admin, clerk.id, full_name="Carla Clerk-Smith", loaded_as=shown)
    assert users.reload_user(clerk.id).full_name == "Carla Clerk-Smith"


def test_remit_code_and_review_notes_saved_over_newer_ones_are_refused(db, admin, clerk):
    shown = remit_codes.code_version("CARC", "CO-45")
    remit_codes.set_description("CARC", "CO-45", "Over the fee schedule", clerk, loaded_as=shown)
    with refused("CARC code CO-45"):
        remit_codes.set_description("CARC", "CO-45", "Mine", admin, loaded_as=shown)
    assert remit_codes.describe("CARC", "CO-45") == "Over the fee schedule"

    start, end = dt.date(2026, 1, 1), dt.date(2026, 3, 31)
    shown = review.notes_version(start, end)
    review.save_notes(start, end, "Denials up: call Blue Harbor", clerk, loaded_as=shown)
    with refused("The billing review's notes for 01/01/2026-03/31/2026"):
        review.save_notes(start, end, "All fine", admin, loaded_as=shown)
    assert review.notes_for(start, end) == "Denials up: call Blue Harbor"


def test_no_version_checks_nothing_and_an_unchanged_record_saves(db, admin):
    """A command or an import hands no version; a screen whose record did not change saves."""
    payer = payers.save_payer(None, payers.PayerForm(name="Blue Harbor", payer_id="BH123"), admin)
    shown = payers.payer_version(payer.id)
    payers.save_payer(payer.id, payers.PayerForm(name="Blue Harbor", payer_id="BH124"), admin)
    payers.save_payer(payer.id, payers.PayerForm(name="Blue Harbor", payer_id="BH125"), admin,
                      loaded_as=payers.payer_version(payer.id))
    assert shown != payers.payer_version(payer.id)
    assert stale.version(Payer, None) == ""


def test_a_claim_correction_over_a_claim_changed_since_is_refused(insured, admin, clerk):
    from claims_fixtures import only_claim, post

    from billing_desk.models import Claim
    from billing_desk.services.accounts import claim_lists, denial_lists
    from billing_desk.services.claims import claim_status

    claim = only_claim(post(insured(), admin))
    claim_status.submit([claim.id], "electronic", admin)
    claim_status.mark_denied(claim.id, "CO16 claim lacks information", admin)
    (row,) = [r for r in denial_lists.worklist() if r.claim_id == claim.id]
    (listed,) = [r for r in claim_lists.rows(claim_lists.claims_query()) if r.claim_id == claim.id]
    assert row.version == listed.version != ""
    claim_status.set_payer_claim_number(claim.id, "BP-1", clerk, loaded_as=listed.version)
    with refused(f"Claim {claim.control_number}"):
        claim_status.resubmit(claim.id, "corrected the code", admin, loaded_as=row.version)
    assert Claim.get_by_id(claim.id).status == "denied"
    assert Claim.select().where(Claim.replaces == claim.id).count() == 0
    with refused(f"Claim {claim.control_number}"):
        claim_status.close(claim.id, admin, "nothing more", loaded_as=listed.version)
    (again,) = [r for r in denial_lists.worklist() if r.claim_id == claim.id]
    replacement = claim_status.resubmit(claim.id, "corrected the code", admin, loaded_as=again.version)
    assert replacement.replaces_id == claim.id


def test_a_collections_hold_or_take_over_a_change_made_since_is_refused(db, admin, clerk, make_account):
    from billing_desk.services.collections import collection_actions as actions

    account = make_account()
    shown_hold, shown_holder = actions.hold_version("", ""), actions.holder_version("")
    actions.set_hold(account.id, "dispute", "says the visit was free", clerk, loaded_as=shown_hold)
    with refused(f"The dunning hold of account {account.number}"):
        actions.set_hold(account.id, "", "", admin, loaded_as=shown_hold)  # would lift theirs
    assert col.standing(account.id).hold == "dispute"
    actions.assign([account.id], clerk, clerk, loaded_as=shown_holder)
    with refused(f"Who holds the collections of account {account.number}"):
        actions.assign([account.id], admin, admin, loaded_as=shown_holder)
    assert col.standing(account.id).held_by_id == clerk.id
    actions.set_hold(account.id, "", "", admin,
                     loaded_as=actions.hold_version("dispute", "says the visit was free"))
    assert col.standing(account.id).hold == ""


def test_a_plan_rule_a_category_copay_and_amounts_met_over_newer_ones_are_refused(db, admin, clerk,
                                                                                  catalogue, make_account):
    from billing_desk.models import Coverage

    CatalogueItem.update(category="lab").where(CatalogueItem.code == "36415").execute()
    payers.save_payer(None, payers.PayerForm(name="Blue Harbor", payer_id="BH123"), admin)
    plan = plans.save_plan(None, {"payer": "Blue Harbor", "name": "PPO", "copay": "20"}, admin)
    (shown,) = [rule for code, _d, rule in plans.plan_rules(plan.id) if code == "99213"]
    plans.set_rule(plan.id, "99213", "p", clerk, loaded_as=plans.rule_version_of(shown))
    with refused("The rule for 99213 under plan Blue Harbor PPO"):
        plans.set_rule(plan.id, "99213", "n", admin, loaded_as=plans.rule_version_of(shown))
    assert [r for c, _d, r in plans.plan_rules(plan.id) if c == "99213"] == ["prior_auth"]

    none_yet = plans.copay_version_of(None, None)
    plans.set_category_copay(plan.id, "lab", "5", True, clerk, loaded_as=none_yet)
    with refused("The lab copay of plan Blue Harbor PPO"):
        plans.set_category_copay(plan.id, "lab", "", False, admin, loaded_as=none_yet)
    ((_c, copay, applies),) = plans.category_copays(plan.id)
    plans.set_category_copay(plan.id, "lab", "7", False, admin,
                             loaded_as=plans.copay_version_of(copay, applies))
    assert str(plans.category_copays(plan.id)[0][1]) == "7.00"

    coverage = Coverage.create(account=make_account(), plan=plan, rank="primary", member_id="BH1")
    shown = plans.met_version(Coverage.get_by_id(coverage.id))
    plans.set_met(coverage.id, "100", "100", clerk, loaded_as=shown)
    with refused("The amounts met of Blue Harbor PPO"):
        plans.set_met(coverage.id, "50", "50", admin, loaded_as=shown)
    assert str(Coverage.get_by_id(coverage.id).deductible_met) == "100.00"


def test_resolving_a_case_another_clerk_resolved_since_is_refused(db, admin, clerk, make_account):
    from billing_desk.services.accounts import cases

    case = cases.open_case(make_account().id, "Why two bills?", clerk)
    (shown,) = cases.account_cases(case.account_id)
    cases.resolve_case(case.id, "The first was a copy", clerk, loaded_as=cases.case_version(shown))
    with refused("Case 'Why two bills\\?'"):
        cases.resolve_case(case.id, "Refunded", admin, loaded_as=cases.case_version(shown))
    assert cases.account_cases(case.account_id)[0].resolution == "The first was a copy"
    with refused("Case 'Why two bills\\?'"):
        cases.reassign_case(case.id, admin, admin, loaded_as=cases.case_version(shown))


def test_the_usual_provider_and_the_backup_folder_chosen_over_newer_ones_are_refused(db, admin,
                                                                                     supervisor):
    def rendering(last):
        return identity.add_provider(identity.ProviderInput(
            last_name=last, first_name="Jane", npi="1234567893" if last == "Doe" else "1245319599",
            taxonomy="207Q00000X", role="rendering"), admin)

    doe, roe = rendering("Doe"), rendering("Roe")
    mine, theirs = identity.usual_provider_version(), identity.usual_provider_version()
    identity.set_usual_rendering_provider(roe.id, supervisor, loaded_as=theirs)
    entries = audit_count()
    with pytest.raises(StaleRecordError, match=f"The usual rendering provider {REFUSED}") as exc:
        identity.set_usual_rendering_provider(doe.id, admin, loaded_as=mine)
    assert "Sid Supervisor" in str(exc.value)
    assert (identity.usual_rendering_provider().id, audit_count()) == (roe.id, entries)
    identity.set_usual_rendering_provider(doe.id, admin, loaded_as=identity.usual_provider_version())
    assert identity.usual_rendering_provider().id == doe.id

    shown = settings.settings_version(["backup_folder"])
    settings.set_setting("backup_folder", "/mnt/usb", supervisor, loaded_as=shown)
    with refused("The office's backup folder"):
        settings.set_setting("backup_folder", "/mnt/share", admin, loaded_as=shown,
                             what="The office's backup folder")
    assert settings.get_setting("backup_folder") == "/mnt/usb"
    settings.set_setting("backup_folder", "/mnt/share", admin)  # a command hands no version
    assert settings.get_setting("backup_folder") == "/mnt/share"


def test_a_printer_offset_kept_over_a_newer_one_is_refused(db, admin, supervisor):
    from billing_desk.services.claims import alignment

    mine, theirs = alignment.offset_version("Front desk"), alignment.offset_version("Front desk")
    other = alignment.offset_version("Back office")
    alignment.set_printer_offset("Front desk", "0.10", "-0.05", supervisor, loaded_as=theirs)
    with refused("The CMS-1500 alignment for printer Front desk") as exc:
        alignment.set_printer_offset("Front desk", "0.20", "0", admin, loaded_as=mine)
    assert "last by" in str(exc.value)
    assert alignment.printer_offset("Front desk") == (dt_decimal("0.10"), dt_decimal("-0.05"))
    alignment.set_printer_offset("Back office", "0.05", "0", admin, loaded_as=other)  # another printer
    alignment.set_printer_offset("Front desk", "0.20", "0", admin,
                                 loaded_as=alignment.offset_version("Front desk"))
    assert alignment.printer_offset("Front desk") == (dt_decimal("0.20"), dt_decimal("0.00"))


def dt_decimal(text: str):
    from decimal import Decimal

    return Decimal(text)


def test_a_password_reset_or_unlock_over_a_newer_change_is_refused(db, admin, clerk):
    from billing_desk.services.office.auth import check_password

    listed = users.list_users()
    (row,) = [u for u in listed if u.id == clerk.id]
    users.reset_password(admin, clerk.id, "Temporary-1234", "Temporary-1234",
                         loaded_as=users.password_version(clerk.id))  # another administrator
    with refused(f"User {clerk.username}"):
        users.reset_password(admin, clerk.id, "Other-temp-5678", "Other-temp-5678",
                             loaded_as=users.password_version(row))
    from billing_desk.models import User

    assert check_password("Temporary-1234", User.get_by_id(clerk.id).password_hash)
    shown = users.user_version(clerk.id)
    users.update_user(admin, clerk.id, active=False, loaded_as=shown)
    with refused(f"User {clerk.username}"):
        users.unlock_user(admin, clerk.id, loaded_as=shown)
    users.unlock_user(admin, clerk.id, loaded_as=users.user_version(clerk.id))


def test_account_status_changes_over_another_clerks_are_refused(db, admin, supervisor, make_account):
    from billing_desk.services.accounts import registry

    account = make_account()
    shown = registry.status_version(account.id)
    registry.deactivate_account(account.id, "moved away", supervisor, loaded_as=shown)
    registry.reactivate_account(account.id, "came back", supervisor,
                                loaded_as=registry.status_version(account.id))
    with refused(f"Account {account.number}"):  # active again, but not the account shown
        registry.deactivate_account(account.id, "duplicate", admin, loaded_as=shown)
    shown = registry.status_version(account.id)
    registry.deactivate_account(account.id, "moved away", supervisor, loaded_as=shown)
    with refused(f"Account {account.number}"):  # close is allowed from inactive: it would overwrite
        registry.close_account(account.id, "asked to close", admin, loaded_as=shown)
    with refused(f"Account {account.number}"):
        registry.reactivate_account(account.id, "back", admin, loaded_as=shown)
    assert registry.get_account(account.id).status_reason == "moved away"
    registry.close_account(account.id, "asked to close", admin,
                           loaded_as=registry.status_version(account.id))
    assert registry.get_account(account.id).status == "closed"


def test_approving_an_account_another_supervisor_returned_is_refused(db, admin, supervisor, clerk,
                                                                     make_account):
    from billing_desk.models import Account
    from billing_desk.services.accounts import registry

    account = make_account()
    Account.update(status="pending").where(Account.id == account.id).execute()
    shown = registry.status_version(account.id)
    registry.return_account(account.id, supervisor, "date of birth?", loaded_as=shown)
    with refused(f"Account {account.number}"):
        registry.approve_account(account.id, admin, loaded_as=shown)
    with refused(f"Account {account.number}"):
        registry.return_account(account.id, admin, "insurance card?", loaded_as=shown)
    kept = registry.get_account(account.id)
    assert (kept.status, kept.status_reason) == ("pending", "returned: date of birth?")
    registry.approve_account(account.id, admin, loaded_as=registry.status_version(account.id))
    assert registry.get_account(account.id).status == "active"


def test_reopening_a_case_resolved_again_since_or_a_status_note_over_a_change_is_refused(
        db, admin, clerk, make_account):
    from billing_desk.models import CaseNote
    from billing_desk.services.accounts import cases

    case = cases.open_case(make_account().id, "Why two bills?", clerk)
    cases.resolve_case(case.id, "The first was a copy", clerk)
    (shown,) = cases.account_cases(case.account_id)
    cases.reopen_case(case.id, "they called again", clerk, loaded_as=cases.case_version(shown))
    cases.resolve_case(case.id, "Refunded the second", clerk)
    notes = CaseNote.select().count()
    with refused("Case 'Why two bills\\?'"):  # it would reopen a resolution not seen
        cases.reopen_case(case.id, "still wrong", admin, loaded_as=cases.case_version(shown))
    (now,) = cases.account_cases(case.account_id)
    assert (now.status, now.resolution, CaseNote.select().count()) == ("resolved", "Refunded the second",
                                                                       notes)
    cases.reopen_case(case.id, "still wrong", admin, loaded_as=cases.case_version(now))
    (open_,) = cases.account_cases(case.account_id)
    cases.add_note(case.id, "asked the payer", clerk, status="waiting", loaded_as=cases.case_version(open_))
    with refused("Case 'Why two bills\\?'"):  # would set it back to open over the clerk's waiting
        cases.add_note(case.id, "called back", admin, status="open", loaded_as=cases.case_version(open_))
    cases.add_note(case.id, "a note only adds", admin, loaded_as=cases.case_version(open_))
    assert cases.account_cases(case.account_id)[0].status == "waiting"


def test_the_refusal_promises_nothing_an_action_without_a_form_cannot_keep(db):
    """Deactivating an account or reopening a case asks for its reason in a prompt that has
    closed by the time the save is refused: the words must be true of those too."""
    from billing_desk.errors import StaleRecordError
    from billing_desk.services.office import stale

    with pytest.raises(StaleRecordError) as refused:
        stale.refuse_if_changed("then", "now", "Account 100001 Ames, Ann")
    said = str(refused.value)
    assert "nothing was saved" in said and "if it is still needed" in said
    assert "typing is still on the screen" not in said
