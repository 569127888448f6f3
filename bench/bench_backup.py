#!/usr/bin/env python3
"""Backup benchmark: our verified backup of the 100,000-account office beside `sqlite3 .backup`.

    python bench/bench_backup.py [--accounts 100000] [--invoices 1000000] [--db PATH] [--keep]

Builds the office with bench/book.py (the benchmark book) (or reuses --db), then times, each on the same
file: the sqlite3 command-line tool's ``.backup`` (a plain page copy, nothing checked), Python's
online backup API alone, our ``make_backup`` (snapshot + manifest + zip + read-back verify with
integrity check, facts and the SQL ledger check), the same encrypted, ``verify_backup`` alone,
and a restore. Run it from the repository root. The sqlite3 tool comes from the distribution
(``apt-get install sqlite3``); without it that row is skipped.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from billing_desk.services.office import backup as backups, restore
from billing_desk.services.office.backup_archive import connect_copy, integrity_problems


def timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def sqlite_cli_backup(db: Path, out: Path) -> tuple[float, str] | None:
    tool = shutil.which("sqlite3")
    if not tool:
        return None
    seconds, _ = timed(lambda: subprocess.run([tool, str(db), f".backup '{out}'"], check=True))
    return seconds, tool


def sqlite_cli_backup_and_check(db: Path, out: Path) -> float | None:
    """The fair comparison for "backup + verify": .backup, then integrity_check of the copy."""
    made = sqlite_cli_backup(db, out)
    if made is None:
        return None
    seconds, _ = timed(lambda: subprocess.run([made[1], str(out), "PRAGMA integrity_check;"],
                                              check=True, capture_output=True))
    return made[0] + seconds


def measure(db: Path, work: Path) -> list[tuple[str, float, str]]:
    rows = []
    size = db.stat().st_size
    rows.append(("database file", 0.0, f"{size / 1e6:.1f} MB"))
    cli = sqlite_cli_backup(db, work / "cli.sqlite")
    if cli:
        rows.append(("sqlite3 CLI .backup", cli[0], f"{(work / 'cli.sqlite').stat().st_size / 1e6:.1f} MB, "
                     "unchecked, uncompressed"))
        both = sqlite_cli_backup_and_check(db, work / "cli2.sqlite")
        rows.append(("sqlite3 CLI .backup + integrity_check", both, "same copy, checked"))
    else:
        rows.append(("sqlite3 CLI .backup", float("nan"), "sqlite3 not installed: apt-get install sqlite3"))
    seconds, _ = timed(lambda: backups.snapshot(db, work / "api.sqlite"))
    rows.append(("Python online backup API (our snapshot step)", seconds, "copy only"))
    folder = work / "ours"
    folder.mkdir()
    seconds, made = timed(lambda: backups.make_backup(db, folder, keep_newest=None))
    rows.append(("ours: make_backup (copy+manifest+zip+verify)", seconds,
                 f"{made.path.stat().st_size / 1e6:.1f} MB .bdbackup"))
    seconds, _ = timed(lambda: backups.verify_backup(made.path, work_dir=work))
    rows.append(("ours: verify_backup alone", seconds, "sha256, integrity, facts, ledger SQL"))
    seconds, sealed = timed(lambda: backups.make_backup(db, folder, password="bench pass",
                                                        keep_newest=None))
    rows.append(("ours: make_backup encrypted (AES-GCM)", seconds,
                 f"{sealed.path.stat().st_size / 1e6:.1f} MB"))
    rows.append(_time_integrity(db))
    rows.append(_time_restore(db, made.path, work))
    return rows


def _time_integrity(db: Path) -> tuple[str, float, str]:
    con = connect_copy(db)
    try:
        seconds, problems = timed(lambda: integrity_problems(con))
    finally:
        con.close()
    return ("PRAGMA integrity_check + foreign_key_check alone", seconds, "ok" if not problems else "PROBLEMS")


def _time_restore(db: Path, backup: Path, work: Path) -> tuple[str, float, str]:
    from billing_desk.models import User

    target = work / "restored.sqlite"
    shutil.copy(db, target)
    admin = User(username="admin", role="administrator", active=True)
    seconds, result = timed(lambda: restore.restore_backup(backup, target, admin,
                                                            safety_folder=work / "ours",
                                                            keep_newest=None))
    return ("ours: restore (verify, safety backup, replace)", seconds, result.note or "ok")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, help="reuse (or build into) this file")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-backup-"))
    db = args.db or work / "office.sqlite"
    if not db.exists():
        from book import build

        print(f"building {args.accounts:,} accounts, {args.invoices:,} invoices into {db} …", flush=True)
        print(f"built in {build(db, args.accounts, args.invoices):.1f} s", flush=True)
    con = sqlite3.connect(db)
    accounts = con.execute("SELECT count(*) FROM account").fetchone()[0]
    invoices = con.execute("SELECT count(*) FROM invoice").fetchone()[0]
    con.close()
    print(f"\n{accounts:,} accounts, {invoices:,} invoices\n")
    print(f"{'what':52} {'seconds':>8}  notes")
    for name, seconds, note in measure(db, work):
        print(f"{name:52} {seconds:8.2f}  {note}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"\nkept {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
