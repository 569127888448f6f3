"""Speed at office scale (the step ``speed``): what the hot screens and reports read, kept where
an index or a small table answers at once.

* ``invoice_insurance_open``: the invoices insurance still owes on (a few percent of the book),
  by payer and posting date, for the Collections tab's insurance-unpaid list. Without it SQLite
  walked the posted-on or payer index over nearly every invoice.
* ``ledger_entry_invoice_day``: each invoice's entries by entry date with their party, amount
  and account, so an aging as of a past date sums the ledger from the index alone, in invoice
  order (in an office's file the rows lie in the order they were keyed, not by invoice).
* ``ledger_day``: the ledger's total and count per entry date, kept by a trigger on every entry
  written (the ledger is append-only), so A/R at the start of any day is a sum over one row a
  day instead of over the whole ledger. The ledger check compares it with the entries.

The SQL is written out as this step made it, so a later change to the models never changes what
it does; ``create_extras`` makes the same for a new office.
"""

from __future__ import annotations

from peewee import Database

from .dialect import day_totals, statistics_gathered

INDEXES = (
    "CREATE INDEX IF NOT EXISTS invoice_insurance_open ON invoice "
    "(payer_id, posted_on, number, insurance_balance) WHERE insurance_balance > 0",
    "CREATE INDEX IF NOT EXISTS ledger_entry_invoice_day ON ledger_entry "
    "(invoice_id, entry_date, party, amount, account_id)",
)

DAY_TOTALS = (
    'CREATE TABLE IF NOT EXISTS "ledger_day" ("entry_date" DATE NOT NULL PRIMARY KEY, '
    '"amount" INTEGER NOT NULL, "entries" INTEGER NOT NULL)',
    "CREATE TRIGGER IF NOT EXISTS ledger_entry_day_total AFTER INSERT ON ledger_entry BEGIN "
    "INSERT INTO ledger_day (entry_date, amount, entries) VALUES (NEW.entry_date, NEW.amount, 1) "
    "ON CONFLICT (entry_date) DO UPDATE SET amount = amount + excluded.amount, "
    "entries = entries + 1; END",
)

FILL_DAY_TOTALS = ("INSERT INTO ledger_day (entry_date, amount, entries) "
                   "SELECT entry_date, SUM(amount), COUNT(*) FROM ledger_entry GROUP BY entry_date")


def create_speed_extras(db: Database) -> None:
    """The indexes, the day totals and their trigger (a new office, or any upgrade step)."""
    for statement in INDEXES + day_totals(db, DAY_TOTALS):
        db.execute_sql(statement)


def speed(db: Database) -> None:
    """See the module's words. The day totals are summed afresh from the ledger; on a file whose
    statistics were gathered (ANALYZE), the new indexes get theirs, so the planner picks them."""
    create_speed_extras(db)
    db.execute_sql("DELETE FROM ledger_day")
    db.execute_sql(FILL_DAY_TOTALS)
    if statistics_gathered(db):  # a server gathers its own
        for name in ("invoice_insurance_open", "ledger_entry_invoice_day"):
            db.execute_sql(f"ANALYZE {name}")
