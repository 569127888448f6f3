"""The monthly billing review for the accounts department (issue 20): `billing-desk report
billing-review` as a PDF (figures, charts drawn by reportlab, recommendations, the office's
notes) and as a workbook (the figures and every row behind them), registered like every report."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from billing_desk.cli import main as cli_main
from billing_desk.models import AuditEntry
from billing_desk.reports import REPORTS, Params, run
from billing_desk.reports.review import document
from billing_desk.services.review import save_notes
from tests.test_reports_numbers import office  # noqa: F401 (fixture)
from tests.test_reports_outputs import office_file, pdf_text  # noqa: F401 (fixture)

pytestmark = pytest.mark.both_engines


def test_the_review_is_a_report_of_a_period(office):
    spec = REPORTS["billing-review"]
    assert spec.document is not None and spec.workbook is not None
    report = run("billing-review", Params(start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31)))
    rows = {r["figure"]: r for r in report.all_rows()}
    assert rows["Charges"]["value"] == "$180.00" and rows["Denial rate"]["value"] == "no claims in the period"
    assert "÷" in rows["Gross collection rate"]["definition"]
    made = document(report.review)
    assert [name for name, _ in made["sections"]][0] == "Accounts receivable"
    assert made["charts"]["collections"][-1][0] == "Mar 26"


def test_cli_writes_the_pdf_and_the_workbook(office, admin, db, tmp_path, capsys):
    save_notes(dt.date(2026, 1, 1), dt.date(2026, 3, 31), "Bob promised to pay in April.", admin)
    path = db.address
    db.close()
    pdf, book = tmp_path / "review.pdf", tmp_path / "review.xlsx"
    common = ["report", "billing-review", "--db", str(path), "--from", "01/01/2026", "--to", "03/31/2026"]
    assert cli_main([*common, "--format", "pdf", "--out", str(pdf)]) == 0
    assert cli_main([*common, "--format", "xlsx", "--out", str(book)]) == 0
    assert "written to" in capsys.readouterr().out
    text = pdf_text(pdf)
    for words in (
        "Billing review",
        "Recommendations",
        "Charts",
        "Days in A/R",
        "Bob promised to pay in April.",
        "A/R past due, share of all A/R at month-ends",
        "Page 1 of",
    ):
        assert words in text, words
    workbook = load_workbook(book)
    assert workbook.sheetnames[:2] == ["Figures", "Recommendations"]
    figures = {row[1]: row for row in workbook["Figures"].iter_rows(values_only=True) if row and row[1]}
    assert figures["Charges"][4] == 180 and abs(figures["Gross collection rate"][4] - 0.2778) < 1e-9
    assert figures["Net collection rate"][3] == "percent"
    assert "A-R over 90 days" in workbook.sheetnames
    from billing_desk.models.db import open_database

    opened = open_database(path, readonly=True)
    try:
        assert AuditEntry.select().where(AuditEntry.action == "export").count() == 2
    finally:
        opened.close()


def test_the_workbook_keeps_every_row_behind_a_figure(office, tmp_path):
    from billing_desk.reports.output import save

    report = run("billing-review", Params(start=dt.date(2026, 5, 1), end=dt.date(2026, 5, 31)))
    out = save(REPORTS["billing-review"], report, "xlsx", tmp_path / "r.xlsx", None)
    assert out.rows > 10
    rows = list(load_workbook(tmp_path / "r.xlsx")["A-R over 90 days"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Account", "Name", "Over 90 days") and D(str(rows[1][2])) == D("120")
