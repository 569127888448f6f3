"""`billing-desk import payers`: one row a plan, payer columns repeated; every bad row named by
row and column; all rows or, with --skip-bad, the good ones; the Payers export reads back in."""

from decimal import Decimal as D

import pytest

from billing_desk.errors import ValidationError
from billing_desk.exchange import importing
from billing_desk.models import AuditEntry, Payer, Plan
from billing_desk.services.books import payer_import, payers, plans

pytestmark = pytest.mark.both_engines

HEADER = ("Payer,Payer id,Claims address,Phone,Fax,Portal,Timely filing days,Claims by,"
          "Member id pattern,Notes,Plan,Copay,Deductible,Coinsurance %,Out-of-pocket max\n")
GOOD = [
    'Blue Harbor,BH123,"PO Box 1, Boston MA",617 555 0100,,https://pro.bh.example,90,electronic,'
    r"BH\d{6},,PPO Gold,25,500,20,3000",
    'Blue Harbor,BH123,"PO Box 1, Boston MA",617 555 0100,,https://pro.bh.example,90,electronic,'
    r"BH\d{6},,HMO Basic,40,1500,30,",
    "County Care,,1 Main St Springfield IL,,,,365,paper,,Mail only,,,,,",
]


def write(tmp_path, rows, name="payers.csv"):
    path = tmp_path / name
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def check(path):
    table = importing.read_rows(path)
    mapping = importing.guess_mapping(table.headers, payer_import.TARGETS)
    assert importing.check_mapping(mapping, table.headers, payer_import.TARGETS) == []
    return payer_import.preview_payers(table, mapping)


def test_good_rows_make_payers_and_their_plans(db, admin, tmp_path):
    result = check(write(tmp_path, GOOD))
    assert result.bad == []
    assert payer_import.import_payers(result, admin) == (2, 2)
    harbor = Payer.get(Payer.name == "Blue Harbor")
    assert (harbor.payer_id, harbor.phone, harbor.timely_filing_days) == ("BH123", "(617) 555-0100", 90)
    assert sorted((p.name, p.copay, p.out_of_pocket_max) for p in harbor.plans) == [
        ("HMO Basic", D("40.00"), None), ("PPO Gold", D("25.00"), D("3000.00"))]
    county = Payer.get(Payer.name == "County Care")
    assert (county.claim_mode, county.notes, list(county.plans)) == ("paper", "Mail only", [])
    assert AuditEntry.select().where(AuditEntry.table == "payer").count() == 2


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_saved(db, admin, tmp_path):
    rows = GOOD + [
        "Acme,AC-1!,,,,,ninety,,,,Silver,abc,,120,",          # row 5
        'Blue Harbor,BH999,"PO Box 1, Boston MA",617 555 0100,,https://pro.bh.example,90,electronic,'
        r"BH\d{6},,Bronze,10,100,10,",                          # row 6: differs from row 2
        "Paper Co,,,,,,,paper,,,,,,,",                           # row 7: paper without an address
        'Blue Harbor,BH123,"PO Box 1, Boston MA",617 555 0100,,https://pro.bh.example,90,electronic,'
        r"BH\d{6},,PPO Gold,25,500,20,3000",                    # row 8: the same plan as row 2
    ]
    result = check(write(tmp_path, rows))
    assert result.bad_rows == [5, 6, 7, 8]
    lines = result.lines()
    assert "row 5, column Payer id: an electronic payer id is 2 to 15 letters and digits" in lines[0]
    assert any(line.startswith("row 5, column Timely filing days:") for line in lines)
    assert any(line.startswith("row 5, column Copay:") for line in lines)
    assert "row 5, column Coinsurance %: a percentage from 0 to 100" in lines
    assert "row 6, column Payer: this payer's columns differ from row 2" in lines
    assert "row 7, column Claims address: paper claims need the claims mailing address" in lines
    assert "row 8, column Plan: the same plan as row 2" in lines
    with pytest.raises(ValidationError):
        payer_import.import_payers(result, admin)
    assert Payer.select().count() == 0 and Plan.select().count() == 0
    assert payer_import.import_payers(result, admin, skip_bad=True) == (2, 2)


def test_an_import_changes_payers_and_plans_already_on_file(db, admin, tmp_path):
    payer_import.import_payers(check(write(tmp_path, GOOD)), admin)
    changed = [GOOD[0].replace(",90,", ",180,").replace("PPO Gold,25,", "PPO Gold,30,")]
    payer_import.import_payers(check(write(tmp_path, changed, "again.csv")), admin)
    harbor = Payer.get(Payer.name == "Blue Harbor")
    assert harbor.timely_filing_days == 180
    assert Plan.get(Plan.name == "PPO Gold").copay == D("30.00") and Plan.select().count() == 2


