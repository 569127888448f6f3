"""Schema versions. ``MIGRATIONS[n]`` upgrades a version-n file to n+1, inside one transaction.

The file's version lives in ``PRAGMA user_version``; a backup copy is taken before any upgrade.
"""

from __future__ import annotations

from typing import Callable

from peewee import Database

from .dialect import append_only_trigger, table_columns
from .migration_ages import create_age_extras, ledger_ages
from .migration_claims import claims
from .migration_credit import create_credit_extras, credit_index
from .migration_follow_up import claim_follow_up_and_calls
from .migration_remittances import remittances
from .migration_review import create_review_extras, review_speed
from .migration_speed import create_speed_extras, speed

SCHEMA_VERSION = 13

APPEND_ONLY = ("audit_entry", "ledger_entry")

# Partial indexes for the hot lists: only open items are ever read by the aging and the worklist.
PARTIAL_INDEXES = (
    "CREATE INDEX IF NOT EXISTS invoice_open_items ON invoice "
    "(account_id, payer_id, due_date, patient_balance, insurance_balance) "
    "WHERE patient_balance != 0 OR insurance_balance != 0",
    "CREATE INDEX IF NOT EXISTS invoice_patient_open ON invoice (due_date, account_id, patient_balance) "
    "WHERE patient_balance > 0",
)


def create_triggers(db: Database) -> None:
    """The audit trail and the ledger refuse UPDATE and DELETE at the database itself."""
    for table in APPEND_ONLY:
        for verb in ("UPDATE", "DELETE"):
            db.execute_sql(append_only_trigger(db, table, verb))


def create_extras(db: Database) -> None:
    """What peewee's create_tables does not make: triggers, partial indexes, the ledger's day
    totals (migration_speed), the billing review's covering indexes (migration_review), the ledger's
    totals by month and due date (migration_ages), the accounts in credit (migration_credit)."""
    create_triggers(db)
    for statement in PARTIAL_INDEXES:
        db.execute_sql(statement)
    create_speed_extras(db)
    create_review_extras(db)
    create_age_extras(db)
    create_credit_extras(db)


def _v1_to_v2(db: Database) -> None:
    """Version 2 added the preferred way to contact an account, and append-only triggers."""
    columns = {row[1] for row in db.execute_sql("PRAGMA table_info(account)").fetchall()}
    if "preferred_contact" not in columns:
        db.execute_sql("ALTER TABLE account ADD COLUMN preferred_contact TEXT NOT NULL DEFAULT 'phone'")
    create_extras(db)


def _payers_and_plan_copays(db: Database) -> None:
    """Version 3: payers carry what a claim needs (fax, portal, timely filing, paper or
    electronic, notes), and plans may set a copay per code category (table plan_copay)."""
    columns = {row[1] for row in db.execute_sql("PRAGMA table_info(payer)").fetchall()}
    for name, ddl in (("fax", "TEXT NOT NULL DEFAULT ''"), ("portal", "TEXT NOT NULL DEFAULT ''"),
                      ("timely_filing_days", "INTEGER"),
                      ("claim_mode", "TEXT NOT NULL DEFAULT 'electronic'"),
                      ("notes", "TEXT NOT NULL DEFAULT ''")):
        if name not in columns:
            db.execute_sql(f"ALTER TABLE payer ADD COLUMN {name} {ddl}")
    db.execute_sql(
        'CREATE TABLE IF NOT EXISTS "plan_copay" ("id" INTEGER NOT NULL PRIMARY KEY, '
        '"plan_id" INTEGER NOT NULL, "category" TEXT NOT NULL, "copay" INTEGER NOT NULL, '
        '"deductible_applies" INTEGER NOT NULL, FOREIGN KEY ("plan_id") REFERENCES "plan" ("id"))')
    db.execute_sql('CREATE INDEX IF NOT EXISTS "plan_copay_plan_id" ON "plan_copay" ("plan_id")')
    db.execute_sql('CREATE UNIQUE INDEX IF NOT EXISTS "plan_copay_plan_id_category" '
                   'ON "plan_copay" ("plan_id", "category")')


def _names_and_guarantor_details(db: Database) -> None:
    """Version 4: a middle name and a suffix (Jr, III) for the account's person and for the
    guarantor (whose apartment line, date of birth and email the form now takes)."""
    for table in ("account", "guarantor"):
        columns = {row[1] for row in db.execute_sql(f"PRAGMA table_info({table})").fetchall()}
        for name in ("middle_name", "suffix"):
            if name not in columns:
                db.execute_sql(f"ALTER TABLE {table} ADD COLUMN {name} TEXT NOT NULL DEFAULT ''")


def _payer_programs(db: Database) -> None:
    """Version 8: a payer's program (Medicare, Medicaid, commercial...), which sets the claims'
    filing code and CMS-1500 box 1; the payers on file are commercial, as their claims said."""
    columns = {row[1] for row in db.execute_sql('PRAGMA table_info("payer")').fetchall()}
    if "program" not in columns:
        db.execute_sql("ALTER TABLE payer ADD COLUMN program TEXT NOT NULL DEFAULT 'commercial'")


def _esrd_coordination(db: Database) -> None:
    """Version 13: a Medicare coverage may carry the day the patient's 30-month ESRD coordination
    period began (Medicare second to a group health plan, 837P SBR05 13); none is known yet."""
    if "esrd_started_on" not in table_columns(db, "coverage"):
        db.execute_sql("ALTER TABLE coverage ADD COLUMN esrd_started_on DATE")


MIGRATIONS: dict[int, Callable[[Database], None]] = {
    1: _v1_to_v2,
    2: _payers_and_plan_copays,
    3: claims,
    4: _names_and_guarantor_details,
    5: remittances,
    6: claim_follow_up_and_calls,
    7: _payer_programs,
    8: speed,
    9: review_speed,
    10: ledger_ages,
    11: credit_index,
    12: _esrd_coordination,
}
