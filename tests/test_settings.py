"""Settings: every one declared once, documented, typed and checked; the dialog saves or says why."""

from pathlib import Path

import pytest

from billing_desk.errors import PermissionDenied, ValidationError
from billing_desk.models import AuditEntry
from billing_desk.services.office.settings import (
    GROUPS,
    SETTINGS,
    get_setting,
    parse_setting,
    save_settings,
    settings_in,
)

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_editable_setting_is_in_a_group_and_has_help():
    grouped = [spec.key for group, _p in GROUPS for spec in settings_in(group)]
    editable = [spec.key for spec in SETTINGS.values() if spec.type != "internal"]
    assert sorted(grouped) == sorted(editable) and len(grouped) == len(set(grouped))
    assert all(spec.help for spec in SETTINGS.values())


@pytest.mark.parametrize("key, text, words", [
    ("credit_approval_threshold", "12.345", "more than two decimals"),
    ("statement_minimum", "1e3", "not an amount"),
    ("idle_lock_minutes", "ten", "not a whole number"),
    ("late_fee_rate", "150", "0 to 100"),
    ("late_fee_rate", "abc", "not a percentage"),
    ("office_logo", "/no/such/logo.png", "no file"),
])
def test_bad_values_are_refused_naming_the_setting(key, text, words):
    with pytest.raises(ValidationError) as caught:
        parse_setting(key, text)
    assert caught.value.problems[0].field == key and words in str(caught.value)


def test_save_checks_everything_first_and_audits_each_change(db, admin, clerk):
    with pytest.raises(PermissionDenied):
        save_settings({"office_name": "X"}, clerk)
    with pytest.raises(ValidationError):
        save_settings({"office_name": "Maple", "idle_lock_minutes": "soon"}, admin)
    assert get_setting("office_name") == SETTINGS["office_name"].default  # nothing half-saved
    changed = save_settings({"office_name": "Maple", "idle_lock_minutes": "5",
                             "credit_approval_threshold": "$250", "backup_encrypt": True}, admin)
    assert sorted(changed) == ["backup_encrypt", "credit_approval_threshold", "idle_lock_minutes",
                               "office_name"]
    assert (get_setting("idle_lock_minutes"), get_setting("credit_approval_threshold")) == (5, "250.00")
    assert AuditEntry.select().where(AuditEntry.action == "setting").count() == 4


def test_the_dialog_marks_the_bad_box_and_saves_when_fixed(qtbot, db, admin):
    from types import SimpleNamespace

    from billing_desk.ui.office.settings_dialog import SettingsDialog

    dialog = SettingsDialog(SimpleNamespace(user=admin))
    qtbot.addWidget(dialog)
    dialog.editors["office_name"].setText("Maple Street Family Practice")
    dialog.editors["late_fee_grace_days"].setText("a month")
    assert dialog.save() is False
    assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "Collections"
    assert "not a whole number" in dialog.errors["late_fee_grace_days"].text()
    assert get_setting("office_name") != "Maple Street Family Practice"
    dialog.editors["late_fee_grace_days"].setText("45")
    assert dialog.save() is True
    assert (get_setting("office_name"), get_setting("late_fee_grace_days")) == (
        "Maple Street Family Practice", 45)


def test_a_clerk_may_look_but_not_save(qtbot, db, clerk):
    from types import SimpleNamespace

    from PySide6.QtWidgets import QDialogButtonBox

    from billing_desk.ui.office.settings_dialog import SettingsDialog

    dialog = SettingsDialog(SimpleNamespace(user=clerk))
    qtbot.addWidget(dialog)
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Save).isEnabled()


def test_every_setting_is_documented_in_the_readme():
    missing = [key for key, spec in SETTINGS.items() if spec.type != "internal" and key not in README]
    assert missing == []
