"""The billing review read from small kept tables (the step ``ledger_ages``, schema 11): A/R by
age at any month-end and each month's money without a pass over the ledger.

* ``ledger_month_due``: the ledger's total and count per month keyed (``YYYY-MM`` of the entry
  date) and the due date of the entry's invoice, for the entries on invoices. A/R at the end of
  any month, and its parts more than 90 and 120 days past due, is then a sum over a few thousand
  rows instead of over every entry with its invoice (the billing review's trend and its year
  before). An invoice without a due date is kept under ``0001-01-01``: past due before any day,
  as the aging buckets it (its oldest column).
* Kept by two triggers: every entry written adds to its row (the ledger is append-only); an
  invoice whose due date changes moves its entries' sums from the old date to the new one.
* ``ledger_month_kind``: the ledger's total and count per month keyed and kind of entry (every
  entry, on an invoice or not), kept by a trigger on every entry written: each whole month's
  charges, payments and refunds (the review's collections, its year before and its 12 months of
  charges and payments) from a few hundred rows.

* Covering indexes for the review's other reads: ``invoice_voided`` (the voided invoices by the
  day voided, with their payer and total: the charges per payer less those voided, without a
  pass over every invoice), ``invoice_created_by`` (the invoices by the time keyed, with who
  keyed them: items keyed per user per day) and ``invoice_open_posted`` (the open invoices by
  posting date with their status, total, number, account, payer and balances: the unbilled
  charges without a look-up of each open invoice).

The ledger check (services/books/ledger) compares both tables with the entries.

The SQL is written out as this step made it, so a later change to the models never changes what
it does; ``create_extras`` makes the same for a new office (the server's words are below).
"""

from __future__ import annotations

from peewee import Database

from .dialect import is_server, statistics_gathered

NO_DUE_DATE = "0001-01-01"

_MOVE = ("INSERT INTO ledger_month_due (month, due_date, amount, entries) "
         "SELECT substr(entry_date, 1, 7), COALESCE({date}, '0001-01-01'), {sign}SUM(amount), "
         "{sign}COUNT(*) FROM ledger_entry WHERE invoice_id = NEW.id GROUP BY 1 "
         "ON CONFLICT (month, due_date) DO UPDATE SET amount = amount + excluded.amount, "
         "entries = entries + excluded.entries;")

TABLE = ('CREATE TABLE IF NOT EXISTS "ledger_month_due" ("month" TEXT NOT NULL, '
         '"due_date" DATE NOT NULL, "amount" INTEGER NOT NULL, "entries" INTEGER NOT NULL, '
         'PRIMARY KEY ("month", "due_date"))')

KIND_TABLE = ('CREATE TABLE IF NOT EXISTS "ledger_month_kind" ("month" TEXT NOT NULL, '
              '"kind" TEXT NOT NULL, "amount" INTEGER NOT NULL, "entries" INTEGER NOT NULL, '
              'PRIMARY KEY ("month", "kind"))')

SQLITE = (
    TABLE,
    KIND_TABLE,
    "CREATE TRIGGER IF NOT EXISTS ledger_entry_month_kind AFTER INSERT ON ledger_entry BEGIN "
    "INSERT INTO ledger_month_kind (month, kind, amount, entries) "
    "VALUES (substr(NEW.entry_date, 1, 7), NEW.kind, NEW.amount, 1) "
    "ON CONFLICT (month, kind) DO UPDATE SET amount = amount + excluded.amount, "
    "entries = entries + 1; END",
    "CREATE TRIGGER IF NOT EXISTS ledger_entry_month_due AFTER INSERT ON ledger_entry "
    "WHEN NEW.invoice_id IS NOT NULL BEGIN "
    "INSERT INTO ledger_month_due (month, due_date, amount, entries) "
    "SELECT substr(NEW.entry_date, 1, 7), COALESCE(i.due_date, '0001-01-01'), NEW.amount, 1 "
    "FROM invoice i WHERE i.id = NEW.invoice_id "
    "ON CONFLICT (month, due_date) DO UPDATE SET amount = amount + excluded.amount, "
    "entries = entries + 1; END",
    "CREATE TRIGGER IF NOT EXISTS invoice_due_date_month_due AFTER UPDATE OF due_date ON invoice "
    "WHEN OLD.due_date IS NOT NEW.due_date BEGIN "
    + _MOVE.format(date="OLD.due_date", sign="-") + " "
    + _MOVE.format(date="NEW.due_date", sign="") + " END",
)

_SERVER_MOVE = ("INSERT INTO ledger_month_due (month, due_date, amount, entries) "
                "SELECT to_char(entry_date, 'YYYY-MM'), COALESCE({date}, DATE '0001-01-01'), "
                "{sign}SUM(amount), {sign}COUNT(*) FROM ledger_entry WHERE invoice_id = NEW.id GROUP BY 1 "
                "ON CONFLICT (month, due_date) DO UPDATE SET amount = ledger_month_due.amount + "
                "excluded.amount, entries = ledger_month_due.entries + excluded.entries;")

