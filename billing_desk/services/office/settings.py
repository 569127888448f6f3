"""Every office setting, declared once: its type, default and help."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ...field_names import register
from ...models import Setting, database
from . import steady

# A setting's title where its key does not read well on its own ("Office name" reads well).
TITLES = {"office_address": "Address", "office_phone": "Phone", "office_tax_id": "Tax id",
          "office_logo": "Logo file", "office_documents_folder": "Documents folder",
          "appeal_letter_template": "Appeal letter"}


@dataclass(frozen=True)
class SettingSpec:
    key: str
    default: Any
    help: str
    kind: str = ""  # text, lines, letter, money, int, bool, percent, file, folder; "internal": no editor

    @property
    def title(self) -> str:
        """The label the Settings dialog shows, and the setting's name in every refusal."""
        return TITLES.get(self.key, self.key.replace("_", " ").capitalize())

    @property
    def type(self) -> str:
        if self.kind:
            return self.kind
        if isinstance(self.default, bool):
            return "bool"
        return "int" if isinstance(self.default, int) else "text"


GROUPS = (("Office", ("office_",)), ("Books", ("statement_", "credit_", "default_")),
          ("Sign-in", ("idle_", "failed_", "signin_", "password_", "supervisor_", "cli_")),
          ("Collections", ("late_fee_", "collections_", "insurance_")), ("Claims", ("appeal_",)),
          ("Backups", ("backup_",)), ("Billing review", ("review_",)))

# What the appeal letter's template may name, each filled with the denied claim's facts
# (services/claims/denials.appeal_values gives exactly these).
APPEAL_PLACEHOLDERS = {
    "claim": "our claim number", "payer": "the insurer's name",
    "payer_claim_number": "the insurer's own claim number (or 'not given')",
    "patient": "the patient's name", "account": "the account number",
    "date_of_birth": "the patient's date of birth", "member_id": "the member id",
    "invoice": "the invoice number", "service_dates": "the dates of service",
    "codes": "the procedure codes", "billed": "the amount billed",
    "denial_reason": "the denial's group and reason codes with their meaning",
    "argument": "what the clerk types when appealing", "office_name": "the office's name",
    "office_phone": "the office's phone number",
}

APPEAL_TEMPLATE = """Re: appeal of claim {claim} (your claim number {payer_claim_number}) for {patient}, \
born {date_of_birth}, member {member_id}, date(s) of service {service_dates}.

The claim for {billed} ({codes}) was denied: {denial_reason}. We ask that you reconsider it.

{argument}

Please reprocess the claim or tell us in writing what more you need. For questions call \
{office_name} at {office_phone}."""


