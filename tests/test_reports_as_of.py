"""A report that takes a date gives the answer it would have given that day, or refuses the date
(issue 18, item 2): the accounts list and the account ledger as of a past day come from the
ledger up to that day; the collection list is today's worklist and refuses --as-of, in the
registry, the command line and the Reports window alike."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from billing_desk.cli import main as cli_main
from billing_desk.errors import ValidationError
from billing_desk.reports import AS_OF, PERIOD, REPORTS, Params, run
from tests.test_reports_numbers import JAN1, MAR15, office, rows_by  # noqa: F401 (fixture)
from tests.test_reports_outputs import office_file  # noqa: F401 (fixture)

pytestmark = pytest.mark.both_engines

FEB15 = dt.date(2026, 2, 15)  # before the March invoice and both March payments


def test_accounts_as_of_a_past_day_shows_that_days_balances(office):
    today = rows_by(run("accounts", Params()), "account")
    assert today[office["credit"].number]["credit"] == D("30.00")
    report = run("accounts", Params(as_of=FEB15))
    rows = rows_by(report, "account")
    cash, ins = (rows[office[k].number] for k in ("cash", "ins"))
    assert (cash["patient"], cash["balance"]) == (D("15.00"), D("15.00"))
    assert (ins["insurance"], ins["balance"]) == (D("120.00"), D("120.00"))
    # Cy's account was opened after that day (the fixture opens it today) and had no entries.
    assert office["credit"].number not in rows
    assert report.totals["balance"] == D("135.00")
    assert dict(report.parameters)["As of"] == FEB15


def test_the_account_ledger_as_of_a_past_day_stops_at_that_day(office):
    number = office["cash"].number
    whole = run("account-ledger", Params(account=number))
    assert [r["balance"] for r in whole.all_rows()][-1] == D("40.00")
    report = run("account-ledger", Params(account=number, as_of=FEB15))
    rows = list(report.all_rows())
    assert [r["entry_date"] for r in rows] == [JAN1]
    assert rows[-1]["balance"] == D("15.00")
    values = dict(report.parameters)
    assert (values["As of"], values["Patient owes"], values["Insurance owes"]) == \
        (FEB15, D("15.00"), D("0.00"))
    credit = run("account-ledger", Params(account=office["credit"].number, as_of=FEB15))
    assert credit.row_count() == 0 and "Unapplied credit" not in dict(credit.parameters)


def test_the_collection_list_refuses_an_as_of_date(office):
    assert AS_OF not in REPORTS["collection-list"].takes
    with pytest.raises(ValidationError, match="collection-list .*as-of"):
        run("collection-list", Params(as_of=MAR15))
    run("collection-list", Params())  # today's worklist


@pytest.mark.parametrize("name", [n for n, spec in REPORTS.items() if AS_OF not in spec.takes])
def test_every_report_that_cannot_honour_a_date_refuses_it(office, name):
    with pytest.raises(ValidationError, match="as-of"):
        run(name, Params(as_of=MAR15, account=office["cash"].number))


@pytest.mark.parametrize("name", [n for n, spec in REPORTS.items() if PERIOD not in spec.takes])
def test_every_report_without_a_period_refuses_one(office, name):
    with pytest.raises(ValidationError, match="period"):
        run(name, Params(start=JAN1, end=MAR15, account=office["cash"].number))


def test_the_command_line_refuses_as_of_where_the_report_cannot_honour_it(office_file, tmp_path,
                                                                          capsys):
    out = tmp_path / "list.pdf"
    code = cli_main(["report", "collection-list", "--db", str(office_file), "--as-of", "03/15/2026",
                     "--format", "pdf", "--out", str(out)])
    assert code == 1 and "as-of" in capsys.readouterr().err and not out.exists()
    out = tmp_path / "accounts.xlsx"
    assert cli_main(["report", "accounts", "--db", str(office_file), "--as-of", "02/15/2026",
                     "--format", "xlsx", "--out", str(out)]) == 0


def test_no_report_takes_both_a_day_and_a_period(office):
    """A report given both would honour one and drop the other (promises due took both, and the
    Reports window sent both: the as-of date was dropped). Promises due is a period."""
    assert [n for n, spec in REPORTS.items() if {AS_OF, PERIOD} <= spec.takes] == []
    with pytest.raises(ValidationError, match="promises-due does not take an as-of date"):
        run("promises-due", Params(as_of=MAR15))
    assert dict(run("promises-due", Params(start=JAN1, end=MAR15)).parameters) == \
        {"From": JAN1, "To": MAR15}


@pytest.mark.parametrize("name", [n for n, spec in REPORTS.items() if PERIOD in spec.takes])
def test_a_period_report_without_dates_covers_its_own_default_period(office, name):
    """The command line without --from/--to and the Reports window (which starts its From and
    To boxes there) cover the same period, the one the report's help names."""
    report = run(name, Params(user=office["admin"]))
    values = dict(report.parameters)
    start = values.get("From", values.get("Paid from", values.get("Day")))
    assert (start, values.get("To", start)) == REPORTS[name].default_period(dt.date.today())
