"""Issue 14, item 6: every committed write moves the anchor, so removing the entries a command
wrote after the sign-in (with the rows they describe) is caught by the check."""

from __future__ import annotations

from billing_desk.models import AuditEntry, database
from billing_desk.services.office import audit, audit_keys


def _remove_entries_after(entry_id: int) -> None:
    """What someone with the file and a SQLite tool does: drop the guard, delete, put it back."""
    triggers = database.execute_sql("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                    "AND tbl_name = 'audit_entry'").fetchall()
    for name, _sql in triggers:
        database.execute_sql(f'DROP TRIGGER "{name}"')
    database.execute_sql("DELETE FROM audit_entry WHERE id > ?", (entry_id,))
    for _name, sql in triggers:
        database.execute_sql(sql)


def test_entries_written_after_the_sign_in_are_anchored(db, admin, make_account):
    audit.sync_anchor()  # what the sign-in does
    signed_in_at = AuditEntry.select().order_by(AuditEntry.id.desc()).first().id
    make_account("Stone")
    make_account("Reyes")
    last = AuditEntry.select().order_by(AuditEntry.id.desc()).first()
    office = audit_keys.office_id()
    assert audit_keys.read_anchor(office, audit_keys.load_key(office)) == (last.id, last.hash)
    _remove_entries_after(signed_in_at)
    problems = audit.verify_chain()
    assert problems and f"entry {last.id} is missing" in problems[0]


def test_a_rolled_back_write_leaves_the_anchor_where_it_was(db, admin):
    from billing_desk.services.office.transactions import in_transaction

    audit.sync_anchor()
    office = audit_keys.office_id()
    before = audit_keys.read_anchor(office, audit_keys.load_key(office))
    try:
        with in_transaction():
            audit.record(admin, "probe", summary="never committed")
            raise RuntimeError("stop")
    except RuntimeError:
        pass
    assert audit_keys.read_anchor(office, audit_keys.load_key(office)) == before
    assert audit.verify_chain() == []
    with in_transaction():
        audit.record(admin, "probe", summary="committed")
    assert audit_keys.read_anchor(office, audit_keys.load_key(office))[0] == before[0] + 1
