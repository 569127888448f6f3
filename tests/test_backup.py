"""Backups: consistent while writing, verified, round trip record for record, bad files refused
with the current data untouched, encryption, rotation, folder checks, the command line."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sqlite3
import threading
import zipfile
from decimal import Decimal as D
from pathlib import Path

import pytest

from billing_desk.cli import main as cli_main
from billing_desk.models import AuditEntry, User, database
from billing_desk.models.db import FileLock, open_database
from billing_desk.models.migrations import SCHEMA_VERSION
from billing_desk.services import checks
from billing_desk.services.books import invoices, payments
from billing_desk.services.books.ledger import check_ledger
from billing_desk.services.office import backup as backups, maintenance, restore
from billing_desk.services.office.backup_archive import (
    BackupError,
    ledger_problems,
    open_archive,
)

DAY = dt.date(2026, 1, 5)


@pytest.fixture
def office(db, admin, catalogue, make_account):
    """A small office: three accounts, invoices and payments."""
    accounts = [make_account(last=name) for name in ("Lee", "Diaz", "Khan")]
    for n, account in enumerate(accounts):
        invoices.quick_invoice(account.id, DAY, [("99213", 1), ("36415", n + 1)], admin, entry_date=DAY)
        invoices.quick_invoice(account.id, DAY, [("80053", 1)], admin, entry_date=DAY)
        payments.record_payment(account.id, D("50.00") + n, admin, entry_date=DAY)
    return accounts


def dump(path: Path, skip=("audit_entry",)) -> dict:
    """Every table, every row, in rowid order, through a private connection."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [t for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                             "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {t: con.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall()
                for t in tables if t not in skip}
    finally:
        con.close()


def file_state(path: Path) -> tuple:
    sides = [path.with_name(path.name + extra) for extra in ("", "-wal")]
    return tuple(hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else None for p in sides)


def backup_of(db, folder: Path, **kwargs) -> backups.BackupResult:
    folder.mkdir(exist_ok=True)
    return backups.make_backup(db.path, folder, user="admin", **kwargs)


# --- making and verifying ---------------------------------------------------------------------
def test_backup_is_one_verified_file_with_a_manifest(db, office, admin, tmp_path):
    seen = []
    result = backup_of(db, tmp_path / "bk", progress=lambda f, text: seen.append((f, text)))
    assert result.path.suffix == ".bdbackup" and result.path.exists()
    assert sorted(p.name for p in result.path.parent.iterdir()) == [
        "backup-log.txt", result.path.name]  # nothing left over; the backup logged
    manifest = backups.read_manifest(result.path)
    assert manifest["program_version"] and manifest["schema_version"] == SCHEMA_VERSION
    assert manifest["row_counts"]["account"] == 3 and manifest["row_counts"]["invoice"] == 6
    assert manifest["ledger"]["posted_invoices"] == 6
    assert manifest["user"] == "admin" and len(manifest["data_sha256"]) == 64
    assert [f for f, _ in seen] == sorted(f for f, _ in seen) and seen[-1][0] == 1.0
    assert backups.verify_backup(result.path)["data_sha256"] == manifest["data_sha256"]
    backups.record_backup(admin, result)
    assert AuditEntry.select().where(AuditEntry.action == "backup").count() == 1
    assert any("Accounts: 3" in line for line in backups.manifest_lines(manifest))


def test_backup_while_another_thread_keeps_posting(db, office, admin, tmp_path):
    stop, posted, errors = threading.Event(), [], []

    def writer():
        try:
            while not stop.is_set():
                invoice = invoices.quick_invoice(office[0].id, DAY, [("36415", 1)], admin, entry_date=DAY)
                posted.append(invoice.number)
                payments.record_payment(office[1].id, "1.00", admin, entry_date=DAY)
        except Exception as exc:
            errors.append(exc)
        finally:
            database.close()  # this thread's own connection

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        results = [backup_of(db, tmp_path / "bk", keep_newest=None) for _ in range(3)]
    finally:
        stop.set()
        thread.join()
    assert not errors and len(posted) > 3
    counts = [r.manifest["row_counts"]["invoice"] for r in results]
    assert counts == sorted(counts) and 6 <= counts[0] and counts[-1] <= 6 + len(posted)
    for result in results:  # each a consistent snapshot: verified, ledger check clean
        backups.verify_backup(result.path)


def test_backup_of_books_that_do_not_add_up_is_not_called_done(db, office, tmp_path):
    database.execute_sql("UPDATE account SET patient_balance = patient_balance + 1 WHERE id = ?",
                         (office[0].id,))
    assert check_ledger()
    with pytest.raises(BackupError, match="failed its verification.*ledger: account"):
        backup_of(db, tmp_path / "bk")
    assert [p.suffix for p in (tmp_path / "bk").iterdir()] == [".failed"]


