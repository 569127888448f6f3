"""Restore killed at each of its named steps, damaged live files, hot journals, leftovers.

A child process runs ``restore.restore_backup`` and is SIGKILLed (``os._exit``, no clean-up runs)
at a named step (``restore.at_step``); then every entry point must open the file, the data must
be either the old or the restored data, whole, and ``check`` clean with no tamper alarm.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import time
from decimal import Decimal as D
from pathlib import Path

import pytest

from billing_desk.models.db import inspect_file, open_database
from billing_desk.services.books import invoices, payments
from billing_desk.services.checks import run_checks
from billing_desk.services.office import backup as backups, restore

ROOT = Path(__file__).resolve().parent.parent
DAY = dt.date(2026, 1, 5)
STEPS = ("verified", "safety", "staged", "pending", "replaced", "anchored")

KILLED_RESTORE = r"""
import os, sys
from pathlib import Path
from billing_desk.models import User
from billing_desk.models.db import open_database
from billing_desk.services.office import restore

backup, db_path, step = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
opened = open_database(db_path, readonly=True)
admin = User.get(User.username == "admin")
opened.close()
restore.at_step = lambda name: os._exit(9) if name == step else None
restore.restore_backup(backup, db_path, admin, safety_folder=Path(sys.argv[4]))
os._exit(0)
"""


@pytest.fixture
def office(db, admin, catalogue, make_account):
    accounts = [make_account(last=name) for name in ("Lee", "Diaz")]
    for account in accounts:
        invoices.quick_invoice(account.id, DAY, [("99213", 1)], admin, entry_date=DAY)
        payments.record_payment(account.id, D("20.00"), admin, entry_date=DAY)
    return accounts


def invoice_count(path: Path) -> int:
    opened = open_database(path, readonly=True)
    try:
        return opened.db.execute_sql("SELECT count(*) FROM invoice").fetchone()[0]
    finally:
        opened.close()


def killed_restore(backup: Path, db_path: Path, step: str, safety: Path) -> int:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", KILLED_RESTORE, str(backup), str(db_path), step,
                           str(safety)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, 9), done.stderr
    return done.returncode


def older_backup_then_more_work(db, office, admin, tmp_path) -> Path:
    made = backups.make_backup(db.path, tmp_path / "bk", user="admin", create_folder=True)
    invoices.quick_invoice(office[0].id, DAY, [("99213", 2)], admin, entry_date=DAY)
    from billing_desk.services.office import audit

    assert audit.sync_anchor() is None  # this PC has seen the newer trail
    db.close()
    return made.path


def assert_opens_whole_and_clean(path: Path) -> None:
    inspect_file(path)
    opened = open_database(path, readonly=True)  # what check, report and backup open first
    opened.close()
    opened = open_database(path)
    try:
        report = run_checks()
        assert report.clean, report
    finally:
        opened.close()


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
@pytest.mark.parametrize("step", STEPS)
def test_a_restore_killed_at_any_step_leaves_old_or_new_data_that_opens_and_checks_clean(
        db, office, admin, tmp_path, step):
    backup = older_backup_then_more_work(db, office, admin, tmp_path)
    assert killed_restore(backup, db.path, step, tmp_path / "safety") == 9
    count = invoice_count(db.path)
    before_rename = STEPS.index(step) < STEPS.index("replaced")
    assert count == (3 if before_rename else 2)
    assert_opens_whole_and_clean(db.path)
    assert not list(db.path.parent.glob(f".{db.path.name}.restoring*")) or before_rename


def test_the_restored_file_is_in_wal_before_it_replaces_the_live_one(db, office, admin, tmp_path):
    backup = older_backup_then_more_work(db, office, admin, tmp_path)
    seen = {}

    def look(name: str) -> None:
        if name == "replaced":
            seen["mode"] = db.path.read_bytes()[18:20]  # file format bytes: 2, 2 is WAL
            seen["sides"] = sorted(p.name for p in db.path.parent.glob(db.path.name + "-*"))

    restore.at_step = look
    try:
        restore.restore_backup(backup, db.path, admin, safety_folder=tmp_path / "safety")
    finally:
        restore.at_step = lambda _name: None
    assert seen == {"mode": b"\x02\x02", "sides": []}
    assert_opens_whole_and_clean(db.path)


def hot_journal(path: Path) -> None:
    """A write transaction in rollback-journal mode killed after it changed the file."""
    con = sqlite3.connect(str(path), isolation_level=None)
    con.execute("PRAGMA journal_mode = DELETE")
    con.close()
    script = ("import os, sqlite3, sys\ncon = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
              "con.execute('PRAGMA cache_size = 1')\ncon.execute('BEGIN')\n"
              "con.execute(\"UPDATE account SET last_name = last_name || 'XXXXXXXX'\")\n"
              "con.execute('CREATE TABLE junk AS SELECT zeroblob(100000) AS b FROM account')\n"
              "os._exit(9)\n")
    subprocess.run([sys.executable, "-c", script, str(path)], check=False, timeout=60)
    assert path.with_name(path.name + "-journal").stat().st_size > 0


def test_a_hot_journal_is_rolled_back_by_the_opening_path(db, office, tmp_path):
    db.close()
    con = sqlite3.connect(str(db.path))
    names = sorted(n for (n,) in con.execute("SELECT last_name FROM account"))
    con.close()
    hot_journal(db.path)
    con = sqlite3.connect(f"file:{db.path}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        con.execute("PRAGMA user_version").fetchone()
    con.close()
    opened = open_database(db.path, readonly=True)
    try:
        rows = opened.db.execute_sql("SELECT last_name FROM account").fetchall()
        assert sorted(n for (n,) in rows) == names
    finally:
        opened.close()
    assert not db.path.with_name(db.path.name + "-journal").exists()
    assert_opens_whole_and_clean(db.path)


@pytest.mark.parametrize("damage", ["garbage header", "truncated", "hot journal"])
def test_restore_replaces_a_damaged_live_file_and_keeps_it_aside(db, office, admin, tmp_path, damage):
    made = backups.make_backup(db.path, tmp_path / "bk", user="admin", create_folder=True)
    db.close()
    if damage == "garbage header":
        data = bytearray(db.path.read_bytes())
        data[:16] = b"this is garbage!"
        db.path.write_bytes(bytes(data))
    elif damage == "truncated":
        db.path.write_bytes(db.path.read_bytes()[:3000])
    else:
        hot_journal(db.path)
    result = restore.restore_backup(made.path, db.path, admin, safety_folder=tmp_path / "safety")
    assert result.safety_copy is not None and result.safety_copy.exists()
    assert invoice_count(db.path) == 2
    assert not db.path.with_name(db.path.name + "-journal").exists()
    assert_opens_whole_and_clean(db.path)


# --- space (15.5) ---------------------------------------------------------------------------------
def little_space_on(folder: Path, monkeypatch, free: int = 5 << 20) -> None:
    """The disk holding ``folder`` has ``free`` bytes left; every other folder is as it is."""
    import shutil

    from billing_desk.services.office import maintenance

    real = shutil.disk_usage

    def usage(path):
        found = real(path)
        return found._replace(free=free) if Path(path) == folder else found

    monkeypatch.setattr(maintenance.shutil, "disk_usage", usage)


def test_restore_with_little_space_says_space_before_anything_is_replaced(
        db, office, admin, tmp_path, monkeypatch):
    backup = older_backup_then_more_work(db, office, admin, tmp_path)
    little_space_on(db.path.parent, monkeypatch)
    with pytest.raises(backups.BackupError) as refused:
        restore.restore_backup(backup, db.path, admin, safety_folder=tmp_path / "safety")
    message = str(refused.value)
    assert "full" in message and str(db.path.parent) in message and "damaged" not in message
    assert "the backup itself is not at fault" in message
    assert invoice_count(db.path) == 3
    assert backups.verify_backup(backup)  # the good backup is still good


def test_a_disk_that_fills_while_the_copy_is_written_is_a_space_problem(
        db, office, admin, tmp_path, monkeypatch):
    import builtins
    import errno
    import io

    from billing_desk.services.office import backup_archive

    backup = older_backup_then_more_work(db, office, admin, tmp_path)

    class FullDisk(io.RawIOBase):
        def writable(self):
            return True

        def write(self, _data):
            raise OSError(errno.ENOSPC, "No space left on device")

        def tell(self):
            return 0

    def opener(path, mode="r", *args, **kwargs):
        if "w" in mode and Path(path).name == "copy.sqlite":
            return FullDisk()  # the verified copy, written beside the database
        return builtins.open(path, mode, *args, **kwargs)

    monkeypatch.setattr(backup_archive, "open", opener, raising=False)
    with pytest.raises(backups.BackupError, match="is full") as refused:
        restore.restore_backup(backup, db.path, admin, safety_folder=tmp_path / "safety")
    assert "damaged" not in str(refused.value)
    monkeypatch.undo()
    assert invoice_count(db.path) == 3


# --- leftovers (15.6) -----------------------------------------------------------------------------
KILLED_BACKUP = r"""
import os, sys
from pathlib import Path
from billing_desk.services.office import backup

