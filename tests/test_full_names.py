"""Issue 19 item 5: the middle name and the suffix are part of the name wherever a name is shown:
the lists and reports, the statement's bill-to (the guarantor's too), the letters, the claims'
own middle and suffix boxes (837P NM104/NM107, CMS-1500 boxes 2 and 4), and the account export
and import, which read each other's columns back."""

from __future__ import annotations

import datetime as dt

import openpyxl
from claims_fixtures import insured, office, only_claim, post  # noqa: F401  (fixtures)

from billing_desk.models import Account
from billing_desk.names import listed, written

DAY0 = dt.date(2026, 1, 5)


def test_the_one_way_of_saying_a_name():
    assert listed("Lee", "Ann", "Marie", "Jr") == "Lee, Ann Marie Jr"
    assert listed("Lee", "Ann") == "Lee, Ann"
    assert listed("Lee", "Ann", "", "III", "Harbor Supply", "customer") == "Harbor Supply (Lee, Ann III)"
    assert listed("", "", "", "", "Harbor Supply", "customer") == "Harbor Supply"
    assert written("Ann", "Marie", "Lee", "Jr") == "Ann Marie Lee Jr"
    assert written(" Ann ", "", "Lee", "") == "Ann Lee"


def test_every_list_report_statement_and_letter_says_the_whole_name(db, make_account, catalogue, clerk):
    from billing_desk.services.accounts.account_page import registration_data
    from billing_desk.services.books import reports_data
    from billing_desk.services.books.invoices import quick_invoice
    from billing_desk.services.books.reports_statements import bill_to, select_accounts, statement_data
    from billing_desk.services.collections import collection_reports, worklist

    account = make_account(last="Lee", first="Ann", middle_name="Marie", suffix="Jr",
                           guarantor_relationship="parent", guarantor_first_name="Robert",
                           guarantor_middle_name="James", guarantor_last_name="Lee",
                           guarantor_suffix="Sr", guarantor_street="1 Main St", guarantor_city="Albany",
                           guarantor_state="NY", guarantor_zip_code="12207",
                           guarantor_phone="518-555-0100")
    quick_invoice(account.id, DAY0, [("99213", 1)], clerk, entry_date=DAY0)
    whole = "Lee, Ann Marie Jr"
    assert Account.get_by_id(account.id).display_name == whole
    assert f"{account.number} {whole}" == str(Account.get_by_id(account.id))
    assert [r["name"] for r in reports_data.accounts_by_status()] == [whole]
    assert [r.name for r in reports_data.open_invoices(DAY0)] == [whole]
    assert [e.name for e in reports_data.day_entries(DAY0, DAY0)] == [whole]
    assert reports_data.account_names([account.id])[account.id][1] == whole
    late = DAY0 + dt.timedelta(days=70)
    assert worklist.worklist_row(account.id, today=late).name == whole
    assert bill_to(Account.get_by_id(account.id))[0] == "Robert James Lee Sr"  # the guarantor pays
    assert statement_data(account.id, late)["name"] == whole
    assert worklist.address_lines(Account.get_by_id(account.id))[0] == whole
    sections = dict(registration_data(account.id)["sections"])
    patient = dict(sections["Patient"])
    assert (patient["Middle name"], patient["Suffix"]) == ("Marie", "Jr")
    assert dict(sections["Responsible party (guarantor)"])["Name"] == "Robert James Lee Sr"
    Account.update(guarantor=None).where(Account.id == account.id).execute()
    assert bill_to(Account.get_by_id(account.id))[0] == whole
    assert select_accounts(late).account_ids == [account.id]
    plans = collection_reports.promises_due(start=DAY0, end=late)
    assert plans == []  # (no promise): the name columns are in its query all the same


def test_the_claims_fill_their_own_middle_name_and_suffix_boxes(insured, admin):
    from billing_desk.exchange.x12_837 import write_837p
    from billing_desk.printing.cms1500 import cover_rows
    from billing_desk.printing.cms1500_values import form_values, forms
    from billing_desk.services.claims.forms import claim_form, interchange

    patient = insured(secondary=False)
    Account.update(middle_name="Marie", suffix="Jr").where(Account.id == patient.id).execute()
    claim = only_claim(post(patient, admin))
    form = claim_form(claim.id)
    assert (form.patient.middle_name, form.patient.suffix) == ("Marie", "Jr")
    segments = [s.split("*") for s in write_837p(interchange([claim.id], admin)).split("~\n")]
    subscriber = next(s for s in segments if s[:2] == ["NM1", "IL"])
    assert subscriber[3:8] == ["LEE", "ANN", "MARIE", "", "JR"]  # NM103-NM107: the patient is insured
    values = form_values(forms(form)[0])
    assert values["patient_name"].upper() == "LEE JR, ANN, M"  # box 2: last suffix, first, middle initial
    assert values["insured_name"].upper() == "LEE JR, ANN, M"  # box 4
    assert cover_rows([form])[0][2].upper().startswith("LEE, ANN MARIE")  # the claims' cover list


def test_the_account_export_and_import_carry_the_middle_name_and_suffix(db, make_account, tmp_path,
                                                                       admin):
    from billing_desk.exchange import importing
    from billing_desk.models.db import open_database
    from billing_desk.services.accounts import account_import

    make_account(last="Lee", first="Ann", middle_name="Marie", suffix="Jr", street="12 Elm St",
                 street2="Apt 4", city="Albany")
    make_account(last="Park", first="Tim")
    out = tmp_path / "accounts.xlsx"
    assert account_import.export_accounts(out) == 2
    header = [c.value for c in openpyxl.load_workbook(out).active[1]]
    assert {"Last name", "First name", "Middle name", "Suffix", "Street 2"} <= set(header)

    db.close()
    fresh = open_database(tmp_path / "other.sqlite")  # the round trip: into another office
    try:
        from billing_desk.services.office.users import ensure_administrator

        table = importing.read_rows(out)
        mapping = importing.guess_mapping(table.headers, account_import.TARGETS)
        assert (mapping["middle_name"], mapping["suffix"], mapping["street2"]) == (
            "Middle name", "Suffix", "Street 2")
        result = account_import.preview_accounts(table, mapping)
        assert result.bad == []
        account_import.import_accounts(result, ensure_administrator())
        got = {(a.last_name, a.first_name, a.middle_name, a.suffix, a.street2)
               for a in Account.select()}
        assert got == {("Lee", "Ann", "Marie", "Jr", "Apt 4"), ("Park", "Tim", "", "", "")}
    finally:
        fresh.close()


def test_an_import_without_the_new_columns_still_works(db, admin, tmp_path):
    from billing_desk.exchange import importing
    from billing_desk.services.accounts import account_import

    path = tmp_path / "old.csv"
    path.write_text("First name,Last name,Middle initial,DOB\nAnn,Lee,M,01/02/1980\nBob,Ray,,03/04/1975\n",
                    encoding="utf-8")
    table = importing.read_rows(path)
    mapping = importing.guess_mapping(table.headers, account_import.TARGETS)
    assert mapping.get("middle_name") == "Middle initial" and "suffix" not in mapping
    result = account_import.preview_accounts(table, mapping)
    account_import.import_accounts(result, admin)
    assert sorted((a.first_name, a.middle_name, a.suffix) for a in Account.select()) == [
        ("Ann", "M", ""), ("Bob", "", "")]
