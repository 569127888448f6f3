"""The billing review (issue 20): each figure against values worked out by hand on a small fixed
book, as of a past day, for an empty period and a period with no claims; its recommendations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from billing_desk.errors import ValidationError
from billing_desk.services.books import adjustments
from billing_desk.services.review import build_review, notes_for, save_notes
from billing_desk.services.review.rules import advice_for
from tests.test_reports_numbers import office  # noqa: F401 (fixture)

pytestmark = pytest.mark.both_engines

JAN1, MAR31, APR30, MAY31 = (
    dt.date(2026, 1, 1),
    dt.date(2026, 3, 31),
    dt.date(2026, 4, 30),
    dt.date(2026, 5, 31),
)

# The book (tests/test_reports_numbers.py): on 01/01 Ann (insured, Blue pays) is billed 120.00 and
# Bob 15.00; on 03/01 Bob is billed 45.00 and pays 20.00 (15.00 to January, 5.00 to March) and Cy
# pays 30.00 with nothing to pay (unapplied credit). Terms: 30 days, so January is due 01/31.


def test_the_first_quarter_as_of_its_end(office):
    review = build_review(JAN1, MAR31, as_of=MAR31)
    f = review.figures
    assert f["charges"].value == D("180.00") and f["payments"].value == D("50.00")
    assert f["gross_collection"].value == D("0.2778")  # 50 / 180
    assert f["net_collection"].value == D("0.2778")  # no contractual allowance
    assert f["ar"].value == D("160.00")  # 120 + 40 owed; Cy's credit is not A/R
    assert dict(f["ar"].parts) == {"Patients": D("40.00"), "Insurance": D("120.00")}
    # Charges keyed in January to March (90 days): 180 / 90 = 2.00 a day; 160 / 2 = 80.
    assert f["days_in_ar"].value == D("80.0")
    assert dict(f["days_in_ar"].parts)["Patients"] == D("20.0")
    assert dict(f["days_in_ar"].parts)["Blue"] == D("90.0")  # 120 owed / (120 / 90 a day)
    # At 04/30 the three months are February to April (89 days) with 45.00 charged: 160 / (45 / 89).
    april = build_review(dt.date(2026, 4, 1), APR30, as_of=APR30).figures["days_in_ar"]
    assert april.value == D("316.4")
    assert f["over_90"].value == D("0") and f["over_120"].value == D("0")


def test_an_earlier_as_of_day_counts_only_what_was_keyed_by_then(office):
    review = build_review(JAN1, MAR31, as_of=dt.date(2026, 2, 15))
    f = review.figures
    assert review.snapshot == dt.date(2026, 2, 15)
    assert (f["charges"].value, f["payments"].value) == (D("135.00"), D("0.00"))
    assert f["gross_collection"].value == D("0")
    assert f["ar"].value == D("135.00")


def test_age_shares_and_the_month_end_trend(office):
    review = build_review(dt.date(2026, 5, 1), MAY31, as_of=MAY31)
    f = review.figures
    # 05/31: Ann's 120.00 (due 01/31) is 120 days past due: over 90, not over 120.
    assert f["ar"].value == D("160.00")
    assert f["over_90"].value == D("0.7500") and f["over_120"].value == D("0")
    assert [r["account"] for r in f["over_90"].drill.rows] == [office["ins"].number]
    # March to May (92 days) holds the 45.00 of 03/01: 160 / (45 / 92) = 327.1.
    assert f["days_in_ar"].value == D("327.1")
    # No charge keyed in April to June: days in A/R cannot be measured.
    june = build_review(dt.date(2026, 6, 1), dt.date(2026, 6, 30), as_of=dt.date(2026, 6, 30)).figures
    assert (
        june["days_in_ar"].value is None
        and june["days_in_ar"].text() == "no charges in the last three months"
    )
    points = {p.on: p for p in review.trend}
    assert points[dt.date(2026, 1, 31)].ar == 13500 and points[dt.date(2026, 2, 28)].ar == 13500
    assert points[MAR31].ar == 16000 and points[APR30].over_90 == 0
    assert points[MAY31].over_90 == 12000 and len(review.trend) == 13
    months = {m["label"]: m for m in review.months}
    assert months["Mar 26"]["charges"] == 4500 and months["Mar 26"]["payments"] == 5000


def test_an_empty_period_and_no_claims_say_so_never_zero(office):
    review = build_review(dt.date(2025, 1, 1), dt.date(2025, 1, 31), as_of=dt.date(2025, 1, 31))
    f = review.figures
    assert f["gross_collection"].value is None
    assert f["gross_collection"].text() == "no charges in the period"
    assert f["over_90"].value is None and f["ar"].value == D("0")
    for key in ("denial_rate", "clean_claim_rate", "days_to_claim", "days_to_pay"):
        assert f[key].value is None and f[key].text() == "no claims in the period"
    assert review.recommendations == []
    assert any("Net collection" in line for line in review.not_judged)


def test_an_office_without_claims_says_no_claims_yet(db, admin, catalogue, make_account):
    from billing_desk.services.books import invoices

    account = make_account()
    invoices.quick_invoice(account.id, JAN1, [("99213", 1)], admin, entry_date=JAN1)
    f = build_review(JAN1, MAR31, as_of=MAR31).figures
    assert f["charges"].value == D("120.00")
    for key in ("denial_rate", "clean_claim_rate", "days_to_claim", "days_to_pay"):
        assert f[key].value is None and f[key].text() == "no claims yet"


def test_a_contractual_allowance_lowers_charges_for_the_net_rate(office, admin):
    from billing_desk.models import InvoiceLine

    line = InvoiceLine.get(InvoiceLine.code == "99213")
    adjustments.adjust_line(
        line.id, "contractual", "20.00", "CO 45", admin, party="insurance", entry_date=dt.date(2026, 3, 10)
    )
    f = build_review(JAN1, MAR31, as_of=MAR31).figures
    assert f["net_collection"].value == D("0.3125")  # 50 / (180 - 20)
    assert f["adjustments"].value == D("0.1111")  # 20 / 180
    assert f["ar"].value == D("140.00")


def test_the_advice_for_a_reason_code():
    assert "prior-authorization" in advice_for("CO-197", "99213")
    assert "verify coverage" in advice_for("CO-27", "")
    assert "remark codes" in advice_for("CO-999", "")


def test_the_period_is_checked_and_notes_are_kept(office, admin):
    with pytest.raises(ValidationError, match="after its end"):
        build_review(MAR31, JAN1)
    save_notes(JAN1, MAR31, "  Call Blue about the January claims. ", admin)
    assert notes_for(JAN1, MAR31) == "Call Blue about the January claims."
    assert build_review(JAN1, MAR31, as_of=MAR31).notes == "Call Blue about the January claims."
    assert notes_for(JAN1, APR30) == ""


def test_an_entry_keyed_later_for_a_past_month_changes_its_review(office, admin):
    from billing_desk.services.books import payments

    first = build_review(JAN1, MAR31, as_of=MAY31)
    assert first.figures["payments"].value == D("50.00")
    # A payment keyed now for 02/20 (a backdated entry) changes February as read again.
    payments.record_payment(office["cash"].id, "10.00", admin, entry_date=dt.date(2026, 2, 20))
    again = build_review(JAN1, MAR31, as_of=MAY31)
    assert again.figures["payments"].value == D("60.00") and again.figures["ar"].value == D("150.00")
    assert {p.on: p.ar for p in again.trend}[dt.date(2026, 2, 28)] == 12500


@pytest.mark.sqlite_only  # SQLite's change counter; the server runs the very same statements
def test_the_review_writes_nothing_to_the_database(office):
    from billing_desk.models import Setting, database

    before = database.connection().total_changes
    for period in ((JAN1, MAR31, MAY31), (JAN1, APR30, APR30), (dt.date(2025, 1, 1), MAR31, MAR31)):
        build_review(*period)
    assert database.connection().total_changes == before
    assert Setting.get_or_none(Setting.key == "review_cache") is None


def test_a_days_balance_read_back_from_today_matches_the_aging_report(office):
    from billing_desk.reports import Params, run

    for day in (dt.date(2026, 1, 15), dt.date(2026, 3, 1), dt.date(2026, 4, 10)):
        review = build_review(JAN1, day, as_of=day)
        aging = run("aging", Params(as_of=day))
        owed = aging.totals["balance"] + aging.totals["credit"]  # the review does not take credits off
        assert review.figures["ar"].value == owed, day
