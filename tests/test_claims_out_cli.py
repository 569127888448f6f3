"""`billing-desk claims export` and `claims print`: what goes out, what is marked, bad input in
one line."""

from __future__ import annotations

import os
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from claims_out_fixtures import demo_office, office_file, password_file  # noqa: F401
from pypdf import PdfReader
from test_cms1500 import page_items
from test_x12_837 import find, pyx12_errors

from billing_desk.cli import main


def user_args(password_file):
    return ["--user", "maria", "--password-file", password_file]


def look(path: Path, fn):
    """Run ``fn`` on the database at ``path`` (opened and closed around it)."""
    from billing_desk.models.db import open_database

    opened = open_database(path)
    try:
        return fn()
    finally:
        opened.close()


def ready(path: Path, mode: str, payer: str | None = None):
    from billing_desk.services.claims import submission

    return look(path, lambda: submission.ready_claims(mode, payer))


def claim_states(path: Path, ids) -> set[tuple[str, str | None]]:
    from billing_desk.models import Claim

    return look(path, lambda: {(c.status, c.submitted_mode) for c in Claim.select()
                               .where(Claim.id.in_(list(ids)))})


def test_export_writes_the_payers_claims_and_says_what_went(office_file, password_file, tmp_path, capsys):
    payer = ready(office_file, "electronic")[0].payer
    claims = ready(office_file, "electronic", payer)
    out = tmp_path / "monday.837"
    code = main(["claims", "export", "--db", str(office_file), "--out", str(out), "--payer", payer.upper(),
                 *user_args(password_file)])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    text = out.read_text()
    assert pyx12_errors(text) == []
    isa13 = find(text, "ISA")[0][13]
    first = printed.out.splitlines()[0]
    assert first.startswith(f"{out}: {len(claims)} claims to {payer}, ")
    assert f"interchange {isa13}" in first and ", ".join(c.control_number for c in claims) in first
    assert "upload the file to the clearinghouse" in printed.out
    assert claim_states(office_file, [c.claim_id for c in claims]) == {("submitted", "electronic")}
    code = main(["claims", "export", "--db", str(office_file), "--out", str(tmp_path / "again.837"),
                 "--payer", payer, *user_args(password_file)])
    err = capsys.readouterr().err
    assert code == 1 and err == f"billing-desk: no ready electronic claims for {payer}: nothing to export\n"
    assert not (tmp_path / "again.837").exists()


def test_export_of_a_refused_claim_names_claim_and_field_in_one_line(office_file, password_file, tmp_path,
                                                                     capsys):
    from billing_desk.models import Account, Claim

    claims = ready(office_file, "electronic")
    bad = claims[0]
    look(office_file, lambda: Account.update(date_of_birth=None).where(
        Account.id == Claim.get_by_id(bad.claim_id).invoice.account_id).execute())
    code = main(["claims", "export", "--db", str(office_file), "--out", str(tmp_path / "x.837"),
                 *user_args(password_file)])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1
    assert f"Claim {bad.control_number}, patient's date of birth: the patient's date of birth" in err
    assert list(tmp_path.glob("*.837*")) == []
    assert claim_states(office_file, [c.claim_id for c in claims]) == {("ready", None)}


def test_print_to_a_pdf_is_a_copy_with_the_cover_list_and_marks_nothing(office_file, password_file,
                                                                        tmp_path, capsys):
    from billing_desk.models import AuditEntry

    claims = ready(office_file, "paper")
    out = tmp_path / "forms.pdf"
    code = main(["claims", "print", "--db", str(office_file), "--format", "pdf", "--out", str(out),
                 *user_args(password_file)])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    cover = PdfReader(out).pages[0].extract_text()
    for claim in claims:
        assert claim.control_number in cover
    assert len(PdfReader(out).pages) == 1 + len(claims)
    assert "not marked submitted" in printed.out
    assert claim_states(office_file, [c.claim_id for c in claims]) == {("ready", None)}
    entry = look(office_file, lambda: AuditEntry.select().order_by(AuditEntry.id.desc()).first())
    assert (entry.action, entry.username) == ("export", "maria") and str(out) in entry.summary


