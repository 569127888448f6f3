"""The Payers screen by keys only: a new payer and its plan typed and saved, a bad field shown at
the field with nothing saved, a category copay typed into the table, Deactivate asked first."""

from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from billing_desk.models import AuditEntry, Payer, Plan, PlanCopay
from billing_desk.ui.prompts import ScriptedPrompter

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")

TAB, ENTER = Qt.Key.Key_Tab, Qt.Key.Key_Return
CTRL, ALT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.AltModifier


@pytest.fixture
def tab(qtbot, db, clerk, tmp_path):
    from billing_desk.ui.books.tab import InvoicesTab

    widget = InvoicesTab(SimpleNamespace(user=clerk, path=tmp_path / "office.sqlite"),
                         prompter=ScriptedPrompter())
    qtbot.addWidget(widget)
    widget.show()
    return widget


def focused():
    return QApplication.focusWidget()


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(focused(), key, modifier)


def type_fields(qtbot, texts):
    """Type each text into whatever has the focus, then Tab to the next field."""
    for text in texts:
        if text:
            qtbot.keyClicks(focused(), text)
        press(qtbot, TAB)


def open_payers(tab, qtbot):
    dialog = tab.payers()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=2000)
    return dialog


def test_a_new_payer_and_its_plan_are_typed_and_saved(tab, qtbot, catalogue):
    catalogue["99213"].category = "Visits"
    catalogue["99213"].save()
    dialog = open_payers(tab, qtbot)
    press(qtbot, Qt.Key.Key_N, CTRL)
    assert focused() is dialog.fields["name"]
    type_fields(qtbot, ["Blue Harbor", "", "bh123", "PO Box 1, Boston MA 02101", "6175550100",
                        "617 555 0101", "https://pro.blueharbor.example", "90", "21", "p", r"BH\d{6}",
                        "Prior auth by phone"])
    press(qtbot, Qt.Key.Key_S, CTRL)
    payer = Payer.get()
    assert (payer.name, payer.payer_id, payer.phone, payer.claim_mode, payer.program) == (
        "Blue Harbor", "BH123", "(617) 555-0100", "paper", "commercial")
    assert (payer.timely_filing_days, payer.follow_up_days, payer.member_id_pattern, payer.notes) == (
        90, 21, r"BH\d{6}", "Prior auth by phone")
    assert "Saved Blue Harbor" in dialog.message.text()
    press(qtbot, Qt.Key.Key_L, ALT)  # P&lan name
    assert focused() is dialog.plans.fields["name"]
    type_fields(qtbot, ["PPO Gold", "40", "500", "20", "3000"])
    press(qtbot, Qt.Key.Key_V, ALT)  # Sa&ve plan
    qtbot.waitUntil(lambda: "Saved plan PPO Gold" in dialog.message.text(), timeout=2000)
    plan = Plan.get()
    assert (plan.payer_id, plan.name, plan.copay, plan.deductible, plan.coinsurance,
            plan.out_of_pocket_max) == (payer.id, "PPO Gold", D("40"), D("500"), D("20"), D("3000"))
    press(qtbot, Qt.Key.Key_G, ALT)  # Copays by cate&gory: Visits, copay 25, no deductible
    assert focused() is dialog.plans.copays_view
    view = dialog.plans.copays_view
    view.setCurrentIndex(dialog.plans.copays.index(0, 0))
    press(qtbot, Qt.Key.Key_Right)
    for char in "25":  # the first key opens the cell's editor, the next go into it
        qtbot.keyClicks(focused(), char)
    press(qtbot, ENTER)
    qtbot.waitUntil(lambda: "Visits: copay saved" in dialog.message.text(), timeout=2000)
    copay = PlanCopay.get()
    assert (copay.plan_id, copay.category, copay.copay, copay.deductible_applies) == (
        plan.id, "Visits", D("25"), False)
    assert {e.table for e in AuditEntry.select()} >= {"payer", "plan", "plan_copay"}


