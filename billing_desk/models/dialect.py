"""Where SQLite and PostgreSQL differ, in one place.

The program's raw SQL is written once, in SQLite's words (``?`` and ``:name`` parameters,
``julianday``, ``group_concat``, ``PRAGMA user_version``...). On a server, ``translate`` turns the
parameters into psycopg's, ``pragma`` answers the pragmas from PostgreSQL's catalogue, and
``SERVER_FUNCTIONS`` gives the server the few SQLite functions the SQL uses, so the services
never ask which engine they run on. Code that must differ asks ``is_server()``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from peewee import Database

from .base import database

SERVER_SCHEMES = ("postgresql://", "postgres://")


def is_server_url(text: object) -> bool:
    """Is ``text`` a server's address (``postgresql://USER@HOST:PORT/DBNAME``) rather than a file?"""
    return isinstance(text, str) and text.lower().startswith(SERVER_SCHEMES)


def is_server(db: Database | None = None) -> bool:
    """Does ``db`` (the open office by default) live on a PostgreSQL server?"""
    target = db if db is not None else database.obj
    return bool(getattr(target, "is_server", False))


# --- parameters ----------------------------------------------------------------------------
_TOKEN = re.compile(r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|\?|(?<!:):([A-Za-z_]\w*)|%s|%\(|%""")


_UNARY_PLUS = re.compile(r"([\s(])\+(?=[A-Za-z_])")
_INDEX_HINT = re.compile(r"\s+(?:NOT\s+INDEXED|INDEXED\s+BY\s+\w+)\b", re.IGNORECASE)


@lru_cache(maxsize=2048)
def translate(sql: str) -> str:
    """SQLite's parameters (``?``, ``:name``) as psycopg's (``%s``, ``%(name)s``), a literal ``%``
    doubled. SQL already in psycopg's style (peewee's own, which has ``%s``) comes back as it is."""
    # SQLite's ways of keeping an index out of a plan (NOT INDEXED, INDEXED BY, a unary + before
    # a column): the server's planner judges for itself
    sql = _UNARY_PLUS.sub(r"\1", _INDEX_HINT.sub("", sql))
    native = False
    pieces: list[str] = []
    last = 0
    for match in _TOKEN.finditer(sql):
        token = match.group(0)
        if token in ("%s", "%("):
            native = True
            break
        if token == "?":
            replacement = "%s"
        elif match.group(1):
            replacement = f"%({match.group(1)})s"
        elif token == "%":
            replacement = "%%"
        else:  # a quoted literal or name: only its percent signs change
            replacement = token.replace("%", "%%")
        pieces.append(sql[last:match.start()])
        pieces.append(replacement)
        last = match.end()
    if native:
        return sql
    pieces.append(sql[last:])
    return "".join(pieces)


_MARK = re.compile(r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|\?""")


@lru_cache(maxsize=2048)
def translate_marks(sql: str) -> str:
    """peewee's own SQL with a fragment of ours in it (``SQL("... ?", params)``): only the ``?``
    change."""
    return _MARK.sub(lambda m: "%s" if m.group(0) == "?" else m.group(0), sql)


# --- pragmas -------------------------------------------------------------------------------
_PRAGMA = re.compile(r"^\s*PRAGMA\s+(\w+)\s*(?:\(\s*[\"']?(\w+)[\"']?\s*\)|=\s*(\w+))?\s*;?\s*$",
                     re.IGNORECASE)
#: The schema version and the application id live in one small table on a server.
META_TABLE = "office_meta"
#: The office's data version (SQLite's PRAGMA data_version): one more with every committed write.
DATA_VERSION = "data_version"
META_DDL = (f'CREATE TABLE IF NOT EXISTS "{META_TABLE}" ("name" TEXT PRIMARY KEY, '
            '"value" BIGINT NOT NULL)')


#: The server's counterpart of SQLite's integrity check: its storage is its own business, but it
#: counts damaged pages it read (with data checksums on), and a constraint must not be switched off.
SERVER_INTEGRITY = """WITH problems AS (
    SELECT 'the server read ' || checksum_failures || ' damaged page(s) of this database' AS text
    FROM pg_stat_database WHERE datname = current_database() AND checksum_failures > 0
    UNION ALL
    SELECT 'the constraint ' || conname || ' of ' || conrelid::regclass || ' is not checked'
    FROM pg_constraint WHERE NOT convalidated AND connamespace = current_schema()::regnamespace
    UNION ALL
    SELECT 'the trigger ' || tgname || ' of ' || tgrelid::regclass || ' is switched off'
    FROM pg_trigger WHERE NOT tgisinternal AND tgenabled = 'D')
SELECT text FROM problems UNION ALL SELECT 'ok' WHERE NOT EXISTS (SELECT 1 FROM problems)"""


