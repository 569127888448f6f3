"""Issue 19 item 9: no internal field name ("lines[1].quantity", "promise_amount") reaches the
clerk. Every field name the services, the reports, the imports and the command line refuse is
found by reading their source, and each must have the clerk's words in billing_desk/field_names.py;
a refusal says itself in those words; the screens never show a problem's bare field."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from billing_desk import field_names
from billing_desk.errors import Problem, ValidationError

ROOT = Path(__file__).resolve().parent.parent / "billing_desk"
# Where refusals are made. The 837P writer (exchange/x12*) names its elements in words already
# ("patient last name") and raises plain BillingErrors, not field problems.
WALKED = [*sorted((ROOT / "services").rglob("*.py")), *sorted((ROOT / "reports").rglob("*.py")),
          *sorted((ROOT / "cli").rglob("*.py")), ROOT / "money.py", ROOT / "exchange" / "importing.py"]

# A field name built from parts: each template (its {parts} as the source has them) and the
# names it makes. A new template fails the walk until it is listed here.
RANKS = ("primary", "secondary")
LINE_PARTS = ("code", "quantity", "unit_price", "pointers", "modifiers", "service_date", "price_reason")
IDENTITY = ("name", "npi", "tax_id", "tax_id_kind", "taxonomy", "street", "city", "state", "zip_code",
            "phone", "submitter_name", "submitter_id", "contact_name", "contact_phone",
            "receiver_name", "receiver_id")
PERSON = ("last_name", "first_name", "street", "city", "state", "zip_code", "date_of_birth", "sex",
          "member_id")
ITEM_COLUMNS = ("code", "kind", "description", "category", "unit_price", "unit_cost", "taxable",
                "active", "common", "payer", "allowed")
TEMPLATES = {
    "{where}.code": [f"lines[1].{p}" for p in LINE_PARTS],
    "{where}.quantity": ["lines[2].quantity"], "{where}.unit_price": ["lines[2].unit_price"],
    "{where}.pointers": ["lines[2].pointers"], "{where}.modifiers": ["lines[2].modifiers"],
    "{where}.service_date": ["lines[2].service_date"], "{where}.price_reason": ["lines[2].price_reason"],
    "lines[{line.position}].quantity": ["lines[3].quantity"],
    "lines[{line.position}].credit": ["lines[3].credit"],
    "lines[{positions.get(line_id, 0)}].credit": ["lines[3].credit"],
    "diagnoses[{i}]": ["diagnoses[1]", "diagnoses[12]"],
    "{rank}_payer": [f"{r}_payer" for r in RANKS], "{rank}_plan": [f"{r}_plan" for r in RANKS],
    "{rank}_member_id": [f"{r}_member_id" for r in RANKS],
    "{rank}_relationship": [f"{r}_relationship" for r in RANKS],
    "{rank}_start_date": [f"{r}_start_date" for r in RANKS],
    "{rank}_end_date": [f"{r}_end_date" for r in RANKS],
    "{rank}_subscriber_{part}": [f"{r}_subscriber_{p}" for r in RANKS for p in PERSON[:-1]],
    "{rank}_subscriber_date_of_birth": [f"{r}_subscriber_date_of_birth" for r in RANKS],
    "{rank}_subscriber_sex": [f"{r}_subscriber_sex" for r in RANKS],
    "{rank}_subscriber_state": [f"{r}_subscriber_state" for r in RANKS],
    "{rank}_subscriber_zip_code": [f"{r}_subscriber_zip_code" for r in RANKS],
    "patient.{field}": [f"patient.{p}" for p in PERSON],
    "subscriber.{field}": [f"subscriber.{p}" for p in PERSON],
    "office.{name}": [f"office.{p}" for p in IDENTITY], "office.{p.field}": [f"office.{p}" for p in IDENTITY],
    "{name}.npi": ["rendering_provider.npi", "referring_provider.npi"],
    "{field}_kind": ["tax_id_kind"],
    "{field} (again)": ["password (again)", "new password (again)", "temporary password (again)"],
    "claim {c.control_number} {p.field}": ["claim 1001-1 patient.sex", "claim 1001-1 lines[2].pointers",
                                           "claim 1001-1 office.npi", "claim 1001-1 subscriber.member_id"],
    "plan_{p.field}": [f"plan_{p}" for p in ("name", "copay", "deductible", "coinsurance",
                                             "out_of_pocket_max", "payer")],
    "{sheet}: {column}": [f"{s}: {c}" for s in ("Catalogue", "Fee schedules") for c in ITEM_COLUMNS],
    "{sheet}: {p.field}": [f"{s}: {c}" for s in ("Catalogue", "Fee schedules") for c in ITEM_COLUMNS],
    "{sheet}: code": ["Catalogue: code", "Fee schedules: code"], "{sheet}: kind": ["Catalogue: kind"],
    "{sheet}: description": ["Catalogue: description"], "{sheet}: payer": ["Fee schedules: payer"],
}


def _called(node: ast.AST) -> set[str]:
    return {(c.func.id if isinstance(c.func, ast.Name) else c.func.attr) for c in ast.walk(node)
            if isinstance(c, ast.Call) and isinstance(c.func, (ast.Name, ast.Attribute))}


def _field_functions(tree: ast.Module) -> dict[str, tuple[ast.FunctionDef, int | str]]:
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            names = [a.arg for a in node.args.args if a.arg != "self"]
            if "field" in names:
                found[node.name] = (node, names.index("field"))
            elif "field" in [a.arg for a in node.args.kwonlyargs]:
                found[node.name] = (node, "kw")
    return found


def _carriers(trees) -> dict[str, set[int | str]]:
    """The functions that name a field with a parameter called ``field`` and refuse with it (make
    a Problem or a ValidationError, or hand ``field`` on to one that does): name -> its position."""
    candidates = [item for tree in trees for item in _field_functions(tree).items()]
    found: dict[str, set[int | str]] = {}
    grown = True
    while grown:
        grown = False
        for name, (node, place) in candidates:
            if place in found.get(name, ()):
                continue
            if _called(node) & ({"Problem", "ValidationError"} | set(found)):
                found.setdefault(name, set()).add(place)
                grown = True
    return found


def _visible(tree: ast.Module, every: dict[str, set[int | str]]) -> dict[str, set[int | str]]:
    """The carriers a module calls by their bare name: its own, and those it imports by name
    (not another module's function that merely shares a name with one of its own)."""
    own = {name: every[name] for name in _field_functions(tree) if name in every}
    defined = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    imported = {a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
                for a in n.names}
    return own | {name: every[name] for name in imported - defined if name in every}


def _argument(call: ast.Call, name: str, carriers) -> ast.expr | None:
    keyword = next((k.value for k in call.keywords if k.arg == "field"), None)
    if keyword is not None or name not in ("Problem", "ValidationError") and name not in carriers:
        return keyword
    position = 0 if name == "Problem" else 1 if name == "ValidationError" else next(
        (p for p in carriers[name] if isinstance(p, int)), None)
    if position is None or len(call.args) <= position:
        return None
    return call.args[position]


def _template(node: ast.JoinedStr) -> str:
    return "".join(v.value if isinstance(v, ast.Constant) else "{" + ast.unparse(v.value) + "}"
                   for v in node.values)


def walked_field_names() -> tuple[dict[str, str], list[str]]:
    """Every field name the walked source refuses with: name -> where; and unknown templates."""
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in WALKED}
    trees[ROOT / "services" / "office" / "validation.py"] = ast.parse(
        (ROOT / "services" / "office" / "validation.py").read_text(encoding="utf-8"))
    every = _carriers(trees.values())
    names: dict[str, str] = {}
    unknown: list[str] = []
    for path, tree in trees.items():
        where = path.relative_to(ROOT.parent)
        carriers = _visible(tree, every)
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name in carriers:  # a default field name
                args = node.args.args
                for arg, default in zip(args[len(args) - len(node.args.defaults):], node.args.defaults):
                    if arg.arg == "field" and isinstance(default, ast.Constant) and default.value:
                        names.setdefault(default.value, f"{where}:{node.lineno}")
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Name):
                name, known = func.id, carriers
            elif isinstance(func, ast.Attribute):  # validation.parse_date(...), self.refuse(...)
                name, known = func.attr, every
            else:
                continue
            argument = _argument(node, name, known)
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str) and argument.value:
                names.setdefault(argument.value, f"{where}:{node.lineno}")
            elif isinstance(argument, ast.JoinedStr):
                template = _template(argument)
                if template in TEMPLATES:
                    for made in TEMPLATES[template]:
                        names.setdefault(made, f"{where}:{node.lineno}")
                else:
                    unknown.append(f"{where}:{node.lineno} {template!r}")
    return names, unknown