at = float(sys.argv[3])
backup.make_backup(Path(sys.argv[1]), Path(sys.argv[2]), password="pw" if sys.argv[4] == "1" else None,
                   progress=lambda fraction, _text: os._exit(9) if fraction >= at else None)
os._exit(0)
"""


def killed_backup(db_path: Path, folder: Path, at: float, encrypted: bool) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", KILLED_BACKUP, str(db_path), str(folder), str(at),
                           "1" if encrypted else "0"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 9, done.stderr


def plaintext_copies(folder: Path) -> list[Path]:
    """Files anywhere under ``folder`` that are SQLite databases, except the live one."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "office.sqlite"
                  and p.read_bytes()[:16] == b"SQLite format 3\x00")


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
def test_killed_backups_and_restores_leave_nothing_after_the_next_start_or_backup(
        db, office, admin, tmp_path):
    from billing_desk.services.office.session import open_session
    from billing_desk.services.office.settings import set_setting

    folder = tmp_path / "bk"
    folder.mkdir()
    set_setting("backup_folder", str(folder), admin)
    made = backups.make_backup(db.path, folder, user="admin")
    db.close()
    killed_backup(db.path, folder, 0.8, encrypted=False)  # while verifying
    killed_backup(db.path, folder, 0.5, encrypted=True)  # while writing: a .partial and a copy
    assert killed_restore(made.path, db.path, "safety", tmp_path / "safety") == 9
    partials = list(folder.glob(".*.partial"))
    assert partials and plaintext_copies(tmp_path)
    old = time.time() - 3600
    for partial in partials:
        os.utime(partial, (old, old))
    session = open_session(db.path)  # the next start
    session.close()
    assert plaintext_copies(tmp_path) == [] and list(folder.glob(".*.partial")) == []
    killed_backup(db.path, folder, 0.8, encrypted=False)
    assert plaintext_copies(tmp_path)
    backups.make_backup(db.path, folder, user="admin")  # the next backup cleans too
    assert plaintext_copies(tmp_path) == []


