"""Backups: a consistent copy while the program runs, verified before it is called done; restore.

How a backup is made (``make_backup``), all with private sqlite3 connections, never the peewee
``database`` proxy, so it can run in a worker thread while the window keeps working, or from a
scheduled task while another program holds the file:

1. A read transaction is opened on the live file and SQLite's online backup API copies the pages
   step by step inside it. In WAL mode that snapshot is consistent and writers are not blocked;
   because the snapshot is held, other connections' commits never restart the copy.
2. The copy is made standalone (rollback journal), its facts (schema, row counts, ledger totals
   in cents) and SHA-256 go into the manifest, and the backup file is written beside its final
   name, flushed, and renamed into place: a crash never leaves a half file with a backup's name.
3. Verified by reading the file back from the backup folder: checksum, ``PRAGMA integrity_check``,
   foreign keys, the facts again, and the ledger check recomputed in SQL on the copy.

Plaintext working copies go into a folder beside the live database (same disk, same protection;
``leftovers``: cleaned when a killed program left them), never into the backup folder, which may
be a stick that leaves the office. Progress is ``(fraction, text)``.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import re
import shutil
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from ... import __version__
from ...models.copying import copy_server_to_file
from ...models.db import APPLICATION_ID, file_damage, inspect_file
from ...models.dialect import is_server_url
from ...models.migrations import SCHEMA_VERSION
from ...models.schema_check import schema_problems
from .audit import head_text
from .backup_archive import (
    FORMAT,
    SUFFIX,
    BackupError,
    NoSpaceError,
    Progress,
    connect_copy,
    database_facts,
    extract_copy,
    file_sha256,
    integrity_problems,
    ledger_problems,
    no_progress,
    no_space_message,
    open_archive,
    write_archive,
)
from .backup_manifest import office_label, provenance
from .backup_server import server_place
from .leftovers import clean_leftovers, working_folder
from .maintenance import disk_space, format_size

__all__ = ["BackupError", "BackupResult", "make_backup", "verify_backup", "read_manifest",
           "rotate", "plan_rotation", "check_folder", "auto_backup",
           "record_backup", "backup_folder", "manifest_lines"]

STAMP = "%Y-%m-%d_%H%M%S"
DEFAULT_KEEP_NEWEST = 10


@dataclass
class BackupResult:
    path: Path
    manifest: dict
    seconds: float
    warnings: list[str] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)


def _stage(progress: Progress, start: float, end: float) -> Progress:
    return lambda fraction, text: progress(start + (end - start) * min(max(fraction, 0.0), 1.0), text)


def _user_name() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"


# --- folders ------------------------------------------------------------------------------
def check_folder(folder: Path, needed: int = 0, *, create: bool = False) -> list[str]:
    """Refuse a missing folder (a stick unplugged) or too little room; warn when nearly full."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise BackupError(f"The backup folder {folder} is a file, not a folder: choose a folder.")
    if not folder.is_dir():
        if create and folder.parent.is_dir():
            folder.mkdir()
        else:
            raise BackupError(f"The backup folder {folder} is not there. Is the USB stick or "
                              "network drive plugged in? Choose the folder again if it moved.")
    space = disk_space(folder)
    if space.free < needed:
        raise NoSpaceError(f"The backup folder {folder} has {format_size(space.free)} free; "
                          f"this backup needs about {format_size(needed)}. Make room or "
                          "choose another folder.")
    warning = space.warning(after=needed)
    return [warning] if warning else []


def _backup_name(db_path: Path, folder: Path, reason: str, when: dt.datetime) -> Path:
    base = f"{db_path.stem}-{when.strftime(STAMP)}-{reason}"
    target, n = folder / f"{base}{SUFFIX}", 2
    while target.exists():
        target, n = folder / f"{base}-{n}{SUFFIX}", n + 1
    return target


