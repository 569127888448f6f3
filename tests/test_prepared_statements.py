"""The statements written once (issue 21, item 6: the demo's build): a save, a prepared select
and the look-ups kept in a steady build give exactly what peewee and a fresh read give."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from billing_desk.models import Account, CatalogueItem, Setting, base as models_base
from billing_desk.models.base import prepared
from billing_desk.services.office import settings, steady

pytestmark = pytest.mark.both_engines


def test_a_plain_save_writes_what_peewee_writes_and_updates_in_place(db):
    item = CatalogueItem.create(code="X1", kind="service", description="Visit", category="Office",
                                unit_price=Decimal("12.34"), unit_cost=Decimal("1.00"))
    assert item.id is not None and not item.is_dirty()
    again = CatalogueItem.get_by_id(item.id)
    assert (again.code, again.unit_price, again.active) == ("X1", Decimal("12.34"), item.active)
    again.description = "Long visit"
    assert again.save() == 1
    assert CatalogueItem.get_by_id(item.id).description == "Long visit"
    again.save(only=[CatalogueItem.unit_price])  # only= writes that column alone
    assert CatalogueItem.get_by_id(item.id).unit_price == Decimal("12.34")


def test_a_prepared_select_is_trusted_only_when_its_parameters_are_the_values_given(db):
    for code in ("A1", "B2", "C3"):
        CatalogueItem.create(code=code, kind="service", description=code, category="Office",
                             unit_price=Decimal("1.00"), unit_cost=Decimal("0.00"))

    def by_code(code, name="item by code", binds=None):
        return [i.code for i in prepared(name, lambda: CatalogueItem.select().where(
            CatalogueItem.code == code), binds if binds is not None else [(CatalogueItem.code, code)])]

    assert [by_code(c) for c in ("A1", "B2", "C3", "Z9")] == [["A1"], ["B2"], ["C3"], []]
    key = ("item by code", db.db.param)
    assert models_base._PREPARED[key][1] is not None  # trusted after two different values
    # binds that are not the query's parameters: never trusted, peewee runs it every time
    assert by_code("A1", "wrong binds", [(CatalogueItem.code, "B2")]) == ["A1"]
    assert by_code("B2", "wrong binds", [(CatalogueItem.code, "C3")]) == ["B2"]
    assert models_base._PREPARED[("wrong binds", db.db.param)][1] is None


def test_a_steady_build_reads_a_setting_once_and_afresh_after_a_write(db, admin):
    with steady.steady():
        settings.set_setting("office_name", "First", admin)
        assert settings.get_setting("office_name") == "First"
        Setting.update(value="Behind its back").where(Setting.key == "office_name").execute()
        assert settings.get_setting("office_name") == "First"  # kept: read once
        settings.set_setting("office_name", "Second", admin)  # a write forgets what was kept
        assert settings.get_setting("office_name") == "Second"
    Setting.update(value="Outside").where(Setting.key == "office_name").execute()
    assert settings.get_setting("office_name") == "Outside"  # outside a build: read every time


def test_a_kept_setting_that_is_a_dict_is_never_shared(db, admin):
    with steady.steady():
        identity = settings.get_setting("billing_identity") or {}
        identity["name"] = "changed by a caller"
        assert (settings.get_setting("billing_identity") or {}).get("name") != "changed by a caller"


def test_an_account_missing_from_a_draft_is_named_not_raised(db, clerk):
    from billing_desk.services.books import invoices

    draft = invoices.InvoiceDraft(account_id=999999, service_date=dt.date(2026, 1, 5), lines=[])
    problems = invoices.validate_draft(draft)[3]
    assert any(p.field == "account" for p in problems)
    assert Account.select().count() == 0
