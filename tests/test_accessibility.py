"""Screen readers (issue 19, item 15): every input, table and button of every tab and of the main
dialogs has an accessible name and a description; the focus is always visible; the window at
150 % scaling and in a high-contrast palette (screenshots)."""

from __future__ import annotations

import datetime as dt

import pytest
from demo_fixtures import demo_path, window  # noqa: F401 (fixtures)
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QPushButton, QTableView, QWidget

from billing_desk.ui import accessibility
from billing_desk.ui.prompts import ScriptedPrompter

pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support (raise|grabbing the keyboard|propagateSizeHints)")


DEMO = {"accounts": 12, "seed": 5}


def visit_every_page(window, qtbot):
    """Every tab, and every page inside a tab (the account form, page, queue, cases...)."""
    from PySide6.QtWidgets import QStackedWidget, QTabWidget

    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        page = window.tabs.currentWidget()
        for inner in page.findChildren(QTabWidget) + page.findChildren(QStackedWidget):
            for sub in range(inner.count()):
                inner.setCurrentIndex(sub)
                qtbot.wait(1)
            inner.setCurrentIndex(0)


def test_every_widget_of_every_tab_is_named(window, qtbot):
    visit_every_page(window, qtbot)
    account = window.pages[0]
    account.open_account(account.list.model.row_object(0).id)
    account.new_account()
    assert accessibility.missing(window) == []


def dialogs(session):
    from billing_desk.ui.books.catalogue_dialog import CatalogueDialog
    from billing_desk.ui.books.catalogue_plans import PlansDialog
    from billing_desk.ui.books.invoice_actions import DiagnosisLookup
    from billing_desk.ui.books.invoice_form import InvoiceForm
    from billing_desk.ui.books.payers_dialog import PayersDialog
    from billing_desk.ui.books.payment_eob import EobDialog
    from billing_desk.ui.books.payment_list import PaymentListDialog
    from billing_desk.ui.books.payment_patient import PatientPaymentDialog
    from billing_desk.ui.collections.collection_dialogs import BatchDialog, ContactDialog
    from billing_desk.ui.collections.collection_stages import StageLadderDialog
    from billing_desk.ui.office.audit_viewer import AuditViewer
    from billing_desk.ui.office.backup_dialogs import MaintenanceDialog
    from billing_desk.ui.office.settings_dialog import SettingsDialog
    from billing_desk.ui.office.signin import ChangePasswordDialog, SignInDialog, SignOffDialog
    from billing_desk.ui.office.users_dialog import UsersDialog
    from billing_desk.ui.reports.reports_window import ReportDialog

    user, today, prompter = session.user, dt.date.today(), ScriptedPrompter()
    from billing_desk.services.accounts import registry

    account = registry.search_accounts(status="active")[0]
    return [*_form_dialogs(session, account, prompter), InvoiceForm(session, prompter=prompter),
            EobDialog(session, prompter=prompter),
            PatientPaymentDialog(session, account.id, prompter=prompter),
            PaymentListDialog(session, prompter=prompter), CatalogueDialog(session, prompter=prompter),
            PlansDialog(session), PayersDialog(session, prompter=prompter), DiagnosisLookup(),
            ContactDialog(account.id, user, today, prompter=prompter), BatchDialog(user, today),
            StageLadderDialog(user, prompter=prompter), AuditViewer(user, prompter=prompter),
            MaintenanceDialog(session), SettingsDialog(session, prompter=prompter),
            UsersDialog(user, prompter=prompter), ReportDialog(session, prompter=prompter),
            SignInDialog(office="Demo"), ChangePasswordDialog(user), SignOffDialog("void_invoice")]


def _form_dialogs(session, account, prompter):
    """The forms built of ui/form_fields: the providers, the billing identity, a new user, a
    call with a payer, a refund and a return."""
    from billing_desk.models import Invoice, Payer
    from billing_desk.ui.books.credits import CreditMemoDialog, RefundDialog
    from billing_desk.ui.claims.calls import CallDialog
    from billing_desk.ui.office.billing_identity_dialog import BillingIdentityDialog
    from billing_desk.ui.office.providers_dialog import ProvidersDialog
    from billing_desk.ui.office.users_dialog import UserFormDialog

    invoice = Invoice.select().where(Invoice.status == "posted").first()
    return [ProvidersDialog(session, prompter=prompter), BillingIdentityDialog(session, prompter=prompter),
            UserFormDialog(session.user), CallDialog(session, {"payer_id": Payer.select().first().id}),
            RefundDialog(session, account), CreditMemoDialog(session, invoice.id)]


def test_every_widget_of_the_main_dialogs_is_named(window, qtbot):
    missing = []
    for dialog in dialogs(window.session):
        qtbot.addWidget(dialog)
        dialog.show()
        missing += accessibility.missing(dialog)
        dialog.hide()
    assert missing == []


