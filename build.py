#!/usr/bin/env python3
"""Build the Billing Desk program folder with PyInstaller, check it, and measure it.

    .venv/bin/python build.py              (Linux)
    .venv\\Scripts\\python build.py          (Windows; then compile installer/billing-desk.iss)

Runs PyInstaller with ``build_installer.spec`` into ``dist/Billing Desk/``, then checks the
result: both programs are there, (on Linux) every Qt plugin kept finds the Qt libraries it
needs, and the frozen ``billing-desk --self-test`` passes. Prints the folder's size and the
start times: ``billing-desk --version`` (a start of the frozen interpreter and the command
line) and the self-test (a day's work end to end, the main window drawn included).
Exit code 0 only when the build and every check passed.

Options: ``--skip-build`` checks and measures an existing folder; ``--dist``/``--work`` move
the output and PyInstaller's work folder; ``--report FILE`` writes the measurements as JSON;
``--installer`` (Windows, with Inno Setup 6) then compiles ``installer/billing-desk.iss`` into
``dist/installer/BillingDesk-VERSION-setup.exe``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SPEC = ROOT / "build_installer.spec"
ISS = ROOT / "installer" / "billing-desk.iss"
APP_FOLDER = "Billing Desk"
EXE = ".exe" if os.name == "nt" else ""
WINDOW_PROGRAM, CONSOLE_PROGRAM = f"Billing Desk{EXE}", f"billing-desk{EXE}"
AIM_MB, AIM_START_S = 150, 2.0


def run_pyinstaller(dist: Path, work: Path) -> float:
    started = time.perf_counter()
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
               "--distpath", str(dist), "--workpath", str(work), str(SPEC)]
    print("$", " ".join(command), flush=True)
    subprocess.run(command, check=True, cwd=ROOT)
    return time.perf_counter() - started


def folder_size(folder: Path) -> tuple[int, int]:
    """(bytes, files) of everything under ``folder``."""
    sizes = [p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(sizes), len(sizes)


def largest(folder: Path, count: int = 8) -> list[tuple[int, str]]:
    files = [(p.stat().st_size, str(p.relative_to(folder))) for p in folder.rglob("*")
             if p.is_file() and not p.is_symlink()]
    return sorted(files, reverse=True)[:count]


def missing_libraries(folder: Path) -> list[str]:
    """Linux: shared objects in the build whose Qt (or other) libraries cannot be found.

    Uses ``ldd`` with the build's own library folders first, as the frozen program loads them.
    Returns nothing on other systems or without ``ldd``.
    """
    if not sys.platform.startswith("linux") or not shutil.which("ldd"):
        return []
    internal = folder / "_internal"
    paths = [internal, internal / "PySide6" / "Qt" / "lib"]
    env = dict(os.environ, LD_LIBRARY_PATH=os.pathsep.join(map(str, paths)))
    problems = []
    for lib in sorted(internal.rglob("*.so*")):
        if not lib.is_file() or "plugins" not in lib.parts and "PySide6" not in lib.parts:
            continue
        out = subprocess.run(["ldd", str(lib)], capture_output=True, text=True, env=env).stdout
        for name in re.findall(r"^\s*(\S+) => not found", out, re.MULTILINE):
            if name.startswith("libQt6"):  # system libraries (GTK, xcb extras) are the OS's
                problems.append(f"{lib.relative_to(folder)} needs {name}")
    return problems


def timed(command: list[str], env: dict | None = None) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    return time.perf_counter() - started, result


def measure_version(program: Path, runs: int = 3) -> list[float]:
    """Wall time of ``--version``: the first run (coldest available) and the warm ones."""
    times = []
    for _ in range(runs):
        seconds, result = timed([str(program), "--version"])
        if result.returncode != 0:
            raise SystemExit(f"build.py: {program.name} --version failed:\n{result.stderr}")
        times.append(seconds)
    return times


def run_self_test(program: Path) -> tuple[float, str, int]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    seconds, result = timed([str(program), "--self-test"], env)
    return seconds, result.stdout + result.stderr, result.returncode


def step_ms(output: str, step: str) -> int | None:
    match = re.search(rf"ok\s+{re.escape(step)}:.*\[(\d+) ms\]", output)
    return int(match.group(1)) if match else None


def check_build(folder: Path) -> dict:
    """Check and measure a built folder; raises SystemExit with the reason when a check fails."""
    for name in (WINDOW_PROGRAM, CONSOLE_PROGRAM):
        if not (folder / name).is_file():
            raise SystemExit(f"build.py: {folder / name} is missing")
    problems = missing_libraries(folder)
    if problems:
        raise SystemExit("build.py: libraries missing from the build:\n  " + "\n  ".join(problems))
    size, files = folder_size(folder)
    version_times = measure_version(folder / CONSOLE_PROGRAM)
    self_test_s, output, code = run_self_test(folder / CONSOLE_PROGRAM)
    print(output.rstrip())
    if code != 0:
        raise SystemExit(f"build.py: the frozen self-test failed (exit {code})")
    return {"folder": str(folder), "bytes": size, "files": files, "mb": round(size / 2**20, 1),
            "version_first_s": round(version_times[0], 3),
            "version_best_s": round(min(version_times), 3),
            "self_test_s": round(self_test_s, 2),
            "window_ms": step_ms(output, "main window"),
            "largest": largest(folder)}


def print_report(report: dict) -> None:
    print(f"\nBuild: {report['folder']}")
    print(f"  size          {report['mb']} MB in {report['files']} files "
          f"(aim: under {AIM_MB} MB{'' if report['mb'] < AIM_MB else ' - OVER'})")
    for size, name in report["largest"]:
        print(f"                {size / 2**20:6.1f} MB  {name}")
    print(f"  --version     {report['version_first_s']:.2f} s first run, "
          f"{report['version_best_s']:.2f} s best (aim: under {AIM_START_S:.0f} s"
          f"{'' if report['version_first_s'] < AIM_START_S else ' - OVER'})")
    print(f"  self-test     {report['self_test_s']:.2f} s, of which the main window built and "
          f"drawn in {report['window_ms']} ms")


def find_iscc() -> Path | None:
    """Inno Setup's compiler: on the PATH or where its installer puts it."""
    found = shutil.which("ISCC") or shutil.which("iscc")
    if found:
        return Path(found)
    for base in (os.environ.get("ProgramFiles(x86)"), os.environ.get("ProgramFiles")):
        if base and (Path(base) / "Inno Setup 6" / "ISCC.exe").is_file():
            return Path(base) / "Inno Setup 6" / "ISCC.exe"
    return None


