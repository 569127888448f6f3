"""An office on a PostgreSQL server, for several workstations (``--db postgresql://...``).

The same tables, schema version and migrations as a file; the differences of the engine are in
``dialect``. Writers take turns as SQLite's do: every write transaction starts by taking the
office's write lock (a transaction-level advisory lock, the server's counterpart of SQLite's one
writer), so balances, document numbers and the audit chain have one ordered append point, while
lists and reports read beside the writers without waiting.
"""

from __future__ import annotations

import getpass
import os
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote, urlsplit

from peewee import OnConflict, PostgresqlDatabase

from ..errors import DatabaseBusyError, DatabaseError
from ..paths import data_dir
from .before_commit import BeforeCommit
from .dialect import (
    DATA_VERSION,
    META_DDL,
    META_TABLE,
    SERVER_FUNCTIONS,
    is_server_url,
    pragma,
    translate,
    translate_marks,
)
from .driver import server_driver

#: The key of the office's write lock (pg_advisory_xact_lock): "BDK1" as a number.
WRITE_LOCK = 0x42444B31
#: How long a write waits for another workstation's write before it says so.
LOCK_WAIT = "15s"
#: The channel a committed write is announced on (LISTEN/NOTIFY), with this program's token as
#: the payload, so a window refreshes its lists for the others' writes, not its own.
CHANNEL = "billing_desk_changed"
TOKEN = f"{os.getpid()}-{os.urandom(4).hex()}"
_WRITES = ("insert", "update", "delete", "truncate")

#: Asks for the server's password when the server wants one and none was given: the command line
#: prompts at the terminal, the window shows a dialog. Takes the address, returns the password.
PasswordPrompt = Callable[[str], "str | None"]
_prompt: list[PasswordPrompt] = []


def set_password_prompt(prompt: PasswordPrompt | None) -> None:
    _prompt[:] = [prompt] if prompt else []


def terminal_password(address: str) -> str | None:
    """The password typed at the terminal (None when there is no terminal to ask at)."""
    import sys

    if not sys.stdin.isatty():
        return None
    return getpass.getpass(f"Password for {address}: ")


