"""The demo's whole build (issue 21, item 6): the audit chain's last entry kept in memory is
forgotten whenever a write rolls back, and a nested write opens no savepoint, so one that fails
half-way breaks the whole build instead of leaving half of itself behind."""

from __future__ import annotations

import peewee
import pytest

from billing_desk.models import AuditEntry, database
from billing_desk.services.office import audit, settings, steady, transactions
from billing_desk.services.office.transactions import in_transaction

pytestmark = pytest.mark.both_engines


def _record(by, action: str) -> None:
    with in_transaction():
        audit.record(by, action, summary=action)


def test_the_kept_audit_head_is_forgotten_when_a_write_rolls_back(db, admin):
    with steady.steady():
        _record(admin, "first")
        with pytest.raises(RuntimeError), in_transaction():
            audit.record(admin, "rolled back")
            raise RuntimeError("refused after the entry was written")
        _record(admin, "after")  # chained to "first", not to the entry rolled back
    actions = [e.action for e in AuditEntry.select().order_by(AuditEntry.id)]
    assert actions[-2:] == ["first", "after"] and "rolled back" not in actions
    assert audit.verify_chain() == []


def test_the_kept_audit_head_follows_each_entry_written(db, admin):
    with steady.steady():
        for n in range(3):
            _record(admin, f"entry {n}")
    assert audit.verify_chain() == []


def test_a_whole_build_opens_no_savepoint_for_a_nested_write(db, admin, monkeypatch):
    opened: list[str] = []
    begin = peewee._savepoint._begin
    monkeypatch.setattr(peewee._savepoint, "_begin", lambda self: (opened.append(self.sid), begin(self)))
    with database.atomic(), steady.steady(whole=True):
        with in_transaction():
            settings.set_setting("office_name", "Whole", admin)
    assert opened == [] and settings.get_setting("office_name") == "Whole"
    with database.atomic(), steady.steady():  # not whole: the nested write has its savepoint
        with in_transaction():
            settings.set_setting("office_name", "Not whole", admin)
    assert len(opened) >= 1


def test_a_nested_write_failing_half_way_rolls_the_whole_build_back(db, admin):
    settings.set_setting("office_name", "Before", admin)
    with pytest.raises(steady.BuildBroken, match="half-way"):
        with database.atomic(), steady.steady(whole=True):
            settings.set_setting("office_name", "Built", admin)
            try:
                with in_transaction():
                    settings.set_setting("office_name", "Half", admin)
                    raise ValueError("refused half-way")
            except ValueError:
                pass  # a caller that would rely on a partial rollback: not in a whole build
            settings.set_setting("office_name", "After", admin)
    assert settings.get_setting("office_name") == "Before"
    assert audit.verify_chain() == []


def test_a_nested_write_refused_before_any_change_leaves_the_build_going(db, admin):
    with database.atomic(), steady.steady(whole=True):
        if transactions._changes() is None:
            pytest.skip("this engine does not count the rows changed: any failure breaks the build")
        with pytest.raises(ValueError), in_transaction():
            raise ValueError("refused before writing")
        settings.set_setting("office_name", "Kept", admin)
    assert settings.get_setting("office_name") == "Kept"


def test_a_counter_started_in_a_steady_build_starts_again_when_its_row_is_gone(db):
    from billing_desk.services.office import sequences

    with in_transaction(), steady.steady():
        assert [sequences.next_number("invoice") for _ in range(2)] == [1001, 1002]
        database.execute_sql("DELETE FROM sequence WHERE name = ?", ("invoice",))
        assert sequences.next_number("invoice") == 1001  # kept as started, yet started again


def test_what_the_office_identity_lacks_is_read_afresh_after_it_is_saved(db, admin):
    from billing_desk.services.claims import scrubber

    with steady.steady():
        assert any(p.field == "office.name" for p in scrubber._office("paper"))
        settings.set_setting("billing_identity", {"name": "Lakeside Family Practice"}, admin)
        assert not any(p.field == "office.name" for p in scrubber._office("paper"))
