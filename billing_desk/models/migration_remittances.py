"""Version 5: remittances. One insurance payment per check or EFT (table insurance_payment, each
account's part a payment pointing at it), money held unapplied on the payer or taken back by it
(insurance_money), what the remittance said per line (remit_line), claims it named that we could
not match (unmatched_claim), the CARC/RARC codes (remit_code, seeded from resources/codes), and
adjustments keeping their group, CARC and RARC. The SQL is written out as version 5 made it."""

from __future__ import annotations

import csv

from peewee import Database

from ..paths import resource

NEW_COLUMNS = {
    "payment": (("insurance_payment_id", 'INTEGER REFERENCES "insurance_payment" ("id")'),),
    "adjustment": tuple((name, "TEXT NOT NULL DEFAULT ''") for name in ("group_code", "carc", "remarks")),
}

STATEMENTS = (
    'CREATE TABLE IF NOT EXISTS "insurance_payment" ("id" INTEGER NOT NULL PRIMARY KEY, '
    '"created_at" DATETIME NOT NULL, "payer_id" INTEGER NOT NULL, "payer_ref" TEXT NOT NULL, '
    '"method" TEXT NOT NULL, "reference" TEXT NOT NULL, "amount" INTEGER NOT NULL, '
    '"received_on" DATE NOT NULL, "entered_on" DATE NOT NULL, "source" TEXT NOT NULL, '
    '"fingerprint" TEXT, "created_by_id" INTEGER NOT NULL, '
    'FOREIGN KEY ("payer_id") REFERENCES "payer" ("id"), '
    'FOREIGN KEY ("created_by_id") REFERENCES "user" ("id"))',
    'CREATE INDEX IF NOT EXISTS "insurance_payment_created_at" ON "insurance_payment" ("created_at")',
    'CREATE INDEX IF NOT EXISTS "insurance_payment_payer_id" ON "insurance_payment" ("payer_id")',
    'CREATE INDEX IF NOT EXISTS "insurance_payment_reference" ON "insurance_payment" ("reference")',
    'CREATE INDEX IF NOT EXISTS "insurance_payment_received_on" ON "insurance_payment" ("received_on")',
    'CREATE INDEX IF NOT EXISTS "insurance_payment_entered_on" ON "insurance_payment" ("entered_on")',
    'CREATE UNIQUE INDEX IF NOT EXISTS "insurance_payment_fingerprint" ON "insurance_payment" '
    '("fingerprint")',
    'CREATE INDEX IF NOT EXISTS "insurance_payment_created_by_id" ON "insurance_payment" '
    '("created_by_id")',
    'CREATE TABLE IF NOT EXISTS "insurance_money" ("id" INTEGER NOT NULL PRIMARY KEY, '
    '"insurance_payment_id" INTEGER NOT NULL, "payer_id" INTEGER NOT NULL, "kind" TEXT NOT NULL, '
    '"amount" INTEGER NOT NULL, "reason" TEXT NOT NULL, "code" TEXT NOT NULL, '
    '"reference" TEXT NOT NULL, "entry_date" DATE NOT NULL, "created_by_id" INTEGER NOT NULL, '
    '"created_at" DATETIME NOT NULL, '
    'FOREIGN KEY ("insurance_payment_id") REFERENCES "insurance_payment" ("id"), '
    'FOREIGN KEY ("payer_id") REFERENCES "payer" ("id"), '
    'FOREIGN KEY ("created_by_id") REFERENCES "user" ("id"))',
    'CREATE INDEX IF NOT EXISTS "insurance_money_insurance_payment_id" ON "insurance_money" '
    '("insurance_payment_id")',
    'CREATE INDEX IF NOT EXISTS "insurance_money_payer_id" ON "insurance_money" ("payer_id")',
    'CREATE INDEX IF NOT EXISTS "insurance_money_entry_date" ON "insurance_money" ("entry_date")',
    'CREATE INDEX IF NOT EXISTS "insurance_money_created_by_id" ON "insurance_money" ("created_by_id")',
    'CREATE TABLE IF NOT EXISTS "remit_line" ("id" INTEGER NOT NULL PRIMARY KEY, '
    '"insurance_payment_id" INTEGER NOT NULL, "payment_id" INTEGER, "claim_id" INTEGER NOT NULL, '
    '"line_id" INTEGER NOT NULL, "claim_status" TEXT NOT NULL, "code" TEXT NOT NULL, '
    '"charge" INTEGER NOT NULL, "allowed" INTEGER, "paid" INTEGER NOT NULL, '
    '"deductible" INTEGER NOT NULL, "coinsurance" INTEGER NOT NULL, "copay" INTEGER NOT NULL, '
    '"adjustments" TEXT NOT NULL, "remarks" TEXT NOT NULL, '
    'FOREIGN KEY ("insurance_payment_id") REFERENCES "insurance_payment" ("id"), '
    'FOREIGN KEY ("payment_id") REFERENCES "payment" ("id"), '
    'FOREIGN KEY ("claim_id") REFERENCES "claim" ("id"), '
    'FOREIGN KEY ("line_id") REFERENCES "invoice_line" ("id"))',
    'CREATE INDEX IF NOT EXISTS "remit_line_insurance_payment_id" ON "remit_line" '
    '("insurance_payment_id")',
    'CREATE INDEX IF NOT EXISTS "remit_line_payment_id" ON "remit_line" ("payment_id")',
    'CREATE INDEX IF NOT EXISTS "remit_line_claim_id" ON "remit_line" ("claim_id")',
    'CREATE INDEX IF NOT EXISTS "remit_line_line_id" ON "remit_line" ("line_id")',
    'CREATE TABLE IF NOT EXISTS "unmatched_claim" ("id" INTEGER NOT NULL PRIMARY KEY, '
    '"insurance_payment_id" INTEGER NOT NULL, "claim_number" TEXT NOT NULL, '
    '"patient_name" TEXT NOT NULL, "member_id" TEXT NOT NULL, "charge" INTEGER NOT NULL, '
    '"paid" INTEGER NOT NULL, "detail" TEXT NOT NULL, "matched_claim_id" INTEGER, '
    '"resolved_by_id" INTEGER, "resolved_at" DATETIME, '
    'FOREIGN KEY ("insurance_payment_id") REFERENCES "insurance_payment" ("id"), '
    'FOREIGN KEY ("matched_claim_id") REFERENCES "claim" ("id"), '
    'FOREIGN KEY ("resolved_by_id") REFERENCES "user" ("id"))',
    'CREATE INDEX IF NOT EXISTS "unmatched_claim_insurance_payment_id" ON "unmatched_claim" '
    '("insurance_payment_id")',
    'CREATE INDEX IF NOT EXISTS "unmatched_claim_claim_number" ON "unmatched_claim" ("claim_number")',
    'CREATE INDEX IF NOT EXISTS "unmatched_claim_matched_claim_id" ON "unmatched_claim" '
    '("matched_claim_id")',
    'CREATE INDEX IF NOT EXISTS "unmatched_claim_resolved_by_id" ON "unmatched_claim" ("resolved_by_id")',
    'CREATE TABLE IF NOT EXISTS "remit_code" ("id" INTEGER NOT NULL PRIMARY KEY, "kind" TEXT NOT NULL, '
    '"code" TEXT NOT NULL, "description" TEXT NOT NULL, "active" INTEGER NOT NULL)',
    'CREATE UNIQUE INDEX IF NOT EXISTS "remit_code_kind_code" ON "remit_code" ("kind", "code")',
    'CREATE INDEX IF NOT EXISTS "payment_insurance_payment_id" ON "payment" ("insurance_payment_id")',
)


def seed_remit_codes(db: Database) -> None:
    """The common CARC and RARC codes with their official short descriptions (a code the office
    already has keeps its own description)."""
    with open(resource("codes", "remit_codes.csv"), newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            db.execute_sql("INSERT INTO remit_code (kind, code, description, active) "
                           "VALUES (?, ?, ?, TRUE) ON CONFLICT DO NOTHING",
                           (row["kind"], row["code"], row["description"]))


def remittances(db: Database) -> None:
    """Version 5 (see the module's words)."""
    for statement in STATEMENTS[:1]:
        db.execute_sql(statement)  # the table a new payment column points at
    for table, columns in NEW_COLUMNS.items():
        have = {row[1] for row in db.execute_sql(f'PRAGMA table_info("{table}")').fetchall()}
        for name, ddl in columns:
            if name not in have:
                db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "{name}" {ddl}')
    for statement in STATEMENTS:
        db.execute_sql(statement)
    seed_remit_codes(db)