class ServerAddress:
    """``postgresql://USER@HOST:PORT/DBNAME`` taken apart (a password in it is refused)."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        if not is_server_url(url) or not parts.hostname or not parts.path.strip("/"):
            raise DatabaseError(f"{url} is not a server address: write it as "
                                "postgresql://USER@HOST:PORT/DBNAME")
        if parts.password:
            raise DatabaseError("the server's address must not hold the password (it would be seen "
                                "in the list of programs): give it with --server-password-file, "
                                "a PGPASSFILE, or type it when asked")
        self.user = unquote(parts.username or getpass.getuser())
        self.host = parts.hostname
        self.port = parts.port or 5432
        self.dbname = unquote(parts.path.strip("/"))
        self.query = parts.query

    @property
    def url(self) -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{self.dbname}"

    def __str__(self) -> str:
        return self.url

    def place(self) -> Path:
        """A name for this office on this PC (its backups and the audit anchor are named after
        it); nothing is written there by opening."""
        safe = re.sub(r"[^A-Za-z0-9_-]+", "-", f"{self.dbname}@{self.host}-{self.port}")
        return data_dir() / "servers" / f"{safe}.server"


def _bool_loader():
    from psycopg.adapt import Loader

    class OneOrZero(Loader):
        """true/false as 1/0, as SQLite answers (seals and hashes read them as text)."""

        def load(self, data):
            return 1 if bytes(data) in (b"t", b"true") else 0

    return OneOrZero


def _numeric_loader():
    from psycopg.adapt import Loader

    class WholeOrDecimal(Loader):
        """SUM of whole cents comes back as a whole number (SQLite's answer), not a Decimal."""

        def load(self, data):
            text = bytes(data).decode("ascii")
            return int(text) if "." not in text and text not in ("NaN",) else Decimal(text)

    return WholeOrDecimal


class OfficeServer(BeforeCommit, PostgresqlDatabase):
    """PostgreSQL with the office's ways: SQLite's SQL understood, writers in turn, work that
    must join the committing transaction (``before_commit``) run before COMMIT."""

    is_server = True

    def __init__(self, address: ServerAddress, *, password: str | None = None,
                 readonly: bool = False):
        psycopg = server_driver()  # peewee was imported without it (models/driver.py)
        params: dict = {"sslmode": os.environ.get("PGSSLMODE", "prefer"),
                        "application_name": f"Billing Desk {TOKEN}", "connect_timeout": 10,
                        "cursor_factory": psycopg.ClientCursor}
        if password is not None:
            params["password"] = password
        self.address = address
        self.readonly = readonly
        self.token = TOKEN  # what its announcements say: this program
        super().__init__(address.url, prefer_psycopg3=True, **params)

    # --- connections: the answers SQLite's SQL expects --------------------------------------
    def _connect(self):
        from psycopg.types.string import TextLoader

        conn = super()._connect()
        for name in ("date", "timestamp"):  # as text, like SQLite: the fields parse them
            conn.adapters.register_loader(name, TextLoader)
        conn.adapters.register_loader("numeric", _numeric_loader())
        conn.adapters.register_loader("bool", _bool_loader())
        with conn.cursor() as cursor:
            cursor.execute(f"SET lock_timeout = '{LOCK_WAIT}'")
            cursor.execute("SET DateStyle = 'ISO, YMD'")
            if self.readonly:
                cursor.execute("SET default_transaction_read_only = on")
        return conn

    def cursor(self, named_cursor=None):
        """A connection the server dropped (it restarted, the network blinked) is made again
        before the next statement, when no transaction was open on it: nothing is lost."""
        conn = self._state.conn
        if conn is not None and (conn.closed or conn.broken) and not self._state.transactions:
            self._state.reset()
        return super().cursor(named_cursor)

    def execute_sql(self, sql, params=None):
        stood_for = pragma(sql)
        if stood_for is not None:
            return super().execute_sql(*stood_for)
        return self._run(sql, translate(sql), params if isinstance(params, dict) or params else ())

    def execute(self, query, **context_options):
        ctx = self.get_sql_context(**context_options)
        sql, params = ctx.sql(query).query()
        return self._run(sql, translate_marks(sql), params)  # peewee's SQL is psycopg's already

    def _run(self, sql: str, native: str, params):
        """A write takes its turn: outside a transaction it is made one (the write lock, then
        COMMIT), so no write ever skips the office's one ordered append point."""
        if sql.lstrip()[:6].lower() not in _WRITES:
            return super().execute_sql(native, params)
        if self.transaction_depth() == 0 and not self.readonly:
            with self.atomic():
                return self._run(sql, native, params)
        cursor = super().execute_sql(native, params)
        self.mark_written()
        return cursor

    def mark_written(self) -> None:
        """This transaction wrote: other workstations are told when it commits, and this
        connection's own count of changes moves on (the lists' stamp, ``freshness``)."""
        self._state.wrote = True
        self._state.changes = self.changes() + 1

    def changes(self) -> int:
        """How many writes this connection made (SQLite's total_changes, counted per statement)."""
        return getattr(self._state, "changes", 0)

    # --- other workstations are told of a committed write (LISTEN/NOTIFY) --------------------

    def _announce(self) -> None:
        """Inside the committing transaction: the office's data version moves on (every lists'
        stamp on every workstation changes when, and only if, the COMMIT succeeds) and the
        workstations listening are told."""
        cursor = self.cursor()
        cursor.execute(f'INSERT INTO "{META_TABLE}" (name, value) VALUES (%s, 1) ON CONFLICT (name) '
                       f'DO UPDATE SET value = "{META_TABLE}".value + 1', (DATA_VERSION,))
        cursor.execute("SELECT pg_notify(%s, %s)", (CHANNEL, self.token))

    # --- writers in turn ------------------------------------------------------------------
    def begin(self, isolation_level=None):
        super().begin(isolation_level)
        self._state.lost_at_commit = False
        if not self.readonly:
            try:
                self.cursor().execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            except Exception as exc:
                self.rollback()
                if "lock timeout" in str(exc).lower():
                    raise DatabaseBusyError("another workstation has been saving for a while and "
                                            "did not finish: nothing was saved. Try again in a "
                                            "moment.") from exc
                raise

    def commit(self):
        self.run_before_commit()
        if getattr(self._state, "wrote", False):
            self._announce()  # delivered when (and only if) the COMMIT succeeds
            self._state.wrote = False
        try:
            return super().commit()
        except Exception:
            self._state.lost_at_commit = True  # COMMIT went out: the server may have saved it
            raise

    def lost_at_commit(self) -> bool:
        """Whether the last write failed at its COMMIT (asked once, after the failure)."""
        lost = getattr(self._state, "lost_at_commit", False)
        self._state.lost_at_commit = False
        return lost

    def rollback(self):
        self._before_commit().clear()
        self._state.wrote = False
        return super().rollback()

    # --- INSERT OR REPLACE, as an upsert on the primary key ---------------------------------
    def conflict_update(self, oc, query):
        if (oc._action or "").lower() == "replace":
            model = query.model
            key = model._meta.primary_key
            others = [f for f in model._meta.sorted_fields if f is not key]
            oc = OnConflict("update", preserve=others, conflict_target=[key])
        return super().conflict_update(oc, query)

    def conflict_statement(self, on_conflict, query):
        return None

    # --- the schema -----------------------------------------------------------------------
    def install_server_functions(self) -> None:
        """What the server needs to read the program's SQL (``dialect.SERVER_FUNCTIONS``) and the
        table holding the schema version."""
        with self.cursor() as cursor:
            for statement in SERVER_FUNCTIONS:
                cursor.execute(statement)
            cursor.execute(META_DDL)

    def user_tables(self) -> list[str]:
        return [t for t in self.get_tables() if t != META_TABLE]

    def drop_office(self) -> None:
        """Remove every table of the office (a move that did not verify), leaving the database
        empty for the next try."""
        if not self.is_closed() and self.in_transaction():
            self.rollback()
        for table in self.get_tables():
            self.execute_sql(f'DROP TABLE IF EXISTS "{table}" CASCADE')

    def reset_sequences(self) -> None:
        """After rows were copied in with their ids: each id sequence continues after the last."""
        rows = self.execute_sql(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND column_default LIKE 'nextval(%'").fetchall()
        for table, column in rows:
            self.execute_sql(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), "
                f"COALESCE((SELECT MAX(\"{column}\") FROM \"{table}\"), 0) + 1, false)")


def server_facts(db: OfficeServer) -> dict:
    """What Tools > Maintenance shows of an office on a server: the server's version, the
    database's size, the programs connected to it now, when its tables were last tidied."""
    scalar = lambda sql: db.execute_sql(sql).fetchone()[0]
    return {
        "version": str(scalar("SHOW server_version")).split(" ")[0],
        "size": int(scalar("SELECT pg_database_size(current_database())")),
        "connections": int(scalar(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_type = 'client backend'")),
        "others": int(scalar(
            "SELECT count(DISTINCT COALESCE(host(client_addr), 'this PC') || application_name) "
            "FROM pg_stat_activity WHERE datname = current_database() AND backend_type = "
            f"'client backend' AND application_name NOT LIKE '%{TOKEN}'")),
        "tidied": scalar("SELECT to_char(MIN(GREATEST(last_vacuum, last_autovacuum)), "
                         "'YYYY-MM-DD HH24:MI') FROM pg_stat_user_tables"),
    }


def vacuum_analyze(db: OfficeServer, progress: Callable[[float, str], None]) -> None:
    """VACUUM (ANALYZE) every table of the office, on a connection of its own (VACUUM runs
    outside any transaction); the workstations keep working meanwhile (it takes no lock that
    stops a read or a save)."""
    import psycopg

    params = {k: v for k, v in db.connect_params.items() if k != "cursor_factory"}
    tables = db.get_tables()
    with psycopg.connect(db.address.url, autocommit=True, **params) as conn:
        for n, table in enumerate(tables):
            progress(n / max(1, len(tables)), f"Tidying {table} (VACUUM, ANALYZE)")
            conn.execute(f'VACUUM (ANALYZE) "{table}"')


class ChangeWatcher:
    """Listens, on a connection of its own, for the writes other programs commit to the office;
    ``changed()`` answers at once (it only reads what the server has already sent)."""

    def __init__(self, db: OfficeServer):
        import psycopg

        params = {k: v for k, v in db.connect_params.items() if k != "cursor_factory"}
        self.conn = psycopg.connect(db.address.url, autocommit=True, **params)
        self.conn.execute(f"LISTEN {CHANNEL}")
        self.own = TOKEN  # this program's own writes are not news to it

    def changed(self) -> bool:
        """Has another program committed a write since the last call?"""
        return any(note.payload != self.own for note in self.conn.notifies(timeout=0))

    def close(self) -> None:
        self.conn.close()


def connect_server(url: str, *, readonly: bool = False, password: str | None = None) -> OfficeServer:
    """A connection to the server at ``url``, asking for the password when the server wants one
    (the prompt set by the command line or the window); plain words for what goes wrong."""
    import psycopg

    address = ServerAddress(url)
    signer = (address.user, address.host, address.port)
    password = password if password is not None else _password_from_file()
    password = password if password is not None else _typed.get(signer)
    for attempt in range(2):
        db = OfficeServer(address, password=password, readonly=readonly)
        try:
            db.connect()
            if password is not None:
                _typed[signer] = password  # another database of the same server, the same sign-in
            return db
        except Exception as exc:
            cause = exc.__cause__ or exc
            text = str(cause).strip()
            if (attempt == 0 and isinstance(cause, psycopg.OperationalError) and password is None
                    and "password" in text.lower() and "no password" in text.lower() and _prompt):
                password = _prompt[0](address.url)
                if password is not None:
                    continue
            raise server_failure(cause, address) from exc
    raise DatabaseError(f"could not sign in to {address}")  # pragma: no cover - the loop returns


_password_file: list[str] = []
#: Passwords this program typed in and the server took, per (user, host, port), in memory only: a
#: restore's work (off the window's thread, where no dialog may open) signs in again with it.
_typed: dict[tuple[str, str, int], str] = {}


def set_password_file(path: str | None) -> None:
    """Read the server's password from this file (first line), as ``--server-password-file``."""
    _password_file[:] = [path] if path else []


def _password_from_file() -> str | None:
    path = _password_file[0] if _password_file else os.environ.get("BILLING_DESK_SERVER_PASSWORD_FILE")
    if not path:
        return None
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise DatabaseError(f"cannot read the server password file {path}: {exc.strerror}") from exc
    return text.splitlines()[0] if text else ""


def server_failure(exc: BaseException, address: ServerAddress | str) -> DatabaseError:
    """The server's complaint in the clerk's words."""
    text = str(exc).strip() or type(exc).__name__
    lowered = text.lower()
    if "password" in lowered and ("authentication failed" in lowered or "no password" in lowered):
        return DatabaseError(f"the server at {address} did not accept the sign-in (user name or "
                             "password wrong, or no password given): nothing was opened.")
    if "does not exist" in lowered and "database" in lowered:
        return DatabaseError(f"there is no office database on the server at {address}: ask whoever "
                             "runs the server to create it (README: setting up the server).")
    if "connection refused" in lowered or "could not connect" in lowered or "timeout" in lowered:
        return DatabaseError(f"cannot reach the server at {address}: is it running, and is this PC "
                             f"allowed to connect? ({text})")
    return DatabaseError(f"the server at {address} could not be used: {text}")


def open_server(url: str, steps, *, create: bool = True, readonly: bool = False):
    """Open (or, on an empty database, create) the office on the server at ``url``: the same
    schema, version and upgrades as a file. ``steps`` is ``db.SchemaSteps`` (how a file is made,
    upgraded and handed back); returns its ``OpenedDatabase``."""
    from . import database
    from .migrations import SCHEMA_VERSION

    db = connect_server(url, readonly=readonly)
    try:
        database.initialize(db)
        app_id, version = office_version(db)
        tables = db.user_tables()
        if app_id != steps.application_id and tables:
            raise DatabaseError(f"the database at {db.address} holds tables that are not a Billing "
                                "Desk office: nothing was changed.")
        if version > SCHEMA_VERSION:
            raise DatabaseError(f"the office at {db.address} was written by a newer Billing Desk "
                                f"(schema {version}; this program knows up to {SCHEMA_VERSION}). "
                                "Install the newer program on this PC; nothing was changed.")
        created, upgraded_from = False, None
        if not tables:
            if readonly or not create:
                raise DatabaseError(f"there is no office at {db.address} yet (the database is "
                                    "empty): nothing was created.")
            db.install_server_functions()
            steps.create(db)
            created = True
        elif version < SCHEMA_VERSION:
            if readonly:
                raise DatabaseError(f"the office at {db.address} has schema {version}; this "
                                    f"program reads {SCHEMA_VERSION}. Open it once in the window "
                                    "to upgrade it.")
            db.install_server_functions()
            steps.upgrade(db, version)
            upgraded_from = version
    except BaseException:
        db.close()
        raise
    return steps.opened(db.address.place(), db, None, created, upgraded_from, server=db.address.url)


def office_version(db: OfficeServer) -> tuple[int, int]:
    """(application id, schema version) of the office on the server; (0, 0) when there is none."""
    if META_TABLE not in db.get_tables():
        return 0, 0
    return (db.execute_sql("PRAGMA application_id").fetchone()[0],
            db.execute_sql("PRAGMA user_version").fetchone()[0])