def other_field_names() -> dict[str, str]:
    """Fields named by a variable in the source: the settings, the import files' columns, the
    CMS-1500 printer offsets."""
    from billing_desk.services.accounts import account_import
    from billing_desk.services.books import payer_import
    from billing_desk.services.claims import alignment
    from billing_desk.services.office.settings import SETTINGS

    names = {key: "a setting" for key in SETTINGS} | {key: "an offset" for key in alignment.WHICH}
    names |= {t.name: "the account import" for t in account_import.TARGETS}
    names |= {t.name: "the payer import" for t in payer_import.TARGETS}
    return names


def test_the_walk_finds_the_names_the_issue_saw():
    names, _unknown = walked_field_names()
    assert {"promise_amount", "lines[1].quantity", "diagnoses[1]", "received_on", "follow_up_on",
            "office.npi", "primary_subscriber_first_name", "temporary password (again)"} <= set(names)


def test_every_field_name_a_refusal_may_carry_has_the_clerks_words():
    names, unknown = walked_field_names()
    assert unknown == [], "list each new field-name template in TEMPLATES with the names it makes"
    names |= other_field_names()
    missing = sorted(f"{field} ({where})" for field, where in names.items() if not field_names.label(field))
    assert missing == [], "give these fields the clerk's words in billing_desk/field_names.py"
    internal = sorted(f"{field}: {field_names.label(field)!r}" for field in names
                      if re.search(r"[_\[\]]|\w\.\w", field_names.label(field) or ""))
    assert internal == []


