"""Backups signed with the office's audit key; forged, unsigned and other offices' backups;
the schema checked against the program's own; refusals in the audit trail (issue 14, item 3)."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from billing_desk.errors import PermissionDenied
from billing_desk.models import AuditEntry
from billing_desk.models.db import open_database
from billing_desk.services.checks import run_checks
from billing_desk.services.office import backup as backups, restore
from billing_desk.services.office.backup_archive import BackupError, connect_copy, database_facts, file_sha256
from billing_desk.services.office.settings import set_setting
from billing_desk.services.office.users import ensure_administrator


def forge(source: Path, target: Path, sql: str = "", *, keep_signature: bool = True) -> Path:
    """The backup's database changed by ``sql``, its manifest's facts and checksum recomputed."""
    work = target.with_suffix(".work.sqlite")
    with zipfile.ZipFile(source) as zin:
        manifest = json.loads(zin.read("manifest.json"))
        work.write_bytes(zin.read("billing-desk.sqlite"))
    if sql:
        con = sqlite3.connect(str(work))
        con.executescript(sql)
        con.close()
    con = connect_copy(work)
    manifest.update(database_facts(con))
    con.close()
    manifest.update(data_sha256=file_sha256(work), data_bytes=work.stat().st_size)
    if not keep_signature:
        manifest.pop("signature", None)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        zout.writestr("manifest.json", json.dumps(manifest))
        zout.write(work, "billing-desk.sqlite")
    work.unlink()
    return target


DROP_TRIGGERS = "DROP TRIGGER ledger_entry_no_update; DROP TRIGGER ledger_entry_no_delete;"


@pytest.fixture
def made(db, admin, tmp_path) -> Path:
    set_setting("office_name", "Main Street Practice", admin)
    (tmp_path / "bk").mkdir()
    return backups.make_backup(db.path, tmp_path / "bk", user="admin").path


def refusals() -> list[str]:
    return [e.summary for e in AuditEntry.select().where(AuditEntry.action == "restore_refused")]


def test_a_backup_is_signed_with_the_office_key_and_names_its_office(made):
    manifest = backups.verify_backup(made)
    assert len(manifest["signature"]) == 64 and manifest["office_name"] == "Main Street Practice"
    assert any(line.startswith("Office: Main Street Practice") for line in backups.manifest_lines(manifest))


def test_a_forged_backup_with_its_manifest_recomputed_is_refused_and_the_refusal_audited(
        db, admin, made, tmp_path):
    forged = forge(made, tmp_path / "forged.bdbackup", "UPDATE setting SET value = '\"Forged\"' "
                                                        "WHERE key = 'office_name';")
    with pytest.raises(BackupError, match="altered after it was made"):
        backups.verify_backup(forged)
    db.close()
    with pytest.raises(BackupError, match="altered after it was made"):
        restore.restore_backup(forged, db.path, admin, safety_folder=tmp_path / "safety")
    opened = open_database(db.path)
    try:
        assert len(refusals()) == 1 and "forged.bdbackup" in refusals()[0]
    finally:
        opened.close()


def test_dropped_triggers_are_found_by_verify_and_by_check(db, admin, made, tmp_path):
    stripped = forge(made, tmp_path / "stripped.bdbackup", DROP_TRIGGERS, keep_signature=False)
    with pytest.raises(BackupError, match="schema: the trigger ledger_entry_no_delete is missing"):
        backups.verify_backup(stripped)
    assert run_checks().clean
    db.db.execute_sql("DROP TRIGGER ledger_entry_no_update")
    result = run_checks()
    assert not result.clean and result.schema == ["the trigger ledger_entry_no_update is missing (removed)"]
    assert "schema: 1 problem(s)" in result.lines()


def test_an_unsigned_backup_needs_the_administrator_and_says_why(db, admin, supervisor, made, tmp_path):
    unsigned = forge(made, tmp_path / "old.bdbackup", keep_signature=False)
    db.close()
    with pytest.raises(PermissionDenied, match="no office signature.*Only the administrator"):
        restore.restore_backup(unsigned, db.path, supervisor, safety_folder=tmp_path / "safety")
    result = restore.restore_backup(unsigned, db.path, admin, safety_folder=tmp_path / "safety")
    assert result.path == db.path
    opened = open_database(db.path)
    try:
        restored = (AuditEntry.select().where(AuditEntry.action == "restore")
                    .order_by(AuditEntry.id.desc()).get())
        assert "no office signature" in restored.summary
        assert run_checks().clean
    finally:
        opened.close()


@pytest.mark.parametrize("key_here", [True, False])
def test_another_offices_backup_needs_the_administrator_and_says_whose_it_is(
        db, admin, supervisor, tmp_path, key_here):
    from billing_desk.services.office import audit_keys

    db.close()
    east = tmp_path / "east" / "east.sqlite"
    other = open_database(east)
    set_setting("office_name", "Eastside Clinic", ensure_administrator())
    office = audit_keys.office_id()
    other.close()
    (tmp_path / "bk").mkdir()
    theirs = backups.make_backup(east, tmp_path / "bk", user="admin").path
    if not key_here:  # made on another PC: its key is not here
        (audit_keys.keys_dir() / f"{office}.key").unlink()
        east.with_name(east.name + ".auditkey").unlink()
    with pytest.raises(PermissionDenied, match="another office: Eastside Clinic.*Only the administrator"):
        restore.restore_backup(theirs, db.path, supervisor, safety_folder=tmp_path / "safety")
    opened = open_database(db.path)
    try:
        assert "Eastside Clinic" in refusals()[0]
    finally:
        opened.close()
    restore.restore_backup(theirs, db.path, admin, safety_folder=tmp_path / "safety")


def test_a_clerk_refused_a_restore_is_in_the_trail(db, clerk, made, tmp_path):
    db.close()
    with pytest.raises(PermissionDenied):
        restore.restore_backup(made, db.path, clerk)
    opened = open_database(db.path)
    try:
        assert "may not restore a backup" in refusals()[0]
    finally:
        opened.close()