def build_installer(dist: Path) -> Path:
    """Compile the Inno Setup script; the script reads the build from ``dist/Billing Desk``."""
    sys.path.insert(0, str(ROOT))
    from billing_desk import __version__

    iscc = find_iscc()
    if iscc is None:
        raise SystemExit("build.py: Inno Setup 6 is not installed (https://jrsoftware.org/isdl.php); "
                         "the program folder is built, the installer is not.")
    if dist.resolve() != (ROOT / "dist").resolve():
        raise SystemExit("build.py: --installer needs the build in dist/ (the default --dist)")
    subprocess.run([str(iscc), "/Q", f"/DAppVersion={__version__}", str(ISS)], check=True, cwd=ROOT)
    setup = ROOT / "dist" / "installer" / f"BillingDesk-{__version__}-setup.exe"
    print(f"Installer: {setup} ({setup.stat().st_size / 2**20:.1f} MB)")
    return setup


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build")
    parser.add_argument("--skip-build", action="store_true", help="check an existing build")
    parser.add_argument("--report", type=Path, help="write the measurements to this JSON file")
    parser.add_argument("--installer", action="store_true",
                        help="then compile the Inno Setup installer (Windows)")
    args = parser.parse_args(argv)
    if not args.skip_build:
        seconds = run_pyinstaller(args.dist, args.work)
        print(f"PyInstaller took {seconds:.0f} s", flush=True)
    report = check_build(args.dist / APP_FOLDER)
    print_report(report)
    if args.report:
        args.report.write_text(json.dumps(report, indent=2))
    if args.installer:
        build_installer(args.dist)
    return 0


if __name__ == "__main__":
    sys.exit(main())
