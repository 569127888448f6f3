"""The audit trail: a keyed chain that shows altered, removed and inserted entries."""

import hashlib
import hmac
import json
import shutil
import sqlite3

import pytest

from billing_desk.models import AuditEntry, database
from billing_desk.models.db import open_database
from billing_desk.services.office import audit, audit_keys, auth

pytestmark = pytest.mark.both_engines


@pytest.fixture(autouse=True)
def _fast_hash(monkeypatch):
    monkeypatch.setenv("BILLING_DESK_SCRYPT_N", "1024")


@pytest.fixture
def trail(db, admin, make_account):
    for last in ("Ames", "Bell", "Cruz"):
        make_account(last=last)
    audit.sync_anchor()
    assert AuditEntry.select().count() >= 7
    return db


def tamper(db, *statements):
    """Raw sqlite3, the way someone with the file would: drop the triggers, change the rows."""
    database.close()
    con = sqlite3.connect(db.path)
    con.execute("DROP TRIGGER audit_entry_no_update")
    con.execute("DROP TRIGGER audit_entry_no_delete")
    for sql in statements:
        con.execute(sql)
    con.commit()
    con.close()
    database.connect()


def test_a_clean_trail_verifies(trail):
    assert audit.verify_chain() == []
    ids = [e.id for e in AuditEntry.select().order_by(AuditEntry.id)]
    assert ids == list(range(1, len(ids) + 1))


def test_the_database_refuses_update_and_delete(trail):
    with pytest.raises(Exception, match="append-only"):
        database.execute_sql("UPDATE audit_entry SET summary = 'x' WHERE id = 2")
    with pytest.raises(Exception, match="append-only"):
        database.execute_sql("DELETE FROM audit_entry WHERE id = 2")


@pytest.mark.sqlite_only  # edits or copies the database file
def test_a_changed_entry_is_found(trail):
    tamper(trail, "UPDATE audit_entry SET summary = 'nothing happened' WHERE id = 3")
    assert audit.verify_chain() == ["audit trail: entry 3 was altered or inserted (its keyed hash is wrong)"]


@pytest.mark.sqlite_only  # edits or copies the database file
def test_a_deleted_entry_is_found(trail):
    tamper(trail, "DELETE FROM audit_entry WHERE id = 4")
    assert audit.verify_chain() == ["audit trail: entry 4 is missing (removed)"]


@pytest.mark.sqlite_only  # edits or copies the database file
def test_deleting_the_last_entries_is_found_by_the_anchor(trail):
    last = AuditEntry.select().order_by(AuditEntry.id.desc()).first().id
    tamper(trail, f"DELETE FROM audit_entry WHERE id >= {last - 1}")
    problems = audit.verify_chain()
    assert len(problems) == 1 and f"entry {last} is missing" in problems[0]
    assert f"ends at entry {last - 2}" in problems[0]
    assert audit.sync_anchor() == problems[0]  # the anchor does not move past the hole


@pytest.mark.sqlite_only  # edits or copies the database file
def test_an_inserted_entry_is_found(trail):
    tamper(trail, "INSERT INTO audit_entry (id, at, username, action, \"table\", summary, prev_hash, hash) "
                  "SELECT id + 1, at, 'admin', 'note', '', 'forged', hash, 'f' FROM audit_entry "
                  "WHERE id = (SELECT max(id) FROM audit_entry)")
    problem = audit.verify_chain()
    assert len(problem) == 1 and "was altered or inserted" in problem[0]


@pytest.mark.sqlite_only  # edits or copies the database file
def test_an_entry_inserted_in_the_middle_is_found(trail):
    tamper(trail, "INSERT INTO audit_entry (id, at, username, action, \"table\", summary, prev_hash, hash) "
                  "VALUES (-1, '2026-01-01 00:00:00', 'admin', 'note', '', 'forged', '', 'x')")
    assert audit.verify_chain() == ["audit trail: entry -1 is out of order (inserted)"]


