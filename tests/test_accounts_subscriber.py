"""Registration (issue 16): the patient's sex, and the subscriber when the patient is not the
subscriber, each problem at its field; stored on the coverage and shown again on edit."""

from __future__ import annotations

import datetime as dt

import pytest

from billing_desk.models import Account, Coverage, Payer, Plan
from billing_desk.services.accounts import registry
from billing_desk.services.accounts.account_checks import validate_account


@pytest.fixture
def plan(db):
    return Plan.create(payer=Payer.create(name="Blue Prairie"), name="PPO")


def child_form(**extra):
    values = dict(first_name="Tim", last_name="Park", date_of_birth="05/06/2015", sex="M", street="1 Elm",
                  city="Springfield", state="IL", zip_code="62701", phone="217-555-0101",
                  primary_payer="Blue Prairie", primary_plan="PPO", primary_member_id="M1",
                  primary_relationship="child", primary_subscriber_first_name="Bob",
                  primary_subscriber_last_name="Park", primary_subscriber_date_of_birth="03/04/1980",
                  primary_subscriber_sex="m")
    values.update(extra)
    return registry.AccountForm(**values)


def test_a_child_on_a_parents_plan_is_stored_and_shown_again(plan, admin):
    account = registry.create_account(child_form(), admin)
    assert Account.get_by_id(account.id).sex == "M"
    coverage = Coverage.get()
    assert (coverage.subscriber_first_name, coverage.subscriber_last_name, coverage.subscriber_sex,
            coverage.subscriber_date_of_birth) == ("Bob", "Park", "M", dt.date(1980, 3, 4))
    assert coverage.subscriber_name == "Bob Park"
    form = registry.form_from_account(account)
    assert (form.sex, form.primary_subscriber_first_name, form.primary_subscriber_date_of_birth) == (
        "M", "Bob", "03/04/1980")
    assert validate_account(form)[1] == []


def test_each_subscriber_problem_is_named_at_its_field(plan):
    form = child_form(sex="X", primary_subscriber_first_name="", primary_subscriber_last_name="",
                      primary_subscriber_date_of_birth="13/45/1980", primary_subscriber_sex="Q",
                      primary_subscriber_zip_code="123")
    fields = {p.field for p in validate_account(form)[1]}
    assert fields == {"sex", "primary_subscriber_first_name", "primary_subscriber_last_name",
                      "primary_subscriber_date_of_birth", "primary_subscriber_sex",
                      "primary_subscriber_zip_code"}


def test_a_subscriber_typed_whole_is_split_and_self_needs_nothing(plan):
    values, problems = validate_account(child_form(primary_subscriber_first_name="",
                                                   primary_subscriber_last_name="",
                                                   primary_subscriber_name="Park, Bob"))
    assert problems == []
    coverage = values["coverages"][0]
    assert (coverage["subscriber_first_name"], coverage["subscriber_last_name"]) == ("Bob", "Park")
    values, problems = validate_account(child_form(primary_relationship="self"))
    assert problems == [] and values["coverages"][0]["subscriber_first_name"] == ""


def test_the_subscriber_boxes_take_keys_only_when_the_patient_is_not_the_subscriber(qtbot, db, clerk,
                                                                                   tmp_path):
    from types import SimpleNamespace

    from PySide6.QtCore import Qt

    from billing_desk.ui.accounts.account_form import AccountFormWidget

    form = AccountFormWidget(SimpleNamespace(user=clerk, path=tmp_path / "office.sqlite"))
    qtbot.addWidget(form)
    form.show()
    group = form.groups["Primary subscriber (when not the patient)"]
    assert not group.isEnabled()
    relationship = form.fields["primary_relationship"]
    relationship.setFocus()
    qtbot.keyClick(relationship, Qt.Key.Key_C)  # child
    assert relationship.currentData() == "child" and group.isEnabled()
    qtbot.keyClicks(form.fields["primary_subscriber_last_name"], "Park")
    qtbot.keyClick(form.fields["primary_subscriber_sex"], Qt.Key.Key_F)
    qtbot.keyClick(form.fields["sex"], Qt.Key.Key_M)
    data = form.form_data()
    assert (data.primary_subscriber_last_name, data.primary_subscriber_sex, data.sex) == ("Park", "F", "M")
