"""Payers and plans to and from a spreadsheet: one row a plan, the payer's columns repeated on
each of its plans (a payer without plans is one row with the plan columns blank). The program
column (Medicare, Medicaid, commercial...) may be left out: new payers are then commercial, and
payers on file keep theirs.

The import checks every row like the Payers screen does (``exchange.importing`` reads the file,
maps the columns and splits good rows from bad); all rows or, with ``skip_bad``, only the good
ones are saved in one transaction. The export writes the same columns, so a file exported can be
edited and imported again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ...errors import Problem, ValidationError
from ...exchange.importing import Preview, Table, Target, preview
from ...models import Payer, Plan, User
from ..office.transactions import in_transaction
from . import payers, plans

KIND = "payers"

#: (field, column title, required, other headers that mean it), in the file's order.
_COLUMNS = (
    ("name", "Payer", True, ("payer name", "insurance", "insurance company", "carrier")),
    ("program", "Program", False, ("payer program", "insurance program", "insurance type", "plan type",
                                   "claim filing code", "filing code")),
    ("payer_id", "Payer id", False, ("electronic payer id", "edi payer id")),
    ("address", "Claims address", False, ("address",)),
    ("phone", "Phone", False, ()),
    ("fax", "Fax", False, ()),
    ("portal", "Portal", False, ("portal address", "website")),
    ("timely_filing_days", "Timely filing days", False, ("timely filing",)),
    ("follow_up_days", "Follow-up days", False, ("follow up days", "follow-up after", "follow up")),
    ("claim_mode", "Claims by", False, ("claim mode",)),
    ("member_id_pattern", "Member id pattern", False, ()),
    ("notes", "Notes", False, ()),
    ("payer_active", "Payer active", False, ("active",)),
    ("plan_name", "Plan", False, ("plan name",)),
    ("plan_copay", "Copay", False, ()),
    ("plan_deductible", "Deductible", False, ()),
    ("plan_coinsurance", "Coinsurance %", False, ("coinsurance",)),
    ("plan_out_of_pocket_max", "Out-of-pocket max", False, ("oop max", "out of pocket maximum")),
)
TARGETS = [Target(name, label, required, synonyms) for name, label, required, synonyms in _COLUMNS]
PLAN_PARTS = ("name", "copay", "deductible", "coinsurance", "out_of_pocket_max")
ACTIVE_WORDS = {"": True, "yes": True, "y": True, "true": True, "1": True,
                "no": False, "n": False, "false": False, "0": False}


@dataclass
class PayerRow:
    """One good row: the payer's form, whether it is active, and its plan's terms (or None)."""

    form: payers.PayerForm
    active: bool
    plan: dict | None


def payer_checker() -> Callable[[dict[str, str], int], tuple[PayerRow | None, list[Problem]]]:
    """Checks one row like the Payers screen, and that a payer's columns agree on every row."""
    first_seen: dict[str, tuple[int, payers.PayerForm, bool]] = {}
    plans_seen: dict[tuple[str, str], int] = {}

    def check(values: dict[str, str], row: int):
        form = payer_form_of(values)
        existing = Payer.get_or_none(Payer.name == form.name.strip())
        problems = payers.validate_payer(form, existing.id if existing else None)
        active = ACTIVE_WORDS.get(values.get("payer_active", "").strip().lower())
        if active is None:
            problems.append(Problem("payer_active", "yes or no"))
        key = form.name.strip().lower()
        if key and key in first_seen and not problems:
            earlier, earlier_form, earlier_active = first_seen[key]
            if (earlier_form, earlier_active) != (form, active):
                problems.append(Problem("name", f"this payer's columns differ from row {earlier}"))
        plan = None
        if any(values.get(f"plan_{part}", "").strip() for part in PLAN_PARTS):
            plan, plan_problems = plans.check_plan({p: values.get(f"plan_{p}", "") for p in PLAN_PARTS})
            problems += [Problem(f"plan_{p.field}", p.message) for p in plan_problems]
            plan_key = (key, plan["name"].lower())
            if plan["name"] and plan_key in plans_seen:
                problems.append(Problem("plan_name", f"the same plan as row {plans_seen[plan_key]}"))
            plans_seen.setdefault(plan_key, row)
        if problems:
            return None, problems
        first_seen.setdefault(key, (row, form, bool(active)))
        return payer_row(values), []

    return check