def pragma(sql: str) -> tuple[str, tuple] | None:
    """The PostgreSQL statement standing for an SQLite ``PRAGMA`` (None: not a pragma).

    ``user_version``, ``application_id`` and ``data_version`` are kept in ``office_meta``;
    ``table_info`` reads the catalogue in SQLite's shape (cid, name, type, notnull, default, pk);
    the checks SQLite makes of its file are the server's own business and answer "ok"; the rest
    do nothing."""
    match = _PRAGMA.match(sql)
    if match is None:
        return None
    name, argument, value = match.group(1).lower(), match.group(2), match.group(3)
    if name in ("user_version", "application_id"):
        if value is not None:
            return (f'INSERT INTO "{META_TABLE}" (name, value) VALUES (%s, %s) ON CONFLICT (name) '
                    "DO UPDATE SET value = EXCLUDED.value", (name, int(value)))
        return (f'SELECT COALESCE((SELECT value FROM "{META_TABLE}" WHERE name = %s), 0)', (name,))
    if name == "data_version":  # moved on by every committed write (OfficeServer.commit)
        return (f'SELECT COALESCE((SELECT value FROM "{META_TABLE}" WHERE name = %s), 0)',
                (DATA_VERSION,))
    if name == "table_info":
        return ("SELECT ordinal_position - 1, column_name, upper(data_type), "
                "(is_nullable = 'NO')::int, column_default, 0 FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = %s "
                "ORDER BY ordinal_position", (argument,))
    if name in ("quick_check", "integrity_check"):
        return (SERVER_INTEGRITY, ())
    if name == "foreign_key_check":
        return ("SELECT NULL, NULL, NULL, NULL WHERE false", ())
    return ("SELECT NULL WHERE false", ())  # journal_mode, optimize, wal_checkpoint, ...


# --- what the server needs to read SQLite's SQL ---------------------------------------------
#: SQLite's functions the program's SQL uses, as PostgreSQL functions in the office's schema.
SERVER_FUNCTIONS = (
    # julianday: the day number (with its fraction), so differences of two are days.
    "CREATE OR REPLACE FUNCTION julianday(value text) RETURNS double precision LANGUAGE sql "
    "IMMUTABLE AS $$ SELECT extract(epoch FROM value::timestamp) / 86400.0 + 2440587.5 $$",
    "CREATE OR REPLACE FUNCTION julianday(value timestamp) RETURNS double precision LANGUAGE sql "
    "IMMUTABLE AS $$ SELECT extract(epoch FROM value) / 86400.0 + 2440587.5 $$",
    "CREATE OR REPLACE FUNCTION julianday(value date) RETURNS double precision LANGUAGE sql "
    "IMMUTABLE AS $$ SELECT extract(epoch FROM value::timestamp) / 86400.0 + 2440587.5 $$",
    # date(value, '+N days'): SQLite's date with one modifier.
    "CREATE OR REPLACE FUNCTION date(value timestamp, modifier text) RETURNS date LANGUAGE sql "
    "IMMUTABLE AS $$ SELECT (value + modifier::interval)::date $$",
    "CREATE OR REPLACE FUNCTION date(value date, modifier text) RETURNS date LANGUAGE sql "
    "IMMUTABLE AS $$ SELECT (value + modifier::interval)::date $$",
    "CREATE OR REPLACE FUNCTION date(value text, modifier text) RETURNS date LANGUAGE sql "
    "IMMUTABLE AS $$ SELECT (value::timestamp + modifier::interval)::date $$",
    # printf with one whole number (the only use: '+%d days').
    "CREATE OR REPLACE FUNCTION printf(pattern text, value bigint) RETURNS text LANGUAGE sql "
    "IMMUTABLE AS $$ SELECT replace(pattern, '%d', value::text) $$",
    # substr of a date or a time, as SQLite (which keeps them as text) reads them.
    "CREATE OR REPLACE FUNCTION substr(value date, start integer, length integer) RETURNS text "
    "LANGUAGE sql IMMUTABLE AS $$ SELECT substr(value::text, start, length) $$",
    "CREATE OR REPLACE FUNCTION substr(value timestamp, start integer, length integer) RETURNS "
    "text LANGUAGE sql IMMUTABLE AS $$ SELECT substr(value::text, start, length) $$",
    # group_concat(text): the values joined by commas.
    "CREATE OR REPLACE FUNCTION group_concat_step(joined text, value text) RETURNS text "
    "LANGUAGE sql IMMUTABLE AS $$ SELECT concat_ws(',', joined, value) $$",
    "DROP AGGREGATE IF EXISTS group_concat(text)",
    "CREATE AGGREGATE group_concat(text) (SFUNC = group_concat_step, STYPE = text)",
    # SQLite's MAX and MIN of two values.
    "CREATE OR REPLACE FUNCTION max(a bigint, b bigint) RETURNS bigint LANGUAGE sql IMMUTABLE "
    "AS $$ SELECT CASE WHEN a IS NULL OR b IS NULL THEN NULL ELSE GREATEST(a, b) END $$",
    "CREATE OR REPLACE FUNCTION min(a bigint, b bigint) RETURNS bigint LANGUAGE sql IMMUTABLE "
    "AS $$ SELECT CASE WHEN a IS NULL OR b IS NULL THEN NULL ELSE LEAST(a, b) END $$",
    # MAX and MIN of a comparison (SQLite's are 1 or 0): any, and all.
    "CREATE OR REPLACE FUNCTION bool_max_step(state integer, value boolean) RETURNS integer "
    "LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN value IS NULL THEN state "
    "ELSE GREATEST(COALESCE(state, 0), value::int) END $$",
    "CREATE OR REPLACE FUNCTION bool_min_step(state integer, value boolean) RETURNS integer "
    "LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN value IS NULL THEN state "
    "ELSE LEAST(COALESCE(state, 1), value::int) END $$",
    "DROP AGGREGATE IF EXISTS max(boolean)",
    "CREATE AGGREGATE max(boolean) (SFUNC = bool_max_step, STYPE = integer)",
    "DROP AGGREGATE IF EXISTS min(boolean)",
    "CREATE AGGREGATE min(boolean) (SFUNC = bool_min_step, STYPE = integer)",
    # The append-only tables refuse UPDATE and DELETE (SQLite: RAISE(ABORT) in a trigger).
    "CREATE OR REPLACE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$",
)


