"""Benchmark the start: process start to the first paint of a window, offscreen.

Three figures, each the median of ``repeat`` fresh processes, beside the bare baseline (a new
Python process that imports PySide6 and paints an empty ``QMainWindow``, same run):

- the sign-in box painted: ``billing-desk --db FILE`` as the clerk starts it (on a book with
  no password yet, the first-start box that takes its place);
- the main window painted: the same, signed in at once as the first administrator;
- the demo's first start: ``billing-desk --demo`` on a new data folder, the demo office built
  before the sign-in box shows (the issue's goal: under 10 s). The data folder holds the
  ICD-10-CM index as an installed program has it (build_installer.spec builds it into the
  program, ``dev.py``'s setup into the data folder): without it the first diagnosis look-up
  builds it from the code set's XML, about 2.5 s once per data folder.

    .venv/bin/python bench/bench_start.py --db FILE [--repeat 5] [--no-demo]

Each child process prints the wall-clock time of its first paint and leaves at once
(``os._exit``), so the figure is start to paint and nothing after it. The children may write
bytecode (``PYTHONDONTWRITEBYTECODE`` is dropped): an installed program starts from compiled
bytecode, and the median leaves out the first run that compiles.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.figures import Figure, child_env, child_main  # noqa: E402

PAINTED = "painted at "
#: The windows whose first paint ends a start (a progress window painted before them does not).
WINDOWS = {"SignInDialog", "FirstStartDialog", "MainWindow", "QMainWindow"}


def _run_child(mode: str, db: Path | None, data: Path) -> float:
    """Seconds from before the process starts to its first paint."""
    args = [sys.executable, __file__, "--child", mode]
    if db is not None:
        args += ["--db", str(db)]
    started = time.time()
    out = subprocess.run(args, env=child_env(ROOT, data), capture_output=True, text=True,
                         cwd=ROOT, timeout=600)
    for line in out.stdout.splitlines():
        if line.startswith(PAINTED):
            return float(line[len(PAINTED):]) - started
    raise RuntimeError(f"the {mode} start painted nothing:\n{out.stdout}\n{out.stderr[-3000:]}")


def _installed_index(data: Path) -> Path:
    """Build the ICD-10-CM index into ``data`` once, as an installed program has it; returns the
    index file (to be copied to the same place in each fresh data folder)."""
    out = subprocess.run([sys.executable, "-c", "from billing_desk.services.books import icd_index; "
                          "icd_index.code_set(); print(icd_index.index_path())"],
                         env=child_env(ROOT, data), capture_output=True, text=True, cwd=ROOT, check=True)
    return Path(out.stdout.strip().splitlines()[-1])


def _median_start(mode: str, db: Path | None, repeat: int, fresh_data: bool = False) -> float:
    times = []
    with tempfile.TemporaryDirectory(prefix="bench_start_") as kept:
        index = _installed_index(Path(kept)) if fresh_data else None
        for _ in range(max(1, repeat)):
            if fresh_data and index is not None:
                with tempfile.TemporaryDirectory(prefix="bench_start_") as data:
                    place = Path(data) / index.relative_to(kept)
                    place.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(index, place)
                    times.append(_run_child(mode, db, Path(data)))
            else:
                times.append(_run_child(mode, db, Path(kept)))
    return statistics.median(times)


def measure(db: Path, repeat: int = 5, demo: bool = True) -> list[Figure]:
    bare = _median_start("bare", None, repeat)
    figures = [
        Figure("start to the sign-in box painted", _median_start("signin", db, repeat), bare,
               "bare PySide6 window", "< 1.5 s"),
        Figure("start to the main window painted", _median_start("main", db, repeat), bare,
               "bare PySide6 window", "< 1.5 s"),
    ]
    if demo:
        figures.append(Figure("first start on the demo to the sign-in box (code index installed)",
                              _median_start("demo", None, max(1, min(repeat, 3)), fresh_data=True),
                              bare, "bare PySide6 window", "< 10 s"))
    return figures


# --- the child process --------------------------------------------------------------------------

def _report_first_paint(app) -> None:
    """An application-wide filter: the first paint of a window prints the time and leaves."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QWidget

    class FirstPaint(QObject):
        def eventFilter(self, watched, event):
            if (event.type() == QEvent.Type.Paint and isinstance(watched, QWidget)
                    and watched.isWindow() and type(watched).__name__ in WINDOWS):
                print(f"{PAINTED}{time.time():.6f}", flush=True)
                os._exit(0)
            return False

    app._first_paint = FirstPaint(app)
    app.installEventFilter(app._first_paint)


def _child(mode: str, db: str | None) -> None:
    if mode == "bare":
        from PySide6.QtWidgets import QApplication, QMainWindow

        app = QApplication(sys.argv[:1])
        _report_first_paint(app)
        window = QMainWindow()
        window.resize(1200, 760)
        window.show()
        app.exec()
        return
    from billing_desk.ui import app as ui_app

    make_app = ui_app.application

    def application():
        made = make_app()
        _report_first_paint(made)
        return made

    ui_app.application = application
    if mode == "main":
        def signed_in(holder) -> bool:
            from billing_desk.services.office.users import list_users

            holder.set_user(next(u for u in list_users() if u.role == "administrator"))
            return True

        ui_app.sign_in = signed_in
    from billing_desk.cli import main

    main(["--demo"] if mode == "demo" else ["--db", str(db)])
    raise SystemExit("the window closed before it painted")


def main(argv: list[str] | None = None) -> int:
    return child_main(argv, __doc__, child=_child, measure=measure, repeat=5,
                      leave_out=("--no-demo", "leave out the demo's first start"),
                      line=lambda f: f"{f.name:45} {f.seconds:7.3f} s  {f.baseline_name} "
                                     f"{f.baseline or 0:6.3f} s  "
                                     f"{f'{f.ratio:5.2f}x' if f.ratio is not None else ''}  goal {f.goal}")


if __name__ == "__main__":
    sys.exit(main())
