#!/usr/bin/env python3
"""Set up and run Billing Desk with nothing but Python 3.11+.

    python3 dev.py start [--demo | --db PATH]   set up .venv and open the window
    python3 dev.py test [PYTEST ARGS]           set up .venv with the test tools and run the tests
    python3 dev.py cli ARGS                     run the billing-desk command line

The environment is made once in .venv and brought up to date when pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
MINIMUM = (3, 11)


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_environment(extras: str) -> Path:
    """Create .venv if needed and install the project (with ``extras``) when anything changed."""
    if sys.version_info < MINIMUM:
        sys.exit(f"Billing Desk needs Python {MINIMUM[0]}.{MINIMUM[1]} or newer; "
                 f"this is {sys.version.split()[0]}.")
    python = venv_python()
    if not python.exists():
        print(f"Creating the virtual environment in {VENV} …", flush=True)
        venv.EnvBuilder(with_pip=True, clear=False).create(VENV)
    stamp = VENV / f".installed-{extras or 'base'}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not stamp.exists() or stamp.read_text() != digest:
        target = f".[{extras}]" if extras else "."
        print(f"Installing Billing Desk ({target}) into {VENV} …", flush=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"],
                       check=True, cwd=ROOT)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "-e", target],
                       check=True, cwd=ROOT)
        # As the installer's build does: the ICD-10-CM code set's compact index, built once from
        # the library's XML (about 2.5 s) into the data folder, not at the first look-up.
        print("Building the ICD-10-CM code index …", flush=True)
        subprocess.run([str(python), "-c", "from billing_desk.services.books import icd_index; "
                        "icd_index.code_set()"], check=True, cwd=ROOT)
        stamp.write_text(digest)
    return python


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(__doc__)
        return 0
    command, rest = argv[0], argv[1:]
    if command == "start":
        python = ensure_environment("")
        return subprocess.call([str(python), "-m", "billing_desk", *rest], cwd=ROOT)
    if command == "cli":
        python = ensure_environment("")
        return subprocess.call([str(python), "-m", "billing_desk", *rest], cwd=ROOT)
    if command == "test":
        python = ensure_environment("test,build")
        env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
        return subprocess.call([str(python), "-m", "pytest", *rest], cwd=ROOT, env=env)
    print(f"dev.py: unknown command {command!r}\n{__doc__}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
