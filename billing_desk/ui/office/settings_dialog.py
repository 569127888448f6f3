"""Tools > Settings…: every office setting, grouped, typed, checked before any is saved."""

from __future__ import annotations

from typing import cast

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...errors import BillingError, ValidationError
from ...services.office.permissions import can
from ...services.office.settings import (
    GROUPS,
    SETTINGS,
    get_setting,
    save_settings,
    settings_in,
    settings_version,
)
from ..form_fields import FormFields
from ..prompts import Prompter


class SettingsDialog(QDialog):
    def __init__(self, session, parent=None, prompter: Prompter | None = None):
        super().__init__(parent)
        self.session = session
        self.prompter = prompter or Prompter(self)
        self.setWindowTitle("Settings")
        self.resize(640, 460)
        self.message = QLabel(wordWrap=True, styleSheet="color: #b00020")
        self.form_fields = FormFields(self.message, "setting")
        self.editors, self.errors = self.form_fields.boxes, self.form_fields.said
        self.preview_buttons: dict[str, QPushButton] = {}
        self.shown: dict[str, object] = {}  # each setting as its box first showed it
        self.preview_pdf = ""  # the last letter previewed
        self.tabs = QTabWidget()
        # What the boxes show, read before them: a save over a setting changed since is refused.
        self.loaded_as = settings_version([spec.key for group, _p in GROUPS for spec in settings_in(group)])
        for group, _prefixes in GROUPS:
            self.tabs.addTab(self._page(group), group)
        editable = can(session.user, "change_settings")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(editable)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        note = QLabel("" if editable else "Only a supervisor may change settings; you can look.")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)

    def _page(self, group: str) -> QWidget:
        page = QWidget()
        outer = QVBoxLayout(page)
        form = QFormLayout()
        outer.addLayout(form)
        outer.addStretch(1)  # rows keep their height; the space left goes below them
        for spec in settings_in(group):
            editor, shown = self._editor(spec)
            self.form_fields.add(form, spec.key, spec.title, editor, note=spec.help, shown=shown)
        return page

    def _editor(self, spec) -> tuple[QWidget, QWidget | None]:
        """The box for a setting, and the row it sits in when it has a Choose… button."""
        value = self.shown[spec.key] = get_setting(spec.key)
        kind = spec.type
        editor: QCheckBox | QPlainTextEdit | QLineEdit
        if kind == "bool":
            editor = QCheckBox(checked=bool(value))
        elif kind in ("lines", "letter"):
            editor = QPlainTextEdit(str(value or ""))
            editor.setTabChangesFocus(True)
            editor.setFixedHeight(70 if kind == "lines" else 210)
        else:
            editor = QLineEdit(str(value if value is not None else ""))
        editor.setObjectName(spec.key)
        if kind == "letter":
            row = QWidget()
            column = QVBoxLayout(row)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(editor)
            preview = QPushButton("Pre&view the letter…", objectName=f"preview-{spec.key}")
            preview.clicked.connect(lambda _c=False, k=spec.key: self.preview_letter(k))
            self.preview_buttons[spec.key] = preview
            column.addWidget(preview)
            return editor, row
        if kind in ("file", "folder"):
            row = QWidget()
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            line.addWidget(editor, 1)
            browse = QPushButton("Choose…")
            browse.clicked.connect(lambda _c=False, e=editor, k=kind: self._browse(e, k))
            line.addWidget(browse)
            return editor, row
        return editor, None

    def _browse(self, editor: QLineEdit, kind: str) -> None:
        if kind == "folder":
            path = self.prompter.choose_folder("Choose the folder", editor.text())
        else:
            path = self.prompter.choose_open_file("Choose the file", "Pictures (*.png *.jpg *.jpeg)",
                                                  editor.text())
        if path:
            editor.setText(path)

    def preview_letter(self, key: str) -> None:
        """The letter the typed template makes, with the newest denied claim's facts (or a sample
        claim's), in the print preview: checked first, a bad placeholder shown under the box."""
        import tempfile
        from pathlib import Path

        from ...printing import letters
        from ...services.claims import denials
        from ..reports.print_preview import PrintPreviewDialog

        self.errors[key].hide()
        try:
            letter = denials.appeal_preview(cast(QPlainTextEdit, self.editors[key]).toPlainText())
        except ValidationError as exc:
            self.errors[key].setText(exc.problems[0].message)
            self.errors[key].show()
            self.editors[key].setFocus()
            return
        path = Path(tempfile.mkdtemp(prefix="billing-desk-letter-")) / "appeal-letter-preview.pdf"
        path.write_bytes(letters.render([letter]))
        self.preview_pdf = str(path)
        self.prompter.run(PrintPreviewDialog(path, self, prompter=self.prompter,
                                             title="Appeal letter (preview)", delete_file=True))

    def typed(self) -> dict[str, object]:
        values: dict[str, object] = dict(self.form_fields.values())
        for key, editor in self.editors.items():
            if isinstance(editor, QCheckBox):
                values[key] = editor.isChecked()
        return values

    def _changed_since(self) -> str:
        """The settings the office holds otherwise than this screen first showed them, now."""
        changed = [(SETTINGS[key].title, get_setting(key)) for key, was in self.shown.items()
                   if get_setting(key) != was]
        return ("\n\nThe office has now: " + "; ".join(f"{title}: {_said(value)}" for title, value in changed)
                + ".") if changed else ""

    def save(self) -> bool:
        self.form_fields.clear()
        try:
            changed = save_settings(self.typed(), self.session.user, loaded_as=self.loaded_as)
        except ValidationError as exc:
            keys = list(self.editors)
            first = min((p.field for p in exc.problems if p.field in self.editors), key=keys.index,
                        default=None)
            for index, (group, _p) in enumerate(GROUPS):  # the tab of the first bad box, shown
                if first in {s.key for s in settings_in(group)}:
                    self.tabs.setCurrentIndex(index)
            self.form_fields.refused(exc)
            return False
        except BillingError as exc:  # the boxes keep the typing; the message, the office's values now
            self.prompter.warn("Settings", f"{exc}{self._changed_since()}")
            return False
        self.accept()
        return bool(changed) or True


def _said(value: object) -> str:
    text = "yes" if value is True else "no" if value is False else " ".join(str(value or "").split())
    return f"“{text[:80]}…”" if len(text) > 80 else f"“{text}”" if text else "(blank)"


def install_settings_action(window) -> None:
    window.add_action("&Tools", "&Settings…", lambda: SettingsDialog(window.session, window).exec(),
                      tip="The office's name and address, thresholds, sign-in, collections, backups")
