"""The invoice's boxes for its claim: the rendering provider in the header where the superbill names
it, the referring provider and prior authorization typed with the keys after the notes; kept on
the draft, shown again when it is reopened, posted, and carried onto the claim form; a new
invoice starts with the office's usual rendering provider, whose name is the invoice's provider."""

from types import SimpleNamespace

import pytest
from claims_fixtures import DAY, insured, office, only_claim  # noqa: F401
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from billing_desk.models import Invoice
from billing_desk.services.claims import identity
from billing_desk.services.claims.forms import claim_form
from billing_desk.ui.prompts import ScriptedPrompter

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")
ENTER, TAB = Qt.Key.Key_Return, Qt.Key.Key_Tab
CTRL = Qt.KeyboardModifier.ControlModifier


def focused():
    return QApplication.focusWidget()


def type_in(qtbot, text, enter=True):
    for char in text:
        qtbot.keyClicks(focused(), char)
    if enter:
        press(qtbot, ENTER)


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(focused(), key, modifier)
    QApplication.processEvents()
    window = focused().window() if focused() else None
    if window is not None and QApplication.activeWindow() is not window:
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def ready(qtbot, window, first):
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    first.setFocus()
    qtbot.waitUntil(lambda: first.hasFocus())


@pytest.fixture
def providers(office, admin):
    def add(last, first, npi, role="rendering"):
        return identity.add_provider(identity.ProviderInput(last, first, npi=npi, role=role,
                                                            taxonomy="207Q00000X"), admin)

    made = {"rivera": add("Rivera", "Ana", "1234567893"), "kim": add("Kim", "Dae", "1987654328"),
            "ortiz": add("Ortiz", "Luz", "1555555550", "referring")}
    identity.set_usual_rendering_provider(made["rivera"].id, admin)
    return made


def test_the_claim_boxes_are_typed_after_the_notes_kept_and_carried_to_the_claim(
        qtbot, admin, insured, providers, tmp_path):
    from billing_desk.ui.books.tab import InvoicesTab

    account = insured(secondary=False)
    tab = InvoicesTab(SimpleNamespace(user=admin, path=tmp_path / "office.sqlite"),
                      prompter=ScriptedPrompter())
    qtbot.addWidget(tab)
    form = tab.new_invoice()
    assert form.claim.rendering.currentText().startswith("Rivera, Ana")  # the usual one
    assert form.claim.referring.currentText() == "(none)" and not form.dirty
    ready(qtbot, form, form.account)
    type_in(qtbot, account.number)
    qtbot.keyClick(focused(), Qt.Key.Key_A, CTRL)
    type_in(qtbot, DAY.strftime("%m/%d/%Y"))
    type_in(qtbot, "")  # the rendering provider: the usual one
    type_in(qtbot, "11")
    type_in(qtbot, "e11.9")
    type_in(qtbot, "99213")
    for _ in range(3):
        press(qtbot, ENTER)
    type_in(qtbot, "A")
    press(qtbot, ENTER)  # an empty code: on to the notes
    assert focused() is form.notes
    press(qtbot, TAB)
    assert focused() is form.claim.referring
    type_in(qtbot, "Ortiz", enter=False)
    press(qtbot, TAB)
    assert focused() is form.claim.prior_authorization
    type_in(qtbot, "PA-5531", enter=False)
    press(qtbot, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)  # back up to the rendering provider
    assert focused() is form.claim.rendering
    type_in(qtbot, "Kim", enter=False)  # the pick box finds by the first letters
    assert form.dirty
    press(qtbot, Qt.Key.Key_S, CTRL)
    draft = Invoice.get(Invoice.account == account.id)
    assert (draft.status, draft.rendering_provider_id, draft.referring_provider_id,
            draft.prior_authorization) == ("draft", providers["kim"].id, providers["ortiz"].id, "PA-5531")
    form.reject()
    assert not form.isVisible()  # saved: nothing to ask

    again = tab.open_invoice(draft.id)
    assert again.claim.rendering.currentText().startswith("Kim, Dae")
    assert again.claim.referring.currentText().startswith("Ortiz, Luz")
    assert again.claim.prior_authorization.text() == "PA-5531" and not again.dirty
    again.prompter = ScriptedPrompter(True)  # "Post this invoice?" -> yes
    ready(qtbot, again, again.notes)
    press(qtbot, Qt.Key.Key_Return, CTRL)
    posted = Invoice.get_by_id(draft.id)
    assert posted.status == "posted" and not again.claim.rendering.isEnabled()
    form_of_claim = claim_form(only_claim(posted).id)
    assert form_of_claim.rendering.npi == "1987654328"
    assert form_of_claim.referring.npi == "1555555550"
    assert form_of_claim.prior_authorization == "PA-5531"


