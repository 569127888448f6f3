"""Claim follow-up and payer calls (the step ``_claim_follow_up_and_calls``): payers gain the days
a claim may wait for an answer before it is chased (30 unless set), claims a follow-up date and
the day of their last appeal, and the table of calls with payers is made. The SQL is written out
as this step made it, so a later change to the models never changes what it does."""

from __future__ import annotations

from peewee import Database

NEW_COLUMNS = {
    "payer": (("follow_up_days", "INTEGER NOT NULL DEFAULT 30"),),
    "claim": (("follow_up_on", "DATE"), ("appealed_on", "DATE")),
}

STATEMENTS = (
    'CREATE TABLE IF NOT EXISTS "payer_call" ("id" INTEGER NOT NULL PRIMARY KEY, '
    '"payer_id" INTEGER NOT NULL, "claim_id" INTEGER, "coverage_id" INTEGER, '
    '"called_on" DATE NOT NULL, "direction" TEXT NOT NULL, "representative" TEXT NOT NULL, '
    '"reference" TEXT NOT NULL, "topic" TEXT NOT NULL, "code" TEXT NOT NULL, '
    '"question" TEXT NOT NULL, "answer" TEXT NOT NULL, "follow_up_on" DATE, '
    '"by_id" INTEGER NOT NULL, "created_at" DATETIME NOT NULL, '
    'FOREIGN KEY ("payer_id") REFERENCES "payer" ("id"), '
    'FOREIGN KEY ("claim_id") REFERENCES "claim" ("id"), '
    'FOREIGN KEY ("coverage_id") REFERENCES "coverage" ("id"), '
    'FOREIGN KEY ("by_id") REFERENCES "user" ("id"))',
    'CREATE INDEX IF NOT EXISTS "payer_call_payer_id" ON "payer_call" ("payer_id")',
    'CREATE INDEX IF NOT EXISTS "payer_call_claim_id" ON "payer_call" ("claim_id")',
    'CREATE INDEX IF NOT EXISTS "payer_call_coverage_id" ON "payer_call" ("coverage_id")',
    'CREATE INDEX IF NOT EXISTS "payer_call_called_on" ON "payer_call" ("called_on")',
    'CREATE INDEX IF NOT EXISTS "payer_call_by_id" ON "payer_call" ("by_id")',
)


def claim_follow_up_and_calls(db: Database) -> None:
    """See the module's words."""
    for table, columns in NEW_COLUMNS.items():
        have = {row[1] for row in db.execute_sql(f'PRAGMA table_info("{table}")').fetchall()}
        for name, ddl in columns:
            if name not in have:
                db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "{name}" {ddl}')
    for statement in STATEMENTS:
        db.execute_sql(statement)