SETTINGS = {spec.key: spec for spec in (
    SettingSpec("office_name", "Billing Desk Demo Office", "the office's name on every printout"),
    SettingSpec("office_address", "", "street, city, state and ZIP, one line each", "lines"),
    SettingSpec("office_phone", "", "the phone number printed on statements and letters"),
    SettingSpec("office_tax_id", "", "the tax id printed on invoices"),
    SettingSpec("office_logo", "", "a PNG or JPEG file printed at the top of reports and statements", "file"),
    SettingSpec("office_documents_folder", "",
                "where save dialogs open (empty: Documents\\Billing Desk in the user's folder)", "folder"),
    SettingSpec("books_closed_through", "",
                "days up to this date (ISO) are closed: later entries go to the next open day", "internal"),
    SettingSpec("billing_identity", {},
                "the office as claims name it: billing provider, NPI, tax id, taxonomy, address, and "
                "the 837P submitter and receiver (services/claims/identity.py)", "internal"),
    SettingSpec("usual_rendering_provider", 0,
                "the provider id a new invoice names as rendering provider (0: the only or last one)",
                "internal"),
    SettingSpec("cms1500_offsets", {},
                "the CMS-1500 alignment offset per printer, inches right and down "
                "(services/claims/alignment.py)", "internal"),
    SettingSpec("statement_minimum", "5.00", "statement batches skip accounts owing less than this", "money"),
    SettingSpec("statement_email_folder", "",
                "where statements by e-mail are written as .eml files for the office's mail program "
                "(empty: Statements outbox in the documents folder)", "folder"),
    SettingSpec("statement_email_from", "", "the sender of statements by e-mail (the office's address)"),
    SettingSpec("statement_smtp_server", "",
                "an SMTP server (host or host:port) that sends statements by e-mail (empty: the mail "
                "program sends the .eml files)"),
    SettingSpec("statement_smtp_user", "", "the user name for the SMTP server (empty: no sign-in)"),
    SettingSpec("credit_approval_threshold", "100.00",
                "credits, refunds and write-offs over this amount need a supervisor", "money"),
    SettingSpec("default_payment_terms_days", 30,
                "a new account's payment terms: days until its invoices are due"),
    SettingSpec("idle_lock_minutes", 10, "minutes idle before the window locks"),
    SettingSpec("failed_signins_before_lock", 5, "failed sign-ins before a user is locked"),
    SettingSpec("signin_lock_minutes", 15, "how long a locked user waits"),
    SettingSpec("password_min_length", 10, "the shortest password a user may choose"),
    SettingSpec("supervisor_signoff", True,
                "let a supervisor type their password on a clerk's screen to approve an action"),
    SettingSpec("cli_readonly_needs_user", False,
                "read-only commands (check, report, backup, verify) also ask for --user"),
    SettingSpec("late_fee_enabled", False, "charge late fees / finance charges on past-due balances"),
    SettingSpec("late_fee_rate", "1.5", "late fee: percent of the past-due balance, once a month", "percent"),
    SettingSpec("late_fee_minimum", "5.00", "late fee: the smallest fee charged", "money"),
    SettingSpec("late_fee_grace_days", 30, "late fee: days past due before a fee is charged"),
    SettingSpec("collections_follow_up_days", 14, "days after a letter or call until the next follow-up"),
    SettingSpec("insurance_unpaid_days", 45, "insurance balances unpaid this many days are listed"),
    SettingSpec("appeal_letter_template", APPEAL_TEMPLATE,
                "the appeal letter's text, paragraphs split by a blank line; each {placeholder} is "
                "filled with the denied claim's facts: " + ", ".join(f"{{{k}}}" for k in APPEAL_PLACEHOLDERS)
                + " (write {{ and }} for a brace; empty: the default text)", "letter"),
    # The billing review's thresholds: defaults from published medical-practice benchmarks (README).
    SettingSpec("review_days_in_ar_max", 40,
                "billing review: days in A/R above this are flagged (MGMA and HFMA: under 35-40)"),
    SettingSpec("review_net_collection_min", "95",
                "billing review: a net collection rate under this percent is flagged (MGMA: 95-99)",
                "percent"),
    SettingSpec("review_over_90_max", "15",
                "billing review: A/R over 90 days above this percent of all A/R is flagged "
                "(MGMA and HFMA: under 15-20)", "percent"),
    SettingSpec("review_over_120_max", "10",
                "billing review: A/R over 120 days above this percent of all A/R, or growing by half "
                "as much again in three months, is flagged (HFMA: under 10-12)", "percent"),
    SettingSpec("review_denial_rate_max", "5",
                "billing review: a denial rate above this percent is flagged (MGMA and AAFP: under 5-10)",
                "percent"),
    SettingSpec("review_clean_claim_min", "95",
                "billing review: a clean-claim rate under this percent is flagged (HFMA: 95 or more)",
                "percent"),
    SettingSpec("review_days_to_claim_max", 5,
                "billing review: claims sent more days than this after the service on average are "
                "flagged (the office's own target; payers' filing limits run from 90 days)"),
    SettingSpec("review_statement_lag_max", 10,
                "billing review: statements going out more days than this after the service on "
                "average are flagged (the office's own target)"),
    SettingSpec("review_promises_kept_min", "70",
                "billing review: fewer promises to pay kept than this percent is flagged (the office's "
                "own target)", "percent"),
    SettingSpec("review_minimum_count", 20,
                "billing review: the fewest claims, promises or statements a rate is judged on"),
    SettingSpec("review_notes", {},
                "the office's notes of each billing review, by period (services/review)", "internal"),
    SettingSpec("backup_folder", "", "where backups go (empty: the data folder's backups folder)", "folder"),
    SettingSpec("backup_keep_newest", 10,
                "backups kept besides one a day for a week and one a month for a year"),
    SettingSpec("backup_encrypt", False, "ask for a password and encrypt \"Back up now\" copies"),
)}

