"""The schema a file holds compared with the one this program makes: a dropped append-only
trigger or a missing index is found, whatever the file's data say.

The program's own schema is built once per process in an in-memory database by the same code
that creates a new office (peewee's schema managers bound to it, and ``create_extras``), so the
shared ``database`` proxy is never touched.
"""

from __future__ import annotations

import sqlite3
from functools import lru_cache

from peewee import SchemaManager, SqliteDatabase

from . import ALL_MODELS
from .migrations import create_extras

Schema = dict[tuple[str, str], object]


def schema_of(con: sqlite3.Connection) -> Schema:
    """Tables as their column names; indexes and triggers as their SQL, spaces normalised."""
    found: Schema = {}
    rows = con.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' "
                       "AND type IN ('table', 'index', 'trigger', 'view')").fetchall()
    for kind, name, sql in rows:
        if kind == "table":
            found[(kind, name)] = tuple(sorted(r[1] for r in con.execute(f'PRAGMA table_info("{name}")')))
        elif sql is not None:
            found[(kind, name)] = " ".join(sql.split())
    return found


@lru_cache(maxsize=1)
def expected_schema() -> Schema:
    memory = SqliteDatabase(":memory:")
    memory.connect()
    try:
        for model in ALL_MODELS:
            SchemaManager(model, database=memory).create_all()
        create_extras(memory)
        return schema_of(memory.connection())
    finally:
        memory.close()


def schema_problems(con: sqlite3.Connection) -> list[str]:
    """What differs from the program's own schema, in words; [] when it is the same."""
    have, want = schema_of(con), expected_schema()
    problems = []
    for (kind, name), value in sorted(want.items()):
        if (kind, name) not in have:
            problems.append(f"the {kind} {name} is missing (removed)")
        elif have[(kind, name)] != value:
            problems.append(f"the {kind} {name} differs from this program's (altered)")
    problems += [f"the {kind} {name} is not one this program makes (added)"
                 for (kind, name) in sorted(set(have) - set(want))]
    return problems


def server_schema_of(db) -> Schema:
    """A server office's schema in ``schema_of``'s shape: tables as their column names, indexes and
    triggers by name only (the server words their SQL its own way)."""
    columns: dict[str, list[str]] = {}
    for table, column in db.execute_sql(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema()").fetchall():
        columns.setdefault(table, []).append(column)
    found: Schema = {("table", table): tuple(sorted(names)) for table, names in columns.items()}
    for (name,) in db.execute_sql("SELECT indexname FROM pg_indexes WHERE schemaname = "
                                  "current_schema() AND indexname NOT LIKE '%_pkey'").fetchall():
        found[("index", name)] = ""
    for (name,) in db.execute_sql("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal").fetchall():
        found[("trigger", name)] = ""
    return found


def database_schema_problems(db) -> list[str]:
    """``schema_problems`` of the open office, a file or a server."""
    if not getattr(db, "is_server", False):
        return schema_problems(db.connection())
    from .dialect import META_TABLE

    have = server_schema_of(db)
    have.pop(("table", META_TABLE), None)
    want = {key: ("" if key[0] != "table" else value) for key, value in expected_schema().items()
            if key[0] != "index" or not key[1].startswith("sqlite_autoindex")}
    problems = []
    for (kind, name), value in sorted(want.items()):
        if (kind, name) not in have:
            problems.append(f"the {kind} {name} is missing (removed)")
        elif have[(kind, name)] != value:
            problems.append(f"the {kind} {name} differs from this program's (altered)")
    problems += [f"the {kind} {name} is not one this program makes (added)"
                 for (kind, name) in sorted(set(have) - set(want))]
    return problems
