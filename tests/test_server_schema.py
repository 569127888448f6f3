"""The schema on a server: made by the same models, versioned and upgraded as a file is; an
address that is not a server's, a password in the address, or a database of something else are
refused in words."""

from __future__ import annotations

import pytest
from pg_office import new_database


def test_an_older_server_office_is_upgraded_in_place_and_checks_clean():
    from billing_desk.models import database
    from billing_desk.models.db import open_database
    from billing_desk.models.migrations import SCHEMA_VERSION
    from billing_desk.services.checks import run_checks

    url = new_database("bd_schema")
    opened = open_database(url)
    assert opened.created and opened.server == url
    database.execute_sql(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    opened.close()
    again = open_database(url)
    try:
        assert again.upgraded_from == SCHEMA_VERSION - 1 and not again.created
        assert database.execute_sql("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert run_checks().clean
    finally:
        again.close()


def test_addresses_and_databases_that_are_not_an_office_are_refused():
    import psycopg

    from billing_desk.errors import DatabaseError
    from billing_desk.models.db import open_database

    url = new_database("bd_schema")
    with pytest.raises(DatabaseError, match="must not hold the password"):
        open_database(url.replace("@", ":secret@", 1))
    with pytest.raises(DatabaseError, match="not a server address"):
        open_database("postgresql://host-only")
    with pytest.raises(DatabaseError, match="empty"):
        open_database(url, create=False)
    with psycopg.connect(url, autocommit=True) as con:
        con.execute("CREATE TABLE someone_elses (id integer)")
    with pytest.raises(DatabaseError, match="not a Billing Desk office"):
        open_database(url)
    base, _, _ = url.rpartition("/")
    with pytest.raises(DatabaseError, match="no office database on the server"):
        open_database(f"{base}/no_such_database_here")


def test_a_connection_the_server_dropped_is_made_again_for_the_next_statement():
    import psycopg

    from billing_desk.models import Account, database
    from billing_desk.models.db import open_database

    url = new_database("bd_schema")
    opened = open_database(url)
    try:
        pid = database.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
        with psycopg.connect(url, autocommit=True) as con:  # the server restarts, say
            con.execute("SELECT pg_terminate_backend(%s)", (pid,))
        with pytest.raises(Exception):  # noqa: B017 - the statement on the dropped connection
            Account.select().count()
        assert Account.select().count() == 0  # the next one has a new connection
        assert database.execute_sql("SELECT pg_backend_pid()").fetchone()[0] != pid
    finally:
        opened.close()
