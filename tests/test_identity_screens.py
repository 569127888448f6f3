"""The billing identity and the providers, typed with the keys as a clerk would: a bad NPI shown
at its box and nothing saved, a good one saved and audited; a provider added, edited, deactivated
(asked first) and reactivated; the walk-through a new office gets before its first claim."""

from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox

from billing_desk.models import AuditEntry, Provider, Setting
from billing_desk.services.claims import identity
from billing_desk.services.office.settings import get_setting
from billing_desk.ui.prompts import ScriptedPrompter

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")

ENTER, TAB = Qt.Key.Key_Return, Qt.Key.Key_Tab
CTRL, ALT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.AltModifier
TYPED = {"name": "Maple Street Family Practice", "npi": "1234567890", "tax_id": "37-1234567",
         "taxonomy": "207q00000x", "street": "120 Maple Street", "street2": "Suite 4",
         "city": "Springfield", "state": "il", "zip_code": "62701-1234", "phone": "217 555 0140",
         "submitter_name": "Maple Street", "submitter_id": "MSFP01", "contact_name": "Maria Lopez",
         "contact_phone": "217 555 0141", "receiver_name": "Clear House", "receiver_id": "CLEARHOUSE"}


def focused():
    return QApplication.focusWidget()


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(focused(), key, modifier)


def shown(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=2000)
    return dialog


def fill(dialog, values):
    for name, value in values.items():
        box = dialog.fields[name]
        box.setCurrentText(value) if isinstance(box, QComboBox) else box.setText(value)


def session(user, tmp_path):
    return SimpleNamespace(user=user, path=tmp_path / "office.sqlite")


def test_the_identity_is_typed_a_bad_npi_shown_at_its_box_a_good_one_saved(qtbot, supervisor, tmp_path):
    from billing_desk.ui.office.billing_identity_dialog import FIELDS, BillingIdentityDialog

    dialog = shown(qtbot, BillingIdentityDialog(session(supervisor, tmp_path), prompter=ScriptedPrompter()))
    qtbot.waitUntil(lambda: focused() is dialog.fields["name"])
    for name in FIELDS:  # Enter moves on from a box; Tab past a choice (EIN, test files) as it is
        assert focused() is dialog.fields[name], name
        if isinstance(dialog.fields[name], QComboBox):
            press(qtbot, TAB)
        else:
            qtbot.keyClicks(focused(), TYPED[name])
            press(qtbot, ENTER)
    press(qtbot, Qt.Key.Key_S, CTRL)
    problem = dialog.errors["npi"]
    assert problem.isVisible() and "check digit is wrong" in problem.text()
    assert [n for n, label in dialog.errors.items() if label.isVisible()] == ["npi"]
    assert focused() is dialog.fields["npi"] and dialog.isVisible()
    assert identity.billing_identity().npi == "" and "Not saved" in dialog.message.text()

    focused().selectAll()
    qtbot.keyClicks(focused(), "1234567893")
    press(qtbot, Qt.Key.Key_S, CTRL)
    assert not dialog.isVisible()
    saved = identity.billing_identity()
    assert (saved.npi, saved.tax_id, saved.taxonomy, saved.state, saved.production) == (
        "1234567893", "371234567", "207Q00000X", "IL", False)
    assert identity.identity_problems(saved) == []
    entry = AuditEntry.select().where(AuditEntry.summary == "billing identity changed").get()
    assert entry.user_id == supervisor.id


def test_a_clerk_may_look_but_not_change_the_identity(qtbot, clerk, tmp_path):
    from billing_desk.ui.office.billing_identity_dialog import BillingIdentityDialog

    dialog = shown(qtbot, BillingIdentityDialog(session(clerk, tmp_path), prompter=ScriptedPrompter()))
    assert not dialog.save_button.isEnabled() and dialog.fields["npi"].isReadOnly()
    assert "Only a supervisor" in dialog.note.text()
    assert not dialog.save()


def test_the_walk_through_opens_the_dialog_until_the_identity_is_complete(qtbot, supervisor, clerk,
                                                                         tmp_path):
    from claims_fixtures import IDENTITY

    from billing_desk.ui.office.billing_identity_dialog import ensure_billing_identity

    class FillsIn(ScriptedPrompter):
        """Types the identity into the dialog the walk-through opens, and saves it."""

        def run(self, dialog):
            self.asked.append(("dialog", dialog.windowTitle()))
            fill(dialog, IDENTITY)
            return dialog.save()

    assert not ensure_billing_identity(None, session(clerk, tmp_path), (told := ScriptedPrompter()))
    assert told.asked[0][0] == "warn" and "a supervisor" in told.asked[0][1].lower()
    walk = FillsIn()
    assert ensure_billing_identity(None, session(supervisor, tmp_path), walk)
    assert walk.asked == [("dialog", "Billing identity")]
    again = ScriptedPrompter()
    assert ensure_billing_identity(None, session(supervisor, tmp_path), again) and again.asked == []
    Setting.delete().where(Setting.key == "billing_identity").execute()
    left = ScriptedPrompter(False)  # the dialog closed without saving: still incomplete
    assert not ensure_billing_identity(None, session(supervisor, tmp_path), left)
    assert left.asked == [("dialog", "Billing identity: ")]