@pytest.fixture
def fake_printer(monkeypatch, tmp_path):
    """A printer named Front desk that keeps each PDF it is sent (as printed: at actual size)."""
    from billing_desk.printing import printer

    sent: list[Path] = []

    def print_pdf(path, name, **kw):
        assert kw.get("actual_size") is True
        kept = tmp_path / f"job{len(sent)}.pdf"
        shutil.copy(path, kept)
        sent.append(kept)
        return len(PdfReader(kept).pages)

    monkeypatch.setattr(printer, "available_printers", lambda: ["Front desk", "Back office"])
    monkeypatch.setattr(printer, "print_pdf", print_pdf)
    return sent


def test_printing_on_forms_marks_them_only_when_the_clerk_says_yes(office_file, password_file, fake_printer,
                                                                   monkeypatch, capsys):
    from billing_desk.cli import claims_print

    claims = ready(office_file, "paper")
    args = ["claims", "print", "--db", str(office_file), "--printer", "Front desk", *user_args(password_file)]
    answers = iter([None, False, True])
    monkeypatch.setattr(claims_print, "ask_yes_no", lambda question: next(answers))
    assert main(args) == 1
    assert "no terminal to ask" in capsys.readouterr().err
    assert main(args) == 1
    assert "not marked submitted: you said they did not" in capsys.readouterr().err
    assert claim_states(office_file, [c.claim_id for c in claims]) == {("ready", None)}
    assert main(args) == 0
    assert "marked submitted on paper: batch" in capsys.readouterr().out
    assert claim_states(office_file, [c.claim_id for c in claims]) == {("submitted", "paper")}
    assert len(fake_printer) == 3


def test_the_offset_is_kept_per_printer_and_moves_the_printed_data(office_file, password_file, fake_printer,
                                                                   capsys):
    from billing_desk.services.claims import alignment

    base = ["claims", "print", "--db", str(office_file), *user_args(password_file)]
    assert main([*base, "--printer", "Front desk", "--offset-x", "0.1", "--offset-y", "-0.05"]) == 0
    assert "kept: +0.10 in right, -0.05 in down" in capsys.readouterr().out
    assert main([*base, "--printer", "Front desk", "--alignment-test"]) == 0
    assert "alignment test sent to Front desk at +0.10 in right" in capsys.readouterr().out
    test_page = PdfReader(fake_printer[-1]).pages[0].extract_text()
    assert "OFFSET +0.10 IN RIGHT  -0.05 IN DOWN" in test_page
    assert look(office_file, lambda: (alignment.printer_offset("Front desk"),
                                      alignment.printer_offset("Back office"))) == \
        ((Decimal("0.10"), Decimal("-0.05")), (Decimal("0.00"), Decimal("0.00")))
    assert main([*base, "--printer", "Back office"]) == 1  # printed at 0, 0; not confirmed (no terminal)
    assert main([*base, "--printer", "Front desk", "--confirm"]) == 0
    plain, moved = page_items(fake_printer[-2])[0], page_items(fake_printer[-1])[0]
    assert [t for t, _x, _y in plain] == [t for t, _x, _y in moved] and plain
    for (_t, x0, y0), (_t1, x1, y1) in zip(plain, moved):
        assert abs((x1 - x0) - 7.2) < 0.005 and abs((y1 - y0) - 3.6) < 0.005


@pytest.mark.parametrize(("args", "code", "words"), [
    (["export", "--payer", "Nobody Mutual", "--out", "x.837"], 1, "no payer named 'Nobody Mutual'"),
    (["export"], 1, "--out FILE.837"),
    (["print", "--format", "xlsx", "--out", "x.xlsx"], 1, "--format is pdf, not 'xlsx'"),
    (["print", "--format", "pdf"], 1, "--out FILE"),
    (["print", "--printer", "Front desk", "--format", "pdf", "--out", "x.pdf"], 1, "not both"),
    (["print", "--offset-x", "0.1"], 1, "--printer NAME"),
    (["print", "--printer", "Front desk", "--offset-x", "1.5"], 1, "Offset right: 1.5 inches is too far"),
    (["print", "--printer", "Front desk", "--offset-y", "up"], 1, "Offset down: 'up' is not a number"),
    (["print", "--printer", "Nowhere", "--confirm"], 1, "there is no printer 'Nowhere'"),
    (["print", "--payer", "Nobody Mutual", "--format", "pdf", "--out", "x.pdf"], 1, "no payer named"),
    (["print", "--bogus"], 2, "unrecognized arguments: --bogus"),
])
def test_bad_arguments_are_said_in_one_line(office_file, password_file, fake_printer, tmp_path, capsys,
                                            monkeypatch, args, code, words):
    monkeypatch.chdir(tmp_path)
    full = ["claims", args[0], "--db", str(office_file), *args[1:], *user_args(password_file)]
    if code == 2:  # argparse's own refusal: the usage line, then the error
        with pytest.raises(SystemExit) as caught:
            main(full)
        assert caught.value.code == 2
        assert words in capsys.readouterr().err
        return
    assert main(full) == code
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1, err
    assert not list(tmp_path.glob("x.*"))


