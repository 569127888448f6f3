"""Moving an office from its database file onto a server (``billing-desk migrate``).

The file is upgraded first if it is older, then copied whole into an empty server database;
the copy is verified against the file (rows in every table, every money total, the audit
trail's chain and its last entry) before the server is used, and the move is written in the
server's audit trail. A server database that already holds anything is refused.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BillingError
from ..models.copying import copy_file_to_server, figures_of_file, figures_of_server
from ..models.db import open_database
from ..models.server import OfficeServer, connect_server
from .checks import run_checks
from .office import audit
from .office.transactions import in_transaction


@dataclass
class MoveResult:
    source: Path
    target: str
    figures: dict[str, int] = field(default_factory=dict)
    audit_head: str = ""
    replaced: str = ""  # a restore beside an office: that office, left as it was

    def lines(self) -> list[str]:
        rows = sum(v for k, v in self.figures.items() if k.startswith("rows in "))
        return [f"copied {rows} rows in {sum(1 for k in self.figures if k.startswith('rows in '))} "
                f"tables from {self.source} to {self.target}",
                "every count and total agrees; the audit trail verifies "
                f"(last entry: {self.audit_head})"]


def move_office(source: str | Path, target: str, *, progress: Callable[[str], None] | None = None,
                why: str = "", by=None) -> MoveResult:
    source = Path(source).expanduser().resolve()
    say = progress or (lambda _text: None)
    server = connect_server(target)
    try:
        if server.user_tables():
            raise BillingError(f"the database at {server.address} is not empty: nothing was copied (an "
                               "office is moved or restored only into a new, empty database).")
    finally:
        server.close()
    say(f"checking {source}")
    opened = open_database(source, create=False)  # the lock, an upgrade if it is older
    try:
        result = run_checks()
        if not result.clean:
            raise BillingError(f"{source} does not pass its own check; fix it (or restore a backup) "
                               "before moving it: " + "; ".join(result.lines()))
        head = audit.chain_head()
        opened.close()
        con = sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)
        try:
            want = figures_of_file(con)
        finally:
            con.close()
        on_server = open_database(target)
        try:
            assert isinstance(on_server.db, OfficeServer)
            say("copying the office onto the server")
            try:
                copy_file_to_server(source, on_server.db, progress=say)
                say("verifying the copy")
                return _verified(source, on_server.db, want, head, why, by)
            except BaseException:
                on_server.db.drop_office()  # nothing half-moved stays on the server
                raise
        finally:
            on_server.close()
    finally:
        if not opened.db.is_closed():
            opened.close()


def _verified(source: Path, server: OfficeServer, want: dict[str, int], head: str, why: str,
              by) -> MoveResult:
    have = figures_of_server(server)
    differ = [f"{name}: the file has {want[name]}, the server {have.get(name)}"
              for name in want if have.get(name) != want[name]]
    if differ:
        raise BillingError("the copy on the server differs from the file: " + "; ".join(differ))
    if audit.chain_head() != head:
        raise BillingError(f"the server's audit trail ends at {audit.chain_head()}, the file's at {head}")
    result = run_checks()
    if not result.clean:
        raise BillingError("the copy on the server does not pass the check: " + "; ".join(result.lines()))
    with in_transaction():
        audit.record(by, "move", summary=why or f"office moved here from {source}",
                     after={"from": str(source), "figures": want}, table="office")
    return MoveResult(source, str(server.address), want, head)



def restore_into_server(backup: Path, target: str, by=None, *, password: str | None = None,
                        progress: Callable[[str], None] | None = None) -> MoveResult:
    """Restore a verified ``.bdbackup`` (of a file office or a server office) into an empty
    server database: the backup is verified, its copy moved onto the server and verified again."""
    from .office.backup import verify_backup
    from .office.backup_server import server_place
    from .office.leftovers import working_folder

    backup = Path(backup).absolute()
    with working_folder(server_place(target).parent, "restore-") as tmp:
        copy = Path(tmp) / "copy.sqlite"
        verify_backup(backup, password, work_dir=Path(tmp), keep_copy=copy)
        result = move_office(copy, target, progress=progress, by=by,
                             why=f"office restored here from the backup {backup.name}"
                             + (f" by {by.username}" if getattr(by, "username", "") else ""))
    result.source = backup
    return result


# --- the window's restore on a server office: beside it, never over it ---------------------
def check_restore_beside(manifest: dict, backup: Path, current: str, target: str, by,
                         live_office: str | None) -> None:
    """Refuse (BillingError, PermissionDenied) what a restore on a server must not do, before
    anything is closed or copied: over the office now open (the workstations are using it: their
    screens and the audit anchors on each PC would point past a trail that went back), into an
    address that is not a server's or a database that is not empty, a backup of a newer program,
    and, for anyone but the administrator, a backup of another office or an unsigned one."""
    from ..errors import PermissionDenied
    from ..models.migrations import SCHEMA_VERSION
    from ..models.server import ServerAddress
    from .office.backup import check_provenance
    from .office.backup_manifest import office_label
    from .office.permissions import require

    require(by, "restore")
    address = ServerAddress(target).url  # refuses a file's path, a password in the address
    if address == ServerAddress(current).url:
        raise BillingError(f"{address} is the office now open, which the workstations are using: "
                           "a backup is restored into a new, empty database beside it (ask whoever "
                           "looks after the server to create one). Nothing was changed.")
    if manifest.get("schema_version", 0) > SCHEMA_VERSION:
        raise BillingError(f"{backup.name} was made by a newer Billing Desk (schema "
                           f"{manifest['schema_version']}; this program knows up to {SCHEMA_VERSION})."
                           " Install the newer program; nothing was changed.")
    kind, words = check_provenance(manifest, backup.name)
    if kind == "ours" and live_office not in (None, manifest.get("office_id")):
        kind, words = "foreign", f"{backup.name} is a backup of another office: {office_label(manifest)}."
    if kind != "ours" and getattr(by, "role", "") != "administrator":
        raise PermissionDenied(f"{words} Only the administrator may restore it; nothing was changed.")
    server = connect_server(address)  # here, on the window's thread: a password is asked here
    try:
        if server.user_tables():
            raise BillingError(f"the database at {address} is not empty: a backup is restored only "
                               "into a new, empty database. Nothing was changed.")
    finally:
        server.close()


def restore_beside(backup: Path, target: str, current: str, by, *, password: str | None = None,
                   progress: Callable[[str], None] | None = None) -> MoveResult:
    """Restore ``backup`` into the empty server database ``target`` (``restore_into_server``:
    verified, moved, verified again); the office at ``current`` is left as it was, and the
    restored office's trail says who restored it from where. Checked first by
    ``check_restore_beside``; the office's own connection must be closed (it is reopened after)."""
    from ..models import User

    restorer = User(username=getattr(by, "username", ""))  # a user of the office it came from
    result = restore_into_server(backup, target, restorer, password=password, progress=progress)
    result.replaced = current
    return result