@pytest.mark.parametrize("damage", [
    "UPDATE invoice_line SET insurance_balance = insurance_balance + 5 WHERE id = 1",
    "UPDATE invoice SET total = total + 1 WHERE id = 1",
    "UPDATE account SET unapplied_credit = unapplied_credit + 7 WHERE id = 2",
    "UPDATE invoice SET number = number + 10 WHERE id = 3",
    "UPDATE payment SET amount = amount + 1 WHERE id = 1",
])
def test_the_sql_ledger_check_agrees_with_the_services(db, office, damage):
    database.execute_sql(damage)
    con = sqlite3.connect(str(db.path))
    try:
        assert bool(ledger_problems(con)) == bool(check_ledger()) is True
    finally:
        con.close()


# --- round trip and refusals ------------------------------------------------------------------
def test_restore_round_trip_equals_the_original_record_for_record(db, office, admin, tmp_path):
    result = backup_of(db, tmp_path / "bk")
    original = dump(db.path)
    trail = dump(db.path, skip=())["audit_entry"]
    invoices.quick_invoice(office[0].id, DAY, [("99213", 2)], admin, entry_date=DAY)
    db.close()
    restored = restore.restore_backup(result.path, db.path, admin, safety_folder=tmp_path / "bk")
    assert dump(db.path) == original
    after = dump(db.path, skip=())["audit_entry"]
    assert after[:len(trail)] == trail and [row[4] for row in after[len(trail):]] == ["restore", "reanchor"]
    assert restored.safety_copy.name.endswith("-before-restore.bdbackup")
    assert backups.read_manifest(restored.safety_copy)["row_counts"]["invoice"] == 7
    reopened = open_database(db.path)
    try:
        from billing_desk.services.checks import run_checks

        assert run_checks().clean
    finally:
        reopened.close()


def _rezip(source: Path, target: Path, edit) -> Path:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "manifest.json":
                manifest = json.loads(data)
                edit(manifest)
                data = json.dumps(manifest).encode()
            zout.writestr(item, data)
    return target