def test_the_invoice_tab_says_so_until_the_identity_is_complete(qtbot, supervisor, tmp_path):
    from claims_fixtures import IDENTITY

    from billing_desk.ui.books.tab import InvoicesTab

    tab = InvoicesTab(session(supervisor, tmp_path), prompter=ScriptedPrompter())
    shown(qtbot, tab)
    assert tab.identity_banner.isVisible()
    tab.list.search.setFocus()
    qtbot.waitUntil(tab.list.search.hasFocus)
    press(qtbot, Qt.Key.Key_F8)
    dialog = tab.windows[-1]
    assert dialog.windowTitle() == "Billing identity" and dialog.isVisible()
    fill(dialog, IDENTITY)
    assert dialog.save()
    assert not tab.identity_banner.isVisible()  # the tab refreshed when the dialog closed


def test_a_provider_is_added_edited_deactivated_and_reactivated(qtbot, supervisor, tmp_path):
    from billing_desk.ui.office.providers_dialog import ProvidersDialog

    prompter = ScriptedPrompter()
    dialog = shown(qtbot, ProvidersDialog(session(supervisor, tmp_path), prompter=prompter))
    press(qtbot, Qt.Key.Key_N, CTRL)
    assert focused() is dialog.fields["last_name"]
    for text in ("Rivera", "Ana", "", "1234567890", "207q00000x"):
        qtbot.keyClicks(focused(), text)
        press(qtbot, ENTER)
    assert focused() is dialog.fields["role"] and dialog.fields["role"].currentText() == "rendering"
    press(qtbot, Qt.Key.Key_S, CTRL)
    assert dialog.errors["npi"].isVisible() and "check digit" in dialog.errors["npi"].text()
    assert focused() is dialog.fields["npi"] and Provider.select().count() == 0
    focused().selectAll()
    qtbot.keyClicks(focused(), "1234567893")
    press(qtbot, Qt.Key.Key_S, CTRL)
    rivera = Provider.get(Provider.npi == "1234567893")
    assert (rivera.display_name, rivera.taxonomy, rivera.role, rivera.active) == (
        "Rivera, Ana", "207Q00000X", "rendering", True)
    assert "Saved Rivera, Ana" in dialog.message.text() and dialog.list.model.total == 1

    press(qtbot, Qt.Key.Key_F, ALT)  # edit: Alt+F to the first name
    assert focused() is dialog.fields["first_name"]
    focused().selectAll()
    qtbot.keyClicks(focused(), "Ana Maria")
    press(qtbot, Qt.Key.Key_S, CTRL)
    assert Provider.get_by_id(rivera.id).first_name == "Ana Maria"
    assert AuditEntry.select().where(AuditEntry.summary.startswith("changed provider")).count() == 1

    prompter.answers = [False]  # "Deactivate Rivera, Ana Maria?" -> No: nothing changes
    press(qtbot, Qt.Key.Key_D, ALT)
    qtbot.waitUntil(lambda: len(prompter.asked) == 1, timeout=2000)  # a mnemonic clicks after a delay
    assert Provider.get_by_id(rivera.id).active and prompter.asked[-1][0] == "confirm"
    prompter.answers = [True, "left the practice"]
    press(qtbot, Qt.Key.Key_D, ALT)
    qtbot.waitUntil(lambda: not Provider.get_by_id(rivera.id).active, timeout=2000)
    assert [kind for kind, _text in prompter.asked] == ["confirm", "confirm", "ask"]
    assert dialog.buttons["active"].text().startswith("Reactivate")
    assert identity.search_providers("rivera") == []  # not offered on new invoices
    prompter.answers = [True]
    press(qtbot, Qt.Key.Key_D, ALT)
    qtbot.waitUntil(lambda: Provider.get_by_id(rivera.id).active, timeout=2000)
    kinds = [e.action for e in AuditEntry.select().where(AuditEntry.table == "provider")]
    assert kinds == ["create", "update", "deactivate", "reactivate"]

    press(qtbot, Qt.Key.Key_U, ALT)  # the usual rendering provider of new invoices
    qtbot.waitUntil(lambda: get_setting("usual_rendering_provider") == rivera.id, timeout=2000)
    assert get_setting("usual_rendering_provider") == rivera.id
    assert identity.usual_rendering_provider().id == rivera.id

    dialog.list.search.setFocus()
    qtbot.keyClicks(dialog.list.search, "nobody")
    qtbot.waitUntil(lambda: dialog.list.model.total == 0)
    dialog.list.search.clear()
    qtbot.keyClicks(dialog.list.search, "12345")  # the NPI's first digits
    qtbot.waitUntil(lambda: dialog.list.model.total == 1)


def test_reactivating_a_provider_whose_npi_is_on_an_active_one_is_refused(db, admin):
    from billing_desk.errors import RuleError, ValidationError

    old = identity.add_provider(identity.ProviderInput("Doe", "Jan", npi="1234567893",
                                                       taxonomy="207Q00000X"), admin)
    identity.deactivate_provider(old.id, "left", admin)
    identity.add_provider(identity.ProviderInput("Doe", "Janet", npi="1234567893",
                                                 taxonomy="207Q00000X"), admin)
    with pytest.raises(ValidationError, match="another active rendering provider"):
        identity.reactivate_provider(old.id, admin)
    with pytest.raises(RuleError, match="already active"):
        identity.reactivate_provider(Provider.get(Provider.first_name == "Janet").id, admin)
