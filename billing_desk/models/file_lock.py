"""The one-program lock: an OS lock on ``<db>.lock`` beside the database, released by the OS
when the program dies, naming who holds it so a second program can say so."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import socket
import sys
from pathlib import Path
from typing import TextIO

from ..errors import DatabaseError


class FileLock:
    """An OS lock on ``<db>.lock``: released by the OS when the program dies.

    The path is resolved first, so a symlink to the file (or to its folder) takes the same lock.
    """

    _held: set[str] = set()  # the lock files this process holds

    def __init__(self, path: Path):
        path = Path(path).expanduser().resolve()
        self.path = path.with_name(path.name + ".lock")
        self._fh: TextIO | None = None

    @classmethod
    def held_here(cls, path: Path) -> bool:
        """Whether this process holds the lock of the database at ``path``."""
        path = Path(path).expanduser().resolve()
        lock = path.with_name(path.name + ".lock")
        return str(lock.absolute()) in cls._held

    def acquire(self) -> None:
        fh = self._lock_file()
        for _attempt in range(4):  # the holder removed the file at its exit: lock the one there now
            if _same_file(fh, self.path):
                break
            _unlock(fh)
            fh.close()
            fh = self._lock_file()
        self._write_holder(fh)

    def _lock_file(self) -> TextIO:
        fh = open(self.path, "a+")
        try:
            _lock(fh)
        except OSError as exc:
            fh.seek(0)
            holder = fh.read().strip() or "another program"
            fh.close()
            raise DatabaseError(f"The database is open in another Billing Desk: {_holder(holder)}. "
                                "Close it there first; nothing was opened for writing here.") from exc
        return fh

    def _write_holder(self, fh: TextIO) -> None:
        fh.seek(0)
        fh.truncate()
        fh.write(json.dumps({"user": _user(), "host": socket.gethostname(), "pid": os.getpid(),
                             "since": dt.datetime.now().isoformat(timespec="seconds")}))
        fh.flush()
        self._fh = fh
        FileLock._held.add(str(self.path.absolute()))

    def release(self) -> None:
        """Let go and remove the lock file (a clean exit leaves nothing beside the database)."""
        if self._fh:
            try:
                if sys.platform != "win32":  # removed while still held: no one locks a file on its way out
                    _remove(self.path)
                _unlock(self._fh)
            finally:
                self._fh.close()
                self._fh = None
                FileLock._held.discard(str(self.path.absolute()))
            if sys.platform == "win32":  # pragma: no cover - an open file cannot be removed there
                _remove(self.path)


def _holder(text: str) -> str:
    """Who holds the lock, in words, with the time it was taken in the local clock's terms."""
    try:
        info = json.loads(text)
        since = dt.datetime.fromisoformat(info["since"])
        when = f"{since:%m/%d/%Y} at {since:%I:%M %p}".replace(" at 0", " at ")
        return f"{info['user']} on {info['host']} (process {info['pid']}, since {when})"
    except (ValueError, KeyError, TypeError):
        return text


def _same_file(fh: TextIO, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fh.fileno()), os.stat(path))
    except OSError:
        return False


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:  # already gone, or (Windows) another program has just opened it
        pass


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"


if sys.platform == "win32":  # pragma: no cover - exercised on Windows
    import msvcrt

    def _lock(fh) -> None:
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(fh) -> None:
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock(fh) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fh) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
