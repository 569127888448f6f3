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
    assert "Contracts: 2 kept, 0 broken" in result.stdout


def test_no_sql_in_widgets():
    offenders = []
    for path in (ROOT / "billing_desk" / "ui").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for needle in ("execute_sql", ".select(", "from peewee", "import peewee"):
            if needle in text:
                offenders.append(f"{path.relative_to(ROOT)}: {needle}")
    assert offenders == []
