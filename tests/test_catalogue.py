"""Catalogue and fee schedules: export, import with every bad row listed, maintenance, the CLI."""

from decimal import Decimal as D

import pytest
from openpyxl import Workbook, load_workbook

from billing_desk.errors import ValidationError
from billing_desk.models import CatalogueItem, FeeSchedule, Payer
from billing_desk.services.books import catalogue as cat

pytestmark = pytest.mark.both_engines

HEADER = "code,kind,description,category,unit_price,unit_cost,taxable,active,common\n"


def write_csv(tmp_path, body, name="items.csv"):
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_export_then_import_round_trips(db, admin, catalogue, tmp_path):
    payer = Payer.create(name="Acme")
    FeeSchedule.create(payer=payer, item=catalogue["99213"], allowed=D("95.50"))
    path = tmp_path / "cat.xlsx"
    assert catalogue_export(path) == 5
    book = load_workbook(path)
    assert book.sheetnames == ["Catalogue", "Fee schedules"]
    assert [c.value for c in book["Fee schedules"][2]] == ["Acme", "99213", 95.5]
    book["Catalogue"]["E2"] = 130  # the clerk raises a price in Excel
    book["Fee schedules"]["C2"] = 99.99
    book.save(path)
    result = cat.import_file(path, admin)
    assert (result.items_added, result.items_updated, result.fees_saved) == (0, 4, 1)
    assert CatalogueItem.get(code="36415").unit_price == D("130.00")
    assert FeeSchedule.get(payer=payer).allowed == D("99.99")


def catalogue_export(path):
    return cat.export_xlsx(path)


def test_bad_rows_are_all_listed_and_nothing_is_imported(db, admin, tmp_path):
    path = write_csv(tmp_path, "A1,service,Visit,,50.00,,no,yes,yes\n"
                               ",service,No code,,1.00,,,,\n"
                               "B2,gadget,Odd kind,,1.234,,maybe,,\n"
                               "A1,service,Twice,,5,,,,\n")
    with pytest.raises(ValidationError) as caught:
        cat.import_file(path, admin)
    found = {(p.row, p.field.split(": ")[1]) for p in caught.value.problems}
    assert found == {(3, "code"), (4, "kind"), (4, "unit_price"), (4, "taxable"), (5, "code")}
    assert "more than two decimals" in str(caught.value)
    assert CatalogueItem.select().count() == 0
    result = cat.import_file(path, admin, skip_bad=True)
    assert result.items_added == 1 and CatalogueItem.get(code="A1").common is True
    assert "3 bad rows skipped" in result.summary()


def test_fee_rows_need_a_known_payer_and_code(db, admin, catalogue, tmp_path):
    Payer.create(name="Acme")
    path = tmp_path / "fees.csv"
    path.write_text("payer,code,allowed\nAcme,99213,80\nNobody,99213,1\nAcme,ZZZ,1\nAcme,36415,abc\n")
    with pytest.raises(ValidationError) as caught:
        cat.import_file(path, admin)
    assert [(p.row, p.field) for p in caught.value.problems] == [
        (3, "Fee schedules: payer"), (4, "Fee schedules: code"), (5, "Fee schedules: allowed")]
    assert cat.import_file(path, admin, skip_bad=True).fees_saved == 1


def test_a_damaged_workbook_is_refused_in_words(db, admin, tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(Exception, match="broken.xlsx"):
        cat.import_file(path, admin)


def test_maintenance_saves_an_item_and_its_fees(db, admin, catalogue):
    Payer.create(name="Acme")
    with pytest.raises(ValidationError, match="Price: "):
        cat.save_item({"code": "X1", "description": "Thing", "unit_price": "1,00.0"}, admin)
    item = cat.save_item({"code": "x1", "kind": "product", "description": "Thing",
                                "unit_price": "12.50", "common": "yes"}, admin)
    assert (item.code, item.unit_price, item.common) == ("X1", D("12.50"), True)
    cat.save_fee("Acme", "X1", "10.00", admin)
    assert cat.fees_for(item.id) == [("Acme", D("10.00"))]
    cat.save_fee("Acme", "X1", "", admin)
    assert cat.fees_for(item.id) == [("Acme", None)]
    assert [i.code for i in cat.items_query("x")] == ["X1"]


def test_cli_import_catalogue_exit_codes(tmp_path, capsys, monkeypatch):
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
    bad = write_csv(tmp_path, "A1,service,Visit,,50.00,,,,\nB2,service,,,5,,,,\n")
    assert main(["import", "catalogue", str(bad), "--db", str(db_path), *who]) == 1
    err = capsys.readouterr().err
    assert "row 3, Catalogue sheet, column description: a description is required" in err
    assert "nothing imported" in err
    assert main(["import", "catalogue", str(bad), "--db", str(db_path), "--skip-bad", *who]) == 0
    assert "1 codes added" in capsys.readouterr().out


def test_workbook_with_one_sheet_of_any_name_is_the_catalogue(db, admin, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(["Code", "Description", "Unit price"])
    sheet.append(["C9", "Cast", 75])
    path = tmp_path / "one.xlsx"
    book.save(path)
    assert cat.import_file(path, admin).items_added == 1
    assert CatalogueItem.get(code="C9").unit_price == D("75.00")
