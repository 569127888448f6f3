"""The database file: pragmas, money columns, the one-program lock, refusals and upgrades."""

import os
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from old_files import older_file, upgraded
from peewee import DecimalField, DoubleField, FloatField

from billing_desk.errors import DatabaseError
from billing_desk.models import ALL_MODELS, database
from billing_desk.models.db import check_location, open_database
from billing_desk.models.fields import MoneyField
from billing_desk.models.migrations import SCHEMA_VERSION


def test_pragmas(db):
    sql = database.execute_sql
    assert sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert sql("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert sql("PRAGMA busy_timeout").fetchone()[0] >= 1000
    assert sql("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_no_model_keeps_money_as_float_or_decimal(db):
    for model in ALL_MODELS:
        for field in model._meta.sorted_fields:
            assert not isinstance(field, (FloatField, DoubleField, DecimalField)), \
                f"{model.__name__}.{field.name} is a {type(field).__name__}"
    for model in ALL_MODELS:
        columns = {row[1]: row[2] for row in database.execute_sql(
            f'PRAGMA table_info("{model._meta.table_name}")').fetchall()}
        for field in model._meta.sorted_fields:
            assert columns[field.column_name].upper() not in ("REAL", "FLOAT", "DOUBLE", "DECIMAL",
                                                              "NUMERIC"), f"{model.__name__}.{field.name}"
            if isinstance(field, MoneyField):
                assert columns[field.column_name].upper() == "INTEGER"


def test_every_foreign_key_is_indexed(db):
    for model in ALL_MODELS:
        table = model._meta.table_name
        indexed = set()
        for (_seq, name, *_rest) in database.execute_sql(f'PRAGMA index_list("{table}")').fetchall():
            first = database.execute_sql(f'PRAGMA index_info("{name}")').fetchall()
            if first:
                indexed.add(first[0][2])
        for field in model._meta.refs:
            assert field.column_name in indexed, f"{table}.{field.column_name} has no index"


def test_a_second_program_is_told_who_holds_the_file(tmp_path):
    first = open_database(tmp_path / "a.sqlite")
    try:
        with pytest.raises(DatabaseError, match="open in another Billing Desk"):
            open_database(tmp_path / "a.sqlite")
    finally:
        first.close()
    open_database(tmp_path / "a.sqlite").close()  # free again once the first closes


@pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="symlinks need POSIX")
def test_a_symlinked_path_does_not_bypass_the_lock(tmp_path):
    first = open_database(tmp_path / "a.sqlite")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "link.sqlite").symlink_to(tmp_path / "a.sqlite")
    (tmp_path / "folder-link").symlink_to(tmp_path, target_is_directory=True)
    try:
        for other in (tmp_path / "elsewhere" / "link.sqlite", tmp_path / "folder-link" / "a.sqlite"):
            with pytest.raises(DatabaseError, match="open in another Billing Desk"):
                open_database(other)
    finally:
        first.close()
    second = open_database(tmp_path / "elsewhere" / "link.sqlite")
    try:
        assert second.path == (tmp_path / "a.sqlite").resolve()
    finally:
        second.close()


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    path = tmp_path / "notes.sqlite"
    path.write_text("these are my notes, not a database" * 10)
    with pytest.raises(DatabaseError, match="not a Billing Desk database"):
        open_database(path)
    assert path.read_text().startswith("these are my notes")


def test_another_programs_sqlite_file_is_refused(tmp_path):
    path = tmp_path / "other.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE songs (title TEXT)")
    con.commit()
    con.close()
    with pytest.raises(DatabaseError, match="not a Billing Desk database"):
        open_database(path)


def test_a_file_from_a_newer_program_is_refused_untouched(tmp_path):
    path = tmp_path / "new.sqlite"
    open_database(path).close()
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="newer Billing Desk"):
        open_database(path)
    assert path.read_bytes() == before


def make_version_1_file(path: Path) -> None:
    """A real version-1 file: the schema as version 1 shipped it (no preferred_contact, no triggers)."""
    from billing_desk.models import Account

    values = {"created_at": "2025-01-01 09:00:00", "number": "100001", "status": "active",
              "first_name": "Ann", "last_name": "Old", "sort_name": "old ann"}
    for field in Account._meta.sorted_fields:
        if field.name in ("id", "preferred_contact", "sex", *NAMES_V5) or field.column_name in values:
            continue
        default = field.default() if callable(field.default) else field.default
        values[field.column_name] = field.db_value(default) if default is not None else None
    names = ", ".join(values)
    older_file(path, 1, "DROP TRIGGER audit_entry_no_update", "DROP TRIGGER audit_entry_no_delete",
               "DROP TRIGGER ledger_entry_no_update", "DROP TRIGGER ledger_entry_no_delete",
               "ALTER TABLE account DROP COLUMN preferred_contact", make_version_2_payers,
               (f"INSERT INTO account ({names}) VALUES ({', '.join('?' * len(values))})",
                list(values.values())))


