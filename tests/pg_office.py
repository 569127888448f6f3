"""The PostgreSQL half of the suite: one throwaway office database per test run on the server
named by ``BILLING_DESK_TEST_PG`` (``.ci/install_postgres.sh`` starts one on loopback), emptied
before each test, so a test sees a new office as it does on SQLite.

A developer without a server runs only the SQLite half (the server's tests are skipped); in CI
(``CI`` set, as .ci/run does) a missing server is a failure, never a silent skip.
"""

from __future__ import annotations

import os
import uuid

import pytest

URL_VARIABLE = "BILLING_DESK_TEST_PG"
_state: dict = {}


def server_url() -> str | None:
    return os.environ.get(URL_VARIABLE) or None


def require_server() -> str:
    url = server_url()
    if url is None:
        reason = (f"no PostgreSQL server for the tests ({URL_VARIABLE} is not set; "
                  'eval "$(bash .ci/install_postgres.sh)" starts one)')
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return url


def admin_connection(url: str):
    """A plain autocommit connection to the server's maintenance database ``postgres``."""
    import psycopg

    base, _, _ = url.rpartition("/")
    return psycopg.connect(f"{base}/postgres", autocommit=True)


def new_database(prefix: str = "bd_test") -> str:
    """A new empty database on the test server; returns its URL (dropped when the run ends)."""
    url = require_server()
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with admin_connection(url) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    _state.setdefault("made", []).append(name)
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


def drop_databases() -> None:
    url = server_url()
    made = _state.pop("made", [])
    if not url or not made:
        return
    with admin_connection(url) as con:
        for name in made:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def fresh_server_office(request):
    """The test's own empty office on the server (the run's database, emptied), opened."""
    from billing_desk.models.db import open_database

    url = _state.get("office")
    if url is None:
        url = _state["office"] = new_database()
        request.config.add_cleanup(drop_databases)
        opened = open_database(url)
        _state["tables"] = opened.db.user_tables()
        opened.close()
    opened = open_database(url)
    _empty(opened.db)
    return opened


def _empty(db) -> None:
    from billing_desk.models.migration_remittances import seed_remit_codes

    tables = ", ".join(f'"{t}"' for t in _state["tables"])
    with db.atomic():
        db.execute_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        seed_remit_codes(db)


def outside_write(opened, statements: list[str]) -> None:
    """Change the office behind the program's back (as a tamperer with the server's own tools
    would), the append-only triggers switched off for this connection only."""
    import psycopg

    with psycopg.connect(opened.server, autocommit=False) as con:
        con.execute("SET session_replication_role = replica")  # triggers off (a superuser's power)
        for sql in statements:
            if not sql.upper().startswith("DROP TRIGGER"):
                con.execute(sql.replace("FROM user ", 'FROM "user" '))
        con.commit()