# --- making -------------------------------------------------------------------------------
def snapshot(db_path: Path, dest: Path, progress: Progress = no_progress) -> None:
    """Copy the live database into ``dest`` with the online backup API, in one read snapshot."""
    src = sqlite3.connect(str(db_path), isolation_level=None, timeout=30)
    try:
        src.execute("PRAGMA query_only = 1")
        src.execute("BEGIN")
        src.execute("SELECT count(*) FROM sqlite_master").fetchone()  # takes the snapshot
        dst = sqlite3.connect(str(dest), isolation_level=None)
        try:
            src.backup(dst, pages=2048, progress=lambda _s, left, total:
                       progress((total - left) / max(total, 1), "Copying the database"))
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
        src.execute("COMMIT")
    except sqlite3.Error as exc:
        if "full" in str(exc):
            raise NoSpaceError(no_space_message(dest.parent.parent)) from None
        raise BackupError(f"The database {db_path} could not be copied: {exc}.") from None
    finally:
        src.close()


def make_backup(db_path: Path | str, folder: Path, *, user: str = "", reason: str = "manual",
                password: str | None = None, progress: Progress = no_progress,
                keep_newest: int | None = DEFAULT_KEEP_NEWEST, create_folder: bool = False,
                now: dt.datetime | None = None) -> BackupResult:
    """Back up the database at ``db_path`` into ``folder``, verify it, then rotate the folder.

    Needs no lock and writes nothing to the database: it works while the window (or another
    program) has the file open. The caller writes the audit entry (``record_backup``).
    """
    started = time.perf_counter()
    server = str(db_path) if is_server_url(db_path) else None  # a snapshot of it, as a file
    db_path, folder = server_place(server) if server else Path(db_path).resolve(), Path(folder).absolute()
    warnings = check_folder(folder, 0 if server else _live_size(db_path), create=create_folder)
    when = now or dt.datetime.now()
    if not server:
        clean_leftovers(db_path, folder)
    with working_folder(db_path.parent, "backup-") as tmp:
        copy = Path(tmp) / "copy.sqlite"
        if server:
            copy_server_to_file(server, copy, _stage(progress, 0.0, 0.4))
        else:
            snapshot(db_path, copy, _stage(progress, 0.0, 0.4))
        progress(0.4, "Counting what the copy holds")
        manifest = _manifest(copy, server or str(db_path), user or _user_name(), reason, when)
        target = _backup_name(db_path, folder, reason, when)
        partial = target.with_name(f".{target.name}.partial")
        try:
            write_archive(partial, copy, manifest, password, _stage(progress, 0.45, 0.7),
                          sign_key=office_key(manifest["office_id"], db_path))
            os.replace(partial, target)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise BackupError(
                f"The backup could not be written to {folder}: {exc.strerror or exc}.") from None
    try:
        verify_backup(target, password, _stage(progress, 0.7, 0.98), work_dir=db_path.parent,
                      db_path=db_path)
    except BackupError as exc:
        target.rename(target.with_name(target.name + ".failed"))
        if not server and (damage := file_damage(db_path)):  # the live file is damaged: say so
            raise BackupError(f"{damage} A backup of it would be damaged too.") from None
        raise BackupError(f"The backup was written but failed its verification: {exc} "
                          "It was renamed to .failed; try another folder.") from None
    log_backup(target, manifest)
    removed = rotate(folder, db_path.stem, keep_newest, when) if keep_newest else []
    progress(1.0, "Backup made and verified")
    return BackupResult(target, manifest, time.perf_counter() - started, warnings, removed)


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def _live_size(db_path: Path) -> int:
    app_id, _version = inspect_file(db_path) if db_path.exists() else (None, None)
    if app_id != APPLICATION_ID:
        raise BackupError(f"{db_path} is not a Billing Desk database; there is nothing to back up.")
    return db_path.stat().st_size + _size(db_path.with_name(db_path.name + "-wal"))


