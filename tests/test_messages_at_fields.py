"""Issue 19 items 9 and 2, typed as a clerk would: in the Payers screen (its plans and its calls),
Settings, Users and the import dialogs each refusal is said in red under the box it is about, in
the words of the label, never an internal name; a date that does not exist is refused as soon as
its box is left; a return's and a refund's date are checked (not in the future, not before the
service) and said under the date box."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from test_denials_screens import shown

from billing_desk.models import Account, Adjustment, Plan, Setting, User
from billing_desk.ui.prompts import ScriptedPrompter

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")

TAB, ENTER = Qt.Key.Key_Tab, Qt.Key.Key_Return
CTRL, ALT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.AltModifier
INTERNAL = re.compile(r"\b\w+_\w+\b|\w\[\d+\]")  # promise_amount, lines[1]


def focused():
    return QApplication.focusWidget()


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(focused(), key, modifier)
    QApplication.processEvents()  # a table's editor commits on Enter through a queued call


def type_and_tab(qtbot, text):
    if text:
        qtbot.keyClicks(focused(), text)
    press(qtbot, TAB)


def red(dialog, said) -> dict[str, str]:
    """The red lines showing now, by field."""
    return {key: label.text() for key, label in said.items() if label.isVisibleTo(dialog)}


def session(user, tmp_path):
    return SimpleNamespace(user=user, path=tmp_path / "office.sqlite")


def test_a_plan_refusal_is_said_under_its_box_on_the_payers_screen(qtbot, db, admin, tmp_path):
    from billing_desk.services.books import payers
    from billing_desk.ui.books.payers_dialog import PayersDialog

    payers.save_payer(None, payers.PayerForm(name="Acme Health", payer_id="ACME1"), admin)
    dialog = shown(qtbot, PayersDialog(session(admin, tmp_path), prompter=ScriptedPrompter()))
    press(qtbot, Qt.Key.Key_L, ALT)  # P&lan name
    assert focused() is dialog.plans.fields["name"]
    for text in ("PPO", "abc", "500", "120", ""):  # name, copay, deductible, coinsurance, OOP max
        type_and_tab(qtbot, text)
    press(qtbot, Qt.Key.Key_V, ALT)  # Sa&ve plan
    qtbot.waitUntil(lambda: "not saved" in dialog.message.text(), timeout=2000)
    said = red(dialog, dialog.plans.form_fields.said)
    assert set(said) == {"copay", "coinsurance"}
    assert "'abc' is not an amount" in said["copay"] and "0 to 100" in said["coinsurance"]
    assert focused() is dialog.plans.fields["copay"]  # the cursor at the first one
    assert not INTERNAL.search(dialog.message.text() + dialog.plans.message.text())
    assert Plan.select().count() == 0


def test_the_payer_call_refuses_a_date_that_does_not_exist_when_it_is_left(qtbot, db, admin, tmp_path):
    from billing_desk.services.books import payers
    from billing_desk.ui.claims.calls import CallDialog

    payer = payers.save_payer(None, payers.PayerForm(name="Acme Health", payer_id="ACME1"), admin)
    dialog = shown(qtbot, CallDialog(session(admin, tmp_path), {"payer_id": payer.id}, about="Acme"))
    assert focused() is dialog.called_on
    type_and_tab(qtbot, "02/30/2026")
    said = red(dialog, dialog.errors)
    assert list(said) == ["called_on"] and "is not a date that exists" in said["called_on"]
    assert focused() is not dialog.called_on  # said at once; the clerk goes on
    dialog.called_on.setText((dt.date.today() + dt.timedelta(days=3)).strftime("%m/%d/%Y"))
    dialog.question.setPlainText("Which address takes appeals?")
    press(qtbot, Qt.Key.Key_S, CTRL)
    assert "future" in red(dialog, dialog.errors)["called_on"] and dialog.saved is None
    assert focused() is dialog.called_on


def test_settings_say_a_bad_value_under_its_box_in_its_own_words(qtbot, db, admin):
    from billing_desk.ui.office.settings_dialog import SettingsDialog

    dialog = shown(qtbot, SettingsDialog(SimpleNamespace(user=admin)))
    dialog.tabs.setCurrentIndex(2)  # Sign-in
    box = dialog.editors["idle_lock_minutes"]
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, "ten")
    press(qtbot, Qt.Key.Key_S, CTRL)
    assert red(dialog, dialog.errors) == {"idle_lock_minutes": "'ten' is not a whole number"}
    assert focused() is box and dialog.tabs.tabText(dialog.tabs.currentIndex()) == "Sign-in"
    assert dialog.message.text() == "Not saved: 1 box to fix (marked in red)"
    assert box.accessibleName() == "Idle lock minutes"
    assert Setting.select().where(Setting.key == "idle_lock_minutes").count() == 0


def test_a_new_users_password_is_refused_under_its_box(qtbot, db, admin):
    from billing_desk.ui.office.users_dialog import UserFormDialog

    dialog = shown(qtbot, UserFormDialog(admin))
    assert focused() is dialog.boxes["name"]
    for text in ("Sam Okafor", "sam"):
        type_and_tab(qtbot, text)
    press(qtbot, TAB)  # the role, as it is
    qtbot.keyClicks(focused(), "short")
    press(qtbot, ENTER)
    qtbot.keyClicks(focused(), "other")
    press(qtbot, ENTER)  # Enter on the last box saves
    said = red(dialog, dialog.said)
    assert "at least 10 characters" in said["temporary password"]
    assert "does not match" in said["temporary password (again)"]
    assert focused() is dialog.boxes["temporary password"]
    assert not INTERNAL.search(dialog.message.text()) and "temporary password" not in dialog.message.text()
    assert User.select().where(User.username == "sam").count() == 0


def test_the_account_import_names_a_column_in_the_clerks_words(qtbot, db, admin, tmp_path):
    from billing_desk.ui.accounts.account_import_dialog import AccountImportDialog

    path = tmp_path / "people.csv"
    path.write_text("First,Last,DOB,Member ID\nAnn,Lee,01/02/1980,ABC123\nBob,Ray,02/30/1975,\n",
                    encoding="utf-8")
    dialog = shown(qtbot, AccountImportDialog(SimpleNamespace(user=admin), ScriptedPrompter()))
    assert dialog.load_file(str(path))
    job = dialog.check()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=10_000)
    job.wait()
    model = dialog.bad_view.model()
    columns = {model.index(r, 1).data() for r in range(model.rowCount())}
    assert "DOB" in columns  # a column of the file: its own header
    assert "Primary insurance company" in columns  # a field no column fills: the clerk's words
    assert not any(INTERNAL.search(c) for c in columns)


def test_the_catalogue_import_names_its_columns_in_words(qtbot, db, admin, tmp_path):
    from billing_desk.ui.books.catalogue_dialog import CatalogueDialog

    path = tmp_path / "codes.csv"
    path.write_text("code,description,unit_price\nA1,Visit,x\n", encoding="utf-8")
    dialog = shown(qtbot, CatalogueDialog(session(admin, tmp_path),
                                          prompter=ScriptedPrompter(str(path), False)))
    dialog.import_file()
    qtbot.waitUntil(lambda: "Nothing imported" in dialog.message.text(), timeout=10_000)
    assert [row[1] for row in dialog.problems.rows] == ["Catalogue sheet, column unit price"]


@pytest.fixture
def posted(db, admin, clerk, catalogue, make_account):
    from billing_desk.services.books import invoices, payments

    account = make_account()
    served = dt.date.today() - dt.timedelta(days=20)
    invoice = invoices.quick_invoice(account.id, served, [("99213", 1), ("PRD-KIT", 1)], clerk,
                                     entry_date=served)
    payments.record_payment(account.id, "200.00", clerk, method="cash")
    return invoice


def test_a_return_is_dated_and_each_refusal_said_at_its_place(qtbot, posted, admin, tmp_path):
    from billing_desk.ui.books.credits import CreditMemoDialog

    dialog = shown(qtbot, CreditMemoDialog(session(admin, tmp_path), posted.id))
    assert dialog.date.text() == dt.date.today().strftime("%m/%d/%Y")
    dialog.table.setFocus()
    dialog.table.setCurrentIndex(dialog.model.index(1, 6))
    qtbot.keyClicks(dialog.table, "4")
    qtbot.keyClicks(focused(), "8x")
    press(qtbot, ENTER)
    assert "Line 2, credit: '48x' is not an amount" in dialog.lines_said.text()
    dialog.table.setCurrentIndex(dialog.model.index(1, 6))
    qtbot.keyClicks(dialog.table, "4")
    qtbot.keyClicks(focused(), "8")
    press(qtbot, ENTER)
    assert not dialog.lines_said.isVisibleTo(dialog)
    dialog.date.setFocus()
    dialog.date.selectAll()
    type_and_tab(qtbot, "13/01/2026")
    assert "is not a date that exists" in red(dialog, dialog.said)["adjusted_on"]
    assert focused() is not dialog.date
    dialog.date.setText((posted.service_date - dt.timedelta(days=1)).strftime("%m/%d/%Y"))
    press(qtbot, Qt.Key.Key_S, CTRL)
    said = red(dialog, dialog.said)
    assert set(said) == {"reason", "adjusted_on"}
    assert "before the invoice's date of service" in said["adjusted_on"]
    assert focused() is dialog.reason and Adjustment.select().count() == 0
    qtbot.keyClicks(dialog.reason, "returned unopened")
    dialog.date.setText(dt.date.today().strftime("%m/%d/%Y"))
    press(qtbot, Qt.Key.Key_S, CTRL)
    assert dialog.result() == 1 and {a.adjusted_on for a in Adjustment.select()} == {dt.date.today()}


def test_a_refund_is_typed_dated_and_refused_at_its_boxes(qtbot, posted, admin, tmp_path):
    from billing_desk.ui.books.tab import InvoicesTab

    tab = shown(qtbot, InvoicesTab(session(admin, tmp_path), prompter=ScriptedPrompter()))
    tab.refresh()
    tab.list.table.selectRow(0)
    dialog = tab.refund_credit()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=3000)
    assert focused() is dialog.amount and dialog.amount.text() == "32.00"  # 200.00 paid on 168.00
    press(qtbot, ENTER)
    assert focused() is dialog.date
    dialog.date.selectAll()
    qtbot.keyClicks(dialog.date, (dt.date.today() + dt.timedelta(days=1)).strftime("%m/%d/%Y"))
    press(qtbot, ENTER)
    press(qtbot, TAB)  # paid by check
    qtbot.keyClicks(focused(), "1001")
    press(qtbot, ENTER)
    qtbot.keyClicks(focused(), "overpaid")
    press(qtbot, ENTER)  # Enter on the reason saves
    said = red(dialog, dialog.said)
    assert list(said) == ["adjusted_on"] and "future" in said["adjusted_on"]
    assert focused() is dialog.date and Adjustment.select().count() == 0
    dialog.date.selectAll()
    qtbot.keyClicks(dialog.date, dt.date.today().strftime("%m/%d/%Y"))
    press(qtbot, Qt.Key.Key_S, CTRL)
    refund = Adjustment.get(Adjustment.kind == "refund")
    assert (refund.amount, refund.adjusted_on) == (32, dt.date.today())
    assert Account.get_by_id(posted.account_id).unapplied_credit == 0
    assert "Refunded 32.00" in tab.message.text() and "1001" in tab.message.text()