def test_a_bad_field_shows_its_message_at_the_field_and_saves_nothing(tab, qtbot):
    dialog = open_payers(tab, qtbot)
    press(qtbot, Qt.Key.Key_N, CTRL)
    type_fields(qtbot, ["Blue Harbor", "", "BH-1!", "", "", "", "not a site", "ninety", "0", "", "BH[0-9"])
    press(qtbot, Qt.Key.Key_S, CTRL)
    assert Payer.select().count() == 0
    shown = {name: label.text() for name, label in dialog.errors.items() if label.isVisibleTo(dialog)}
    assert set(shown) == {"payer_id", "portal", "timely_filing_days", "follow_up_days",
                          "member_id_pattern"}
    assert "2 to 15 letters and digits" in shown["payer_id"]
    assert focused() is dialog.fields["payer_id"]  # the cursor goes to the first problem
    press(qtbot, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(focused(), "BH1")
    for name in ("portal", "timely_filing_days", "follow_up_days", "member_id_pattern"):
        dialog.fields[name].clear()
    press(qtbot, Qt.Key.Key_S, CTRL)
    assert Payer.get().payer_id == "BH1"
    assert not any(label.isVisibleTo(dialog) for label in dialog.errors.values())


def test_the_program_is_picked_by_its_first_letters_and_shown_in_the_list(tab, qtbot, admin):
    """Alt+Q goes to the program; typing "medicaid" picks Medicaid (MC); saved, listed, and shown
    again when the payer is chosen; a problem with it is said under it."""
    from billing_desk.errors import Problem
    from billing_desk.services.books import payers

    payers.save_payer(None, payers.PayerForm(name="Illinois Medicaid", payer_id="ILMCD"), admin)
    dialog = open_payers(tab, qtbot)
    assert dialog.fields["program"].currentText() == "Commercial insurance / group health (CI)"
    press(qtbot, Qt.Key.Key_Q, ALT)
    assert focused() is dialog.fields["program"]
    qtbot.keyClicks(focused(), "medicaid")
    assert dialog.fields["program"].currentText() == "Medicaid (MC)"
    press(qtbot, Qt.Key.Key_S, CTRL)
    assert Payer.get().program == "medicaid"
    assert dialog.list.table.model().index(0, 1).data() == "Medicaid"
    dialog.new_payer()
    assert dialog.fields["program"].currentData() == "commercial"
    dialog.show_payer(Payer.get().id)
    assert dialog.fields["program"].currentData() == "medicaid"
    dialog.form_fields.show([Problem("program", "'x' is not a program")])
    assert dialog.errors["program"].isVisibleTo(dialog) and focused() is dialog.fields["program"]


def test_deactivate_asks_first_and_the_payer_stays(tab, qtbot, admin):
    from billing_desk.services.books import payers

    payers.save_payer(None, payers.PayerForm(name="Acme Health", payer_id="ACME1"), admin)
    tab.prompter.answers = [False, True]
    dialog = open_payers(tab, qtbot)
    assert dialog.fields["name"].text() == "Acme Health"
    press(qtbot, Qt.Key.Key_D, ALT)
    qtbot.waitUntil(lambda: len(tab.prompter.asked) == 1, timeout=2000)  # a mnemonic clicks after a delay
    assert Payer.get().active  # the clerk said no
    press(qtbot, Qt.Key.Key_D, ALT)
    qtbot.waitUntil(lambda: not Payer.get().active, timeout=2000)
    assert not Payer.get().active and "Deactivated Acme Health" in dialog.message.text()
    assert dialog.buttons["active"].text() == "Reactivate… (&D)"
    assert [kind for kind, _text in tab.prompter.asked] == ["confirm", "confirm"]


def test_search_as_you_type_finds_by_name_or_payer_id(tab, qtbot, admin):
    from billing_desk.services.books import payers

    for name, payer_id in (("Acme Health", "ACME1"), ("Blue Harbor", "BH123")):
        payers.save_payer(None, payers.PayerForm(name=name, payer_id=payer_id), admin)
    dialog = open_payers(tab, qtbot)
    dialog.list.search.setFocus()
    qtbot.keyClicks(focused(), "bh1")
    qtbot.waitUntil(lambda: dialog.list.model.total == 1, timeout=2000)
    assert dialog.fields["name"].text() == "Blue Harbor"  # the first match is shown as you type
    press(qtbot, ENTER)  # to the list
    press(qtbot, ENTER)  # open it
    assert dialog.fields["name"].text() == "Blue Harbor"


def test_export_writes_the_import_layout(tab, qtbot, admin, tmp_path):
    from billing_desk.exchange import importing
    from billing_desk.services.books import payer_import, payers

    payers.save_payer(None, payers.PayerForm(name="Acme Health", payer_id="ACME1"), admin)
    path = tmp_path / "out.xlsx"
    tab.prompter.answers = [str(path)]
    dialog = open_payers(tab, qtbot)
    press(qtbot, Qt.Key.Key_X, ALT)  # E&xport to Excel…
    qtbot.waitUntil(path.exists, timeout=2000)
    assert "Exported 1 row(s)" in dialog.message.text()
    table = importing.read_rows(path)
    assert table.headers == [t.label for t in payer_import.TARGETS]


def test_alt_letters_are_unique_on_the_payers_screen(tab, qtbot, admin):
    import re

    from PySide6.QtWidgets import QAbstractButton, QLabel

    from billing_desk.services.books import payers

    payers.save_payer(None, payers.PayerForm(name="Acme Health", payer_id="ACME1"), admin)
    dialog = open_payers(tab, qtbot)
    for active in (True, False):
        payers.set_active(dialog.payer_id, active, admin)
        dialog.show_payer(dialog.payer_id)
        owners: dict[str, list[str]] = {}
        for widget in dialog.findChildren(QAbstractButton) + dialog.findChildren(QLabel):
            match = re.search(r"&([^&\s])", widget.text().replace("&&", ""))
            if match and widget.isVisibleTo(dialog) and (
                    not isinstance(widget, QLabel) or widget.buddy() is not None):
                owners.setdefault(match.group(1).lower(), []).append(widget.text())
        assert {k: v for k, v in owners.items() if len(v) > 1} == {}


def test_fee_schedule_typed_and_rules_opened_on_the_plan(tab, qtbot, admin, catalogue):
    from billing_desk.models import FeeSchedule
    from billing_desk.services.books import payers, plans

    payers.save_payer(None, payers.PayerForm(name="Acme Health", payer_id="ACME1"), admin)
    plans.save_plan(None, {"payer": "Acme Health", "name": "Basic"}, admin)
    plan = plans.save_plan(None, {"payer": "Acme Health", "name": "PPO"}, admin)
    dialog = open_payers(tab, qtbot)
    fees = dialog.plans.fees
    row = [r[0] for r in fees.rows].index("99213")
    dialog.plans.fees_view.setFocus()
    dialog.plans.fees_view.setCurrentIndex(fees.index(row, 2))
    for char in "90":
        qtbot.keyClicks(focused(), char)
    press(qtbot, ENTER)
    qtbot.waitUntil(lambda: FeeSchedule.select().count() == 1, timeout=2000)
    assert FeeSchedule.get().allowed == D("90.00") and fees.rows[row][2] == D("90.00")
    dialog.plans.plans_view.setFocus()
    dialog.plans.plans_view.selectRow(1)  # PPO (by name)
    assert dialog.plans.fields["name"].text() == "PPO"
    rules = dialog.plans.open_rules()
    qtbot.addWidget(rules)
    assert rules.plan_choice.currentData() == plan.id and rules.fields["name"].text() == "PPO"