def payer_form_of(values: dict[str, str]) -> payers.PayerForm:
    """A row's payer as the Payers screen's form. Without a Program column a payer on file keeps
    its program (a file exported before programs were kept changes none) and a new one is
    commercial."""
    form = payers.PayerForm(**{n: values.get(n, "") for n in payers.FIELDS})
    form.claim_mode = form.claim_mode or "electronic"
    if "program" not in values:
        existing = Payer.get_or_none(Payer.name == form.name.strip())
        form.program = existing.program if existing is not None else ""
    return form


def payer_row(values: dict[str, str]) -> PayerRow:
    """A checked row's payer, whether it is active, and its plan's terms (or None)."""
    form = payer_form_of(values)
    active = bool(ACTIVE_WORDS.get(values.get("payer_active", "").strip().lower()))
    has_plan = any(values.get(f"plan_{part}", "").strip() for part in PLAN_PARTS)
    return PayerRow(form, active, {p: values.get(f"plan_{p}", "") for p in PLAN_PARTS} if has_plan else None)


def preview_payers(table: Table, mapping: dict[str, str],
                   progress: Callable[[int, int], None] | None = None) -> Preview:
    return preview(table, mapping, payer_checker(), payer_row, progress)


def shared_ids(result: Preview) -> list[str]:
    """A warning for each payer of the file whose electronic payer id another payer (on file or in
    the file) also has: allowed (one clearinghouse id, several plans), but said."""
    from .era_payer import shared_warning

    forms: dict[str, payers.PayerForm] = {}
    for _row, good in result.good:
        forms.setdefault(good.form.name.strip().lower(), good.form)
    out = []
    for key, form in forms.items():
        payer_id = form.payer_id.strip().upper()
        if not payer_id:
            continue
        in_file = [f.name.strip() for k, f in forms.items()
                   if k != key and f.payer_id.strip().upper() == payer_id]
        warning = shared_warning(form.name, payer_id, in_file)
        if warning:
            out.append(f"{form.name.strip()}: {warning}")
    return out


def import_payers(result: Preview, by: User, *, skip_bad: bool = False) -> tuple[int, int]:
    """Save the good rows' payers (added or changed) and plans in one transaction; returns
    (payers, plans) saved. With bad rows and no ``skip_bad`` nothing is saved."""
    if result.bad and not skip_bad:
        raise ValidationError(result.bad)
    saved_payers: dict[str, Payer] = {}
    plan_count = 0
    with in_transaction():
        for _row, good in result.good:
            key = good.form.name.strip().lower()
            if key not in saved_payers:
                existing = Payer.get_or_none(Payer.name == good.form.name.strip())
                payer = payers.save_payer(existing.id if existing else None, good.form, by)
                if payer.active != good.active:
                    payers.set_active(payer.id, good.active, by)
                saved_payers[key] = payer
            if good.plan is not None:
                payer = saved_payers[key]
                plan = Plan.get_or_none(Plan.payer == payer, Plan.name == good.plan["name"].strip())
                plans.save_plan(plan.id if plan else None, {**good.plan, "payer": payer.name}, by)
                plan_count += 1
    return len(saved_payers), plan_count


def _export_rows():
    for payer in Payer.select().order_by(Payer.name):
        payer_plans = list(Plan.select().where(Plan.payer == payer).order_by(Plan.name))
        for plan in payer_plans or [None]:
            yield payer, plan


def export_payers(path, progress=None) -> int:
    """Every payer and plan to an Excel file in the layout the import reads (formula-guarded)."""
    from ...exchange.exporting import ExportColumn, export_rows

    def payer_value(name):
        return lambda pair: getattr(pair[0], name)

    def plan_value(name):
        return lambda pair: None if pair[1] is None else getattr(pair[1], name)

    kinds = {"timely_filing_days": "int", "follow_up_days": "int", "plan_copay": "money",
             "plan_deductible": "money",
             "plan_coinsurance": "money", "plan_out_of_pocket_max": "money"}
    columns = []
    for name, label, _required, _synonyms in _COLUMNS:
        if name == "payer_active":
            value = lambda pair: "yes" if pair[0].active else "no"
        elif name.startswith("plan_"):
            value = plan_value(name.removeprefix("plan_"))
        else:
            value = payer_value(name)
        columns.append(ExportColumn(label, value, kinds.get(name, "text"), 30 if name == "address" else 14))
    return export_rows(path, columns, _export_rows(), sheet_title="Payers", progress=progress)
