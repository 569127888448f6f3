"""The accounts in credit found by an index (the step ``credit_index``, schema 12).

``account_credit``: a partial index of (id, unapplied_credit) over the accounts whose unapplied
credit is not zero. The aging and the ledger's checks ask for exactly those (``WHERE
unapplied_credit != 0``); without it each read scans all 100,000 accounts of the benchmark book
(about 30 ms), with it only the few in credit. ``create_extras`` makes the same for a new office.

Schema 11 is another branch's step; until the lead chains the two at merge, step 10 -> 11 is a
placeholder that changes nothing (``MIGRATIONS[10]``), and this one is step 11 -> 12.
"""

from __future__ import annotations

from peewee import Database

from .dialect import statistics_gathered

INDEX = ("CREATE INDEX IF NOT EXISTS account_credit ON account (id, unapplied_credit) "
         "WHERE unapplied_credit != 0")


def create_credit_extras(db: Database) -> None:
    db.execute_sql(INDEX)


def credit_index(db: Database) -> None:
    """See the module's words; on a file whose statistics were gathered, the index gets its own."""
    create_credit_extras(db)
    if statistics_gathered(db):  # a server gathers its own
        db.execute_sql("ANALYZE account_credit")