@pytest.mark.printer
def test_printing_on_the_cups_pdf_queue_with_confirm_marks_them_on_paper(office_file, password_file,
                                                                         tmp_path, capsys):
    from billing_desk.printing.printer import available_printers

    if "PDF" not in available_printers():
        reason = "no CUPS print queue named 'PDF' (run .ci/install_cups.sh as root)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    claims = ready(office_file, "paper")
    code = main(["claims", "print", "--db", str(office_file), "--printer", "PDF", "--confirm",
                 *user_args(password_file)])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert "forms sent to PDF" in printed.out and "marked submitted on paper" in printed.out
    assert claim_states(office_file, [c.claim_id for c in claims]) == {("submitted", "paper")}
    # The job came out at actual size: Letter paper (the queue's own is A4), every field in place.
    from test_printing_printer import wait_for_job

    from billing_desk.printing.cms1500 import data_only_pdf
    from billing_desk.services.claims.forms import claim_form

    source = tmp_path / "expected.pdf"
    pages = data_only_pdf(look(office_file, lambda: [claim_form(c.claim_id) for c in claims]), source)
    job = wait_for_job(f"cms1500-{claims[0].control_number}-{claims[-1].control_number}", pages)
    assert [round(float(v)) for v in PdfReader(job).pages[0].mediabox] == [0, 0, 612, 792]
    expected, printed_items = page_items(source)[0], page_items(job)[0]
    assert len(printed_items) > 10  # cups-pdf joins the fields of a line into one run: each run
    for text, x, y in printed_items:  # starts where the field that begins it starts
        assert any(abs(x - x0) < 0.5 and abs(y - y0) < 0.5 and text.startswith(t0.strip())
                   for t0, x0, y0 in expected), (text, x, y)
    job.unlink()


def test_forms_print_at_actual_size_never_fitted(qapp, tmp_path, monkeypatch):
    """Data for pre-printed forms is never scaled: lp gets no fit-to-page, Qt draws from the
    paper's corner on paper of the form's own size."""
    from claim_samples import primary_claim

    from billing_desk.printing import printer
    from billing_desk.printing.cms1500 import data_only_pdf

    source = tmp_path / "forms.pdf"
    data_only_pdf([primary_claim()], source)
    sent: list[tuple[str, ...]] = []
    monkeypatch.setattr(printer, "_cups", lambda *args: sent.append(args) or "")
    monkeypatch.setattr(printer, "available_printers", lambda: ["Front desk"])
    printer.send_pdf(source, "Front desk", actual_size=True)
    assert "fit-to-page" not in sent[-1] and "print-scaling=none" in sent[-1] and "media=Letter" in sent[-1]
    out = tmp_path / "drawn.pdf"
    assert printer.print_pdf(source, output_file=out, actual_size=True, max_dpi=100) == 1
    assert [round(float(v)) for v in PdfReader(out).pages[0].mediabox] == [0, 0, 612, 792]


def test_export_with_only_paper_claims_ready_points_at_claims_print(office_file, password_file, tmp_path,
                                                                    capsys):
    code = main(["claims", "export", "--db", str(office_file), "--out", str(tmp_path / "all.837"),
                 *user_args(password_file)])
    assert code == 0, capsys.readouterr().err
    capsys.readouterr()
    paper = ready(office_file, "paper")
    assert paper and not ready(office_file, "electronic")
    code = main(["claims", "export", "--db", str(office_file), "--out", str(tmp_path / "again.837"),
                 *user_args(password_file)])
    err = capsys.readouterr().err
    many = f"{len(paper)} paper claims are" if len(paper) > 1 else "1 paper claim is"
    assert code == 1 and err == (f"billing-desk: no ready electronic claims: nothing to export; {many} "
                                 "ready: print on paper with `billing-desk claims print`\n")
    assert not (tmp_path / "again.837").exists()
