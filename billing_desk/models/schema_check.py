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
