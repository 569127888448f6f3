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
                             why=f"office restored here from the backup {backup.name}")
    result.source = backup
    return result
