"""Light maintenance: where the database is and how big, free disk space, optimize, check.

``optimize`` uses its own sqlite3 connection in autocommit mode: VACUUM cannot run inside a
transaction, and a private connection lets the window run it in a worker thread without touching
the peewee connection the window itself uses.
"""

from __future__ import annotations

import shutil
import sqlite3
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ...errors import BillingError

LOW_SPACE_BYTES = 1 << 30  # under 1 GiB free is "nearly full"...
LOW_SPACE_FRACTION = 0.05  # ...and so is under 5 % of the disk


class MaintenanceError(BillingError):
    """Optimizing or measuring the database failed; the text says why."""


def format_size(n: int) -> str:
    """A byte count for people: 1,536 -> '1.5 KB' (exact decimal arithmetic, no float)."""
    if n < 1024:
        return f"{n} bytes"
    size = Decimal(n)
    for unit in ("KB", "MB", "GB", "TB"):
        size /= 1024
        if size < 1024 or unit == "TB":
            break
    return f"{size:.1f} {unit}"


@dataclass
class DiskSpace:
    folder: Path
    free: int
    total: int

    def low(self, after: int = 0) -> bool:
        left = self.free - after
        return left < LOW_SPACE_BYTES or bool(self.total and left < self.total * LOW_SPACE_FRACTION)

    def warning(self, after: int = 0) -> str | None:
        if not self.low(after):
            return None
        return (f"The disk holding {self.folder} is nearly full: {format_size(self.free)} free "
                f"of {format_size(self.total)}. Make room or use another disk soon.")


def disk_space(folder: Path) -> DiskSpace:
    folder = Path(folder)
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    usage = shutil.disk_usage(probe)
    return DiskSpace(folder, usage.free, usage.total)


@dataclass
class DatabaseInfo:
    path: Path
    size: int  # the file plus its write-ahead log
    log_size: int
    space: DiskSpace

    def lines(self) -> list[str]:
        lines = [f"Database: {self.path}",
                 f"Folder: {self.path.parent}",
                 f"Size: {format_size(self.size)} (of which write-ahead log {format_size(self.log_size)})",
                 f"Free disk space: {format_size(self.space.free)} of {format_size(self.space.total)}"]
        warning = self.space.warning()
        return lines + ([f"Warning: {warning}"] if warning else [])


def database_info(path: Path) -> DatabaseInfo:
    path = Path(path).absolute()
    if not path.exists():
        raise MaintenanceError(f"There is no database at {path}.")
    log = path.with_name(path.name + "-wal")
    log_size = log.stat().st_size if log.exists() else 0
    return DatabaseInfo(path, path.stat().st_size + log_size, log_size, disk_space(path.parent))


@dataclass
class OptimizeResult:
    before: int
    after: int
    seconds: float

    def text(self) -> str:
        return (f"Optimized in {self.seconds:.1f} s: {format_size(self.before)} before, "
                f"{format_size(self.after)} after.")


def optimize(path: Path, progress=None) -> OptimizeResult:
    """ANALYZE, VACUUM and fold the write-ahead log back into the file.

    VACUUM rewrites the whole file and needs about its size again in free space; other
    connections may stay open (they wait while it runs, up to the busy timeout).
    """
    progress = progress or (lambda _f, _t: None)
    started = time.perf_counter()
    info = database_info(path)
    if info.space.free < info.size * 2:
        raise MaintenanceError(f"Optimizing needs about {format_size(info.size * 2)} free beside "
                               f"the database; only {format_size(info.space.free)} is free.")
    con = sqlite3.connect(str(info.path), isolation_level=None, timeout=60)
    try:
        if con.in_transaction:  # pragma: no cover - a fresh autocommit connection
            raise MaintenanceError("Optimize must not run inside a transaction.")
        progress(0.05, "Updating the query planner's statistics (ANALYZE)")
        con.execute("ANALYZE")
        progress(0.3, "Rewriting the file compactly (VACUUM)")
        con.execute("VACUUM")
        progress(0.9, "Folding the write-ahead log into the file")
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.execute("PRAGMA optimize")
    except sqlite3.Error as exc:
        raise MaintenanceError(f"Optimizing {info.path.name} failed: {exc}. Nothing was lost; "
                               "try again when nobody is saving.") from None
    finally:
        con.close()
    progress(1.0, "Optimized")
    return OptimizeResult(info.size, database_info(path).size, time.perf_counter() - started)