def test_a_draft_naming_a_provider_since_deactivated_still_shows_them(qtbot, admin, insured, providers,
                                                                       tmp_path):
    from billing_desk.services.books import invoices
    from billing_desk.ui.books.invoice_form import InvoiceForm

    account = insured(secondary=False)
    draft = invoices.save_draft(invoices.InvoiceDraft(
        account_id=account.id, service_date=DAY, diagnoses=["E11.9"],
        lines=[invoices.LineInput("99213", 1, pointers="A")], rendering_provider_id=providers["kim"].id),
        admin)
    identity.deactivate_provider(providers["kim"].id, "left the practice", admin)
    form = InvoiceForm(SimpleNamespace(user=admin, path=tmp_path), draft.id, prompter=ScriptedPrompter())
    qtbot.addWidget(form)
    assert form.claim.rendering.currentText() == "Kim, Dae — NPI 1987654328 (inactive)"
    assert form.claim.referring.currentText() == "(none)"
    fresh = InvoiceForm(SimpleNamespace(user=admin, path=tmp_path), prompter=ScriptedPrompter())
    qtbot.addWidget(fresh)
    offered = [fresh.claim.rendering.itemText(i) for i in range(fresh.claim.rendering.count())]
    assert offered == ["(none)", "Rivera, Ana — NPI 1234567893"]


def test_with_no_usual_one_a_new_invoice_starts_with_the_last_used(db, admin, office, insured):
    from billing_desk.services.books import invoices
    from billing_desk.services.office.settings import set_setting

    add = lambda last, npi: identity.add_provider(identity.ProviderInput(
        last, "A", npi=npi, taxonomy="207Q00000X"), admin)
    assert identity.usual_rendering_provider() is None
    only = add("Rivera", "1234567893")
    assert identity.usual_rendering_provider().id == only.id  # the only one
    kim = add("Kim", "1987654328")
    assert identity.usual_rendering_provider() is None  # two, none used yet
    account = insured(secondary=False)
    invoices.save_draft(invoices.InvoiceDraft(account_id=account.id, service_date=DAY, diagnoses=["E11.9"],
                                              lines=[invoices.LineInput("99213", 1, pointers="A")],
                                              rendering_provider_id=kim.id), admin)
    assert identity.usual_rendering_provider().id == kim.id  # the last used
    set_setting("usual_rendering_provider", only.id, admin)
    assert identity.usual_rendering_provider().id == only.id  # the office's choice wins


# --- the Provider on the invoice is its rendering provider ---------------------------------------

def test_the_invoices_provider_is_its_rendering_providers_name_and_typed_text_stays(db, admin, insured,
                                                                                   providers):
    """One provider box: the printed invoice and the charges report name the rendering provider;
    an invoice without one keeps the text typed on it before (an older invoice, an order's)."""
    from billing_desk.models import AuditEntry
    from billing_desk.services.books import invoices
    from billing_desk.services.books.invoice_papers import invoice_paper

    account = insured(secondary=False)
    lines = [invoices.LineInput("99213", 1, pointers="A")]
    seen = invoices.save_draft(invoices.InvoiceDraft(
        account_id=account.id, service_date=DAY, diagnoses=["E11.9"], lines=lines,
        provider="Dr. Typed", rendering_provider_id=providers["kim"].id), admin)
    assert Invoice.get_by_id(seen.id).provider == "Kim, Dae"
    assert invoice_paper(seen.id)["provider"] == "Kim, Dae"
    old = invoices.save_draft(invoices.InvoiceDraft(
        account_id=account.id, service_date=DAY, diagnoses=["E11.9"], lines=lines, provider="Dr. Old"),
        admin)
    assert Invoice.get_by_id(old.id).provider == "Dr. Old"
    again = invoices.draft_of(Invoice.get_by_id(seen.id))
    again.rendering_provider_id = providers["rivera"].id
    invoices.save_draft(again, admin, invoice_id=seen.id)
    entry = AuditEntry.select().where(AuditEntry.table == "invoice", AuditEntry.action == "update").get()
    assert (entry.before["provider"], entry.after["provider"]) == ("Kim, Dae", "Rivera, Ana")


