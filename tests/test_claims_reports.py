"""The insurance follow-up reports (issue 17): denials by payer and by reason, the follow-up list,
payer payment speed and the calls log, in the registry; PDF, Excel and the command line."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from claims_fixtures import DAY, D, insured, office, only_claim, post  # noqa: F401
from openpyxl import load_workbook
from pypdf import PdfReader

from billing_desk.cli import main as cli_main
from billing_desk.models import Claim, ClaimEvent
from billing_desk.printing.excel import render_xlsx
from billing_desk.printing.pdf import render_pdf
from billing_desk.reports import Params, office_info, run
from billing_desk.services.claims import claim_status as status, payer_calls

pytestmark = pytest.mark.both_engines

TODAY = DAY + dt.timedelta(days=60)


def _at(claim_id: int, status_: str, day: dt.date) -> None:
    ClaimEvent.update(at=dt.datetime.combine(day, dt.time(9))).where(
        ClaimEvent.claim == claim_id, ClaimEvent.status == status_).execute()


@pytest.fixture
def worked(insured, admin):
    """Two denials (CO16, PR204), one claim waiting 60 days, two paid after 12 and 30 days, and
    a call and a verification."""
    claims = [only_claim(post(insured(last=name), admin)) for name in
              ("Adams", "Baker", "Cole", "Dunn", "Ewing")]
    status.submit([c.id for c in claims], "electronic", admin)
    for c in claims:
        _at(c.id, "submitted", DAY)
    status.mark_denied(claims[0].id, "CO16 claim lacks information", admin)
    status.mark_denied(claims[1].id, "PR204 not covered under the plan", admin)
    status.mark_paid(claims[3].id, admin)
    _at(claims[3].id, "paid", DAY + dt.timedelta(days=12))
    status.mark_partly_paid(claims[4].id, admin)
    _at(claims[4].id, "partly_paid", DAY + dt.timedelta(days=30))
    payer_calls.log_call(payer_calls.CallInput(called_on=TODAY, representative="Dana", reference="R-1",
                                               question="status?", answer="no record of the claim"),
                         admin, claim_id=claims[2].id, today=TODAY)
    coverage = Claim.get_by_id(claims[0].id).coverage
    payer_calls.verify_coverage(coverage.id, admin, reference="V-9", covers="visits 80%",
                                verified_on=TODAY, today=TODAY)
    return claims


def test_denials_by_payer_and_by_reason(worked):
    report = run("denials", Params(as_of=TODAY))
    assert [g.title for g in report.groups] == ["Blue Prairie"]
    # the partly paid claim is on the list too (its unpaid lines), with no code recorded
    assert report.totals["count"] == 3 and report.totals["owed"] == D("405.00")
    by_reason = run("denials", Params(as_of=TODAY, view="reason"))
    assert [g.title for g in by_reason.groups] == ["CO16", "PR204", "No code recorded"]


def test_follow_up_speed_and_calls(worked):
    waiting = list(run("insurance-follow-up", Params(as_of=TODAY, view="all")).all_rows())
    assert [r["control_number"] for r in waiting] == [worked[2].control_number]
    assert waiting[0]["days_waiting"] == 60 and "no record" in waiting[0]["last_call"]
    assert list(run("insurance-follow-up", Params(as_of=TODAY)).all_rows()) == []  # the call set a day
    speed = run("payer-payment-speed", Params(start=DAY, end=TODAY))
    (row,) = list(speed.all_rows())
    assert (row["payer"], row["claims"], row["average"], row["fastest"], row["slowest"]) == \
        ("Blue Prairie", 2, 21, 12, 30)
    assert row["within_30"] == D("1.0000")
    each = run("payer-payment-speed", Params(start=DAY, end=TODAY, view="claim")).all_rows()
    assert sorted(r["days"] for r in each) == [12, 30]
    calls = list(run("calls-log", Params(start=TODAY, end=TODAY)).all_rows())
    assert [r["topic"] for r in calls] == ["claim status", "coverage verification"]


def test_each_renders_as_pdf_and_excel(worked, tmp_path):
    for name, params in (("denials", Params(as_of=TODAY)),
                         ("insurance-follow-up", Params(as_of=TODAY, view="all")),
                         ("payer-payment-speed", Params(start=DAY, end=TODAY)),
                         ("calls-log", Params(start=TODAY, end=TODAY))):
        report = run(name, params)
        target = io.BytesIO()
        render_pdf(report, target, office_info())
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(target.getvalue())).pages)
        assert report.title in text
        render_xlsx(report, tmp_path / f"{name}.xlsx")
        sheet = load_workbook(tmp_path / f"{name}.xlsx").active
        assert sheet.max_row > 3


def test_the_command_line_writes_them(worked, db, tmp_path, capsys):
    path = db.address
    db.close()
    for name in ("denials", "insurance-follow-up", "payer-payment-speed", "calls-log"):
        out = tmp_path / f"{name}.pdf"
        assert cli_main(["report", name, "--db", str(path), "--format", "pdf", "--out", str(out)]) == 0
        assert out.exists()
    assert cli_main(["report", "denials", "--db", str(path), "--view", "reason", "--format", "xlsx",
                     "--out", str(tmp_path / "d.xlsx")]) == 0
    assert cli_main(["report", "--list"]) == 0
    listed = capsys.readouterr().out
    assert "payer-payment-speed" in listed and "calls-log" in listed
