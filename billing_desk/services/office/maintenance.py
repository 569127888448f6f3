"""Light maintenance: where the database is and how big, free disk space, optimize, check.

``optimize`` uses its own sqlite3 connection in autocommit mode: VACUUM cannot run inside a
transaction, and a private connection lets the window run it in a worker thread without touching
the peewee connection the window itself uses.
"""

from __future__ import annotations

import shutil
import sqlite3
import threading
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


# --- an office on a server: the same screen, the server's counterparts --------------------
@dataclass
class ServerInfo:
    address: str
    version: str
    size: int
    others: int  # other programs connected to the office now (workstations, the server's tools)
    tidied: str | None  # when every table was last vacuumed (by hand or by the server itself)

    def lines(self) -> list[str]:
        return [f"Database: {self.address}",
                f"Server: PostgreSQL {self.version}",
                f"Size on the server: {format_size(self.size)}",
                f"Other programs connected now: {self.others} (other workstations, or the "
                "server's own tools)",
                f"Tables last tidied (VACUUM): {self.tidied or 'not yet'}"]


def server_info() -> ServerInfo:
    """The open server office's facts (``database_info``'s counterpart)."""
    from ...models import database
    from ...models.server import server_facts

    facts = server_facts(database.obj)
    return ServerInfo(database.obj.address.url, facts["version"], facts["size"], facts["others"],
                      facts["tidied"])


def optimize_server(progress=None) -> OptimizeResult:
    """``optimize``'s counterpart on a server: VACUUM (ANALYZE) of every table (the planner's
    statistics brought up to date, the space of old row versions made reusable). The server
    never shrinks its files by it; the size before and after is said all the same."""
    from ...models import database
    from ...models.server import vacuum_analyze

    progress = progress or (lambda _f, _t: None)
    started = time.perf_counter()
    try:
        before = server_info().size
        vacuum_analyze(database.obj, progress)
        after = server_info().size
    except Exception as exc:  # the server's words (psycopg's errors are not imported here)
        raise MaintenanceError(f"Optimizing the office on the server failed: {exc}. Nothing was "
                               "lost; try again later.") from None
    finally:
        if threading.current_thread() is not threading.main_thread():
            database.close()  # a worker's own connection (peewee gives each thread one)
    progress(1.0, "Optimized")
    return OptimizeResult(before, after, time.perf_counter() - started)
