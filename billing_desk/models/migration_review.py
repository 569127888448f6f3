"""The billing review read fast (the step ``review_speed``, schema 10): covering indexes for the
sums the review reads over months of the ledger, so it writes nothing of its own.

* ``ledger_entry_day_kind``: the entries by entry date with their kind, amount, invoice and
  party: each month's charges, payments and refunds (by day and kind), and what was keyed after
  a day on each invoice (A/R at a past day), from the index alone.
* ``invoice_posted_payer``: the invoices by posting date with their status, payer and total:
  each month's charges per payer, from the index alone.

The review once kept the sums of months that were over in the settings table (``review_cache``);
that derived row is removed here. The SQL is written out as this step made it; ``create_extras``
makes the same for a new office.
"""

from __future__ import annotations

from peewee import Database

from .dialect import statistics_gathered

INDEXES = (
    "CREATE INDEX IF NOT EXISTS ledger_entry_day_kind ON ledger_entry "
    "(entry_date, kind, amount, invoice_id, party)",
    "CREATE INDEX IF NOT EXISTS invoice_posted_payer ON invoice (posted_on, status, payer_id, total)",
)


def create_review_extras(db: Database) -> None:
    for statement in INDEXES:
        db.execute_sql(statement)


def review_speed(db: Database) -> None:
    """See the module's words. On a file whose statistics were gathered (ANALYZE), the new
    indexes get theirs, so the planner picks them."""
    create_review_extras(db)
    db.execute_sql("DELETE FROM setting WHERE key = 'review_cache'")
    if statistics_gathered(db):  # a server gathers its own
        for name in ("ledger_entry_day_kind", "invoice_posted_payer"):
            db.execute_sql(f"ANALYZE {name}")
