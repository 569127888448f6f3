"""The README for a newcomer (issue 19, item 16): the command line from a source checkout, what
.ci/run installs and why, the clerks' guide free of developer workings, sign-in before the
settings, and how long the suite takes."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def section(start: str, end: str) -> str:
    return README[README.index(start):README.index(end)]


def test_the_command_line_from_a_source_checkout(monkeypatch):
    quick = section("## Quick start", "## Where the data lives")
    assert "python3 dev.py cli" in quick
    assert "python3 dev.py cli" in section("## Command line", "<!-- guide:cli -->")
    sys.path.insert(0, str(ROOT))
    try:
        import dev
    finally:
        sys.path.remove(str(ROOT))
    ran = []
    monkeypatch.setattr(dev, "ensure_environment", lambda extras: Path("venv-python"))
    monkeypatch.setattr(dev.subprocess, "call", lambda args, **kw: ran.append(args) or 0)
    assert dev.main(["cli", "report", "--list"]) == 0
    assert ran == [["venv-python", "-m", "billing_desk", "report", "--list"]]


def test_quick_start_says_what_ci_run_installs_and_why():
    quick = section("## Quick start", "## Where the data lives")
    assert "nothing else." not in quick.replace("\n", " ").split("for the window")[0]
    assert ".ci/run" in quick and ".ci/install_cups.sh" in quick
    run = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    packages = re.search(r"apt-get install[^\n]*--no-install-recommends(.*?)>/dev/null", run, re.S)
    assert packages is not None
    for name in packages.group(1).replace("\\", " ").split():
        assert name in quick, name
    assert re.search(r"about \d+ minutes", quick)  # how long the suite takes


def test_the_clerks_guide_has_no_developer_workings():
    guide = section("## User guide", "## How the books are kept")
    for word in ("reanchor", "HMAC", "keys/<office id>", ".anchor"):
        assert word not in guide, word
    assert "reanchor" in section("## For developers", "### Building the Windows program")


def test_sign_in_comes_before_the_settings():
    assert README.index("### Signing in") < README.index("### Settings")
