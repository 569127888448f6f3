"""After a refusal (another workstation changed the record first, services.office.stale) a screen
shows what the database holds now, in its list and tables, while what the clerk typed is kept:
the boxes keep their text, and text typed where nothing keeps it (a table cell, a question that
has closed) is quoted in the message and filled in again when the clerk asks again."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt
from refusal_helpers import REFUSED, retype, shown

from billing_desk.services.books import catalogue as cat, payers, plans
from billing_desk.services.claims import identity
from billing_desk.services.office import users
from billing_desk.ui.prompts import ScriptedPrompter

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")


def column(model, name: str) -> list[str]:
    """What a list shows in one column, row by row."""
    index = next(i for i in range(model.columnCount())
                 if model.headerData(i, Qt.Orientation.Horizontal) == name)
    return [model.index(row, index).data() for row in range(model.rowCount())]


def current_id(panel) -> int | None:
    row = panel.current()
    return row.id if row is not None else None


# --- item 1: the list shows what the database holds ---------------------------------------------
def test_a_refused_make_usual_shows_the_usual_provider_the_office_has_now(qtbot, db, admin, supervisor):
    from billing_desk.ui.office.providers_dialog import ProvidersDialog

    doe, roe = (identity.add_provider(identity.ProviderInput(last, "Jan", npi=npi, taxonomy="207Q00000X"),
                                      admin) for last, npi in (("Doe", "1234567893"), ("Roe", "1245319599")))
    dialog = shown(qtbot, ProvidersDialog(SimpleNamespace(user=admin), prompter=ScriptedPrompter()))
    dialog.list.table.selectRow(0)
    assert current_id(dialog.list) == doe.id
    retype(qtbot, dialog.fields["first_name"], "Janet")  # typed, not saved yet
    identity.set_usual_rendering_provider(roe.id, supervisor,  # on another workstation
                                          loaded_as=identity.usual_provider_version())
    qtbot.mouseClick(dialog.buttons["usual"], Qt.MouseButton.LeftButton)
    assert "The usual rendering provider " + REFUSED in dialog.message.text()
    assert column(dialog.list.model, "Role") == ["rendering", "rendering (usual)"]  # Roe's now
    assert current_id(dialog.list) == doe.id  # still on Doe
    assert dialog.fields["first_name"].text() == "Janet"  # the typing stays
    # the list shows the office's choice now: making Doe usual again is a choice made knowingly
    qtbot.mouseClick(dialog.buttons["usual"], Qt.MouseButton.LeftButton)
    assert identity.usual_rendering_provider().id == doe.id
    assert column(dialog.list.model, "Role") == ["rendering (usual)", "rendering"]


def test_a_refused_provider_save_shows_the_other_change_in_the_list(qtbot, db, admin, clerk):
    from billing_desk.ui.office.providers_dialog import ProvidersDialog

    doctor = identity.add_provider(identity.ProviderInput("Doe", "Jan", npi="1234567893",
                                                          taxonomy="207Q00000X"), admin)
    dialog = shown(qtbot, ProvidersDialog(SimpleNamespace(user=admin), prompter=ScriptedPrompter()))
    identity.update_provider(doctor.id, identity.ProviderInput("Doe", "Janet", npi="1234567893",
                                                               taxonomy="207Q00000X"), clerk)
    retype(qtbot, dialog.fields["first_name"], "Jane")
    assert dialog.save() is False
    assert REFUSED in dialog.message.text()
    assert column(dialog.list.model, "Provider") == ["Doe, Janet"]
    assert dialog.fields["first_name"].text() == "Jane" and current_id(dialog.list) == doctor.id
    assert dialog.save() is False  # the boxes are still the old record's: reload first
    dialog.list.table.setFocus()
    qtbot.keyClick(dialog.list.table, Qt.Key.Key_Return)  # chosen again: the boxes show the change
    assert dialog.fields["first_name"].text() == "Janet"


def test_a_refused_payer_save_or_deactivation_shows_the_payer_as_it_is_now(qtbot, db, admin, clerk):
    from billing_desk.ui.books.payers_dialog import PayersDialog

    first = payers.save_payer(None, payers.PayerForm(name="Aetna", payer_id="60054"), admin)
    payer = payers.save_payer(None, payers.PayerForm(name="Blue Harbor", payer_id="BH123"), admin)
    dialog = shown(qtbot, PayersDialog(SimpleNamespace(user=admin), prompter=ScriptedPrompter(True)))
    dialog.list.table.selectRow(1)
    assert dialog.payer_id == payer.id and current_id(dialog.list) == payer.id
    payers.save_payer(payer.id, payers.PayerForm(name="Blue Harbor", payer_id="BH123", phone="617 555 0100"),
                      clerk, loaded_as=payers.payer_version(payer.id))
    retype(qtbot, dialog.fields["notes"], "Call before faxing")
    assert dialog.save() is False
    assert column(dialog.list.model, "Phone") == ["", "(617) 555-0100"]
    assert current_id(dialog.list) == payer.id and dialog.payer_id == payer.id
    assert dialog.fields["notes"].text() == "Call before faxing"
    assert dialog.fields["phone"].text() == ""  # the boxes: the clerk's screen, until reloaded
    qtbot.mouseClick(dialog.buttons["active"], Qt.MouseButton.LeftButton)  # Deactivate: refused too
    assert "Payer Blue Harbor " + REFUSED in dialog.message.text()
    assert column(dialog.list.model, "Active") == ["yes", "yes"] and first.active


def test_a_refused_catalogue_save_and_fee_show_the_item_as_it_is_now(qtbot, db, admin, clerk, catalogue):
    from billing_desk.ui.books.catalogue_dialog import CatalogueDialog

    payers.save_payer(None, payers.PayerForm(name="Aetna", payer_id="60054"), admin)
    cat.save_fee("Aetna", "99213", "80.00", admin)
    dialog = shown(qtbot, CatalogueDialog(SimpleNamespace(user=admin), prompter=ScriptedPrompter()))
    dialog.list.search.setText("99213")
    dialog.show_item(dialog.list.current())
    item_id = dialog.current.id
    cat.save_item({"code": "99213", "kind": "procedure", "description": "Office visit, level 3",
                   "unit_price": "125.00"}, clerk)
    retype(qtbot, dialog.fields["unit_price"], "130.00")
    assert dialog.save() is False
    assert column(dialog.list.model, "Price") == ["$125.00"] and current_id(dialog.list) == item_id
    assert dialog.fields["unit_price"].text() == "130.00"
    # a fee cell: the table shows the fee saved elsewhere, the message quotes what was typed
    cat.save_fee("Aetna", "99213", "82.00", clerk, loaded_as=cat.fee_version_of(dialog.fees_model.rows[0][1]))
    assert dialog.fees_model.setData(dialog.fees_model.index(0, 1), "85.00") is False
    qtbot.waitUntil(lambda: str(dialog.fees_model.rows[0][1]) == "82.00", timeout=2000)
    assert REFUSED in dialog.message.text() and "85.00" in dialog.message.text()


def test_a_refused_plan_save_and_copay_show_the_plan_as_it_is_now(qtbot, db, admin, clerk):
    from billing_desk.ui.books.payers_dialog import PayersDialog

    payer = payers.save_payer(None, payers.PayerForm(name="Aetna", payer_id="60054"), admin)
    plan = plans.save_plan(None, {"payer": "Aetna", "name": "Gold", "copay": "20.00"}, admin)
    dialog = shown(qtbot, PayersDialog(SimpleNamespace(user=admin), prompter=ScriptedPrompter()))
    dialog.show_payer(payer.id)
    panel = dialog.plans
    panel.plans_view.selectRow(0)
    assert panel.plan_id == plan.id
    plans.save_plan(plan.id, {"payer": "Aetna", "name": "Gold", "copay": "25.00"}, clerk,
                    loaded_as=plans.plan_version(plans.get_plan(plan.id)))
    retype(qtbot, panel.fields["deductible"], "500.00")
    assert panel.save_plan() is False
    assert REFUSED in dialog.message.text()
    assert str(panel.plans_model.rows[0][1]) == "25.00"  # the list: the copay saved elsewhere
    assert panel.fields["deductible"].text() == "500.00" and panel.plan_id == plan.id
    assert panel.fields["copay"].text() == "20.00"  # the boxes: as the clerk had them


def test_a_refused_rule_in_the_plans_dialog_shows_the_rule_as_it_is_now(qtbot, db, admin, clerk, catalogue):
    from billing_desk.ui.books.catalogue_plans import PlansDialog

    payers.save_payer(None, payers.PayerForm(name="Aetna", payer_id="60054"), admin)
    plan = plans.save_plan(None, {"payer": "Aetna", "name": "Gold", "copay": "20.00"}, admin)
    plans.set_rule(plan.id, "99213", "c", admin)
    dialog = shown(qtbot, PlansDialog(SimpleNamespace(user=admin)))
    dialog.plan_choice.setCurrentIndex(dialog.plan_choice.findData(plan.id))
    row = next(i for i, r in enumerate(dialog.rules.rows) if r[0] == "99213")
    plans.set_rule(plan.id, "99213", "p", clerk, loaded_as=plans.rule_version_of("covered"))
    assert dialog.rules.setData(dialog.rules.index(row, 2), "n") is False
    qtbot.waitUntil(lambda: dialog.rules.rows[row][2] == "prior auth", timeout=2000)
    assert REFUSED in dialog.message.text() and "“n”" in dialog.message.text()
    # the plan's terms: refused, the combo's name as the office has it now, the boxes kept
    plans.save_plan(plan.id, {"payer": "Aetna", "name": "Gold Plus", "copay": "20.00"}, clerk,
                    loaded_as=plans.plan_version(plans.get_plan(plan.id)))
    retype(qtbot, dialog.fields["copay"], "30.00")
    assert dialog.save() is False
    assert "Gold Plus" in dialog.plan_choice.currentText() and dialog.plan_choice.currentData() == plan.id
    assert dialog.fields["copay"].text() == "30.00" and dialog.fields["name"].text() == "Gold"


def test_a_refused_user_change_shows_the_user_as_the_office_has_them_now(qtbot, db, admin, clerk):
    from billing_desk.ui.office.users_dialog import UsersDialog

    dialog = shown(qtbot, UsersDialog(admin, prompter=ScriptedPrompter("Supervisor")))
    row = next(r for r in range(dialog.model.rowCount()) if dialog.model.row_object(r).id == clerk.id)
    dialog.table.selectRow(row)
    users.update_user(admin, clerk.id, full_name="Carla Clerk-Reyes",  # another administrator
                      loaded_as=users.user_version(clerk.id))
    qtbot.mouseClick(dialog.buttons["role"], Qt.MouseButton.LeftButton)
    assert REFUSED in dialog.message.text()
    assert "Carla Clerk-Reyes" in column(dialog.model, "Name")
    assert dialog.current().id == clerk.id
    assert users.reload_user(clerk.id).role == "clerk"


def test_a_refused_reason_code_shows_the_code_as_it_is_now_and_keeps_the_words(qtbot, db, admin, clerk):
    from billing_desk.services.books import remit_codes
    from billing_desk.ui.claims.remit_codes_dialog import RemitCodesDialog

    prompts = ScriptedPrompter("Patient owes: deductible")
    dialog = shown(qtbot, RemitCodesDialog(SimpleNamespace(user=admin), prompter=prompts))
    dialog.search.setText("1")
    dialog.refresh()
    row = dialog.current()
    remit_codes.set_description(row.kind, row.code, "Deductible (the office's words)", clerk,
                                loaded_as=remit_codes.code_version(row))
    dialog.change()
    said = dialog.message.text()
    assert REFUSED in said and "“Patient owes: deductible”" in said
    assert dialog.current().description == "Deductible (the office's words)"
    prompts.answers.append(None)  # asked again: the words typed are filled in
    dialog.change()
    assert prompts.filled[-1] == "Patient owes: deductible"


# --- item 3: what was typed into a question that has closed --------------------------------------
def test_a_refused_deactivation_keeps_the_reason_typed_and_shows_the_status_now(qtbot, db, admin, clerk,
                                                                                 make_account):
    from billing_desk.services.accounts import registry
    from billing_desk.ui.accounts.account_view import AccountView

    account = make_account()
    prompts = ScriptedPrompter("Moved to Ohio")
    view = AccountView(SimpleNamespace(user=admin), prompts)
    qtbot.addWidget(view)
    view.show_account(account.id)
    # another workstation deactivates and reactivates it (the status reason changed since)
    for change, why in ((registry.deactivate_account, "asked to pause"),
                        (registry.reactivate_account, "back again")):
        change(account.id, why, clerk, loaded_as=registry.status_version(account.id))
    view.deactivate()
    said = view.message.text()
    assert REFUSED in said and "“Moved to Ohio”" in said
    assert view.minimumSizeHint().width() < 1200  # the long words wrap: the window keeps its width
    assert registry.get_account(account.id).status == "active"
    assert view.status_as == registry.status_version(account.id)  # the screen shows the account now
    prompts.answers.append("Moved to Ohio")  # asked again: the reason is filled in; it goes in now
    view.deactivate()
    assert prompts.filled[-1] == "Moved to Ohio"
    assert registry.get_account(account.id).status == "inactive"
    prompts.answers.append(None)
    view.reactivate()
    assert prompts.filled[-1] == ""  # another question starts blank


def test_a_refused_reopen_keeps_the_reason_typed_and_shows_the_case_now(qtbot, db, admin, clerk,
                                                                         make_account):
    from billing_desk.models import Case
    from billing_desk.services.accounts import cases
    from billing_desk.ui.accounts.account_cases import CasesPanel

    account = make_account()
    case = cases.open_case(account.id, "Charged twice?", admin)
    cases.resolve_case(case.id, "Refund sent", admin)
    prompts = ScriptedPrompter("They called again")
    panel = CasesPanel(SimpleNamespace(user=admin), prompts)
    qtbot.addWidget(panel)
    panel.show_account(account.id)
    shown_case = panel.current()
    cases.reopen_case(case.id, "not received", clerk, loaded_as=cases.case_version(shown_case))
    cases.resolve_case(case.id, "Refund re-sent", clerk,
                       loaded_as=cases.case_version(Case.get_by_id(case.id)))
    panel.reopen()
    said = panel.message.text()
    assert REFUSED in said and "“They called again”" in said
    assert panel.minimumSizeHint().width() < 1200
    assert "Refund re-sent" in panel.notes.text()  # the case as it is now
    prompts.answers.append(None)
    panel.reopen()
    assert prompts.filled[-1] == "They called again"


def test_a_refused_approval_shows_the_queue_as_it_is_now_and_keeps_the_note(qtbot, db, admin, supervisor):
    from billing_desk.services.accounts import registry
    from billing_desk.ui.accounts.account_approval import ApprovalQueue

    form = registry.AccountForm(first_name="Ann", last_name="Lee", date_of_birth="01/02/1980",
                                phone="212-555-0101", state="NY", zip_code="10001")
    account = registry.create_account(form, admin)
    queue = ApprovalQueue(SimpleNamespace(user=admin))
    qtbot.addWidget(queue)
    queue.refresh()
    registry.return_account(account.id, supervisor, "The date of birth is unreadable",  # elsewhere
                            loaded_as=registry.status_version(queue.current()))
    queue.note.setText("Checked against the form")
    queue.approve()
    assert REFUSED in queue.message.text()
    assert queue.note.text() == "Checked against the form"
    assert registry.status_version(queue.current()) == registry.status_version(account.id)  # reread
    assert registry.get_account(account.id).status == "pending"


def test_a_refused_settings_save_says_what_the_office_has_now(qtbot, db, admin):
    from billing_desk.services.office import settings
    from billing_desk.ui.office.settings_dialog import SettingsDialog

    prompts = ScriptedPrompter()
    dialog = shown(qtbot, SettingsDialog(SimpleNamespace(user=admin), prompter=prompts))
    settings.save_settings({"review_days_in_ar_max": "35"}, admin,  # another workstation
                           loaded_as=settings.settings_version(["review_days_in_ar_max"]))
    retype(qtbot, dialog.editors["review_over_90_max"], "12")
    assert dialog.save() is False
    said = prompts.asked[-1][1]
    title = settings.SETTINGS["review_days_in_ar_max"].title
    assert REFUSED in said and f"The office has now: {title}: “35”." in said
    assert dialog.editors["review_over_90_max"].text() == "12"  # the typing stays


def test_a_refused_stage_ladder_says_the_stages_the_office_has_now(qtbot, db, admin):
    from billing_desk.services.collections import worklist as col
    from billing_desk.ui.collections.collection_stages import StageLadderDialog

    col.save_stages([col.StageInput("Reminder", 30, "Please pay {amount_due}.")], admin)
    dialog = shown(qtbot, StageLadderDialog(admin, prompter=ScriptedPrompter()))
    col.save_stages([col.StageInput("Reminder", 45, "Please pay {amount_due}.")], admin,  # elsewhere
                    loaded_as=col.stages_version())
    dialog.table.item(0, 0).setText("First reminder")
    dialog.save()
    said = dialog.error.text()
    assert REFUSED in said and "The office's stages now: Reminder (45 days, letter)." in said
    assert dialog.table.item(0, 0).text() == "First reminder" and dialog.isVisible()


# --- the screens changed here: one Alt letter, one control --------------------------------------
def _mnemonic(text: str) -> str:
    import re

    match = re.search(r"&([^&\s])", (text or "").replace("&&", ""))
    return match.group(1).lower() if match else ""


def test_alt_letters_are_unique_on_the_screens_that_reread(qtbot, db, admin, catalogue):
    """Two Alt letters alike only move the focus between their buttons (Users had Alt+R twice)."""
    from PySide6.QtWidgets import QAbstractButton, QLabel

    from billing_desk.ui.books.catalogue_dialog import CatalogueDialog
    from billing_desk.ui.books.catalogue_plans import PlansDialog
    from billing_desk.ui.books.payers_dialog import PayersDialog
    from billing_desk.ui.books.payment_list import PaymentListDialog
    from billing_desk.ui.claims.remit_codes_dialog import RemitCodesDialog
    from billing_desk.ui.office.providers_dialog import ProvidersDialog
    from billing_desk.ui.office.users_dialog import UsersDialog

    session = SimpleNamespace(user=admin)
    clashes = {}
    for dialog in (ProvidersDialog(session, prompter=ScriptedPrompter()), UsersDialog(admin),
                   PayersDialog(session, prompter=ScriptedPrompter()), PlansDialog(session),
                   CatalogueDialog(session, prompter=ScriptedPrompter()),
                   RemitCodesDialog(session, prompter=ScriptedPrompter()),
                   PaymentListDialog(session, prompter=ScriptedPrompter())):
        shown(qtbot, dialog)
        owners: dict[str, list[str]] = {}
        for widget in dialog.findChildren(QAbstractButton) + dialog.findChildren(QLabel):
            letter = _mnemonic(widget.text())
            if letter and widget.isVisibleTo(dialog) and (not isinstance(widget, QLabel) or widget.buddy()):
                owners.setdefault(letter, []).append(widget.text())
        clashes.update({f"{dialog.windowTitle()} Alt+{k}": v for k, v in owners.items() if len(v) > 1})
    assert clashes == {}