def test_a_working_folder_in_use_is_never_cleaned(db, tmp_path):
    from billing_desk.services.office.leftovers import clean_leftovers, working_folder

    with working_folder(db.path.parent, "backup-") as busy:
        (busy / "copy.sqlite").write_bytes(b"x")
        assert clean_leftovers(db.path) == []
        assert busy.exists()
    assert not busy.exists()


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
def test_a_backup_killed_after_it_was_complete_is_logged_and_recorded_at_the_next_start(
        db, office, admin, tmp_path):
    from billing_desk.models import AuditEntry
    from billing_desk.services.office.session import open_session
    from billing_desk.services.office.settings import set_setting

    folder = tmp_path / "bk"
    folder.mkdir()
    set_setting("backup_folder", str(folder), admin)
    db.close()
    killed_backup(db.path, folder, 1.0, encrypted=False)  # complete, verified, not yet recorded
    made = next(folder.glob("*.bdbackup"))
    assert made.name in (folder / "backup-log.txt").read_text()
    session = open_session(db.path)
    try:
        entries = [e.summary for e in AuditEntry.select().where(AuditEntry.action == "backup")]
        assert len(entries) == 1 and made.name in entries[0] and "next start" in entries[0]
        assert run_checks().clean
    finally:
        session.close()
    session = open_session(db.path)  # recorded once, not at every start
    try:
        assert AuditEntry.select().where(AuditEntry.action == "backup").count() == 1
    finally:
        session.close()
