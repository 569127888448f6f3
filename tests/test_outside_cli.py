"""The command line as an office scripts it, with what goes wrong: a folder given for a file, a
file for a folder, a folder that is not there, a format the name contradicts, Ctrl+C mid-run.
Each: one line on stderr in the clerk's words, a non-zero exit, nothing half-written."""

from __future__ import annotations

import sqlite3

import pytest

from billing_desk.cli import main
from tests.test_import_accounts import office  # noqa: F401 (fixture)


def one_line(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1, err
    return err


def report(office, *extra):
    return main(["report", "aging", "--db", str(office), *extra])


def exports(path) -> int:
    with sqlite3.connect(path) as con:
        return con.execute("SELECT COUNT(*) FROM audit_entry WHERE action = 'export'").fetchone()[0]


def test_a_folder_given_for_the_report_file_is_said_so(office, tmp_path, capsys):
    assert report(office, "--format", "pdf", "--out", str(tmp_path)) == 1
    err = one_line(capsys)
    assert f"{tmp_path} is a folder" in err and "file" in err


def test_a_report_into_a_folder_that_is_not_there_names_the_folder(office, tmp_path, capsys):
    target = tmp_path / "gone" / "aging.pdf"
    assert report(office, "--format", "pdf", "--out", str(target)) == 1
    assert f"the folder {tmp_path / 'gone'} is not there" in one_line(capsys)


@pytest.mark.parametrize("fmt, name", [("xlsx", "aging.pdf"), ("pdf", "aging.xlsx")])
def test_a_file_name_that_says_the_other_format_is_refused(office, tmp_path, capsys, fmt, name):
    assert report(office, "--format", fmt, "--out", str(tmp_path / name)) == 1
    err = one_line(capsys)
    assert "Output file" in err and f".{fmt}" in err
    assert not (tmp_path / name).exists()


def test_a_folder_given_for_the_database_is_said_so(tmp_path, capsys):
    assert main(["check", str(tmp_path)]) == 1
    err = one_line(capsys)
    assert f"{tmp_path} is a folder, not a database file" in err
    assert main(["report", "aging", "--db", str(tmp_path), "--format", "pdf",
                 "--out", str(tmp_path / "a.pdf")]) == 1
    assert "is a folder, not a database file" in one_line(capsys)


def test_a_file_given_for_the_backup_folder_is_said_so(office, tmp_path, capsys):
    not_a_folder = tmp_path / "pw.txt"
    assert main(["backup", "--db", str(office), "--to", str(not_a_folder)]) == 1
    assert f"{not_a_folder} is a file, not a folder" in one_line(capsys)


def test_a_folder_given_for_a_backup_file_is_said_so(tmp_path, capsys):
    assert main(["verify", str(tmp_path)]) == 1
    assert f"{tmp_path} is a folder, not a backup file" in one_line(capsys)


@pytest.mark.parametrize("keep", ["-1", "-10"])
def test_a_negative_number_of_backups_to_keep_is_refused(office, tmp_path, capsys, keep):
    assert main(["backup", "--db", str(office), "--to", str(tmp_path / "b"), f"--keep={keep}"]) == 1
    assert "Keep" in one_line(capsys)
    assert not (tmp_path / "b").exists()


def test_claims_list_of_a_payer_not_on_file_says_so(office, capsys):
    assert main(["claims", "list", "--db", str(office), "--payer", "No Such Payer"]) == 1
    assert "no payer named 'No Such Payer'" in one_line(capsys)


def _interrupt(*_args, **_kwargs):
    raise KeyboardInterrupt


def test_ctrl_c_while_the_pdf_is_written_leaves_the_earlier_file_and_no_part(
        office, tmp_path, capsys, monkeypatch):
    from billing_desk.printing import pdf

    target = tmp_path / "aging.pdf"
    target.write_bytes(b"last month's report")

    def half_then_interrupted(report, path, *args, **kwargs):
        with open(path, "wb") as out:
            out.write(b"%PDF-1.4 half")
        raise KeyboardInterrupt

    monkeypatch.setattr(pdf, "render_pdf", half_then_interrupted)
    assert report(office, "--format", "pdf", "--out", str(target)) == 130
    assert "interrupted" in one_line(capsys)
    assert target.read_bytes() == b"last month's report"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("aging")) == ["aging.pdf"]
    assert exports(office) == 0


def test_ctrl_c_before_the_export_is_recorded_leaves_no_file_the_trail_lacks(
        office, tmp_path, capsys, monkeypatch):
    from billing_desk.reports import output

    monkeypatch.setattr(output, "record", _interrupt)
    target = tmp_path / "aging.xlsx"
    assert report(office, "--format", "xlsx", "--out", str(target)) == 130
    assert not target.exists() and exports(office) == 0
    target.write_bytes(b"last month's workbook")  # an earlier export stays as it was
    assert report(office, "--format", "xlsx", "--out", str(target)) == 130
    assert target.read_bytes() == b"last month's workbook"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("aging")] == ["aging.xlsx"]


def test_the_export_takes_its_name_only_once_the_trail_holds_it(office, tmp_path, monkeypatch):
    from billing_desk.reports import output

    target, seen = tmp_path / "aging.pdf", []
    recording = output.record

    def record(*args, **kwargs):
        seen.append(target.exists())
        return recording(*args, **kwargs)

    monkeypatch.setattr(output, "record", record)
    assert report(office, "--format", "pdf", "--out", str(target)) == 0
    assert seen == [False] and target.exists() and exports(office) == 1
    assert not (tmp_path / "aging.pdf.partial").exists()
