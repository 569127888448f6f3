"""Restoring a backup over the live database, as one step that either happened or did not.

The order (each step named, so the kill tests can stop the program at it):

1. permission, and the backup's manifest read; the lock taken (refuses while the file is open);
2. ``verified``: the backup verified into a staged copy beside the database;
3. ``safety``: the data about to be replaced backed up (a damaged file is kept as a plain copy);
4. ``staged``: the staged copy opened as the program opens it, so it is in WAL, its final mode;
   the "restore" and "reanchor" audit entries written in it; closed cleanly;
5. ``pending``: the audit anchor of this path told that the staged trail's end is acceptable too;
6. ``replaced``: the old write-ahead log folded in and removed, the staged copy renamed over the
   file (one atomic rename), the folder flushed;
7. ``anchored``: the anchor moved to the restored trail's end alone.

A kill before the rename leaves the old data, its trail and its anchor as they were; a kill after
it leaves the restored data whose trail the anchor already accepts. Nothing needs re-running.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from ...errors import DatabaseError, PermissionDenied
from ...models.db import FileLock
from ...models.migrations import SCHEMA_VERSION
from .backup import (
    DEFAULT_KEEP_NEWEST,
    STAMP,
    _stage,
    check_folder,
    check_provenance,
    make_backup,
    read_manifest,
    verify_backup,
)
from .backup_archive import BackupError, NoSpaceError, Progress, no_progress, no_space_message
from .backup_manifest import office_label
from .maintenance import disk_space

__all__ = ["RestoreResult", "restore_backup"]
SPACE_MARGIN = 16 << 20  # the write-ahead log and the audit entries written in the staged copy


def at_step(_name: str) -> None:
    """Called at each named step; the kill tests replace it to stop the program there."""


@dataclass
class RestoreResult:
    path: Path
    manifest: dict
    safety_copy: Path | None
    seconds: float
    note: str = ""


def restore_backup(backup: Path, db_path: Path, by, *, password: str | None = None,
                   progress: Progress = no_progress, safety_folder: Path | None = None,
                   keep_newest: int | None = DEFAULT_KEEP_NEWEST) -> RestoreResult:
    """Replace the (closed) database at ``db_path`` with a verified backup (see the module).

    A refusal (permission, another office's or an unsigned backup, a damaged or forged one) is
    written to the current database's audit trail when it can be opened.
    """
    backup, db_path = Path(backup).absolute(), Path(db_path).resolve()
    try:
        return _restore(backup, db_path, by, password=password, progress=progress,
                        safety_folder=safety_folder, keep_newest=keep_newest)
    except (PermissionDenied, BackupError) as exc:
        _audit_refusal(db_path, by, backup, str(exc))
        raise


def _restore(backup: Path, db_path: Path, by, *, password, progress, safety_folder,
             keep_newest) -> RestoreResult:
    from .permissions import require

    require(by, "restore")
    started = time.perf_counter()
    manifest = read_manifest(backup)
    if manifest["schema_version"] > SCHEMA_VERSION:
        raise BackupError(f"{backup.name} was made by a newer Billing Desk (schema "
                          f"{manifest['schema_version']}; this program knows up to "
                          f"{SCHEMA_VERSION}). Install the newer program; nothing was changed.")
    whose = _require_office(manifest, backup, db_path, by)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    _check_space(db_path, manifest)
    lock = FileLock(db_path)
    lock.acquire()  # refuses while another program has the file open
    staged = db_path.with_name(f".{db_path.name}.restoring")
    try:
        _remove_staged(staged)
        verify_backup(backup, password, _stage(progress, 0.0, 0.5), work_dir=db_path.parent,
                      keep_copy=staged)
        at_step("verified")
        safety = _safety_copy(db_path, safety_folder or backup.parent, by, keep_newest,
                              _stage(progress, 0.5, 0.9))
        at_step("safety")
        progress(0.9, "Preparing the restored copy")
        anchor, note = _prepare_staged(staged, db_path, by, backup, manifest, safety, whose)
        at_step("staged")
        if anchor:
            _pending_anchor(db_path, anchor)
        at_step("pending")
        progress(0.95, "Replacing the database")
        _replace(staged, db_path)
        at_step("replaced")
        if anchor:
            _final_anchor(db_path, anchor)
        at_step("anchored")
    finally:
        _remove_staged(staged)
        lock.release()
    progress(1.0, "Restored")
    return RestoreResult(db_path, manifest, safety, time.perf_counter() - started, note)


def _check_space(db_path: Path, manifest: dict) -> None:
    """Room on the database's disk for the restored copy and the working copy of the safety
    backup (the current file), with a margin: said as a space problem before anything is done."""
    try:
        restored = int(manifest.get("data_bytes", 0))
    except (TypeError, ValueError):
        restored = 0
    current = sum(_size(db_path.with_name(db_path.name + extra)) for extra in ("", "-wal"))
    needed = restored + current + SPACE_MARGIN
    if disk_space(db_path.parent).free < needed:
        raise NoSpaceError(no_space_message(db_path.parent, needed))


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def _require_office(manifest: dict, backup: Path, db_path: Path, by) -> str:
    """A backup of this office, signed with its key, needs a supervisor; another office's, or
    an unsigned one, needs the administrator. Returns what the audit entry says about it."""
    kind, words = check_provenance(manifest, backup.name, db_path)
    live = _live_office(db_path)
    if kind == "ours" and (live is None or live == manifest.get("office_id")):
        return ""
    if kind == "ours":
        words = f"{backup.name} is a backup of another office: {office_label(manifest)}."
    if getattr(by, "role", "") != "administrator":
        raise PermissionDenied(f"{words} Only the administrator may restore it over this office's "
                               "data; nothing was changed.")
    return f"restored by the administrator although: {words}"


def _live_office(db_path: Path) -> str | None:
    if not db_path.exists():
        return None
    try:
        con = sqlite3.connect(f"file:{db_path.as_posix()}?mode=ro", uri=True)
        try:
            row = con.execute("SELECT value FROM setting WHERE key = 'security.office_id'").fetchone()
        finally:
            con.close()
        return json.loads(row[0]) if row and row[0] else None
    except (sqlite3.DatabaseError, ValueError):
        return None


def _audit_refusal(db_path: Path, by, backup: Path, why: str) -> None:
    """The refused restore in the current database's trail; silent when it cannot be written."""
    from ...models import User, database
    from ...models.db import open_database
    from . import audit, audit_keys
    from .transactions import in_transaction

    def write() -> None:
        actor = User.get_or_none(User.username == getattr(by, "username", "")) if by else None
        with in_transaction():
            audit.record(actor, "restore_refused", table="database",
                         summary=f"restore of {backup.name} refused: {why}"[:2000])

    try:
        if not database.is_closed() and audit_keys.database_path() == db_path:
            write()  # the caller still has the file open
            return
        if not db_path.exists() or FileLock.held_here(db_path):
            return
        lock = FileLock(db_path)
        lock.acquire()
        try:
            opened = open_database(db_path, lock=False, create=False)
            try:
                write()
            finally:
                opened.close()
        finally:
            lock.release()
    except Exception:
        return


def _remove_staged(staged: Path) -> None:
    """A staged copy left by a killed restore, with whatever SQLite left beside it."""
    for extra in ("", "-journal", "-wal", "-shm"):
        staged.with_name(staged.name + extra).unlink(missing_ok=True)


def _safety_copy(db_path: Path, folder: Path, by, keep_newest, progress: Progress) -> Path | None:
    """Back up the data about to be replaced; a damaged file is kept as a plain copy instead."""
    if not db_path.exists() or db_path.stat().st_size == 0:
        return None
    try:
        return make_backup(db_path, folder, user=by.username, reason="before-restore",
                           progress=progress, keep_newest=keep_newest, create_folder=True).path
    except NoSpaceError:
        raise
    except (BackupError, DatabaseError):
        stamp = dt.datetime.now().strftime(STAMP)
        target = Path(folder) / f"{db_path.stem}-{stamp}-damaged-before-restore{db_path.suffix}"
        check_folder(Path(folder), db_path.stat().st_size, create=True)
        for extra in ("", "-journal", "-wal"):
            source = db_path.with_name(db_path.name + extra)
            if source.exists():
                shutil.copy2(source, target.with_name(target.name + extra))
        return target


def _prepare_staged(staged: Path, db_path: Path, by, backup: Path, manifest: dict,
                    safety: Path | None, whose: str) -> tuple[tuple | None, str]:
    """Open the staged copy as the program would (WAL), write the restore's audit entries in it
    and close it cleanly. Returns ((office, key, last id, last hash) or None, a note)."""
    from ...models import User
    from ...models.db import open_database
    from . import audit, audit_keys
    from .transactions import in_transaction

    opened = open_database(staged, lock=False, create=False, backup_dir=backup.parent)
    try:
        actor = User.get_or_none(User.username == by.username) or User(username=by.username)
        summary = (f"restored {backup.name} (made {manifest.get('created_at')} by "
                   f"{manifest.get('user')}) into {db_path}; the data before was saved to "
                   f"{safety or 'nothing (there was none)'}" + (f"; {whose}" if whose else ""))
        with in_transaction():
            audit.record(actor, "restore", table="database", summary=summary)
            audit.record(actor, "reanchor", table="audit_entry",
                         summary=f"restored {backup.name} on purpose")
        office = audit_keys.office_id()
        key = audit_keys.load_key(office) if office else None
        last = audit._last_entry()
        return ((office, key, *last) if key and last else None), ""
    except audit.AuditKeyMissing as exc:
        return None, f"The restore could not be written to the audit trail yet: {exc}"
    finally:
        opened.close()


def _pending_anchor(db_path: Path, anchor: tuple) -> None:
    from . import audit_keys

    office, key, last_id, last_hash = anchor
    audit_keys.add_pending_anchor(office, key, last_id, last_hash, place=str(db_path))


def _final_anchor(db_path: Path, anchor: tuple) -> None:
    from . import audit_keys

    office, key, last_id, last_hash = anchor
    audit_keys.write_anchor(office, key, last_id, last_hash, place=str(db_path))


def _replace(staged: Path, db_path: Path) -> None:
    wal = db_path.with_name(db_path.name + "-wal")
    if wal.exists() and db_path.exists():
        try:
            con = sqlite3.connect(str(db_path), isolation_level=None)
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            con.close()
        except sqlite3.Error:
            pass  # a damaged file's log: it is in the safety copy
    for extra in ("-wal", "-shm", "-journal"):  # a stale log would be replayed onto the new file
        db_path.with_name(db_path.name + extra).unlink(missing_ok=True)
    os.replace(staged, db_path)
    if hasattr(os, "O_DIRECTORY"):
        fd = os.open(db_path.parent, os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
