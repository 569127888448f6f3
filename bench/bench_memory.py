"""Benchmark memory: peak resident memory browsing every tab, and backing up the book.

Each figure is the peak resident set (``ru_maxrss``) of a fresh process, in MB, beside a bare
baseline measured the same way in the same run:

- browsing: the main window opened on the book (signed in as the first administrator), each
  tab visited in turn, its list paged down a few screens, the window left to settle after each
  (no background work running) -- beside a bare PySide6 process showing an empty window. The
  data folder is as after a first start (``seed_data_folder``): the start's automatic backup
  made today (the backup is its own figure) and the ICD-10-CM index built. Goal: under 250 MB.
- backup: ``make_backup`` of the book (the copy, the archive, and its verify: the copy's
  integrity check, facts and ledger check) -- beside a bare process that streams the file
  through SHA-256 and runs ``PRAGMA integrity_check`` with SQLite's defaults. Goal: bounded
  (not growing with the book; the issue saw 1.37 GB on a 913 MB book).

    .venv/bin/python bench/bench_memory.py --db FILE [--repeat 1] [--no-backup]
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.figures import Figure, child_env, child_main  # noqa: E402

PEAK = "peak MB "
PAGE_DOWNS = 5  # screens paged down in each tab's list
SETTLE_MS = 400  # quiet time after a tab's background work ends


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _current_mb() -> float:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _run_child(mode: str, db: Path | None, data: Path) -> tuple[float, float]:
    """(peak MB, seconds) of one child process."""
    args = [sys.executable, __file__, "--child", mode]
    if db is not None:
        args += ["--db", str(db)]
    started = time.perf_counter()
    out = subprocess.run(args, env=child_env(ROOT, data), capture_output=True, text=True, cwd=ROOT,
                         timeout=3600)
    seconds = time.perf_counter() - started
    for line in out.stdout.splitlines():
        if line.startswith(PEAK):
            return float(line[len(PEAK):]), seconds
    raise RuntimeError(f"the {mode} run reported nothing:\n{out.stdout}\n{out.stderr[-3000:]}")


def seed_data_folder(data: Path, db: Path) -> None:
    """A data folder as after the first start: the start's backup made today already (the
    backup is its own figure), the ICD-10-CM index built (a new install builds it once)."""
    backups = data / "backups"
    backups.mkdir(exist_ok=True)
    today = dt.date.today().strftime("%Y-%m-%d")
    (backups / f"{db.stem}-{today}_000000-start.bdbackup").write_bytes(b"")
    index = _built_index()
    (data / "cache").mkdir(exist_ok=True)
    shutil.copy(index, data / "cache" / index.name)


def _built_index() -> Path:
    kept = Path(tempfile.gettempdir()) / "bench_memory_index"
    previous = os.environ.get("BILLING_DESK_HOME")
    os.environ["BILLING_DESK_HOME"] = str(kept)
    try:
        from billing_desk.services.books import icd_index

        icd_index.code_set()
        return icd_index.index_path()
    finally:
        if previous is None:
            del os.environ["BILLING_DESK_HOME"]
        else:
            os.environ["BILLING_DESK_HOME"] = previous


def _median_peak(mode: str, db: Path | None, repeat: int) -> tuple[float, float]:
    peaks, times = [], []
    for _ in range(max(1, repeat)):
        with tempfile.TemporaryDirectory(prefix="bench_memory_") as data:
            if db is not None:
                seed_data_folder(Path(data), db)
            peak, seconds = _run_child(mode, db, Path(data))
        peaks.append(peak)
        times.append(seconds)
    return statistics.median(peaks), statistics.median(times)


def measure(db: Path, repeat: int = 1, backup: bool = True) -> list[Figure]:
    bare, _ = _median_peak("bare", None, repeat)
    browsing, _ = _median_peak("browse", db, repeat)
    figures = [Figure("peak memory browsing every tab", browsing, bare, "bare PySide6 window",
                      "< 250 MB", unit="MB")]
    if backup:
        ours, ours_s = _median_peak("backup", db, repeat)
        plain, plain_s = _median_peak("bare-backup", db, repeat)
        size = db.stat().st_size / 2**20
        figures.append(Figure(f"peak memory of a backup with verify ({size:,.0f} MB book)", ours,
                              plain, "SHA-256 + integrity_check, SQLite defaults", "bounded",
                              unit="MB"))
        print(f"(backup with verify took {ours_s:.1f} s; the bare hash and check {plain_s:.1f} s)",
              file=sys.stderr)
    return figures


# --- the child processes ------------------------------------------------------------------------

def _browse(db: str) -> None:
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QTableView

    from billing_desk.ui import app as ui_app, work
    from billing_desk.ui.main_window import MainWindow

    def signed_in(holder) -> bool:
        from billing_desk.services.office.users import list_users

        holder.set_user(next(u for u in list_users() if u.role == "administrator"))
        return True

    ui_app.sign_in = signed_in
    shown = MainWindow.show

    def show(window) -> None:
        shown(window)
        QTimer.singleShot(0, lambda: _visit(window, 0))

    def idle() -> bool:
        return not work._RUNNING

    def _visit(window, index: int) -> None:
        if os.environ.get("BENCH_MEMORY_STEPS"):  # where the memory goes, tab by tab
            print(f"before tab {index}: {_current_mb():.0f} MB now, peak {_peak_mb():.0f} MB",
                  file=sys.stderr, flush=True)
        if index >= window.tabs.count():
            print(f"{PEAK}{_peak_mb():.1f}", flush=True)
            os._exit(0)
        window.tabs.setCurrentIndex(index)
        _settle(lambda: _page(window, index))

    def _page(window, index: int) -> None:
        tables = window.tabs.widget(index).findChildren(QTableView)
        for table in tables[:1]:
            table.setFocus()
            for _ in range(PAGE_DOWNS):
                QTest.keyClick(table, Qt.Key.Key_PageDown)
        _settle(lambda: _visit(window, index + 1))

    def _settle(then) -> None:
        if idle():
            QTimer.singleShot(SETTLE_MS, lambda: then() if idle() else _settle(then))
        else:
            QTimer.singleShot(50, lambda: _settle(then))

    MainWindow.show = show
    from billing_desk.cli import main

    main(["--db", db])
    raise SystemExit("the window closed before every tab was seen")


def _bare_window() -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(1200, 760)
    window.show()
    QTimer.singleShot(SETTLE_MS, app.quit)
    app.exec()


def _backup(db: str) -> None:
    from billing_desk.services.office.backup import make_backup

    with tempfile.TemporaryDirectory(prefix="bench_memory_backup_") as folder:
        make_backup(Path(db), Path(folder), user="bench", reason="manual")


def _bare_backup(db: str) -> None:
    digest = hashlib.sha256()
    with open(db, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    con.execute("PRAGMA integrity_check").fetchall()
    con.close()


def _child(mode: str, db: str | None) -> None:
    if mode == "browse":
        _browse(str(db))
        return
    {"bare": lambda: _bare_window(), "backup": lambda: _backup(str(db)),
     "bare-backup": lambda: _bare_backup(str(db))}[mode]()
    print(f"{PEAK}{_peak_mb():.1f}", flush=True)


def main(argv: list[str] | None = None) -> int:
    return child_main(argv, __doc__, child=_child, measure=measure, repeat=1,
                      leave_out=("--no-backup", "leave out the backup figure"),
                      line=lambda f: f"{f.name:55} {f.seconds:7.0f} MB  {f.baseline_name} "
                                     f"{f.baseline or 0:6.0f} MB  {f.ratio or 0:5.2f}x  goal {f.goal}")


if __name__ == "__main__":
    sys.exit(main())
