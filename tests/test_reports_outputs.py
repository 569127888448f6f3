"""One report, three outputs, the same numbers: the PDF read back with pypdf, the workbook with
openpyxl; statements with their copy kept; the CLI for report, print and --list."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from decimal import Decimal as D
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from test_reports_numbers import MAR15, office  # noqa: F401 (the hand-built office fixture)

from billing_desk.cli import main as cli_main
from billing_desk.models import AuditEntry, Letter, User
from billing_desk.money import format_money
from billing_desk.reports import Params, get, office_info, run
from billing_desk.reports.output import record, save
from billing_desk.services.office.auth import hash_password
from billing_desk.services.office.settings import set_setting


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_aging_pdf_and_excel_agree_with_the_data_to_the_cent(office, tmp_path, admin):
    set_setting("office_name", "Maple Street Clinic", admin)
    set_setting("office_address", "12 Main St\nSpringfield, IL 62701", admin)
    spec, report = get("aging"), run("aging", Params(as_of=MAR15, view="detail"))
    out = save(spec, report, "pdf", tmp_path / "aging.pdf", office_info())
    text = pdf_text(out.path)
    assert "Maple Street Clinic" in text and "Springfield, IL 62701" in text
    for row in report.all_rows():
        assert format_money(row["balance"]) in text
    assert "$130.00" in text and "Page 1 of 1" in text
    xlsx = save(spec, report, "xlsx", tmp_path / "aging.xlsx", office_info())
    sheet = load_workbook(xlsx.path).active
    values = [row for row in sheet.iter_rows(values_only=True)]
    header = next(i for i, row in enumerate(values) if row and row[0] == "Invoice")
    balance_col = values[header].index("Balance")
    total_row = next(row for row in values if row and row[0] == "Total")
    assert D(str(total_row[balance_col])).quantize(D("0.01")) == D("130.00")
    data = [D(str(r[balance_col])).quantize(D("0.01")) for r in values[header + 1:]
            if r and r[balance_col] is not None and r[0] not in ("Total",) and
            not str(r[0] or "").startswith("Subtotal")]
    assert sorted(data) == sorted(row["balance"] for row in report.all_rows())


def test_a_statement_run_prints_and_keeps_a_copy_on_each_account(office, tmp_path, admin):
    spec = get("statements")
    report = run("statements", Params(as_of=MAR15, minimum=D("5.00")))
    assert [r["account"] for r in report.groups[0].rows] == [office["cash"].number]
    out = save(spec, report, "pdf", tmp_path / "st.pdf", office_info())
    text = pdf_text(out.path)
    assert "STATEMENT" in text and "Amount due $40.00 by 04/14/2026" in text
    assert "Metabolic panel" in text and "Please detach and return" in text
    assert "Your account is past due" not in text  # all current: a thank-you instead
    record(admin, "export", spec, report, out)
    letter = Letter.get(Letter.account == office["cash"].id)
    assert letter.kind == "statement" and letter.sent_on == MAR15 and letter.pdf[:4] == b"%PDF"
    again = run("statements", Params(as_of=MAR15))
    assert again.groups[0].rows == [] and "already sent" in again.groups[1].rows[0]["note"]
    one = run("statements", Params(as_of=MAR15, account=office["ins"].number))
    doc = one.documents[0]
    assert doc["amount_due"] == D("0.00") and doc["insurance_pending"] == D("120.00")
    assert AuditEntry.select().where(AuditEntry.action == "statement").count() == 1


def test_holds_and_agency_stop_statements(office):
    from billing_desk.models import AccountCollection

    AccountCollection.create(account=office["cash"].id, hold="dispute")
    report = run("statements", Params(as_of=MAR15))
    assert report.groups[0].rows == [] and report.groups[1].rows[0]["note"] == "in dispute"


# --- the command line --------------------------------------------------------------------------

@pytest.fixture
def office_file(office, db, tmp_path):
    (tmp_path / "pw.txt").write_text("sup3r-secret-pw\n")
    User.create(username="sid", full_name="Sid Supervisor", role="supervisor",
                password_hash=hash_password("sup3r-secret-pw", (2 ** 10, 8, 1)))
    path = db.address
    db.close()
    return path


def test_cli_report_list_and_files(office_file, tmp_path, capsys):
    assert cli_main(["report", "--list"]) == 0
    listed = capsys.readouterr().out
    for name in ("aging", "day-sheet", "statements", "collection-list", "audit"):
        assert name in listed
    out = tmp_path / "day.xlsx"
    assert cli_main(["report", "day-sheet", "--db", str(office_file), "--from", "03/01/2026",
                     "--to", "2026-03-01", "--format", "xlsx", "--out", str(out)]) == 0
    assert "written to" in capsys.readouterr().out and load_workbook(out).active.max_row > 5
    assert cli_main(["report", "aging", "--db", str(office_file), "--as-of", "03/15/2026",
                     "--format", "pdf", "--out", str(tmp_path / "a.pdf")]) == 0
    assert "$130.00" in pdf_text(tmp_path / "a.pdf")
    from billing_desk.models.db import open_database

    opened = open_database(office_file, readonly=True)
    try:
        exports = list(AuditEntry.select().where(AuditEntry.action == "export"))
    finally:
        opened.close()
    assert len(exports) == 2 and "A/R aging (As of 03/15/2026)" in exports[1].summary


@pytest.mark.parametrize("args, message", [
    (["report", "aging", "--as-of", "02/30/2026", "--format", "pdf"], "not a date that exists"),
    (["report", "nope", "--format", "pdf"], "there is no report 'nope'"),
    (["report", "aging", "--format", "docx"], "pdf or xlsx"),
    (["report", "aging", "--format", "pdf", "--as-of", "03/01/2026", "--from", "03/01/2026"],
     "not both"),
    (["report", "account-ledger", "--format", "pdf"], "one account"),
    (["report", "statements", "--format", "pdf"], "--user"),
])
def test_cli_bad_input_is_named_on_stderr(office_file, tmp_path, capsys, args, message):
    code = cli_main([*args, "--db", str(office_file), "--out", str(tmp_path / "x.pdf")])
    assert code != 0 and message in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_cli_statements_need_a_user_and_keep_copies(office_file, tmp_path, capsys):
    assert cli_main(["report", "statements", "--db", str(office_file), "--as-of", "03/15/2026",
                     "--user", "sid", "--password-file", str(tmp_path / "pw.txt"),
                     "--format", "pdf", "--out", str(tmp_path / "st.pdf")]) == 0
    from billing_desk.models.db import open_database

    opened = open_database(office_file, readonly=True)
    try:
        assert Letter.select().where(Letter.kind == "statement").count() == 1
    finally:
        opened.close()


def _cups_queue() -> bool:
    try:
        result = subprocess.run(["lpstat", "-p", "PDF"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


def test_cli_print_to_the_cups_pdf_queue(qapp, office_file, tmp_path, capsys):
    """Through the CLI's own print path (qapp first: a QApplication, not the CLI's bare GUI one)."""
    if not _cups_queue():
        if os.environ.get("CI"):
            pytest.fail("CI is set but the CUPS queue 'PDF' is missing (.ci/install_cups.sh)")
        pytest.skip("no CUPS queue named PDF on this machine (.ci/install_cups.sh makes one)")
    import time

    from test_printing_printer import cups_pdf_dirs

    name = f"aging-{dt.date.today():%Y%m%d}"

    def jobs() -> set[Path]:
        return {f for d in cups_pdf_dirs() if d.is_dir() for f in d.glob(f"{name}*.pdf")}

    before = jobs()
    assert cli_main(["print", "aging", "--db", str(office_file), "--as-of", "03/15/2026",
                     "--view", "detail", "--printer", "PDF"]) == 0
    assert "1 pages sent to PDF" in capsys.readouterr().out
    deadline, pages = time.monotonic() + 90, None
    while time.monotonic() < deadline and pages != 1:
        for found in jobs() - before:
            try:
                pages = len(PdfReader(found).pages)
            except Exception:  # still being written
                pass
        time.sleep(0.3)
    assert pages == 1, "the print job never reached the PDF queue's folder"
    assert cli_main(["print", "aging", "--db", str(office_file), "--printer", "NoSuchQueue"]) == 1
    assert "no printer 'NoSuchQueue'" in capsys.readouterr().err
