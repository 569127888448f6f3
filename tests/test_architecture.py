"""The split between the window and the work, checked: no Qt below ui/, layers point down."""

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


def test_no_sql_in_widgets():
    offenders = []
    for path in (ROOT / "billing_desk" / "ui").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for needle in ("execute_sql", ".select(", "from peewee", "import peewee"):
            if needle in text:
                offenders.append(f"{path.relative_to(ROOT)}: {needle}")
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
