"""The account form's 'Medicare ESRD period from' box: typed, saved on the coverage, and a date on
a plan that is not Medicare refused under the box."""

from __future__ import annotations

import datetime as dt
import os
from types import SimpleNamespace

from claims_fixtures import office  # noqa: F401

from billing_desk.models import Coverage, Payer


def test_the_clerk_types_the_esrd_period_on_the_medicare_insurance(qtbot, office, admin, tmp_path):
    from billing_desk.services.accounts import registry
    from billing_desk.ui.accounts.account_form import AccountFormWidget

    Payer.update(program="medicare").where(Payer.id == office["lakes"].payer_id).execute()
    form = AccountFormWidget(SimpleNamespace(user=admin, path=tmp_path / "office.sqlite"))
    qtbot.addWidget(form)
    form.resize(1200, 900)
    form.show()
    form.load(registry.AccountForm(
        first_name="Ann", last_name="Smith", date_of_birth="01/02/1960", street="1 Main St",
        city="Springfield", state="IL", zip_code="62701", phone="217-555-0101",
        primary_payer="Blue Prairie", primary_plan="PPO", primary_member_id="ABC123456",
        secondary_payer="Great Lakes", secondary_plan="Basic", secondary_member_id="GL-77"))
    qtbot.keyClicks(form.fields["primary_esrd_started_on"], "03/01/2025")
    form.save()
    assert Coverage.select().count() == 0
    assert "only a Medicare coverage" in form.errors["primary_esrd_started_on"].text()
    assert "Blue Prairie is not Medicare" in form.errors["primary_esrd_started_on"].text()
    if os.environ.get("GAPS_SHOT"):  # set it to save a picture of the form
        qtbot.wait(200)
        form.grab().save(os.environ["GAPS_SHOT"])
    form.fields["primary_esrd_started_on"].clear()
    qtbot.keyClicks(form.fields["secondary_esrd_started_on"], "03/01/2025")
    with qtbot.waitSignal(form.saved, timeout=3000):
        form.save()
    coverage = Coverage.get(Coverage.rank == "secondary")
    assert coverage.esrd_started_on == dt.date(2025, 3, 1)