def append_only_trigger(db: Database, table: str, verb: str) -> str:
    """The trigger that makes ``table`` refuse ``verb`` (UPDATE or DELETE), in the engine's words."""
    name = f"{table}_no_{verb.lower()}"
    if is_server(db):
        return (f"CREATE OR REPLACE TRIGGER {name} BEFORE {verb} ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION refuse_change()")
    return (f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {verb} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")


def table_columns(db: Database, table: str) -> set[str]:
    """The column names of ``table`` (a migration asks before it adds one), on either engine."""
    return {row[1] for row in db.execute_sql(f'PRAGMA table_info("{table}")').fetchall()}


# --- the ledger's day totals (schema 9), temporary tables, statistics ----------------------
#: The day totals' table and the trigger keeping them, on a server (SQLite's: migration_speed).
SERVER_DAY_TOTALS = (
    'CREATE TABLE IF NOT EXISTS "ledger_day" ("entry_date" DATE NOT NULL PRIMARY KEY, '
    '"amount" BIGINT NOT NULL, "entries" BIGINT NOT NULL)',
    "CREATE OR REPLACE FUNCTION ledger_day_total() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "INSERT INTO ledger_day (entry_date, amount, entries) VALUES (NEW.entry_date, NEW.amount, 1) "
    "ON CONFLICT (entry_date) DO UPDATE SET amount = ledger_day.amount + excluded.amount, "
    "entries = ledger_day.entries + 1; RETURN NULL; END $$",
    "CREATE OR REPLACE TRIGGER ledger_entry_day_total AFTER INSERT ON ledger_entry "
    "FOR EACH ROW EXECUTE FUNCTION ledger_day_total()",
)


def day_totals(db: Database, sqlite_statements: tuple[str, ...]) -> tuple[str, ...]:
    """The day totals' table and trigger in the engine's words (SQLite's as its step wrote them)."""
    return SERVER_DAY_TOTALS if is_server(db) else sqlite_statements


def statistics_gathered(db: Database) -> bool:
    """Has the office's planner statistics (SQLite: ANALYZE ran, so sqlite_stat1 exists)? A server
    gathers its own (autovacuum's ANALYZE): nothing to do for it."""
    if is_server(db):
        return False
    return bool(db.execute_sql(
        "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone()[0])


def temp_table(db: Database, name: str) -> str:
    """``name`` in this connection's own temporary schema (SQLite ``temp``, PostgreSQL
    ``pg_temp``)."""
    return f"pg_temp.{name}" if is_server(db) else f"temp.{name}"


def temp_table_exists(db: Database, name: str) -> bool:
    """Does this connection hold the temporary table ``name``?"""
    if is_server(db):
        return db.execute_sql("SELECT to_regclass(?) IS NOT NULL",
                              (f"pg_temp.{name}",)).fetchone()[0] in (True, 1)
    return db.execute_sql("SELECT 1 FROM sqlite_temp_master WHERE name = ?",
                          (name,)).fetchone() is not None
