"""The office's day is said in one place, and a test that pins it pins it for every module.

A module that did ``from ...transactions import today`` while a test had pinned the day kept the
pinned day for the rest of the run, so a later test saw its own today's date as "in the future"
(test order decided it). Tests pin the day at ``transactions._clock``, which every importer reads.
"""

from __future__ import annotations

import datetime as dt

from billing_desk.services.office import transactions


def test_a_pinned_day_reaches_every_importer_and_leaves_with_the_test(monkeypatch):
    bound = transactions.today  # what `from ... import today` gives a module
    pinned = dt.date(2025, 3, 10)
    with monkeypatch.context() as patch:
        patch.setattr(transactions, "_clock", lambda: pinned)
        assert bound() == pinned
        assert transactions.today() == pinned
    assert bound() == dt.date.today()
    assert transactions.today() == dt.date.today()