CLAIM_TABLES = ("claim_event", "claim_line", "claim", "claim_batch")


def make_version_7_programs(con) -> None:
    """Undo version 8 (the payer's program) as version 7 had it."""
    con.execute("ALTER TABLE payer DROP COLUMN program")


def make_version_6_follow_up(con) -> None:
    """Undo versions 8 and 7 (payer calls, claim follow-up) as version 6 had it."""
    make_version_7_programs(con)
    con.execute("DROP TABLE payer_call")
    for table, column in (("payer", "follow_up_days"), ("claim", "follow_up_on"),
                          ("claim", "appealed_on")):
        con.execute(f"ALTER TABLE {table} DROP COLUMN {column}")


def make_version_3_claims(con) -> None:
    """Undo versions 5 and 4 (sexes, subscribers' details, providers, claims) as version 3 had it."""
    make_version_4_names(con)
    for table in CLAIM_TABLES:
        con.execute(f"DROP TABLE {table}")
    _drop_invoice_provider_columns(con)
    con.execute("DROP TABLE provider")
    con.execute("ALTER TABLE account DROP COLUMN sex")
    for column in ("first_name", "last_name", "date_of_birth", "sex", "street", "street2", "city",
                   "state", "zip_code"):
        con.execute(f"ALTER TABLE coverage DROP COLUMN subscriber_{column}")


def _drop_invoice_provider_columns(con) -> None:
    """SQLite drops no column with a foreign key: the invoice table is made again without them."""
    import re

    gone = ("rendering_provider_id", "referring_provider_id", "prior_authorization")
    (sql,) = con.execute("SELECT sql FROM sqlite_master WHERE name = 'invoice'").fetchone()
    indexes = [row[0] for row in con.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'invoice' AND sql IS NOT NULL "
        "AND name NOT LIKE '%provider_id'")]
    for column in gone:
        sql = re.sub(rf', "{column}" [^,]*', "", sql)
        sql = re.sub(rf', FOREIGN KEY \("{column}"\) REFERENCES "provider" \("id"\)', "", sql)
    kept = [row[1] for row in con.execute("PRAGMA table_info(invoice)") if row[1] not in gone]
    names = ", ".join(f'"{c}"' for c in kept)
    con.execute("PRAGMA legacy_alter_table = ON")
    con.execute("ALTER TABLE invoice RENAME TO invoice_v4")
    con.execute(sql)
    con.execute(f"INSERT INTO invoice ({names}) SELECT {names} FROM invoice_v4")
    con.execute("DROP TABLE invoice_v4")
    for index in indexes:
        con.execute(index)
    con.execute("PRAGMA legacy_alter_table = OFF")


NAMES_V5 = ("middle_name", "suffix")


def make_version_4_names(con) -> None:
    """Undo versions 6 and 5 (remittances; middle names and suffixes of accounts and guarantors)."""
    make_version_5_remittances(con)
    for table in ("account", "guarantor"):
        for column in NAMES_V5:
            con.execute(f"ALTER TABLE {table} DROP COLUMN {column}")


def make_version_2_payers(con) -> None:
    """Undo version 3 (payer claim fields, plan_copay) and keep one payer as version 2 had it."""
    make_version_3_claims(con)
    con.execute("DROP TABLE plan_copay")
    for column in ("fax", "portal", "timely_filing_days", "claim_mode", "notes"):
        con.execute(f"ALTER TABLE payer DROP COLUMN {column}")
    con.execute("INSERT INTO payer (created_at, name, payer_id, phone, address, member_id_pattern, "
                "active) VALUES ('2025-01-01 09:00:00', 'Old Mutual', 'OLD01', '', '', '', 1)")


def test_a_version_2_file_gains_payer_claim_fields_and_plan_copays(tmp_path):
    path = tmp_path / "office.sqlite"
    older_file(path, 2, make_version_2_payers)
    with upgraded(path, 2):
        from billing_desk.models import Payer, Plan, PlanCopay

        payer = Payer.get(Payer.name == "Old Mutual")
        assert (payer.claim_mode, payer.fax, payer.timely_filing_days) == ("electronic", "", None)
        plan = Plan.create(payer=payer, name="Basic")
        PlanCopay.create(plan=plan, category="Visits", copay=Decimal("25"))
        assert PlanCopay.get().deductible_applies is False


