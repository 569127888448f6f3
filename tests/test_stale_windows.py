"""Issue 22 on the screens: a clerk whose screen shows a record another workstation changed since
is told when saving (on the screen, in words naming the record), nothing is saved, and what the
clerk typed stays in the boxes."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from refusal_helpers import REFUSED, retype, shown

from billing_desk.models import Payer
from billing_desk.services.books import catalogue as cat, payers
from billing_desk.services.claims import identity
from billing_desk.services.office import settings
from billing_desk.services.orders import order_forms
from billing_desk.ui.prompts import ScriptedPrompter

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")


def test_the_payers_screen_refuses_a_stale_save_and_keeps_the_typing(qtbot, db, admin, clerk):
    from billing_desk.ui.books.payers_dialog import PayersDialog

    payer = payers.save_payer(None, payers.PayerForm(name="Blue Harbor", payer_id="BH123"), admin)
    dialog = shown(qtbot, PayersDialog(SimpleNamespace(user=admin), prompter=ScriptedPrompter()))
    dialog.show_payer(payer.id)
    # another workstation changes the phone while this screen shows the payer
    payers.save_payer(payer.id, payers.PayerForm(name="Blue Harbor", payer_id="BH123",
                                                 phone="617 555 0100"), clerk,
                      loaded_as=payers.payer_version(payer.id))
    retype(qtbot, dialog.fields["notes"], "Call before faxing")
    assert dialog.save() is False
    said = dialog.message.text()
    assert "Payer Blue Harbor" in said and "Carla Clerk" in said and "nothing was saved" in said
    assert dialog.fields["notes"].text() == "Call before faxing"  # the typing stays
    assert Payer.get_by_id(payer.id).notes == ""
    dialog.show_payer(payer.id)  # reload: the other change shows, and a save goes in
    assert dialog.fields["phone"].text() == "(617) 555-0100"
    retype(qtbot, dialog.fields["notes"], "Call before faxing")
    assert dialog.save() is True
    assert Payer.get_by_id(payer.id).notes == "Call before faxing"


def test_the_settings_dialog_refuses_stale_thresholds_and_stays_open(qtbot, db, admin):
    from billing_desk.ui.office.settings_dialog import SettingsDialog

    prompts = ScriptedPrompter()
    dialog = shown(qtbot, SettingsDialog(SimpleNamespace(user=admin), prompter=prompts))
    settings.save_settings({"review_days_in_ar_max": "35"}, admin,
                           loaded_as=settings.settings_version(["review_days_in_ar_max"]))
    retype(qtbot, dialog.editors["review_over_90_max"], "12")
    assert dialog.save() is False
    assert prompts.asked and prompts.asked[-1][0] == "warn"
    title = settings.SETTINGS["review_days_in_ar_max"].title
    assert f"The setting '{title}' " + REFUSED in prompts.asked[-1][1]
    assert dialog.editors["review_over_90_max"].text() == "12" and dialog.isVisible()
    assert (settings.get_setting("review_days_in_ar_max"), settings.get_setting("review_over_90_max")) == (
        35, "15")


def test_the_providers_screen_refuses_a_stale_save(qtbot, db, admin, clerk):
    from billing_desk.ui.office.providers_dialog import ProvidersDialog

    doctor = identity.add_provider(identity.ProviderInput("Doe", "Jan", npi="1234567893",
                                                          taxonomy="207Q00000X"), admin)
    dialog = shown(qtbot, ProvidersDialog(SimpleNamespace(user=admin), prompter=ScriptedPrompter()))
    dialog.show_provider(doctor.id)
    identity.update_provider(doctor.id, identity.ProviderInput("Doe", "Janet", npi="1234567893",
                                                               taxonomy="207Q00000X"), clerk)
    retype(qtbot, dialog.fields["first_name"], "Jane")
    assert dialog.save() is False
    assert "Provider Doe, Janet " + REFUSED in dialog.message.text()
    assert dialog.fields["first_name"].text() == "Jane"
    assert identity.get_provider(doctor.id).first_name == "Janet"


def test_the_catalogue_screen_refuses_a_stale_save(qtbot, db, admin, clerk, catalogue):
    from billing_desk.ui.books.catalogue_dialog import CatalogueDialog

    dialog = shown(qtbot, CatalogueDialog(SimpleNamespace(user=admin), prompter=ScriptedPrompter()))
    dialog.show_item(catalogue["99213"])
    cat.save_item({"code": "99213", "kind": "procedure", "description": "Office visit, level 3",
                   "unit_price": "125.00"}, clerk)
    retype(qtbot, dialog.fields["unit_price"], "130.00")
    assert dialog.save() is False
    assert "Catalogue item 99213 " + REFUSED in dialog.message.text()
    assert dialog.fields["unit_price"].text() == "130.00"
    assert str(cat.CatalogueItem.get_by_id(catalogue["99213"].id).unit_price) == "125.00"


def test_the_order_editor_refuses_a_stale_save(qtbot, db, admin, clerk, catalogue, make_account):
    import datetime as dt

    from billing_desk.ui.orders.order_editor import OrderEditor

    account = make_account(last="Acme", first="Bob")
    Line = order_forms.OrderLineInput
    day = dt.date(2026, 3, 2)
    order = order_forms.save_order(order_forms.OrderForm(account_id=account.id, order_date=day,
                                                         lines=[Line("99213", 1)]), clerk)
    prompts = ScriptedPrompter()
    editor = shown(qtbot, OrderEditor(SimpleNamespace(user=admin), prompts))
    editor.load(order.id)
    order_forms.save_order(order_forms.OrderForm(account_id=account.id, order_date=day,
                                                 lines=[Line("99213", 2)]), clerk, order.id)
    retype(qtbot, editor.po_number, "PO-77")
    assert editor.save() is None
    assert prompts.asked[-1][0] == "warn" and f"Order {order.number} " + REFUSED in prompts.asked[-1][1]
    assert editor.po_number.text() == "PO-77"
    assert order_forms.get_order(order.id).po_number == ""


def test_making_a_provider_usual_over_a_choice_made_since_is_refused(qtbot, db, admin, supervisor):
    from PySide6.QtCore import Qt

    from billing_desk.ui.office.providers_dialog import ProvidersDialog

    doe, roe = (identity.add_provider(identity.ProviderInput(last, "Jan", npi=npi, taxonomy="207Q00000X"),
                                      admin) for last, npi in (("Doe", "1234567893"), ("Roe", "1245319599")))
    dialog = shown(qtbot, ProvidersDialog(SimpleNamespace(user=admin), prompter=ScriptedPrompter()))
    dialog.show_provider(doe.id)
    identity.set_usual_rendering_provider(roe.id, supervisor,  # on another workstation
                                          loaded_as=identity.usual_provider_version())
    qtbot.mouseClick(dialog.buttons["usual"], Qt.MouseButton.LeftButton)
    assert "The usual rendering provider " + REFUSED in dialog.message.text()
    assert "Sid Supervisor" in dialog.message.text()
    assert identity.usual_rendering_provider().id == roe.id
    dialog.close()
    again = shown(qtbot, ProvidersDialog(SimpleNamespace(user=admin), prompter=ScriptedPrompter()))
    again.show_provider(doe.id)
    qtbot.mouseClick(again.buttons["usual"], Qt.MouseButton.LeftButton)
    assert identity.usual_rendering_provider().id == doe.id