def test_export_then_import_round_trips(db, admin, tmp_path):
    payer_import.import_payers(check(write(tmp_path, GOOD)), admin)
    payers.deactivate_payer(Payer.get(Payer.name == "County Care").id, admin)
    payers.save_payer(None, payers.PayerForm(name="=Formula Health", payer_id="FH1", program="tricare"),
                      admin)
    plans.save_plan(None, {"payer": "=Formula Health", "name": "Plan A", "coinsurance": "12.5"}, admin)

    def snapshot():
        return sorted((p.name, *(getattr(p, f) for f in payers.FIELDS), p.active,
                       sorted((q.name, q.copay, q.deductible, q.coinsurance, q.out_of_pocket_max)
                              for q in p.plans)) for p in Payer.select())

    before = snapshot()
    path = tmp_path / "payers.xlsx"
    assert payer_import.export_payers(path) == 4
    for model in (Plan, Payer):
        from billing_desk.models import Coverage, FeeSchedule, PlanCopay, PlanRule

        for child in (Coverage, PlanRule, PlanCopay, FeeSchedule):
            child.delete().execute()
        model.delete().execute()
    result = check(path)
    assert result.bad == [], result.lines()
    payer_import.import_payers(result, admin)
    assert snapshot() == before


def test_a_program_column_sets_the_program_and_a_bad_one_names_the_row_and_the_choices(db, admin, tmp_path):
    """Without the column every payer is commercial (the rows above); with it, each row's
    program is read however the clerk wrote it, and a wrong one names its row."""
    header = "Payer,Program,Payer id,Claims address,Claims by\n"
    rows = ["Medicare Part B,Medicare,06102,,electronic",
            "Illinois Medicaid,MC,,PO Box 19105 Springfield IL 62794,paper",
            "Blue Harbor,,BH123,,electronic",
            "Acme Comp,workers' comp,AC1,,electronic",
            "Odd Plan,medicair,OD1,,electronic"]  # row 6
    path = tmp_path / "programs.csv"
    path.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    result = check(path)
    assert result.bad_rows == [6]
    (line,) = result.lines()
    assert line.startswith("row 6, column Program: 'medicair' is not a program: choose one of commercial, "
                           "medicare, medicaid")
    assert payer_import.import_payers(result, admin, skip_bad=True) == (4, 0)
    assert {p.name: p.program for p in Payer.select()} == {
        "Medicare Part B": "medicare", "Illinois Medicaid": "medicaid", "Blue Harbor": "commercial",
        "Acme Comp": "workers_comp"}


def test_a_file_without_the_program_column_leaves_a_payers_program_as_it_was(db, admin, tmp_path):
    payer_import.import_payers(check(write(tmp_path, GOOD)), admin)
    harbor = Payer.get(Payer.name == "Blue Harbor")
    changed = payers.payer_form(harbor.id)
    changed.program = "bcbs"
    payers.save_payer(harbor.id, changed, admin)
    payer_import.import_payers(check(write(tmp_path, [GOOD[0].replace(",90,", ",120,")], "old.csv")), admin)
    harbor = Payer.get(Payer.name == "Blue Harbor")
    assert (harbor.program, harbor.timely_filing_days) == ("bcbs", 120)
    assert Payer.get(Payer.name == "County Care").program == "commercial"


def test_the_export_has_a_program_column_the_import_reads_back(db, admin, tmp_path):
    from openpyxl import load_workbook

    payers.save_payer(None, payers.PayerForm(name="Medicare Part B", payer_id="06102", program="MB"), admin)
    path = tmp_path / "payers.xlsx"
    payer_import.export_payers(path)
    sheet = load_workbook(path).active
    header = [c.value for c in sheet[1]]
    assert header[1] == "Program" and sheet.cell(2, 2).value == "medicare"
    Payer.delete().execute()
    payer_import.import_payers(check(path), admin)
    assert Payer.get(Payer.name == "Medicare Part B").program == "medicare"


def test_cli_import_payers_exit_codes(tmp_path, capsys, monkeypatch):
    from billing_desk.cli import main
    from billing_desk.models import User
    from billing_desk.models.db import open_database
    from billing_desk.services.office.auth import hash_password

    monkeypatch.setenv("BILLING_DESK_SCRYPT_N", "1024")
    db_path = tmp_path / "cli.sqlite"
    opened = open_database(db_path)
    User.create(username="carla", full_name="Carla", role="clerk", password_hash=hash_password("pw-1"))
    opened.close()
    (tmp_path / "pw").write_text("pw-1\n")
    who = ["--user", "carla", "--password-file", str(tmp_path / "pw")]
    bad = write(tmp_path, GOOD + ["Acme,AC-1!,,,,,,,,,,,,,"])
    assert main(["import", "payers", str(bad), "--db", str(db_path), *who]) == 1
    captured = capsys.readouterr()
    assert "row 5, column Payer id: an electronic payer id" in captured.out
    assert "1 bad row(s) of 4: nothing imported" in captured.err
    assert main(["import", "payers", str(bad), "--db", str(db_path), "--skip-bad", *who]) == 0
    assert "imported 2 payer(s) and 2 plan(s), 1 bad row(s) skipped" in capsys.readouterr().out