def _bad_files(good: Path, folder: Path, db_path: Path) -> dict[str, tuple[Path, str]]:
    data = good.read_bytes()
    (folder / "truncated.bdbackup").write_bytes(data[: len(data) // 2])
    flipped = bytearray(data)
    for at in range(len(data) // 2, len(data) // 2 + 64):
        flipped[at] ^= 0xFF
    (folder / "corrupt.bdbackup").write_bytes(bytes(flipped))
    (folder / "notes.bdbackup").write_text("shopping list: milk, eggs")
    with zipfile.ZipFile(folder / "other.zip", "w") as zf:
        zf.writestr("photo.txt", "not a backup")
    shutil.copy(db_path, folder / "plain.sqlite")
    newer = _rezip(good, folder / "newer.bdbackup", lambda m: m.update(schema_version=99))
    lying = _rezip(good, folder / "lying.bdbackup", lambda m: m["ledger"].update(ledger_sum_cents=1))
    return {
        "truncated": (folder / "truncated.bdbackup", "truncated"),
        "corrupt": (folder / "corrupt.bdbackup", "damaged"),
        "not a backup": (folder / "notes.bdbackup", "is not a Billing Desk backup"),
        "other zip": (folder / "other.zip", "not a Billing Desk backup"),
        "a bare database": (folder / "plain.sqlite", "is not a Billing Desk backup"),
        "newer schema": (newer, "newer Billing Desk"),
        "manifest disagrees": (lying, "ledger_sum_cents|does not match"),
        "missing": (folder / "nowhere.bdbackup", "There is no backup"),
    }


def test_each_bad_file_is_refused_and_the_current_data_is_untouched(db, office, admin, tmp_path):
    good = backup_of(db, tmp_path / "bk").path
    bad = _bad_files(good, tmp_path, db.path)
    db.close()
    rows = dump(db.path)
    for name, (path, message) in bad.items():
        with pytest.raises(BackupError, match=message):
            restore.restore_backup(path, db.path, admin, safety_folder=tmp_path / "bk")
        assert dump(db.path) == rows, name
        assert not list(tmp_path.glob(".office.sqlite.restoring*")), name
    refused = [row[4] for row in dump(db.path, skip=())["audit_entry"] if row[4] == "restore_refused"]
    assert len(refused) == len(bad)  # every refusal is in the trail
    left = sorted(p.name for p in (tmp_path / "bk").glob("*.bdbackup"))
    assert left == [good.name]  # no safety copies


def test_restore_needs_a_supervisor_and_a_closed_file(db, office, clerk, admin, tmp_path):
    from billing_desk.errors import DatabaseError, PermissionDenied

    good = backup_of(db, tmp_path / "bk").path
    with pytest.raises(PermissionDenied, match="restore a backup"):
        restore.restore_backup(good, db.path, clerk)
    before = file_state(db.path)
    with pytest.raises(DatabaseError, match="open in another Billing Desk"):
        restore.restore_backup(good, db.path, admin)  # the fixture still holds the file
    assert file_state(db.path) == before


def test_encrypted_round_trip_and_wrong_or_missing_password(db, office, admin, tmp_path):
    result = backup_of(db, tmp_path / "bk", password="correct horse")
    with zipfile.ZipFile(result.path) as zf:
        names = zf.namelist()
        sealed = zf.read(names[1])
    assert names == ["manifest.json", "billing-desk.sqlite.aesgcm"]
    assert b"SQLite format 3" not in sealed and b"Lee" not in sealed
    assert backups.read_manifest(result.path)["encryption"]["kdf"] == "scrypt"
    original = dump(db.path)
    db.close()
    for password, message in ((None, "encrypted: give its password"), ("wrong", "password is wrong")):
        with pytest.raises(BackupError, match=message):
            backups.verify_backup(result.path, password)
        with pytest.raises(BackupError, match=message):
            restore.restore_backup(result.path, db.path, admin, password=password)
        assert dump(db.path) == original  # the data as they were; the refusal in the trail
    restore.restore_backup(result.path, db.path, admin, password="correct horse",
                           safety_folder=tmp_path / "bk")
    assert dump(db.path) == original


def test_a_tampered_encrypted_block_is_refused(db, office, tmp_path):
    result = backup_of(db, tmp_path / "bk", password="pw")
    zf, manifest = open_archive(result.path)
    with zf:
        sealed = bytearray(zf.read("billing-desk.sqlite.aesgcm"))
    sealed[40] ^= 1
    with zipfile.ZipFile(result.path) as zin, zipfile.ZipFile(tmp_path / "t.bdbackup", "w") as zout:
        zout.writestr("manifest.json", zin.read("manifest.json"))
        zout.writestr("billing-desk.sqlite.aesgcm", bytes(sealed))
    with pytest.raises(BackupError, match="encrypted block fails its check"):
        backups.verify_backup(tmp_path / "t.bdbackup", "pw")


# --- rotation and folders ---------------------------------------------------------------------
def test_rotation_keeps_newest_n_one_a_day_for_a_week_and_one_a_month_for_a_year(tmp_path):
    now = dt.datetime(2026, 6, 15, 18, 0)
    stamps = [now - dt.timedelta(hours=6 * i) for i in range(4 * 800)]  # four a day, 800 days
    for stamp in stamps:
        (tmp_path / f"office-{stamp:%Y-%m-%d_%H%M%S}-closing.bdbackup").write_bytes(b"x")
    (tmp_path / "other-2020-01-01_000000-manual.bdbackup").write_bytes(b"x")  # another database
    (tmp_path / "notes.txt").write_text("keep me")
    removed = backups.rotate(tmp_path, "office", keep_newest=5, now=now)
    kept = sorted(dt.datetime.strptime(p.name[7:24], "%Y-%m-%d_%H%M%S")
                  for p in tmp_path.glob("office-*.bdbackup"))
    assert len(removed) + len(kept) == len(stamps)
    newest = sorted(stamps, reverse=True)[:5]
    assert set(newest) <= set(kept)
    days = {s.date() for s in kept if s.date() >= dt.date(2026, 6, 9)}
    assert days == {dt.date(2026, 6, 9) + dt.timedelta(days=i) for i in range(7)}
    months = {(s.year, s.month) for s in kept}
    assert months == {(2025, m) for m in range(7, 13)} | {(2026, m) for m in range(1, 7)}
    assert len(kept) == len(set(newest) | {max(s for s in stamps if s.date() == d) for d in days}
                            | {max(s for s in stamps if (s.year, s.month) == m) for m in months})
    assert (tmp_path / "notes.txt").exists()
    assert (tmp_path / "other-2020-01-01_000000-manual.bdbackup").exists()


def test_make_backup_rotates_the_folder(db, office, tmp_path):
    folder = tmp_path / "bk"
    results = [backup_of(db, folder, keep_newest=2, now=dt.datetime(2024, 1, 1, 9 + i))
               for i in range(4)]
    left = sorted(p.name for p in folder.glob("*.bdbackup"))
    assert left == sorted(r.path.name for r in results[2:])  # one day: the newest two
    assert results[2].removed == [results[0].path] and results[3].removed == [results[1].path]


def test_missing_folder_and_nearly_full_disk(db, office, tmp_path, monkeypatch):
    with pytest.raises(BackupError, match="is not there. Is the USB stick"):
        backups.make_backup(db.path, tmp_path / "unplugged" / "Backups")
    folder = tmp_path / "bk"
    folder.mkdir()
    real = shutil.disk_usage
    monkeypatch.setattr(maintenance.shutil, "disk_usage",
                        lambda p: real(p)._replace(free=300 << 20, total=64 << 30))
    result = backups.make_backup(db.path, folder)
    assert result.warnings and "nearly full" in result.warnings[0]
    monkeypatch.setattr(maintenance.shutil, "disk_usage",
                        lambda p: real(p)._replace(free=1000, total=64 << 30))
    with pytest.raises(BackupError, match="has 1000 bytes free"):
        backups.make_backup(db.path, folder)


def test_auto_backup_at_start_once_a_day_and_at_closing(db, office, admin):
    from billing_desk.services.office.session import Session

    session = Session(db, admin)
    first = backups.auto_backup(session, "start")
    assert first.result is not None and "verified" in first.message
    assert backups.auto_backup(session, "start").result is None  # already today
    assert backups.auto_backup(session, "closing").result is not None
    assert AuditEntry.select().where(AuditEntry.action == "backup").count() == 2


def test_maintenance_optimize_size_and_checks(db, office):
    info = maintenance.database_info(db.path)
    assert info.size > 0 and any(str(db.path) in line for line in info.lines())
    result = maintenance.optimize(db.path)
    assert result.after > 0 and "Optimized" in result.text()
    assert checks.check_database().clean
    assert maintenance.format_size(1536) == "1.5 KB"


# --- the command line -------------------------------------------------------------------------
def _supervisor_with_password(name="sid", password="sup3r-secret-pw"):
    from billing_desk.services.office.auth import hash_password

    User.create(username=name, full_name="Sid Supervisor", role="supervisor",
                password_hash=hash_password(password, (2 ** 10, 8, 1)), must_change_password=False)
    return password


def test_cli_backup_verify_and_restore_exit_codes(db, office, tmp_path, capsys):
    pw = tmp_path / "pw.txt"
    pw.write_text(_supervisor_with_password() + "\n")
    key = tmp_path / "key.txt"
    key.write_text("backup pass\n")
    original = dump(db.path)
    holder = FileLock(db.path)
    db.close()
    holder.acquire()  # another program has the file open: backup still works
    try:
        assert cli_main(["backup", "--db", str(db.path), "--to", str(tmp_path / "bk"),
                         "--password-file", str(key)]) == 0
        out = capsys.readouterr().out
        assert "made and verified" in out and "not written to the audit trail" in out
        made = next((tmp_path / "bk").glob("*.bdbackup"))
        assert cli_main(["restore", str(made), "--db", str(db.path), "--password-file", str(key),
                         "--user", "sid", "--user-password-file", str(pw)]) == 1
        assert "open in another Billing Desk" in capsys.readouterr().err
    finally:
        holder.release()
    assert cli_main(["verify", str(made), "--password-file", str(key)]) == 0
    assert cli_main(["verify", str(made)]) == 1
    (tmp_path / "cut.bdbackup").write_bytes(made.read_bytes()[:1000])
    assert cli_main(["verify", str(tmp_path / "cut.bdbackup"), "--password-file", str(key)]) == 1
    assert "truncated" in capsys.readouterr().err
    assert cli_main(["restore", str(made), "--db", str(db.path), "--password-file", str(key)]) == 1
    assert "--user" in capsys.readouterr().err
    assert cli_main(["restore", str(made), "--db", str(db.path), "--password-file", str(key),
                     "--user", "sid", "--user-password-file", str(pw)]) == 0
    assert "restored" in capsys.readouterr().out
    assert dump(db.path) == original
    assert cli_main(["backup", "--db", str(db.path), "--to", str(tmp_path / "bk2")]) == 0
    assert "recorded in the audit trail" in capsys.readouterr().out


def test_checking_a_copy_holds_a_bounded_part_of_it_in_memory(tmp_path):
    """Issue 21: the verify mapped 1 GiB per connection (1.37 GB resident on a 913 MB book);
    bench/bench_memory.py measures the whole backup's peak."""
    import sqlite3

    from billing_desk.services.office.backup_archive import connect_copy

    path = tmp_path / "copy.sqlite"
    sqlite3.connect(path).close()
    con = connect_copy(path)
    try:
        mapped = con.execute("PRAGMA mmap_size").fetchone()[0]
        cache = con.execute("PRAGMA cache_size").fetchone()[0]
    finally:
        con.close()
    assert mapped <= 64 << 20
    assert -(32 << 10) <= cache < 0  # at most 32 MiB of pages cached
