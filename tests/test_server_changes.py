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