def test_a_version_3_file_gains_claims_sexes_and_subscribers(tmp_path):
    path = tmp_path / "office.sqlite"
    opened = open_database(path)
    from billing_desk.models import Account, Coverage, Payer, Plan, User

    user = User.create(username="u", full_name="U")
    payer = Payer.create(name="Old Mutual", payer_id="OLD01")
    plan = Plan.create(payer=payer, name="Basic")
    account = Account.create(number="100001", first_name="Tim", last_name="Kid", sort_name="kid tim",
                             status="active")
    opened.close()
    older_file(path, 3, make_version_3_claims,
               "INSERT INTO coverage (created_at, account_id, plan_id, rank, member_id, group_number, "
               "subscriber_name, relationship, deductible_met, out_of_pocket_met, active) VALUES "
               f"('2025-01-01 09:00:00', {account.id}, {plan.id}, 'primary', 'M1', '', 'Kid, Ann', "
               "'child', 0, 0, 1)")
    with upgraded(path, 3):
        from billing_desk.models import Claim, Provider

        assert Account.get_by_id(account.id).sex == "U"
        coverage = Coverage.get()
        assert (coverage.subscriber_first_name, coverage.subscriber_last_name) == ("Ann", "Kid")
        assert coverage.subscriber_name == "Kid, Ann" and coverage.subscriber_sex == "U"
        Provider.create(last_name="Doe", first_name="Jan", npi="1234567893")
        assert Claim.select().count() == 0 and User.get_by_id(user.id).username == "u"


def test_a_version_4_file_gains_middle_names_and_suffixes(tmp_path):
    path = tmp_path / "office.sqlite"
    older_file(path, 4, make_version_4_names,
               "INSERT INTO guarantor (created_at, first_name, last_name, relationship, street, "
               "street2, city, state, zip_code, phone, email) VALUES ('2025-01-01 09:00:00', 'Bo', "
               "'Old', 'parent', '', '', '', '', '', '', '')")
    with upgraded(path, 4):
        from billing_desk.models import Guarantor

        old = Guarantor.get(Guarantor.last_name == "Old")
        assert (old.middle_name, old.suffix) == ("", "")


def test_a_version_7_file_gains_the_payers_program_commercial_unless_set(tmp_path):
    path = tmp_path / "office.sqlite"
    opened = open_database(path)
    from billing_desk.models import Payer

    Payer.create(name="Old Mutual", payer_id="OLD01")
    opened.close()
    older_file(path, 7, make_version_7_programs)
    with upgraded(path, 7):
        assert Payer.get(Payer.name == "Old Mutual").program == "commercial"


def test_a_version_9_file_gains_the_reviews_indexes_and_loses_its_kept_sums(tmp_path):
    path = tmp_path / "office.sqlite"
    older_file(path, 9, "DROP INDEX ledger_entry_day_kind", "DROP INDEX invoice_posted_payer",
               "INSERT INTO setting (key, value) VALUES ('review_cache', '{\"flows\": {}}')")
    with upgraded(path, 9):
        from billing_desk.models import Setting

        assert Setting.get_or_none(Setting.key == "review_cache") is None
        plan = " ".join(str(row) for row in database.execute_sql(
            "EXPLAIN QUERY PLAN SELECT entry_date, kind, SUM(amount) FROM ledger_entry "
            "WHERE entry_date BETWEEN '2026-01-01' AND '2026-03-31' GROUP BY entry_date, kind"))
        assert "COVERING INDEX ledger_entry_day_kind" in plan


def test_a_version_6_file_gains_claim_follow_up_and_payer_calls(tmp_path):
    path = tmp_path / "office.sqlite"
    opened = open_database(path)
    from billing_desk.models import Payer

    Payer.create(name="Old Mutual", payer_id="OLD01")
    opened.close()
    older_file(path, 6, make_version_6_follow_up)
    with upgraded(path, 6):
        from billing_desk.models import PayerCall

        assert Payer.get(Payer.name == "Old Mutual").follow_up_days == 30
        assert PayerCall.select().count() == 0


def test_an_older_file_is_upgraded_after_a_backup(tmp_path):
    path = tmp_path / "office.sqlite"
    make_version_1_file(path)
    with upgraded(path, 1):
        from billing_desk.models import Account

        account = Account.get(Account.number == "100001")
        assert account.preferred_contact == "phone"
        triggers = {row[0] for row in database.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()}
        assert {"audit_entry_no_update", "audit_entry_no_delete", "ledger_entry_no_update",
                "ledger_entry_no_delete"} <= triggers
    backups = list(tmp_path.glob("office.schema1-before-upgrade-*.sqlite"))
    assert len(backups) == 1
    con = sqlite3.connect(backups[0])
    assert con.execute("PRAGMA user_version").fetchone()[0] == 1
    assert con.execute("SELECT last_name FROM account").fetchone()[0] == "Old"
    con.close()