def test_the_rendering_provider_is_picked_in_the_header_where_the_provider_was(qtbot, admin, insured,
                                                                               providers, tmp_path):
    """Superbill order: account, date, rendering provider (Alt+P; Enter keeps the usual one and
    moves on, letters pick another), place of service."""
    from billing_desk.ui.books.tab import InvoicesTab

    account = insured(secondary=False)
    tab = InvoicesTab(SimpleNamespace(user=admin, path=tmp_path / "office.sqlite"),
                      prompter=ScriptedPrompter())
    qtbot.addWidget(tab)
    form = tab.new_invoice()
    assert not hasattr(form, "provider")  # no free-text box beside it any more
    ready(qtbot, form, form.account)
    type_in(qtbot, account.number)
    qtbot.keyClick(focused(), Qt.Key.Key_A, CTRL)
    type_in(qtbot, DAY.strftime("%m/%d/%Y"))
    assert focused() is form.claim.rendering
    assert form.claim.rendering.currentText().startswith("Rivera, Ana")
    type_in(qtbot, "Kim")  # the pick box finds by the first letters; Enter moves on
    assert focused() is form.place and form.claim.rendering.currentText().startswith("Kim, Dae")
    press(qtbot, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    assert focused() is form.claim.rendering
    assert form.provider_typed.isHidden()


def test_an_invoice_with_a_typed_provider_keeps_showing_it(qtbot, admin, insured, providers, tmp_path):
    from billing_desk.services.books import invoices
    from billing_desk.ui.books.invoice_form import InvoiceForm

    account = insured(secondary=False)
    old = invoices.save_draft(invoices.InvoiceDraft(
        account_id=account.id, service_date=DAY, diagnoses=["E11.9"],
        lines=[invoices.LineInput("99213", 1, pointers="A")], provider="Dr. Old"), admin)
    form = InvoiceForm(SimpleNamespace(user=admin, path=tmp_path), old.id, prompter=ScriptedPrompter())
    qtbot.addWidget(form)
    assert form.claim.rendering.currentText() == "(none)"
    assert form.provider_typed.text() == "Typed on this invoice: Dr. Old"
    assert not form.provider_typed.isHidden()
    assert form.save() and Invoice.get_by_id(old.id).provider == "Dr. Old"  # saved again, kept
    form.claim.rendering.setCurrentIndex(form.claim.rendering.findData(providers["kim"].id))
    assert form.save() and Invoice.get_by_id(old.id).provider == "Kim, Dae"
    assert form.provider_typed.isHidden()


def test_choosing_no_rendering_provider_leaves_no_stale_name(qtbot, admin, insured, providers, tmp_path):
    from billing_desk.services.books import invoices
    from billing_desk.ui.books.invoice_form import InvoiceForm

    account = insured(secondary=False)
    seen = invoices.save_draft(invoices.InvoiceDraft(
        account_id=account.id, service_date=DAY, diagnoses=["E11.9"],
        lines=[invoices.LineInput("99213", 1, pointers="A")], rendering_provider_id=providers["kim"].id),
        admin)
    form = InvoiceForm(SimpleNamespace(user=admin, path=tmp_path), seen.id, prompter=ScriptedPrompter())
    qtbot.addWidget(form)
    assert form.provider_typed.isHidden()
    form.claim.rendering.setCurrentIndex(0)  # (none)
    assert form.save() and Invoice.get_by_id(seen.id).provider == ""
