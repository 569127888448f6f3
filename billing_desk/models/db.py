"""Opening a database file: pragmas, the one-program lock, checks, schema and upgrades."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from peewee import SqliteDatabase

from ..errors import (
    DatabaseDamagedError,
    DatabaseError,
    DatabaseReadOnlyError,
)
from . import ALL_MODELS, database
from .before_commit import BeforeCommit
from .dialect import is_server_url
from .failures import (  # noqa: F401 (where callers have always found them)
    DATABASE_ERRORS,
    LOST_CONNECTION_ERRORS,
    database_failure,
    plain_failure,
)
from .file_lock import FileLock as FileLock  # opening a file and locking it go together
from .migration_remittances import seed_remit_codes
from .migrations import MIGRATIONS, SCHEMA_VERSION, create_extras

APPLICATION_ID = 0x42444B31  # "BDK1": marks a file as ours
PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "full",
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "cache_size": -32000,
}
CLOUD_FOLDERS = ("onedrive", "dropbox", "google drive", "googledrive", "icloud", "box sync")


class OfficeDatabase(BeforeCommit, SqliteDatabase):
    """SQLite with *before-commit* work (per thread): writes that must join the committing
    transaction (the ledger's seal). ``before_commit(fn)`` outside a transaction runs ``fn`` now."""

    def commit(self):
        self.run_before_commit()
        return super().commit()

    def rollback(self):
        self._before_commit().clear()
        return super().rollback()


@dataclass
class OpenedDatabase:
    path: Path
    db: SqliteDatabase
    lock: "FileLock | None"
    created: bool
    upgraded_from: int | None = None
    warnings: tuple[str, ...] = ()
    # A large file that was closed cleanly is checked in the background: the result arrives here.
    background_check: "Future[str] | None" = None
    # A read-only open: the -wal/-shm files that were there before it (others it may remove).
    sidecars_before: frozenset[Path] | None = None
    # An office on a server: its address (postgresql://USER@HOST:PORT/DBNAME); ``path`` then
    # only names it on this PC.
    server: str | None = None

    @property
    def address(self) -> str:
        """What ``--db`` takes to open this office again: the server's address, or the file."""
        return self.server or str(self.path)

    @property
    def name(self) -> str:
        """How the window names this office (title, sign-in, status bar): the server's address
        (postgresql://USER@HOST:PORT/DBNAME, which never holds a password), or the file's name."""
        return self.server or self.path.name

    def close(self) -> None:
        if not self.db.is_closed():
            self.db.close()
        if self.lock:
            self.lock.release()
            self.lock = None
        if self.sidecars_before is not None and (self.background_check is None
                                                 or self.background_check.done()):
            _remove_empty_sidecars(self.path, set(self.sidecars_before))


def check_location(path: Path) -> list[str]:
    """Refuse a network path; warn about a cloud-synced folder. Returns the warnings."""
    text = str(path)
    if text.startswith(("\\\\", "//")):
        raise DatabaseError(f"{path} is on a network share; SQLite's WAL mode does not work "
                            "over a network file system. Keep the database on this PC's disk.")
    if os.name == "posix":
        fs = _filesystem_type(path.parent if not path.exists() else path)
        if fs in {"nfs", "nfs4", "cifs", "smb3", "smbfs", "sshfs", "fuse.sshfs", "9p"}:
            raise DatabaseError(f"{path} is on a network file system ({fs}); keep the database "
                                "on this PC's own disk.")
    lowered = text.lower()
    if any(name in lowered for name in CLOUD_FOLDERS):
        return [f"{path} is in a cloud-synced folder; syncing can damage an open database. "
                "Prefer a local folder and back up to the cloud instead."]
    return []


def _filesystem_type(path: Path) -> str:
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return ""
    best, kind = "", ""
    resolved = str(path.resolve())
    for line in mounts:
        parts = line.split()
        if len(parts) >= 3 and resolved.startswith(parts[1]) and len(parts[1]) > len(best):
            best, kind = parts[1], parts[2]
    return kind


def recover_hot_journal(path: Path) -> None:
    """Roll back a transaction a killed program left in a rollback journal (``-journal``).

    A read-only connection cannot do it ("attempt to write a readonly database"), so one
    read-write connection reads the file once, under the lock: SQLite rolls the journal back.
    When another program holds the lock it has the file open, and its connection does it.
    """
    journal = path.with_name(path.name + "-journal")
    if not journal.exists() or journal.stat().st_size == 0:
        return
    lock = None if FileLock.held_here(path) else FileLock(path)
    if lock is not None:
        try:
            lock.acquire()
        except (DatabaseError, OSError):
            return
    try:
        con = sqlite3.connect(str(path), isolation_level=None)
        try:
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError:
            pass  # the checks that follow say what is wrong with the file
        finally:
            con.close()
    finally:
        if lock is not None:
            lock.release()


def inspect_file(path: Path) -> tuple[int, int]:
    """(application_id, user_version) of an existing file, refusing what is not a database.

    Read through SQLite, never a plain ``open()``: on POSIX closing any descriptor of a file drops
    all of this process's locks on it, so reading the header of a database this process has open
    would leave its connection unlocked, and another program could delete its write-ahead log.
    """
    if not os.access(path, os.R_OK):
        raise DatabaseError(f"Cannot read {path}: " + ("permission denied." if path.exists()
                                                       else "there is no such file."))
    recover_hot_journal(path)
    try:
        con = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise DatabaseError(f"Cannot read {path}: {exc}.") from exc
    try:
        app_id = con.execute("PRAGMA application_id").fetchone()[0]
        version = con.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc):
            raise DatabaseError(f"{path} is not a Billing Desk database (it is not an SQLite file, "
                                "or its first page is damaged).") from exc
        if "unable to open" in str(exc) and not os.access(path.parent, os.W_OK):
            raise DatabaseReadOnlyError(
                f"{path.parent} is read-only here (a write-protected disk or a read-only share): the "
                "office cannot be opened there, even to read it (SQLite keeps a small file beside it). "
                f"The file is not at fault: copy it, with its .auditkey, to a folder you can write to "
                f"({exc}).") from exc
        raise DatabaseError(f"{path} is damaged or cannot be read: {exc}.") from exc
    finally:
        con.close()
    return app_id, version


