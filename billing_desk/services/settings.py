"""Every office setting, declared once: its type, default and help."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..models import Setting


@dataclass(frozen=True)
class SettingSpec:
    key: str
    default: Any
    help: str


SETTINGS = {spec.key: spec for spec in (
    SettingSpec("office_name", "Billing Desk Demo Office", "the office's name on every printout"),
    SettingSpec("office_address", "", "street, city, state and ZIP, one line each"),
    SettingSpec("office_phone", "", "the phone number printed on statements and letters"),
    SettingSpec("office_tax_id", "", "the tax id printed on invoices"),
    SettingSpec("office_logo", "", "a PNG or JPEG file printed at the top of reports and statements"),
    SettingSpec("books_closed_through", "",
                "days up to this date (ISO) are closed: later entries go to the next open day"),
    SettingSpec("statement_minimum", "5.00", "statement batches skip accounts owing less than this"),
    SettingSpec("credit_approval_threshold", "100.00",
                "credits, refunds and write-offs over this amount need a supervisor"),
    SettingSpec("default_payment_terms_days", 30, "days until an invoice is due"),
    SettingSpec("idle_lock_minutes", 10, "minutes idle before the window locks"),
    SettingSpec("failed_signins_before_lock", 5, "failed sign-ins before a user is locked"),
    SettingSpec("signin_lock_minutes", 15, "how long a locked user waits"),
    SettingSpec("password_min_length", 10, "the shortest password a user may choose"),
    SettingSpec("supervisor_signoff", True,
                "let a supervisor type their password on a clerk's screen to approve an action"),
    SettingSpec("cli_readonly_needs_user", False,
                "read-only commands (check, report, backup, verify) also ask for --user"),
    SettingSpec("late_fee_enabled", False, "charge late fees / finance charges on past-due balances"),
    SettingSpec("late_fee_rate", "1.5", "late fee: percent of the past-due balance, once a month"),
    SettingSpec("late_fee_minimum", "5.00", "late fee: the smallest fee charged"),
    SettingSpec("late_fee_grace_days", 30, "late fee: days past due before a fee is charged"),
    SettingSpec("collections_follow_up_days", 14, "days after a letter or call until the next follow-up"),
    SettingSpec("insurance_unpaid_days", 45, "insurance balances unpaid this many days are listed"),
    SettingSpec("backup_folder", "", "where backups go (empty: the data folder's backups folder)"),
    SettingSpec("backup_keep_newest", 10,
                "backups kept besides one a day for a week and one a month for a year"),
    SettingSpec("backup_encrypt", False, "ask for a password and encrypt \"Back up now\" copies"),
)}


def get_setting(key: str) -> Any:
    spec = SETTINGS[key]
    row = Setting.get_or_none(Setting.key == key)
    return spec.default if row is None or row.value is None else row.value


def set_setting(key: str, value: Any, by) -> None:
    from . import audit
    from .ledger import in_transaction
    from .permissions import require

    require(by, "change_settings")
    if key not in SETTINGS:
        raise KeyError(key)
    with in_transaction():
        before = get_setting(key)
        Setting.insert(key=key, value=value).on_conflict_replace().execute()
        audit.record(by, "setting", table="setting", summary=f"{key} changed",
                     before={key: before}, after={key: value})
