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
