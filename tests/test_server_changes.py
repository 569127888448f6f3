"""Lists on other workstations: a committed write on the server is announced (LISTEN/NOTIFY);
a window refreshes for another program's writes, not for its own, and reads nothing until then."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.both_engines, pytest.mark.server_only]


def test_a_committed_write_is_announced_and_a_rolled_back_one_is_not(db, admin, make_account):
    from billing_desk.errors import ValidationError
    from billing_desk.services.accounts import registry
    from billing_desk.services.office.session import watch_changes
    from billing_desk.services.office.transactions import in_transaction

    watcher = watch_changes(db)
    assert watcher is not None
    try:
        assert not watcher.changed()
        make_account()
        assert not watcher.changed()  # this program's own write
        watcher.own = "another program"  # from here on, this program's writes read as another's
        make_account()
        assert watcher.changed()
        assert not watcher.changed()  # told once
        with pytest.raises(ValidationError), in_transaction():
            registry.create_guarantor(admin, first_name="Bo", last_name="Lee", relationship="parent")
            raise ValidationError("changed my mind", "name")
        assert not watcher.changed()  # a rolled-back write is no news
    finally:
        watcher.close()


def test_the_window_refreshes_when_another_workstation_saved(db, admin, make_account, qtbot,
                                                             monkeypatch):
    from billing_desk.services.office.session import Session
    from billing_desk.ui.main_window import MainWindow

    make_account(last="Alpha")
    window = MainWindow(Session(db, admin))
    qtbot.addWidget(window)
    assert window._watcher is not None and window._others_timer.isActive()
    refreshed = []
    monkeypatch.setattr(window, "refresh", lambda: refreshed.append(True))
    window.others_saved()
    assert refreshed == []  # nothing new: no list is read
    window._watcher.own = "another program"
    make_account(last="Beta")
    window.others_saved()
    assert refreshed == [True]
    window.close()
    assert window._watcher is None


def test_the_data_version_changes_with_every_write_committed_anywhere(db, admin, make_account):
    """The server's data version (SQLite's PRAGMA data_version): the same while nothing changed,
    new after this connection's write and after another workstation's committed write, and not
    after another workstation's write that rolled back; the lists' counts are read once per
    version."""
    from billing_desk.models.server import connect_server
    from billing_desk.services.accounts import lists
    from billing_desk.services.office.freshness import data_stamp

    make_account(last="Alpha")
    first = data_stamp()
    assert data_stamp() == first  # nothing changed: the same stamp, so the lists keep what they read
    make_account(last="Beta")
    mine = data_stamp()
    assert mine != first
    other = connect_server(db.server)  # another workstation's connection to the same office
    try:
        with other.atomic():
            other.execute_sql("UPDATE account SET notes = 'called' WHERE last_name = 'Alpha'")
        assert data_stamp() != mine
        after = data_stamp()
        try:
            with other.atomic():
                other.execute_sql("UPDATE account SET notes = 'x' WHERE last_name = 'Beta'")
                raise RuntimeError("changed my mind")
        except RuntimeError:
            pass
        assert data_stamp() == after  # a rolled-back write changed nothing
        query = lists.invoices_query("", None)
        assert lists.count(query) == 0
        counted = []
        real = db.db.execute_sql

        def spy(sql, params=None, *args, **kwargs):
            if "count(*)" in sql:
                counted.append(sql)
            return real(sql, params, *args, **kwargs)

        db.db.execute_sql = spy
        try:
            assert lists.count(query) == 0 and counted == []  # read once per version
            with other.atomic():
                other.execute_sql("UPDATE account SET notes = 'again' WHERE last_name = 'Beta'")
            assert lists.count(query) == 0 and len(counted) == 1  # another PC saved: read again
        finally:
            del db.db.execute_sql
    finally:
        other.close()