@pytest.mark.sqlite_only  # edits or copies the database file
def test_a_copy_cannot_be_rechained_without_the_key(trail):
    """Someone with the file alters an entry and recomputes every hash with a key of their own."""
    tamper(trail, "UPDATE audit_entry SET summary = 'nothing happened' WHERE id = 2")
    forged_key = hashlib.sha256(b"billing-desk-audit-v1").digest()
    entries = list(AuditEntry.select().order_by(AuditEntry.id))
    database.close()
    con = sqlite3.connect(trail.path)
    prev = ""
    for entry in entries:
        entry.prev_hash, entry.hash = prev, audit.entry_hash(forged_key, prev, entry)
        con.execute("UPDATE audit_entry SET prev_hash = ?, hash = ? WHERE id = ?",
                    (entry.prev_hash, entry.hash, entry.id))
        prev = entry.hash
    con.commit()
    con.close()
    database.connect()
    assert AuditEntry.get_by_id(1).hash == entries[0].hash  # re-chained consistently...
    assert audit.verify_chain() == ["audit trail: entry 1 was altered or inserted (its keyed hash is wrong)"]


@pytest.mark.sqlite_only  # edits or copies the database file
def test_a_backup_restored_on_this_pc_verifies_and_a_stranger_pc_needs_the_recovery_key(
        db, tmp_path, monkeypatch):
    user, recovery = auth.create_first_administrator("Ada Admin", "ada", "long password", "long password")
    audit.sync_anchor()
    backup = tmp_path / "backup.sqlite"
    src, dst = sqlite3.connect(db.path), sqlite3.connect(backup)
    src.backup(dst)
    src.close(), dst.close()
    db.close()
    restored = tmp_path / "restored" / "office.sqlite"
    restored.parent.mkdir()
    shutil.copy(backup, restored)
    opened = open_database(restored)  # same PC, another path: the data folder holds the key
    assert audit.verify_chain() == []
    opened.close()
    monkeypatch.setenv("BILLING_DESK_HOME", str(tmp_path / "other-pc"))
    audit_keys._memory.clear()
    moved = restored.with_name("moved.sqlite")  # another PC: no key in its data folder or beside
    shutil.copy(restored, moved)
    opened = open_database(moved)
    problems = audit.verify_chain()
    assert len(problems) == 1 and "recovery key" in problems[0]
    with pytest.raises(audit.AuditKeyMissing):
        auth.sign_in("ada", "long password")
    auth.recover(recovery, "a new password", "a new password")
    assert audit.verify_chain() == []
    assert auth.sign_in("ada", "a new password").id == user.id
    opened.close()


def test_the_anchor_cannot_be_forged_without_the_key(trail):
    office = audit_keys.office_id()
    path = audit_keys._anchor_file(office)
    anchors = json.loads(path.read_text())
    place = next(iter(anchors))
    anchors[place]["id"] = 1
    path.write_text(json.dumps(anchors))
    assert audit.verify_chain() == ["audit trail: the audit anchor file was altered"]
    key = audit_keys.load_key(office)
    good = hmac.new(key, json.dumps([place, 1, anchors[place]["hash"]]).encode(), hashlib.sha256)
    assert good.hexdigest() != anchors[place]["mac"]


@pytest.mark.sqlite_only  # edits or copies the database file
def test_reanchor_accepts_an_older_file_restored_on_purpose(trail, admin):
    last = AuditEntry.select().order_by(AuditEntry.id.desc()).first().id
    tamper(trail, f"DELETE FROM audit_entry WHERE id = {last}")  # as if an older backup came back
    assert audit.verify_chain()
    audit.reanchor(admin, "restored the backup of this morning")
    assert audit.verify_chain() == []
    assert AuditEntry.select().order_by(AuditEntry.id.desc()).first().action == "reanchor"


def test_the_viewer_query_filters_and_pages(trail, admin, supervisor):
    from billing_desk.models import Account

    account = Account.select().order_by(Account.id).first()
    every = audit.count(supervisor, audit.AuditFilter())
    assert every == AuditEntry.select().count()
    mine = audit.find(supervisor, audit.AuditFilter(account=account.number))
    assert mine and all(e.account_id == account.id and e.account_number == account.number for e in mine)
    approvals = audit.find(supervisor, audit.AuditFilter(action="approve", username="admin"))
    assert len(approvals) == 3
    page = audit.find(supervisor, audit.AuditFilter(), offset=2, limit=3)
    assert [e.id for e in page] == [every - 2, every - 3, every - 4]
    assert "status: pending → active" in audit.describe_changes(approvals[0])
    assert "approve" in audit.actions() and "admin" in audit.usernames()