def _manifest(copy: Path, source: str, user: str, reason: str, when: dt.datetime) -> dict:
    con = connect_copy(copy)
    try:
        facts = database_facts(con)
        office = _setting(con, "security.office_id") or ""
        office_name = _setting(con, "office_name")
        head = con.execute("SELECT id, hash FROM audit_entry ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        con.close()
    return {"kind": "billing-desk-backup", "format": FORMAT, "program_version": __version__,
            "created_at": when.isoformat(timespec="seconds"), "user": user, "reason": reason,
            "source": source, "data_bytes": copy.stat().st_size,
            "data_sha256": file_sha256(copy), "office_id": office,
            "office_name": str(office_name or "Billing Desk")[:200], **facts,
            "audit_head": {"entry": head[0], "hash": head[1]} if head else None}


def _setting(con: sqlite3.Connection, key: str):
    try:
        row = con.execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row and row[0] is not None else None
    except (sqlite3.DatabaseError, ValueError):
        return None


def office_key(office: str | None, db_path: Path | None = None) -> bytes | None:
    """The office's audit chain key on this PC (it signs the office's backups), or None."""
    from . import audit_keys

    return audit_keys.load_key_beside(office, db_path) if office else None


def check_provenance(manifest: dict, name: str, db_path: Path | None = None) -> tuple[str, str]:
    """Whose backup this is: ("ours" | "unsigned" | "foreign", words); altered raises."""
    return provenance(manifest, office_key(manifest.get("office_id"), db_path), name)


# --- the backup log: every verified backup, even when no audit entry could follow ----------
BACKUP_LOG = "backup-log.txt"
LOG_LINES_CHECKED = 50


def log_backup(target: Path, manifest: dict) -> None:
    """One line in the backup folder's log the moment a backup is verified, before the caller's
    audit entry: a program stopped in between leaves the backup known (``record_unrecorded``)."""
    entry = {"at": dt.datetime.now().isoformat(timespec="seconds"), "backup": target.name,
             "user": manifest.get("user", ""), "reason": manifest.get("reason", ""),
             "sha256": manifest.get("data_sha256", ""), "verified": True}
    try:
        with open(target.parent / BACKUP_LOG, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
    except OSError:
        pass  # a folder that takes the backup but not the log: the audit entry still follows


def record_unrecorded(folder: Path, stem: str) -> list[str]:
    """Audit entries for this database's verified backups that the log has and the trail lacks
    (the program was stopped after the backup was complete). Call with the database open for
    writing; returns the names recorded."""
    from ...models import AuditEntry
    from . import audit
    from .transactions import in_transaction

    try:
        lines = (Path(folder) / BACKUP_LOG).read_text(encoding="utf-8").splitlines()[-LOG_LINES_CHECKED:]
    except OSError:
        return []
    recorded = []
    for line in lines:
        try:
            entry = json.loads(line)
            name = str(entry["backup"])
        except (ValueError, KeyError, TypeError):
            continue
        if not entry.get("verified") or not name.startswith(f"{stem}-") or name in recorded:
            continue
        if not (Path(folder) / name).exists() or AuditEntry.select().where(
                AuditEntry.action == "backup", AuditEntry.summary.contains(name)).exists():
            continue
        with in_transaction():
            audit.record(None, "backup", table="database",
                         summary=f"backup {name} ({entry.get('reason')}) to {folder}, verified, made "
                                 f"by {entry.get('user') or '?'} at {entry.get('at')}; recorded at the "
                                 "next start (the program was stopped before it recorded it)")
        recorded.append(name)
    return recorded


# --- verifying ----------------------------------------------------------------------------
def read_manifest(path: Path) -> dict:
    """The manifest of a backup (shown before a restore); refuses what is not a backup."""
    zf, manifest = open_archive(path)
    zf.close()
    return manifest


def verify_backup(path: Path, password: str | None = None, progress: Progress = no_progress, *,
                  work_dir: Path | None = None, keep_copy: Path | None = None,
                  db_path: Path | None = None) -> dict:
    """Check a backup through and through; returns its manifest or raises BackupError.

    ``keep_copy`` (a path) keeps the verified database copy there, for a restore.
    """
    path = Path(path)
    zf, manifest = open_archive(path)
    try:
        check_provenance(manifest, path.name, db_path)
    except BackupError:
        zf.close()
        raise
    with zf, working_folder(work_dir, "verify-") as tmp:
        copy = Path(tmp) / "copy.sqlite"
        sha = extract_copy(zf, manifest, copy, password, _stage(progress, 0.0, 0.5))
        if sha != manifest.get("data_sha256"):
            raise BackupError(f"{path.name} is damaged: its data does not match its checksum.")
        progress(0.5, "Checking the copy's integrity and ledger")
        problems = check_copy(copy, manifest)
        if problems:
            shown = "; ".join(problems[:5]) + ("; …" if len(problems) > 5 else "")
            raise BackupError(f"{path.name} does not check out: {shown}")
        if keep_copy is not None:
            shutil.move(str(copy), str(keep_copy))
    progress(1.0, "Backup verified")
    return manifest


def check_copy(copy: Path, manifest: dict) -> list[str]:
    """Integrity, foreign keys, the manifest's facts and the ledger check, on a copy.

    The integrity check (the longest part) runs in a second thread on its own connection while
    this one recomputes the facts and the ledger: SQLite releases the GIL, so on two cores the
    check takes about as long as the integrity check alone.
    """
    from concurrent.futures import ThreadPoolExecutor

    try:
        cons = [connect_copy(copy), connect_copy(copy)]
    except sqlite3.DatabaseError as exc:
        return [f"the copy is not a readable database ({exc})"]
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            integrity = pool.submit(integrity_problems, cons[1])
            try:
                facts = database_facts(cons[0])
                ledger = ledger_problems(cons[0])
            except sqlite3.DatabaseError as exc:
                facts, ledger = {}, [f"the copy cannot be read ({exc})"]
            try:
                problems = integrity.result()
            except sqlite3.DatabaseError as exc:
                problems = [str(exc)]
    finally:
        for con in cons:
            con.close()
    if problems:
        return [f"integrity: {p}" for p in problems]
    con = connect_copy(copy)
    try:  # an older schema is upgraded when it is opened; the current one must be the program's
        current = con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        problems = [f"schema: {p}" for p in schema_problems(con)] if current else []
    finally:
        con.close()
    mismatched = [f"the manifest says {key} {manifest.get(key)!r}, the copy holds {value!r}"
                  for key, value in facts.items() if manifest.get(key) != value]
    return problems + mismatched + [f"ledger: {p}" for p in ledger]


def manifest_lines(manifest: dict) -> list[str]:
    """What a clerk is shown about a backup before restoring it."""
    from ...money import format_money, from_cents

    ledger = manifest.get("ledger", {})
    counts = manifest.get("row_counts", {})
    balance = (ledger.get("accounts_patient_balance_cents", 0)
               + ledger.get("accounts_insurance_balance_cents", 0))
    return [
        f"Made: {manifest.get('created_at', '?').replace('T', ' ')} by {manifest.get('user', '?')} "
        f"({manifest.get('reason', 'manual')})",
        f"Program {manifest.get('program_version', '?')}, schema {manifest.get('schema_version', '?')}",
        f"Office: {office_label(manifest)}"
        + ("" if manifest.get("signature") else " · not signed (made by an older Billing Desk)"),
        f"From: {manifest.get('source', '?')}",
        f"Accounts: {counts.get('account', 0):,} · invoices: {counts.get('invoice', 0):,} "
        f"(last number {ledger.get('last_invoice_number', 0)}) · payments: {counts.get('payment', 0):,}",
        f"Ledger entries: {ledger.get('ledger_entries', 0):,} · open balances: "
        f"{format_money(from_cents(balance))}",
        *([f"Audit trail head: {head_text(head['entry'], head['hash'])}"]
          if isinstance(head := manifest.get("audit_head"), dict) else []),
        f"Size: {format_size(int(manifest.get('data_bytes', 0)))}"
        + (" · encrypted (needs its password)" if manifest.get("encryption") else ""),
    ]


# --- rotation -----------------------------------------------------------------------------
def plan_rotation(stamps: list[dt.datetime], keep_newest: int, now: dt.datetime) -> set[dt.datetime]:
    """Which backups to keep: the newest N, the newest of each of the last 7 days, and the
    newest of each of the last 12 months."""
    ordered = sorted(stamps, reverse=True)
    keep = set(ordered[:max(keep_newest, 1)])
    days, months = set(), set()
    week_start = (now - dt.timedelta(days=6)).date()
    year_ago = (now.year - 1) * 12 + now.month  # the 12 months after this one, a year ago
    for stamp in ordered:
        if stamp.date() >= week_start and stamp.date() not in days:
            days.add(stamp.date())
            keep.add(stamp)
        month = (stamp.year, stamp.month)
        if stamp.year * 12 + stamp.month > year_ago and month not in months:
            months.add(month)
            keep.add(stamp)
    return keep


def rotate(folder: Path, stem: str, keep_newest: int, now: dt.datetime | None = None) -> list[Path]:
    """Delete this database's backups that the plan does not keep; returns what was removed.

    Only files named like our backups of ``stem`` are considered; nothing else is touched.
    """
    pattern = re.compile(rf"^{re.escape(stem)}-(\d{{4}}-\d\d-\d\d_\d{{6}})-[a-z-]+?(?:-(\d+))?"
                         rf"{re.escape(SUFFIX)}$")
    found: dict[dt.datetime, Path] = {}
    for path in Path(folder).iterdir():
        match = pattern.match(path.name)
        if match:
            stamp = dt.datetime.strptime(match.group(1), STAMP)
            stamp += dt.timedelta(microseconds=int(match.group(2) or 0))  # same second: order kept
            found[stamp] = path
    keep = plan_rotation(list(found), keep_newest, now or dt.datetime.now())
    removed = []
    for stamp, path in found.items():
        if stamp not in keep:
            path.unlink(missing_ok=True)
            removed.append(path)
    return sorted(removed)


# --- the window's and the scheduler's side -------------------------------------------------
def record_backup(by, result: BackupResult) -> None:
    """The audit entry of a backup, in the live database (call in the thread that owns it)."""
    from . import audit
    from .transactions import in_transaction

    with in_transaction():
        audit.record(by, "backup", table="database",
                     summary=f"backup {result.path.name} ({result.manifest.get('reason')}) to "
                             f"{result.path.parent}, verified; sha256 {result.manifest['data_sha256'][:16]}…")


def backup_folder() -> Path:
    """The folder chosen in the settings, else the data folder's backups folder."""
    from ...paths import backups_dir
    from .settings import get_setting

    chosen = get_setting("backup_folder")
    return Path(chosen) if chosen else backups_dir()


def keep_newest_setting() -> int:
    from .settings import get_setting

    return int(get_setting("backup_keep_newest") or DEFAULT_KEEP_NEWEST)


@dataclass
class AutoBackup:
    result: BackupResult | None
    message: str


def auto_backup(session, reason: str, progress: Progress = no_progress) -> AutoBackup:
    """The automatic backup at closing ("closing") or the first start of a day ("start").

    Never raises for a backup problem: the window shows ``message``. At "start" nothing is done
    when this database already has a backup made today. Automatic backups are not encrypted;
    they stay in the office's own backup folder.
    """
    folder = backup_folder()
    if reason == "start" and folder.is_dir():
        today = dt.date.today().strftime("%Y-%m-%d")
        if any(folder.glob(f"{session.path.stem}-{today}_*{SUFFIX}")):
            return AutoBackup(None, "A backup was already made today.")
    try:
        user = session.user.username if session.user else ""
        result = make_backup(session.opened.address, folder, user=user, reason=reason,
                             progress=progress, keep_newest=keep_newest_setting())
        record_backup(session.user, result)
    except BackupError as exc:
        return AutoBackup(None, f"The automatic backup was not made: {exc}")
    extra = (" " + " ".join(result.warnings)) if result.warnings else ""
    return AutoBackup(result, f"Backup made and verified: {result.path}.{extra}")