def open_database(path: str | Path, *, lock: bool = True, create: bool = True,
                  backup_dir: Path | None = None, readonly: bool = False) -> OpenedDatabase:
    """Open (or create) the office database at ``path`` and bind every table to it.

    ``readonly`` (the checks and reports a scheduled task runs) takes no lock, so it works while
    the window has the file open, and can write nothing. A server's address
    (``postgresql://USER@HOST:PORT/DBNAME``) opens the office on that server instead.
    """
    if is_server_url(path):
        from .server import open_server

        return open_server(str(path), SchemaSteps, create=create, readonly=readonly)
    path = Path(path).expanduser().resolve()  # a symlink names the same file, and the same lock
    if path.is_dir():
        raise DatabaseError(f"{path} is a folder, not a database file: give the file itself "
                            f"(for example {path / 'billing-desk.sqlite'}).")
    if readonly:
        return _open_readonly(path)
    warnings = check_location(path)
    unclean = _left_unclean(path)
    exists = path.exists() and path.stat().st_size > 0
    version = 0
    if exists:
        app_id, version = inspect_file(path)
        if app_id not in (0, APPLICATION_ID) or (app_id == 0 and version != 0):
            raise DatabaseError(f"{path} is an SQLite file, but not a Billing Desk database.")
        if version > SCHEMA_VERSION:
            raise DatabaseError(f"{path} was written by a newer Billing Desk (schema {version}; "
                                f"this program knows up to {SCHEMA_VERSION}). Install the newer "
                                "program; nothing was changed.")
        if app_id == 0 and _has_tables(path):
            raise DatabaseError(f"{path} is an SQLite file, but not a Billing Desk database.")
    elif not create:
        raise DatabaseError(f"There is no database at {path}" + (" (the file is empty)" if path.exists()
                            else "") + ". Nothing was created: a new office is made only by the "
                            "window's first start or `billing-desk demo`.")
    else:
        path.parent.mkdir(parents=True, exist_ok=True)

    file_lock = FileLock(path) if lock else None
    if file_lock:
        file_lock.acquire()
    try:
        db = OfficeDatabase(str(path), pragmas=PRAGMAS, check_same_thread=False)
        database.initialize(db)
        db.connect(reuse_if_open=True)
        upgraded_from = None
        if not exists or version == 0:
            _create_schema(db)
        elif version < SCHEMA_VERSION:
            _backup_before_upgrade(path, version, backup_dir)
            _upgrade(db, version)
            upgraded_from = version
        background = None
        if _check_now(path, unclean):
            _quick_check(db, path)
        else:
            background = _background_quick_check(path)
    except BaseException as exc:
        if not database.is_closed():
            database.close()
        if file_lock:
            file_lock.release()
        if isinstance(exc, DATABASE_ERRORS):
            raise database_failure(exc, path) from exc
        raise
    return OpenedDatabase(path, db, file_lock, not exists, upgraded_from, tuple(warnings), background)


class SchemaSteps:
    """How an office is made, upgraded and handed back: the server's opening takes the same."""

    application_id = APPLICATION_ID
    opened = OpenedDatabase

    @staticmethod
    def create(db) -> None:
        _create_schema(db)

    @staticmethod
    def upgrade(db, version: int) -> None:
        _upgrade(db, version)


def _open_readonly(path: Path) -> OpenedDatabase:
    if not path.exists():
        raise DatabaseError(f"There is no database at {path}.")
    existed = {side for side in _sidecars(path) if side.exists()}
    try:
        opened = _open_readonly_checked(path)
        opened.sidecars_before = frozenset(existed)
        return opened
    except BaseException:
        _remove_empty_sidecars(path, existed)
        raise