register({key: spec.title for key, spec in SETTINGS.items()})


def office_details() -> dict:
    """The letterhead of every printout, from the office_* settings: the one place it is read."""
    given = get_settings(("office_name", "office_address", "office_phone", "office_tax_id", "office_logo"))
    address = [line.strip() for line in str(given["office_address"] or "").splitlines()
               if line.strip()]
    return {"name": str(given["office_name"] or "Billing Desk"), "address_lines": address,
            "phone": str(given["office_phone"] or ""),
            "tax_id": str(given["office_tax_id"] or ""),
            "logo": str(given["office_logo"] or "").strip()}


def get_setting(key: str) -> Any:
    spec = SETTINGS[key]
    value = steady.kept("setting", key, lambda: _stored_value(key))
    if value is None:
        return spec.default
    return copy.deepcopy(value) if isinstance(value, (dict, list)) else value  # kept: never shared


def _stored_value(key: str) -> Any:
    row = Setting.get_or_none(Setting.key == key)
    return None if row is None else row.value


def get_settings(keys: Sequence[str]) -> dict[str, Any]:
    """``get_setting`` of each key, in one statement (a printout's letterhead reads five)."""
    specs = [SETTINGS[key] for key in keys]
    marks = ", ".join("?" * len(specs))
    kept = {key: Setting.value.python_value(value) for key, value in database.execute_sql(
        f"SELECT key, value FROM setting WHERE key IN ({marks})", list(keys)).fetchall()}
    return {spec.key: spec.default if kept.get(spec.key) is None else kept[spec.key] for spec in specs}


def set_setting(key: str, value: Any, by, *, loaded_as: str = "", what: str = "") -> None:
    """Keep one setting, audited. ``loaded_as`` (``settings_version([key])`` when the screen
    showed it): a save over a change made since is refused (StaleRecordError), nothing saved;
    ``what`` names the setting in the refusal (default: as the Settings dialog does)."""
    from . import audit
    from .permissions import require
    from .stale import refuse_if_changed
    from .transactions import in_transaction

    require(by, "change_settings")
    if key not in SETTINGS:
        raise KeyError(key)
    with in_transaction():
        if loaded_as:
            refuse_if_changed(loaded_as, settings_version([key]), what or _changed_setting([key]),
                              table="setting", summaries=[f"{key} changed"])
        before = get_setting(key)
        Setting.insert(key=key, value=value).on_conflict_replace().execute()
        steady.forget()  # a kept setting is read afresh
        audit.record(by, "setting", table="setting", summary=f"{key} changed",
                     before={key: before}, after={key: value})


def settings_in(group: str) -> list[SettingSpec]:
    """The settings a clerk may edit in one group of the Settings dialog, in declared order."""
    prefixes = dict(GROUPS)[group]
    return [spec for spec in SETTINGS.values()
            if spec.type != "internal" and spec.key.startswith(prefixes)]


