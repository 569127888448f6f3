"""Working copies of the database, kept where they are cleaned, and the clean-up itself.

A backup, a verification and a restore each write a plaintext copy of the database to work on.
Each goes into its own folder under ``.billing-desk-work`` beside the database (same disk, same
protection), claimed by an OS lock on ``<folder>.lock`` taken *before* the folder is made. The OS
drops that lock when the program dies, so ``clean_leftovers`` (at the next start and the next
backup) removes exactly the folders whose program is gone, never one still in use. Hidden
``.partial`` backup files untouched for ``PARTIAL_STALE_SECONDS`` are removed from the backup
folder, and a restore's staged copy beside the database when the caller holds its lock.
"""

from __future__ import annotations

import contextlib
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from ...errors import DatabaseError
from ...models.db import FileLock

WORK_FOLDER = ".billing-desk-work"
LEGACY_PREFIXES = (".backup-", ".verify-", ".restore-")  # older versions' folders beside the file
PARTIAL_STALE_SECONDS = 600  # a backup being written touches its .partial file all the time


@contextlib.contextmanager
def working_folder(beside: Path | None, prefix: str) -> Iterator[Path]:
    """A private folder for a working copy, under ``beside``'s work folder (or the system's
    temporary folder when ``beside`` is None); removed at the end, or by the next clean-up."""
    if beside is None:
        with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
            yield Path(tmp)
        return
    work = Path(beside) / WORK_FOLDER
    work.mkdir(parents=True, exist_ok=True)
    while True:
        folder = work / f"{prefix}{secrets.token_hex(6)}"
        claim = FileLock(folder)
        try:
            claim.acquire()
        except DatabaseError:
            continue  # a clean-up held this name for a moment: take another
        break
    try:
        folder.mkdir()
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        claim.release()
        claim.path.unlink(missing_ok=True)


def clean_leftovers(db_path: Path, backup_folder: Path | None = None, *,
                    holding_lock: bool = False) -> list[Path]:
    """Remove what killed backups and restores left; returns what was removed."""
    db_path = Path(db_path).absolute()
    removed: list[Path] = []
    work = db_path.parent / WORK_FOLDER
    candidates = [p for p in work.iterdir() if p.is_dir()] if work.is_dir() else []
    candidates += [p for p in db_path.parent.iterdir()
                   if p.is_dir() and p.name.startswith(LEGACY_PREFIXES)]
    for folder in candidates:
        if _remove_if_unclaimed(folder):
            removed.append(folder)
    if holding_lock:
        for extra in ("", "-journal", "-wal", "-shm"):
            staged = db_path.with_name(f".{db_path.name}.restoring{extra}")
            if staged.exists():
                staged.unlink()
                removed.append(staged)
    if backup_folder is not None and Path(backup_folder).is_dir():
        cutoff = time.time() - PARTIAL_STALE_SECONDS
        for partial in Path(backup_folder).glob(".*.partial"):
            if partial.is_file() and partial.stat().st_mtime < cutoff:
                partial.unlink(missing_ok=True)
                removed.append(partial)
    return sorted(removed)


def _remove_if_unclaimed(folder: Path) -> bool:
    claim = FileLock(folder)
    try:
        claim.acquire()
    except (DatabaseError, OSError):
        return False  # its program is still working in it
    try:
        shutil.rmtree(folder, ignore_errors=True)
        return not folder.exists()
    finally:
        claim.release()
        claim.path.unlink(missing_ok=True)
