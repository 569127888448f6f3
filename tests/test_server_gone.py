"""A workstation whose server goes away in the middle of a save (probe4): the clerk reads that
the connection to the server was lost and nothing was saved, in words, never the driver's
message; nothing is half saved; once the server is back the same save goes through and the
check is clean. (The suite cuts this workstation's connection from the server's side, as a
server stopping does; stopping the whole server with kill -INT was tried by hand, see the
README's server section.)"""

from __future__ import annotations

from decimal import Decimal

import pytest
from pg_office import admin_connection, server_url

from billing_desk.errors import DatabaseUnavailable

pytestmark = [pytest.mark.both_engines, pytest.mark.server_only]


def _cut_connection() -> None:
    from billing_desk.models import database

    pid = database.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
    with admin_connection(server_url()) as con:
        con.execute("SELECT pg_terminate_backend(%s)", (pid,))


@pytest.mark.parametrize("when", ["mid-save", "between-saves"])
def test_a_save_when_the_server_went_away_says_so_and_saves_nothing(db, admin, make_account,
                                                                   monkeypatch, when):
    from billing_desk.models import LedgerEntry, Payment
    from billing_desk.services.books import payments
    from billing_desk.services.checks import run_checks

    account = make_account(last="O'Neil")
    entries = LedgerEntry.select().count()
    if when == "mid-save":
        real = payments._allocate

        def allocate_then_lose_the_server(*args, **kwargs):
            left = real(*args, **kwargs)
            _cut_connection()
            return left

        monkeypatch.setattr(payments, "_allocate", allocate_then_lose_the_server)
    else:
        _cut_connection()
    with pytest.raises(DatabaseUnavailable) as lost:
        payments.record_payment(account.id, Decimal("12.00"), admin)
    message = str(lost.value)
    assert "connection to the server" in message and "nothing was saved" in message, message
    assert "terminating connection" not in message.split("(")[0]
    assert str(db.server) in message and ".server" not in message  # its address, not a file
    monkeypatch.undo()
    assert (Payment.select().count(), LedgerEntry.select().count()) == (0, entries)
    payment = payments.record_payment(account.id, Decimal("12.00"), admin)  # back: it goes through
    assert [p.id for p in Payment.select()] == [payment.id]
    result = run_checks()
    assert result.clean, list(result.lines())


def test_a_connection_lost_while_the_save_is_confirmed_says_it_may_have_been_saved(
        db, admin, make_account, monkeypatch):
    """COMMIT reached the server but its answer did not come back (the server stopped just then):
    the clerk is told the save may have gone through and to look before doing it again."""
    import peewee

    from billing_desk.models import Payment
    from billing_desk.services.books import payments
    from billing_desk.services.checks import run_checks

    account = make_account(last="Núñez")
    real = peewee.PostgresqlDatabase.commit

    def commit_then_lose_the_answer(self):
        real(self)
        _cut_connection()
        raise peewee.OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(peewee.PostgresqlDatabase, "commit", commit_then_lose_the_answer)
    with pytest.raises(DatabaseUnavailable) as lost:
        payments.record_payment(account.id, Decimal("12.00"), admin)
    monkeypatch.undo()
    message = str(lost.value)
    assert "may have been saved" in message and "nothing was saved" not in message, message
    assert str(db.server) in message  # the server by its address, as the title bar names it
    assert Payment.select().count() == 1  # it was: looking shows it once
    result = run_checks()
    assert result.clean, list(result.lines())
