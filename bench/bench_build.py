#!/usr/bin/env python3
"""The frozen build's start: builds (or, with --skip-build, measures an existing build in --dist)
and prints a table of size and start times against the aims: --version under 2 s on its first
run, the main window built and drawn under 2 s. Timings belong here, not in the tests.

    python bench/bench_build.py [--dist DIR] [--work DIR] [--skip-build]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AIMS = {"version_first_s": ("--version, first run", 2.0, "s"),
        "version_best_s": ("--version, best run", 2.0, "s"),
        "window_ms": ("main window drawn", 2000, "ms")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build")
    parser.add_argument("--skip-build", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        report_file = Path(tmp) / "report.json"
        command = [sys.executable, str(ROOT / "build.py"), "--dist", str(args.dist), "--work",
                   str(args.work), "--report", str(report_file)]
        if args.skip_build:
            command.append("--skip-build")
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            print(done.stdout[-3000:] + done.stderr[-3000:])
            return done.returncode
        report = json.loads(report_file.read_text())
    print(f"{'measure':<24}{'value':>10}{'aim':>10}")
    print(f"{'size (MB)':<24}{report['mb']:>10}{'':>10}")
    for key, (name, aim, unit) in AIMS.items():
        value = report.get(key)
        verdict = "" if value is None else ("ok" if value < aim else "OVER")
        print(f"{name:<24}{value!s:>10}{f'{aim} {unit}':>10}  {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