@pytest.mark.parametrize("field, said", [
    ("promise_amount", "Promise amount"),
    ("lines[1].quantity", "Line 1, quantity"),
    ("diagnoses[2]", "Diagnosis 2"),
    ("guarantor_zip_code", "Guarantor's ZIP"),
    ("primary_subscriber_date_of_birth", "Primary subscriber's date of birth"),
    ("patient.date_of_birth", "Patient's date of birth"),
    ("office.npi", "Billing provider's NPI"),
    ("late_fee_rate", "Late fee rate"),
    ("office_address", "Address"),
    ("temporary password (again)", "Temporary password (again)"),
])
def test_a_refusal_says_its_field_in_the_clerks_words(field, said):
    import billing_desk.services.office.settings  # noqa: F401  (the settings give their titles)

    error = ValidationError([Problem(field, "is wrong"), Problem("", "and this", row=3)])
    assert str(error) == f"{said}: is wrong; row 3, and this"
    assert field not in str(error) or field == said


def test_the_screens_never_show_a_problems_bare_field():
    """A screen says a problem through ui/field_errors (or str(problem)): never ``p.field`` as
    text, in an f-string or a table column."""
    bare = re.compile(r"\{(p|problem)\.field\}|lambda p: p\.field\b|\[p\.row or \"\", p\.field")
    found = [f"{path.relative_to(ROOT.parent)}:{n}" for path in sorted((ROOT / "ui").rglob("*.py"))
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if bare.search(line)]
    assert found == []


def test_a_mapping_file_may_name_a_field_as_the_import_dialog_shows_it():
    from billing_desk.exchange import importing
    from billing_desk.services.accounts import account_import

    typed = {"Apt / suite": "Unit", "guarantor's zip": "GZ", "last_name": "Surname"}
    assert importing.named_mapping(typed, account_import.TARGETS) == {
        "street2": "Unit", "guarantor_zip_code": "GZ", "last_name": "Surname"}
    labels = {t.name: t.label for t in account_import.TARGETS}
    assert (labels["street2"], labels["primary_payer"]) == ("Apt / suite", "Primary insurance company")
