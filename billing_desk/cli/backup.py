"""`billing-desk backup | verify | restore`: the office's scheduled task and the rescue kit.

``backup`` reads the file through its own SQLite connection and takes no lock, so it works while
the window has the database open (SQLite's online backup copies a consistent snapshot; the window
keeps writing). It writes the "backup" audit entry into the database only when no other program
holds it; otherwise the entry goes to ``backup-log.txt`` in the backup folder, since a second
program never writes to a file another one holds. ``restore`` takes the lock, so it refuses while
the database is open anywhere. Exit 0 only when the backup is made and verified, the backup
verifies, or the restore is done.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from ..errors import BillingError, DatabaseError, ValidationError
from ..services import moving
from ..services.office import backup as backups, backup_server, restore
from ..services.office.leftovers import working_folder
from ..services.office.session import FileLock, is_server_url, open_database

EXIT_OK, EXIT_FAILED = 0, 1


def register(commands) -> None:
    make = commands.add_parser("backup", help="back up a database and verify the backup")
    make.add_argument("--db", dest="backup_db", metavar="PATH", required=True,
                      help="the database file to back up")
    make.add_argument("--to", metavar="DIR", required=True, help="the backup folder")
    make.add_argument("--keep", type=int, default=backups.DEFAULT_KEEP_NEWEST, metavar="N",
                      help="keep the newest N besides daily and monthly ones (0: delete nothing)")
    _common(make, "encrypt the backup with the password in this file (first line)")
    make.set_defaults(run=run_backup)

    verify = commands.add_parser("verify", help="check a backup file through and through")
    verify.add_argument("backup", metavar="BACKUP", help="the .bdbackup file")
    _common(verify, "the backup's password, in this file (first line)")
    verify.set_defaults(run=run_verify)

    restore = commands.add_parser("restore", help="replace a database with a verified backup")
    restore.add_argument("backup", metavar="BACKUP", help="the .bdbackup file")
    restore.add_argument("--db", dest="backup_db", metavar="PATH", required=True,
                         help="the database file to replace (closed everywhere)")
    _common(restore, "the backup's password, in this file (first line)")
    restore.set_defaults(run=run_restore)


def _common(parser, password_help: str) -> None:
    parser.add_argument("--password-file", dest="backup_password_file", metavar="FILE",
                        help=password_help)
    parser.add_argument("--user", metavar="NAME",
                        help="the user acting (restore needs a supervisor)")
    parser.add_argument("--user-password-file", dest="user_password_file", metavar="FILE",
                        help="the user's sign-in password, in this file, instead of asking")


def _backup_password(args) -> str | None:
    path = args.backup_password_file
    if not path:
        return None
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise BillingError(f"cannot read the password file {path}: {exc.strerror}") from None
    password = text.splitlines()[0] if text.strip() else ""
    if not password:
        raise BillingError(f"the password file {path} is empty")
    return password


# --- backup ---------------------------------------------------------------------------------
def run_backup(args) -> int:
    if args.keep < 0:
        raise ValidationError(f"give 0 or more, not {args.keep} (how many of the newest backups "
                              "to keep; 0 keeps them all)", "keep")
    db_path = args.backup_db if is_server_url(args.backup_db) else Path(args.backup_db).resolve()
    user = _reading_user(args, db_path)
    result = backups.make_backup(db_path, Path(args.to), user=user.username if user else "",
                                 reason="scheduled", password=_backup_password(args),
                                 keep_newest=args.keep or None, create_folder=True)
    where = _record(db_path, user, result)
    print(f"backup made and verified: {result.path} ({result.seconds:.1f} s)")
    for line in backups.manifest_lines(result.manifest):
        print(f"  {line}")
    for warning in result.warnings:
        print(f"warning: {warning}")
    for removed in result.removed:
        print(f"rotated out: {removed.name}")
    print(where)
    return EXIT_OK


def _reading_user(args, db_path: Path):
    """The named user (checked read-only) where the office asks for one; else None."""
    from .common import reading_user

    try:
        opened = open_database(db_path, readonly=True)
    except DatabaseError:
        if args.user:
            raise
        return None  # an older schema: the backup still works, under no user
    try:
        return reading_user(args)
    finally:
        opened.close()


def _record(db_path, user, result) -> str:
    if is_server_url(db_path):  # no lock to take: the server lets several programs write
        opened = open_database(db_path, create=False)
        try:
            backups.record_backup(user, result)
        finally:
            opened.close()
        return "recorded in the audit trail"
    lock = FileLock(db_path)
    try:
        lock.acquire()
    except DatabaseError:
        return _log_line(result, user, "the database is open in another program")
    try:
        opened = open_database(db_path, lock=False, create=False)
        try:
            backups.record_backup(user, result)
        finally:
            opened.close()
        return "recorded in the audit trail"
    except BillingError as exc:
        return _log_line(result, user, str(exc))
    finally:
        lock.release()


def _log_line(result, user, why: str) -> str:
    log = result.path.parent / "backup-log.txt"
    entry = {"at": dt.datetime.now().isoformat(timespec="seconds"), "backup": result.path.name,
             "user": user.username if user else "", "sha256": result.manifest["data_sha256"],
             "not in the audit trail because": why}
    with open(log, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry) + "\n")
    return f"not written to the audit trail ({why}); logged in {log}"


# --- verify ---------------------------------------------------------------------------------
def run_verify(args) -> int:
    manifest = backups.verify_backup(Path(args.backup), _backup_password(args))
    for line in backups.manifest_lines(manifest):
        print(line)
    print("verified: checksum, integrity, row counts, ledger totals and ledger check all ok")
    if manifest.get("schema_version", 0) > restore.SCHEMA_VERSION:
        print(f"note: it was made by a newer Billing Desk (schema {manifest['schema_version']}; this "
              f"program knows up to {restore.SCHEMA_VERSION}): only a newer Billing Desk can restore it")
    return EXIT_OK


# --- restore --------------------------------------------------------------------------------
def run_restore(args) -> int:
    if is_server_url(args.backup_db):
        return _restore_into_server(args)
    db_path, backup = Path(args.backup_db).resolve(), Path(args.backup).absolute()
    password = _backup_password(args)
    user = _restore_user(args, db_path, backup, password)
    result = restore.restore_backup(backup, db_path, user, password=password,
                                    safety_folder=_safety_folder(db_path))
    print(f"restored {backup.name} into {db_path} ({result.seconds:.1f} s)")
    for line in backups.manifest_lines(result.manifest):
        print(f"  {line}")
    if result.safety_copy:
        print(f"the data it replaced was saved to {result.safety_copy}")
    if result.note:
        print(f"note: {result.note}")
    return EXIT_OK


def _restore_into_server(args) -> int:
    """Only into an empty server database; the user signs in against the verified backup."""
    from .common import acting_user

    backup, password = Path(args.backup).absolute(), _backup_password(args)
    with working_folder(backup_server.server_place(args.backup_db).parent, "restore-") as tmp:
        copy = Path(tmp) / "copy.sqlite"
        backups.verify_backup(backup, password, work_dir=Path(tmp), keep_copy=copy)
        opened = open_database(copy, readonly=True)
        try:
            user = acting_user(args, write=False)
        finally:
            opened.close()
    result = moving.restore_into_server(backup, args.backup_db, user, password=password,
                                        progress=lambda text: print(text, flush=True))
    print(f"restored {backup.name} into {args.backup_db}")
    for line in result.lines():
        print(line)
    return EXIT_OK


def _safety_folder(db_path: Path) -> Path:
    folder = db_path.parent / "backups"
    folder.mkdir(exist_ok=True)
    return folder


def _restore_user(args, db_path: Path, backup: Path, password: str | None):
    """Sign the user in against the current database; when there is none (a new PC) or it is
    too damaged to open, against the verified backup itself. Refuses while the file is held."""
    from .common import acting_user

    if db_path.exists() and db_path.stat().st_size:
        probe = FileLock(db_path)
        probe.acquire()  # raises while another program has the file open
        probe.release()
        try:
            opened = open_database(db_path, create=False)
        except DatabaseError:
            opened = None
        if opened is not None:
            try:
                return acting_user(args, write=True)
            finally:
                opened.close()
    with working_folder(db_path.parent, "restore-") as tmp:
        copy = Path(tmp) / "copy.sqlite"
        backups.verify_backup(backup, password, work_dir=Path(tmp), keep_copy=copy)
        opened = open_database(copy, readonly=True)
        try:
            return acting_user(args, write=False)
        finally:
            opened.close()
