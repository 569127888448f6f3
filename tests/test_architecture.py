"""The split between the window and the work, checked: no Qt below ui/, layers point down."""

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_hold():
    exe = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    result = subprocess.run([exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert ", 0 broken" in result.stdout and "Contracts: 0 kept" not in result.stdout


def test_ruff_finds_nothing():
    """Lint (pyflakes, pycodestyle at 110 columns, bugbear, import order): config in pyproject."""
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-fix", "."], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_nothing():
    """Types of billing_desk, as [tool.mypy] in pyproject sets it; the cache in .mypy_cache keeps
    a second run to a few seconds."""
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout


def test_no_sql_in_widgets():
    offenders = []
    for path in (ROOT / "billing_desk" / "ui").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for needle in ("execute_sql", ".select(", "from peewee", "import peewee"):
            if needle in text:
                offenders.append(f"{path.relative_to(ROOT)}: {needle}")
    assert offenders == []


QUERY_METHODS = {"select", "get", "get_or_none", "get_by_id", "get_or_create", "create", "where",
                 "update", "insert", "delete", "delete_by_id", "raw"}


def _model_names() -> set[str]:
    from billing_desk import models

    return {model.__name__ for model in models.ALL_MODELS} | {"BaseModel", "database"}


def side_doors(source: str, models: set[str]) -> list[str]:
    """Where a ui module reaches the tables without a named service: a table class (or the
    database handle) imported by name from anywhere in billing_desk, reached as an attribute of a
    billing_desk module (``plans.Plan``), or queried (``Plan.get_or_none(...)``)."""
    tree = ast.parse(source)
    ours: set[str] = set()  # names bound to billing_desk modules or their members
    found = []
    # A type annotation names a table without reaching it (annotations are never evaluated here).
    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign):
            node.annotation = ast.Constant("")
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            node.returns = None
            for arg in [*node.args.args, *node.args.kwonlyargs, *node.args.posonlyargs]:
                arg.annotation = None
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.level
                                                 or (node.module or "").startswith("billing_desk")):
            for alias in node.names:
                ours.add(alias.asname or alias.name)
                if alias.name in models:
                    found.append(f"line {node.lineno}: imports {alias.name}")
        elif isinstance(node, ast.Import):
            ours.update((a.asname or a.name).split(".")[0]
                        for a in node.names if a.name.startswith("billing_desk"))
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and node.attr in models
                and isinstance(node.value, ast.Name) and node.value.id in ours):
            found.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in QUERY_METHODS):
            root = node.func.value
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and root.id in models:
                found.append(f"line {node.lineno}: {root.id}...{node.func.attr}()")
    return sorted(set(found))


def test_widgets_reach_tables_only_through_named_services():
    models = _model_names()
    offenders = [f"{path.relative_to(ROOT)} {where}"
                 for path in sorted((ROOT / "billing_desk" / "ui").rglob("*.py"))
                 for where in side_doors(path.read_text(encoding="utf-8"), models)]
    assert offenders == []


def test_the_side_door_check_sees_a_side_door():
    models = _model_names()
    assert side_doors("from ...services.books import plans\n"
                      "p = plans.Plan.get_or_none(plans.Plan.id == 1)\n", models) != []
    assert side_doors("from ...models import User\nUser.get_by_id(1)\n", models) != []
    assert side_doors("from ...services.books import invoices\ninvoices.Invoice.get_by_id(3)\n", models)
    assert side_doors("from typing import Sequence\nfrom ...services.books import plans\n"
                      "plans.plan_for(1)\nd = {}\nd.get(1)\n", models) == []


NOT_CENTS = {  # a bare "/ 100" that is a percentage, not cents becoming dollars
    "billing_desk/services/demo.py": "share = Decimal(rng.choice",  # 70-85 % of a charge
    "billing_desk/models/fields.py": "(Decimal(int(value)) / 100)",  # PercentField: basis points
}


def test_cents_become_dollars_only_in_money_py():
    """from_cents/to_cents (and percent_of for percentages) in billing_desk/money.py, nowhere else."""
    offenders = []
    for path in sorted((ROOT / "billing_desk").rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if name == "billing_desk/money.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if re.search(r"/\s*100\b(?!\.)", line) and not (name in NOT_CENTS and NOT_CENTS[name] in line):
                offenders.append(f"{name}:{number}: {line.strip()}")
    assert offenders == []


def import_cycles() -> list[list[str]]:
    """Groups of modules that import each other, directly or round a loop (imports inside
    functions included): each is a knot that makes the code hard to move."""
    import grimp

    graph = grimp.build_graph("billing_desk")
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    knots: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's strongly connected components
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in graph.find_modules_directly_imported_by(module):
            if not other.startswith("billing_desk."):
                continue
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            knot = []
            while True:
                member = stack.pop()
                knot.append(member)
                if member == module:
                    break
            if len(knot) > 1:
                knots.append(sorted(knot))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return knots


def test_no_import_cycles():
    assert import_cycles() == []


def test_files_stay_small():
    big = [f"{path.relative_to(ROOT)}: {n} lines"
           for path in (ROOT / "billing_desk").rglob("*.py")
           if (n := len(path.read_text(encoding="utf-8").splitlines())) >= 500]
    assert big == []


def test_dialogs_only_through_the_prompter():
    """ui/prompts.py is the one way to a standard box: screens are handed a Prompter."""
    import re

    static_call = re.compile(r"\b(QMessageBox|QFileDialog|QInputDialog)\s*\.\s*[a-z]\w*\s*\(")
    offenders = []
    for path in sorted((ROOT / "billing_desk" / "ui").rglob("*.py")):
        if path.name == "prompts.py" and path.parent.name == "ui":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if static_call.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == [], "ask through the Prompter (ui/prompts.py):\n" + "\n".join(offenders)