SERVER = (
    'CREATE TABLE IF NOT EXISTS "ledger_month_due" ("month" TEXT NOT NULL, '
    '"due_date" DATE NOT NULL, "amount" BIGINT NOT NULL, "entries" BIGINT NOT NULL, '
    'PRIMARY KEY ("month", "due_date"))',
    'CREATE TABLE IF NOT EXISTS "ledger_month_kind" ("month" TEXT NOT NULL, '
    '"kind" TEXT NOT NULL, "amount" BIGINT NOT NULL, "entries" BIGINT NOT NULL, '
    'PRIMARY KEY ("month", "kind"))',
    "CREATE OR REPLACE FUNCTION ledger_month_kind_total() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "INSERT INTO ledger_month_kind (month, kind, amount, entries) "
    "VALUES (to_char(NEW.entry_date, 'YYYY-MM'), NEW.kind, NEW.amount, 1) "
    "ON CONFLICT (month, kind) DO UPDATE SET amount = ledger_month_kind.amount + excluded.amount, "
    "entries = ledger_month_kind.entries + 1; RETURN NULL; END $$",
    "CREATE OR REPLACE TRIGGER ledger_entry_month_kind AFTER INSERT ON ledger_entry FOR EACH ROW "
    "EXECUTE FUNCTION ledger_month_kind_total()",
    "CREATE OR REPLACE FUNCTION ledger_month_due_total() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "INSERT INTO ledger_month_due (month, due_date, amount, entries) "
    "SELECT to_char(NEW.entry_date, 'YYYY-MM'), COALESCE(i.due_date, DATE '0001-01-01'), NEW.amount, 1 "
    "FROM invoice i WHERE i.id = NEW.invoice_id "
    "ON CONFLICT (month, due_date) DO UPDATE SET amount = ledger_month_due.amount + excluded.amount, "
    "entries = ledger_month_due.entries + 1; RETURN NULL; END $$",
    "CREATE OR REPLACE TRIGGER ledger_entry_month_due AFTER INSERT ON ledger_entry FOR EACH ROW "
    "WHEN (NEW.invoice_id IS NOT NULL) EXECUTE FUNCTION ledger_month_due_total()",
    "CREATE OR REPLACE FUNCTION ledger_month_due_move() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    + _SERVER_MOVE.format(date="OLD.due_date", sign="-") + " "
    + _SERVER_MOVE.format(date="NEW.due_date", sign="") + " RETURN NULL; END $$",
    "CREATE OR REPLACE TRIGGER invoice_due_date_month_due AFTER UPDATE OF due_date ON invoice "
    "FOR EACH ROW WHEN (OLD.due_date IS DISTINCT FROM NEW.due_date) "
    "EXECUTE FUNCTION ledger_month_due_move()",
)

#: The entries' sums as the table keeps them (the fill, and the ledger check's side of it).
FROM_ENTRIES = ("SELECT substr(le.entry_date, 1, 7), COALESCE(i.due_date, '0001-01-01'), SUM(le.amount), "
                "COUNT(*) FROM ledger_entry le JOIN invoice i ON i.id = le.invoice_id GROUP BY 1, 2")
SERVER_FROM_ENTRIES = ("SELECT to_char(le.entry_date, 'YYYY-MM'), COALESCE(i.due_date, DATE '0001-01-01'), "
                       "SUM(le.amount), COUNT(*) FROM ledger_entry le JOIN invoice i ON i.id = le.invoice_id "
                       "GROUP BY 1, 2")


KINDS_FROM_ENTRIES = ("SELECT substr(entry_date, 1, 7), kind, SUM(amount), COUNT(*) FROM ledger_entry "
                      "GROUP BY 1, 2")
SERVER_KINDS_FROM_ENTRIES = ("SELECT to_char(entry_date, 'YYYY-MM'), kind, SUM(amount), COUNT(*) "
                             "FROM ledger_entry GROUP BY 1, 2")


def from_entries(db: Database) -> str:
    """(month, due date, cents, entries) of the entries on invoices, as ``ledger_month_due`` keeps them."""
    return SERVER_FROM_ENTRIES if is_server(db) else FROM_ENTRIES


def kinds_from_entries(db: Database) -> str:
    """(month, kind, cents, entries) of every entry, as ``ledger_month_kind`` keeps them."""
    return SERVER_KINDS_FROM_ENTRIES if is_server(db) else KINDS_FROM_ENTRIES


INDEXES = (
    "CREATE INDEX IF NOT EXISTS invoice_voided ON invoice (voided_on, status, payer_id, total) "
    "WHERE status = 'void'",
    "CREATE INDEX IF NOT EXISTS invoice_created_by ON invoice (created_at, created_by_id)",
    "CREATE INDEX IF NOT EXISTS invoice_open_posted ON invoice (posted_on, status, total, number, "
    "account_id, payer_id, patient_balance, insurance_balance) "
    "WHERE patient_balance != 0 OR insurance_balance != 0",
)


def create_age_extras(db: Database) -> None:
    """The tables, their triggers (in the engine's words) and the indexes (a new office, or the
    upgrade)."""
    for statement in (SERVER if is_server(db) else SQLITE) + INDEXES:
        db.execute_sql(statement)


def ledger_ages(db: Database) -> None:
    """See the module's words: the tables are summed afresh from the ledger; on a file whose
    statistics were gathered (ANALYZE), the new indexes get theirs, so the planner picks them."""
    create_age_extras(db)
    db.execute_sql("DELETE FROM ledger_month_due")
    db.execute_sql("INSERT INTO ledger_month_due (month, due_date, amount, entries) " + from_entries(db))
    db.execute_sql("DELETE FROM ledger_month_kind")
    db.execute_sql("INSERT INTO ledger_month_kind (month, kind, amount, entries) " + kinds_from_entries(db))
    if statistics_gathered(db):  # a server gathers its own
        for name in ("invoice_voided", "invoice_created_by", "invoice_open_posted"):
            db.execute_sql(f"ANALYZE {name}")
