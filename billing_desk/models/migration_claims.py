"""Version 4: claims. Accounts and subscribers get a sex and the subscriber an address, invoices
their rendering and referring providers and prior authorization, and the tables of providers,
claims, their lines, events and batches are made. The SQL is written out as version 4 made it,
so a later change to the models never changes what this step does."""

from __future__ import annotations

from peewee import Database

NEW_COLUMNS = {
    "account": (("sex", "TEXT NOT NULL DEFAULT 'U'"),),
    "coverage": tuple((name, "TEXT NOT NULL DEFAULT ''") for name in (
        "subscriber_first_name", "subscriber_last_name")) + (
        ("subscriber_date_of_birth", "DATE"), ("subscriber_sex", "TEXT NOT NULL DEFAULT 'U'")) + tuple(
        (name, "TEXT NOT NULL DEFAULT ''") for name in (
            "subscriber_street", "subscriber_street2", "subscriber_city", "subscriber_state",
            "subscriber_zip_code")),
    "invoice": (("rendering_provider_id", 'INTEGER REFERENCES "provider" ("id")'),
                ("referring_provider_id", 'INTEGER REFERENCES "provider" ("id")'),
                ("prior_authorization", "TEXT NOT NULL DEFAULT ''")),
}

STATEMENTS = (
    'CREATE TABLE IF NOT EXISTS "provider" ("id" INTEGER NOT NULL PRIMARY KEY, '
    '"created_at" DATETIME NOT NULL, "organization" TEXT NOT NULL, "last_name" TEXT NOT NULL, '
    '"first_name" TEXT NOT NULL, "npi" TEXT NOT NULL, "taxonomy" TEXT NOT NULL, '
    '"role" TEXT NOT NULL, "active" INTEGER NOT NULL)',
    'CREATE INDEX IF NOT EXISTS "provider_created_at" ON "provider" ("created_at")',
    'CREATE INDEX IF NOT EXISTS "provider_npi" ON "provider" ("npi")',
    'CREATE TABLE IF NOT EXISTS "claim_batch" ("id" INTEGER NOT NULL PRIMARY KEY, '
    '"created_at" DATETIME NOT NULL, "kind" TEXT NOT NULL, "number" INTEGER NOT NULL, '
    '"created_by_id" INTEGER NOT NULL, "file_name" TEXT NOT NULL, "printer" TEXT NOT NULL, '
    '"claim_count" INTEGER NOT NULL, "total" INTEGER NOT NULL, '
    'FOREIGN KEY ("created_by_id") REFERENCES "user" ("id"))',
    'CREATE INDEX IF NOT EXISTS "claim_batch_created_at" ON "claim_batch" ("created_at")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "claim_batch_number" ON "claim_batch" ("number")',
    'CREATE INDEX IF NOT EXISTS "claim_batch_created_by_id" ON "claim_batch" ("created_by_id")',
    'CREATE TABLE IF NOT EXISTS "claim" ("id" INTEGER NOT NULL PRIMARY KEY, '
    '"invoice_id" INTEGER NOT NULL, "payer_id" INTEGER NOT NULL, "coverage_id" INTEGER NOT NULL, '
    '"rank" TEXT NOT NULL, "status" TEXT NOT NULL, "frequency" TEXT NOT NULL, '
    '"replaces_id" INTEGER, "primary_claim_id" INTEGER, "control_number" TEXT NOT NULL, '
    '"payer_claim_number" TEXT NOT NULL, "submitted_mode" TEXT, "batch_id" INTEGER, '
    '"hold_reason" TEXT NOT NULL, "total_charge" INTEGER NOT NULL, "paid_on" DATE, '
    '"created_by_id" INTEGER NOT NULL, "created_at" DATETIME NOT NULL, '
    '"updated_at" DATETIME NOT NULL, FOREIGN KEY ("invoice_id") REFERENCES "invoice" ("id"), '
    'FOREIGN KEY ("payer_id") REFERENCES "payer" ("id"), '
    'FOREIGN KEY ("coverage_id") REFERENCES "coverage" ("id"), '
    'FOREIGN KEY ("replaces_id") REFERENCES "claim" ("id"), '
    'FOREIGN KEY ("primary_claim_id") REFERENCES "claim" ("id"), '
    'FOREIGN KEY ("batch_id") REFERENCES "claim_batch" ("id"), '
    'FOREIGN KEY ("created_by_id") REFERENCES "user" ("id"))',
    'CREATE INDEX IF NOT EXISTS "claim_invoice_id" ON "claim" ("invoice_id")',
    'CREATE INDEX IF NOT EXISTS "claim_payer_id" ON "claim" ("payer_id")',
    'CREATE INDEX IF NOT EXISTS "claim_coverage_id" ON "claim" ("coverage_id")',
    'CREATE INDEX IF NOT EXISTS "claim_status" ON "claim" ("status")',
    'CREATE INDEX IF NOT EXISTS "claim_replaces_id" ON "claim" ("replaces_id")',
    'CREATE INDEX IF NOT EXISTS "claim_primary_claim_id" ON "claim" ("primary_claim_id")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "claim_control_number" ON "claim" ("control_number")',
    'CREATE INDEX IF NOT EXISTS "claim_batch_id" ON "claim" ("batch_id")',
    'CREATE INDEX IF NOT EXISTS "claim_created_by_id" ON "claim" ("created_by_id")',
    'CREATE INDEX IF NOT EXISTS "claim_created_at" ON "claim" ("created_at")',
    'CREATE TABLE IF NOT EXISTS "claim_line" ("id" INTEGER NOT NULL PRIMARY KEY, '
    '"claim_id" INTEGER NOT NULL, "line_id" INTEGER NOT NULL, "charge" INTEGER NOT NULL, '
    '"units" INTEGER NOT NULL, "other_paid" INTEGER, "other_adjustments" TEXT NOT NULL, '
    'FOREIGN KEY ("claim_id") REFERENCES "claim" ("id"), '
    'FOREIGN KEY ("line_id") REFERENCES "invoice_line" ("id"))',
    'CREATE INDEX IF NOT EXISTS "claim_line_claim_id" ON "claim_line" ("claim_id")',
    'CREATE INDEX IF NOT EXISTS "claim_line_line_id" ON "claim_line" ("line_id")',
    ''
    'CREATE UNIQUE INDEX IF NOT EXISTS "claim_line_claim_id_line_id" ON "claim_line" ("claim_id", '
    '"line_id")',
    'CREATE TABLE IF NOT EXISTS "claim_event" ("id" INTEGER NOT NULL PRIMARY KEY, '
    '"claim_id" INTEGER NOT NULL, "status" TEXT NOT NULL, "at" DATETIME NOT NULL, '
    '"by_id" INTEGER NOT NULL, "note" TEXT NOT NULL, '
    'FOREIGN KEY ("claim_id") REFERENCES "claim" ("id"), '
    'FOREIGN KEY ("by_id") REFERENCES "user" ("id"))',
    'CREATE INDEX IF NOT EXISTS "claim_event_claim_id" ON "claim_event" ("claim_id")',
    'CREATE INDEX IF NOT EXISTS "claim_event_at" ON "claim_event" ("at")',
    'CREATE INDEX IF NOT EXISTS "claim_event_by_id" ON "claim_event" ("by_id")',
    'CREATE INDEX IF NOT EXISTS "invoice_rendering_provider_id" ON "invoice" ("rendering_provider_id")',
    'CREATE INDEX IF NOT EXISTS "invoice_referring_provider_id" ON "invoice" ("referring_provider_id")',
)


