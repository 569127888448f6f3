"""Copying a whole office, table by table, from a database file onto a server (and the figures
that show the copy is the same: rows per table, money totals).

Rows keep their ids; the server's id counters then continue after the last one. The copy is one
transaction on the server: a failure leaves the server's database empty again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from peewee import sort_models

from . import ALL_MODELS
from .server import OfficeServer

#: Money columns whose totals must agree after a copy: (table, column).
TOTALS = (("ledger_entry", "amount"), ("invoice", "total"), ("invoice", "patient_balance"),
          ("invoice", "insurance_balance"), ("invoice_line", "amount"), ("payment", "amount"),
          ("adjustment", "amount"), ("account", "unapplied_credit"),
          ("insurance_payment", "amount"))


def tables_in_order() -> list[tuple[str, list[str]]]:
    """(table, columns) for every table, each after the tables it points at."""
    return [(model._meta.table_name, [f.column_name for f in model._meta.sorted_fields])
            for model in sort_models(ALL_MODELS)]


def figures_of_file(con: sqlite3.Connection) -> dict[str, int]:
    return _figures(lambda sql: con.execute(sql).fetchone()[0])


def figures_of_server(db: OfficeServer) -> dict[str, int]:
    return _figures(lambda sql: db.execute_sql(sql).fetchone()[0])


def _figures(scalar: Callable[[str], object]) -> dict[str, int]:
    figures = {f"rows in {table}": int(scalar(f'SELECT COUNT(*) FROM "{table}"') or 0)  # type: ignore[call-overload]
               for table, _ in tables_in_order()}
    for table, column in TOTALS:
        value = scalar(f'SELECT COALESCE(SUM("{column}"), 0) FROM "{table}"')
        figures[f"total of {table}.{column}"] = int(value or 0)  # type: ignore[call-overload]
    return figures


def copy_file_to_server(source: Path, db: OfficeServer,
                        progress: Callable[[str], None] | None = None) -> None:
    """Every row of the office file ``source`` into the (empty, just made) office on ``db``."""
    con = sqlite3.connect(f"{Path(source).absolute().as_uri()}?mode=ro", uri=True)
    try:
        with db.atomic():
            tables = tables_in_order()
            names = ", ".join(f'"{table}"' for table, _ in tables)
            db.execute_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")  # what making it seeded
            for table, columns in tables:
                if progress:
                    progress(f"copying {table}")
                _copy_table(con, db, table, columns)
            db.reset_sequences()
            db.mark_written()  # COPY is no statement the write counter sees: the lists read afresh
        db.execute_sql("ANALYZE")  # the planner's statistics: without them a search can take 100x
    finally:
        con.close()


def _copy_table(con: sqlite3.Connection, db: OfficeServer, table: str, columns: list[str]) -> None:
    quoted = ", ".join(f'"{c}"' for c in columns)
    rows = con.execute(f'SELECT {quoted} FROM "{table}" ORDER BY rowid')
    with db.cursor() as cursor, cursor.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
        while True:
            chunk = rows.fetchmany(2000)
            if not chunk:
                break
            for row in chunk:
                copy.write_row(row)


def copy_server_to_file(url: str, dest: Path,
                        progress: Callable[[float, str], None] | None = None) -> None:
    """The office on the server at ``url`` as a new database file ``dest`` (the program's own
    schema, every row), read in one snapshot (a repeatable-read, read-only transaction), so the
    copy is consistent while the workstations keep writing, and none of them waits for it."""
    from peewee import SchemaManager, SqliteDatabase

    from .db import APPLICATION_ID
    from .migrations import SCHEMA_VERSION, create_extras
    from .server import connect_server

    server = connect_server(url, readonly=True)
    target = SqliteDatabase(str(dest))
    target.connect()
    try:
        with target.atomic():
            for model in sort_models(ALL_MODELS):
                SchemaManager(model, database=target).create_all()
            create_extras(target)
            target.execute_sql(f"PRAGMA application_id = {APPLICATION_ID}")
            target.execute_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")
            tables = tables_in_order()
            with server.atomic(isolation_level="REPEATABLE READ"):
                for n, (table, columns) in enumerate(tables):
                    if progress:
                        progress(n / len(tables), f"Copying {table}")
                    _copy_down(server, target, table, columns)
        target.execute_sql("PRAGMA journal_mode = DELETE")
    finally:
        target.close()
        server.close()


def _copy_down(server: OfficeServer, target, table: str, columns: list[str]) -> None:
    quoted = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" * len(columns))
    cursor = server.execute_sql(f'SELECT {quoted} FROM "{table}" ORDER BY 1')
    insert = f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})'
    while True:
        chunk = cursor.fetchmany(2000)
        if not chunk:
            break
        target.cursor().executemany(insert, chunk)