def _sidecars(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def _remove_empty_sidecars(path: Path, existed: set[Path]) -> None:
    """After a read-only open (failed, or closed): remove the -wal and -shm files it created, only
    while the log is empty (the -shm then indexes nothing). Files that were there are kept."""
    wal, shm = _sidecars(path)
    try:
        if wal not in existed and wal.exists() and wal.stat().st_size == 0:
            wal.unlink()
        if shm not in existed and shm.exists() and (not wal.exists() or wal.stat().st_size == 0):
            shm.unlink()
    except OSError:
        pass  # a read-only folder: nothing was created there either


def _open_readonly_checked(path: Path) -> OpenedDatabase:
    unclean = _left_unclean(path)
    app_id, version = inspect_file(path)
    if app_id != APPLICATION_ID:
        raise DatabaseError(f"{path} is not a Billing Desk database.")
    if version != SCHEMA_VERSION:
        newer = version > SCHEMA_VERSION
        raise DatabaseError(f"{path} has schema {version}; this program reads {SCHEMA_VERSION}. "
                            + ("Install the newer program." if newer else
                               "Open it once in the window (or any writing command) to upgrade it."))
    db = OfficeDatabase(f"file:{path.as_posix()}?mode=ro", uri=True, check_same_thread=False,
                        pragmas={"foreign_keys": 1, "busy_timeout": 5000, "query_only": 1})
    database.initialize(db)
    background = None
    try:
        db.connect(reuse_if_open=True)
        if _check_now(path, unclean):
            _quick_check(db, path)
        else:
            background = _background_quick_check(path)
    except BaseException as exc:
        db.close()
        if isinstance(exc, DATABASE_ERRORS):
            raise database_failure(exc, path) from exc
        raise
    return OpenedDatabase(path, db, None, False, background_check=background)


def _has_tables(path: Path) -> bool:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return bool(con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0])
    finally:
        con.close()


def _create_schema(db: SqliteDatabase) -> None:
    with db.atomic():
        db.create_tables(ALL_MODELS)
        create_extras(db)
        seed_remit_codes(db)
        db.execute_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _backup_before_upgrade(path: Path, version: int, backup_dir: Path | None) -> Path:
    folder = backup_dir or path.parent
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = folder / f"{path.stem}.schema{version}-before-upgrade-{stamp}{path.suffix or '.sqlite'}"
    src = sqlite3.connect(str(path))
    dst = sqlite3.connect(str(target))
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target


def _upgrade(db: SqliteDatabase, version: int) -> None:
    with db.atomic():
        for step in range(version, SCHEMA_VERSION):
            MIGRATIONS[step](db)
        db.execute_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")


QUICK_CHECK_NOW_BYTES = 200 * 1024 * 1024


def _left_unclean(path: Path) -> bool:
    """SQLite empties the write-ahead log when the last writer closes cleanly: a log with
    something in it means the program did not get to close (a crash, a power cut)."""
    wal = path.with_name(path.name + "-wal")
    return wal.exists() and wal.stat().st_size > 0


def _check_now(path: Path, unclean: bool) -> bool:
    """Check before opening when the last close was not clean or the file is small (fast)."""
    return unclean or not path.exists() or path.stat().st_size < QUICK_CHECK_NOW_BYTES


def _background_quick_check(path: Path) -> "Future[str]":
    """PRAGMA quick_check on its own read-only connection (WAL lets it read beside the writer).

    A daemon thread: a command that finishes first does not wait for it.
    """
    future: Future[str] = Future()

    def run() -> None:
        try:
            con = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
            try:
                future.set_result(con.execute("PRAGMA quick_check").fetchone()[0])
            finally:
                con.close()
        except Exception as exc:
            future.set_exception(exc)

    threading.Thread(target=run, name="quick-check", daemon=True).start()
    return future


def _quick_check(db: SqliteDatabase, path: Path) -> None:
    result = db.execute_sql("PRAGMA quick_check").fetchone()[0]
    if result != "ok":
        raise DatabaseDamagedError(f"{path} is damaged (its integrity check says: {result}). "
                              "Restore a backup (File > Restore..., or `billing-desk restore`).")


def file_damage(path: Path) -> str | None:
    """Quick-check the file on its own read-only connection: None when sound, else what to say."""
    con = sqlite3.connect(f"{Path(path).as_uri()}?mode=ro", uri=True)
    try:
        result = con.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.Error as exc:
        result = str(exc)
    finally:
        con.close()
    return None if result == "ok" else (f"{path} is damaged (its integrity check says: {result}). "
                                        "Restore a backup (File > Restore..., or `billing-desk restore`).")


def integrity_check(db: SqliteDatabase) -> list[str]:
    try:
        rows = [r[0] for r in db.execute_sql("PRAGMA integrity_check").fetchall()]
        problems = [] if rows == ["ok"] else rows
        problems += [f"foreign key: {row[0]} row {row[1]} points at a missing {row[2]}"
                     for row in db.execute_sql("PRAGMA foreign_key_check").fetchall()]
    except DATABASE_ERRORS as exc:
        return [f"the integrity check could not read the file: {exc}"]
    return problems