def split_name(name: str) -> tuple[str, str]:
    """A subscriber's name as typed, as (first, last): "Lee, Ann" and "Ann Lee" both give
    ("Ann", "Lee"); a single word is the last name."""
    name = " ".join((name or "").split())
    if "," in name:
        last, _, first = name.partition(",")
        return first.strip(), last.strip()
    first, _, last = name.rpartition(" ")
    return first, last


def claims(db: Database) -> None:
    """Version 4 (see the module's words). A subscriber other than the patient keeps the name as
    typed and gains it split into first and last."""
    db.execute_sql(STATEMENTS[0])  # the provider table, before the invoice columns pointing at it
    for table, columns in NEW_COLUMNS.items():
        have = {row[1] for row in db.execute_sql(f'PRAGMA table_info("{table}")').fetchall()}
        for name, ddl in columns:
            if name not in have:
                db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "{name}" {ddl}')
    for statement in STATEMENTS:
        db.execute_sql(statement)
    rows = db.execute_sql("SELECT id, subscriber_name FROM coverage WHERE relationship != 'self' "
                          "AND subscriber_name != '' AND subscriber_last_name = ''").fetchall()
    for coverage_id, name in rows:
        first, last = split_name(name)
        db.execute_sql("UPDATE coverage SET subscriber_first_name = ?, subscriber_last_name = ? "
                       "WHERE id = ?", (first, last, coverage_id))