def test_network_paths_are_refused_and_cloud_folders_warned(tmp_path):
    with pytest.raises(DatabaseError, match="network"):
        check_location(Path("//server/share/office.sqlite"))
    warnings = check_location(tmp_path / "OneDrive" / "office.sqlite")
    assert warnings and "cloud" in warnings[0]
    assert check_location(tmp_path / "office.sqlite") == []


def test_ledger_and_audit_refuse_update_and_delete(db, admin, catalogue, make_account):
    import datetime as dt

    from billing_desk.models import AuditEntry, LedgerEntry
    from billing_desk.services.books.invoices import quick_invoice

    quick_invoice(make_account().id, dt.date(2026, 1, 5), [("99213", 1)], admin)
    assert AuditEntry.select().count() >= 1 and LedgerEntry.select().count() == 1
    for statement in ("UPDATE audit_entry SET summary = 'x'", "DELETE FROM audit_entry",
                      "UPDATE ledger_entry SET amount = 0", "DELETE FROM ledger_entry"):
        with pytest.raises(Exception, match="append-only"):
            database.execute_sql(statement)


def test_a_large_cleanly_closed_file_is_checked_in_the_background(tmp_path, monkeypatch):
    from billing_desk.models import db as dbmod

    path = tmp_path / "big.sqlite"
    open_database(path).close()
    monkeypatch.setattr(dbmod, "QUICK_CHECK_NOW_BYTES", 0)
    opened = open_database(path)
    try:
        assert opened.background_check is not None
        assert opened.background_check.result(timeout=30) == "ok"
    finally:
        opened.close()


def test_a_file_left_by_a_crash_is_checked_before_it_opens(tmp_path, monkeypatch):
    from billing_desk.models import db as dbmod

    path = tmp_path / "big.sqlite"
    open_database(path).close()
    path.with_name(path.name + "-wal").write_bytes(b"\0" * 32)  # what a crash leaves behind
    monkeypatch.setattr(dbmod, "QUICK_CHECK_NOW_BYTES", 0)
    opened = open_database(path)
    try:
        assert opened.background_check is None
    finally:
        opened.close()


def make_version_5_remittances(con) -> None:
    """Undo versions 7 and 6 (follow-up; insurance payments, remittance lines, unmatched claims,
    CARC/RARC codes)."""
    make_version_6_follow_up(con)
    for table in ("remit_code", "unmatched_claim", "remit_line", "insurance_money"):
        con.execute(f"DROP TABLE {table}")
    _drop_payment_check_column(con)
    con.execute("DROP TABLE insurance_payment")
    for column in ("group_code", "carc", "remarks"):
        con.execute(f"ALTER TABLE adjustment DROP COLUMN {column}")


def test_a_version_5_file_gains_insurance_payments_and_the_remittance_codes(tmp_path):
    path = tmp_path / "office.sqlite"
    older_file(path, 5, make_version_5_remittances)
    with upgraded(path, 5):
        from billing_desk.models import RemitCode

        assert RemitCode.get(kind="CARC", code="45").description.startswith("Charge exceeds")


def _drop_payment_check_column(con) -> None:
    """The payment table made again without insurance_payment_id, as version 5 had it."""
    import re

    (sql,) = con.execute("SELECT sql FROM sqlite_master WHERE name = 'payment'").fetchone()
    indexes = [row[0] for row in con.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'payment' AND sql IS NOT NULL "
        "AND name != 'payment_insurance_payment_id'")]
    sql = re.sub(r', "insurance_payment_id" [^,]*', "", sql)
    sql = re.sub(r', FOREIGN KEY \("insurance_payment_id"\) REFERENCES "insurance_payment" \("id"\)', "",
                 sql)
    kept = [row[1] for row in con.execute("PRAGMA table_info(payment)") if row[1] != "insurance_payment_id"]
    names = ", ".join(f'"{c}"' for c in kept)
    con.execute("PRAGMA legacy_alter_table = ON")
    con.execute("ALTER TABLE payment RENAME TO payment_v4")
    con.execute(sql)
    con.execute(f"INSERT INTO payment ({names}) SELECT {names} FROM payment_v4")
    con.execute("DROP TABLE payment_v4")
    for index in indexes:
        con.execute(index)
    con.execute("PRAGMA legacy_alter_table = OFF")


def test_a_version_12_file_gains_the_coverages_esrd_period(tmp_path):
    path = tmp_path / "office.sqlite"
    older_file(path, 12, "ALTER TABLE coverage DROP COLUMN esrd_started_on")
    with upgraded(path, 12):
        columns = {row[1] for row in database.execute_sql("PRAGMA table_info(coverage)").fetchall()}
        assert "esrd_started_on" in columns