def parse_setting(key: str, text: Any) -> Any:
    """What was typed for a setting, checked and converted; ValidationError names the setting."""
    from decimal import Decimal, InvalidOperation

    from ...errors import ValidationError
    from ...money import parse_money

    spec = SETTINGS[key]
    kind = spec.type
    if kind == "bool":
        return bool(text)
    raw = str(text if text is not None else "").strip()
    if kind == "int":
        if not raw.isdigit():
            raise ValidationError(f"'{raw}' is not a whole number", key)
        return int(raw)
    if kind == "money":
        return str(parse_money(raw, key))
    if kind == "percent":
        try:
            value = Decimal(raw)
        except InvalidOperation:
            raise ValidationError(f"'{raw}' is not a percentage (type 1.5 for 1.5 %)", key) from None
        if not Decimal(0) <= value <= Decimal(100) or value != value.quantize(Decimal("0.01")):
            raise ValidationError("a percentage from 0 to 100, at most two decimals", key)
        return str(value)
    if kind == "letter":
        return _letter_template(key, raw)
    if kind == "file" and raw:
        from pathlib import Path

        if not Path(raw).is_file():
            raise ValidationError(f"there is no file {raw}", key)
    return raw


def _letter_template(key: str, text: str) -> str:
    """A letter's template: empty is the default; every {placeholder} must be a known one."""
    import string

    from ...errors import ValidationError

    if not text:
        return SETTINGS[key].default
    try:
        names = [name for _text, name, _spec, _conv in string.Formatter().parse(text) if name is not None]
    except ValueError:
        raise ValidationError("a { without its } (or a } alone): write {{ and }} for a brace "
                              "in the text", key) from None
    for name in names:
        if name not in APPEAL_PLACEHOLDERS:
            raise ValidationError(f"{{{name}}} is not a placeholder; use " + ", ".join(
                f"{{{k}}}" for k in APPEAL_PLACEHOLDERS), key)
    return text


def settings_version(keys) -> str:
    """What a screen showing these settings hands back when it saves (services.office.stale)."""
    from .stale import fingerprint

    return fingerprint({key: get_setting(key) for key in keys})


def _changed_setting(keys) -> str:
    """The setting (of ``keys``) the audit trail saw changed last, named as the dialog does."""
    from ...models import AuditEntry

    entry = (AuditEntry.select().where(AuditEntry.table == "setting",
                                       AuditEntry.summary.in_([f"{key} changed" for key in keys]))
             .order_by(AuditEntry.id.desc()).first())
    key = entry.summary.removesuffix(" changed") if entry else ""
    return f"The setting '{SETTINGS[key].title}'" if key in SETTINGS else "A setting on this screen"


def save_settings(typed: dict[str, Any], by, *, loaded_as: str = "") -> list[str]:
    """Check every typed value, then save the ones that changed in one transaction.

    Raises ValidationError naming each bad setting (nothing saved); returns the keys changed.
    ``loaded_as`` (``settings_version`` of the keys typed, when the screen showed them): when
    any of them changed since, the save is refused (StaleRecordError), nothing saved.
    """
    from ...errors import Problem, ValidationError
    from . import audit
    from .permissions import require
    from .transactions import in_transaction

    require(by, "change_settings")
    problems, clean = [], {}
    for key, text in typed.items():
        try:
            clean[key] = parse_setting(key, text)
        except ValidationError as exc:
            problems += [Problem(key, p.message) for p in exc.problems]
    if problems:
        raise ValidationError(problems)
    from .stale import refuse_if_changed

    with in_transaction():
        if loaded_as and loaded_as != settings_version(typed):
            refuse_if_changed(loaded_as, settings_version(typed), _changed_setting(typed),
                              table="setting", summaries=[f"{key} changed" for key in typed])
        changed = [key for key, value in clean.items() if value != get_setting(key)]
        for key in changed:
            before = get_setting(key)
            Setting.insert(key=key, value=clean[key]).on_conflict_replace().execute()
            steady.forget()  # a kept setting is read afresh
            audit.record(by, "setting", table="setting", summary=f"{key} changed",
                         before={key: before}, after={key: clean[key]})
    return changed