def test_the_focus_is_always_visible(qtbot, tmp_path):
    """Tab through each kind of input: the window looks different around it with the focus
    (a ring in the highlight colour where the style draws no frame of its own)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QVBoxLayout

    accessibility.install()
    box = QWidget()
    layout = QVBoxLayout(box)
    start = QLineEdit("first")
    widgets = [QLineEdit("typed"), QComboBox(), QPushButton("Save"), QTableView()]
    widgets[1].addItems(["print", "email"])
    for widget in [start, *widgets]:
        layout.addWidget(widget)
    qtbot.addWidget(box)
    box.resize(300, 400)
    box.show()
    box.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is box, timeout=2000)
    start.setFocus()
    unseen = []
    for widget in widgets:
        area = widget.geometry().adjusted(-3, -3, 3, 3)
        before = box.grab(area).toImage()
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        qtbot.waitUntil(widget.hasFocus, timeout=1000)
        qtbot.wait(10)
        if box.grab(area).toImage() == before:
            unseen.append(type(widget).__name__)
        box.grab().save(str(tmp_path / f"focus-{type(widget).__name__}.png"))
    assert unseen == []


def test_high_contrast_and_scaled_screenshots(window, qtbot, tmp_path):
    """Screenshots to look at (saved beside the test's files); the test checks they are drawn
    in the palette's colours."""
    app = QApplication.instance()
    old = app.palette()
    palette = QPalette()
    for role, colour in ((QPalette.ColorRole.Window, "black"), (QPalette.ColorRole.WindowText, "white"),
                         (QPalette.ColorRole.Base, "black"), (QPalette.ColorRole.Text, "yellow"),
                         (QPalette.ColorRole.Button, "black"), (QPalette.ColorRole.ButtonText, "white"),
                         (QPalette.ColorRole.Highlight, "cyan"),
                         (QPalette.ColorRole.HighlightedText, "black"),
                         (QPalette.ColorRole.AlternateBase, "#202020"),
                         (QPalette.ColorRole.PlaceholderText, "#c0c0c0"),
                         (QPalette.ColorRole.Light, "white"), (QPalette.ColorRole.Midlight, "#e0e0e0"),
                         (QPalette.ColorRole.Mid, "#c0c0c0"), (QPalette.ColorRole.Dark, "white"),
                         (QPalette.ColorRole.Shadow, "white"), (QPalette.ColorRole.ToolTipBase, "black"),
                         (QPalette.ColorRole.ToolTipText, "white")):
        palette.setColor(role, QColor(colour))
    try:
        app.setPalette(palette)
        qtbot.wait(20)
        for index, name in enumerate(("accounts", "invoices", "claims", "orders", "collections")):
            window.tabs.setCurrentIndex(min(index, window.tabs.count() - 1))
            qtbot.wait(20)
            image = window.grab().toImage()
            image.save(str(tmp_path / f"high-contrast-{name}.png"))
        dark = sum(1 for x in range(0, image.width(), 8) for y in range(0, image.height(), 8)
                   if image.pixelColor(x, y).lightness() < 40)
        assert dark > 0.5 * (image.width() // 8) * (image.height() // 8)  # the palette is used
    finally:
        app.setPalette(old)


SCALED = """
import sys
from PySide6.QtWidgets import QApplication
from billing_desk.ui.app import application
from billing_desk.services.office.session import open_session
from billing_desk.ui.main_window import MainWindow

app = application()
session = open_session(sys.argv[1])
window = MainWindow(session)
window.show()
for index in range(window.tabs.count()):
    window.tabs.setCurrentIndex(index)
    app.processEvents()
    window.grab().save(f"{sys.argv[2]}-{index}.png")
hint = window.minimumSizeHint()
print(app.devicePixelRatio(), window.width(), window.height(), hint.width(), hint.height())
window.close()
session.close()
"""


def test_at_150_percent_the_window_fits_a_1080p_screen(demo_path, tmp_path):
    """QT_SCALE_FACTOR=1.5 (a 1920x1080 screen is then 1280x720 to the program): the screenshots
    are saved to look at; the window's smallest size fits that screen."""
    import os
    import subprocess
    import sys

    from PySide6.QtGui import QImage

    env = dict(os.environ, QT_SCALE_FACTOR="1.5", QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", SCALED, str(demo_path), str(tmp_path / "scaled")],
                          capture_output=True, text=True, env=env, timeout=120, cwd=os.getcwd())
    assert done.returncode == 0, done.stderr
    ratio, width, height, min_width, min_height = done.stdout.split()[-5:]
    assert float(ratio) == 1.5 and (int(width), int(height)) == (1200, 760)
    assert int(min_width) <= 1280 and int(min_height) <= 720
    image = QImage(str(tmp_path / "scaled-0.png"))
    assert (image.width(), image.height()) == (1800, 1140)
