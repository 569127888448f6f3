"""The CMS-1500 (02/12) PDFs read back with pypdf: each text's position says which box it is in."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from billing_desk.printing.cms1500 import alignment_test_pdf, data_only_pdf, drawn_pdf
from billing_desk.printing.cms1500_layout import FIELD, FIELDS, LINE
from billing_desk.printing.cms1500_values import clean
from tests.cms1500_samples import (
    BILLING_NPI,
    REFERRING_NPI,
    RENDERING_NPI,
    all_samples,
    child,
    eight_lines,
    primary,
    referred,
    replacement,
    secondary,
)

Item = tuple[str, float, float]  # text, x, y


def page_items(path: Path) -> list[list[Item]]:
    """Every text drawn on each page with its position (the text matrix through the CTM)."""
    pages = []
    for page in PdfReader(path).pages:
        items: list[Item] = []

        def visit(text, cm, tm, _font, _size, items=items):
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                items.append((text.rstrip("\n"), round(x, 3), round(y, 3)))

        page.extract_text(visitor_text=visit)
        pages.append(items)
    return pages


def at(items: list[Item], name: str, dx: float = 0.0, dy: float = 0.0) -> str:
    """The text printed where field ``name`` starts ('' when nothing is there)."""
    field = FIELD[name]
    found = [t for t, x, y in items
             if abs(x - field.x - dx) < 0.01 and abs(y - field.y - dy) < 0.01]
    assert len(found) <= 1, (name, found)
    return found[0].strip() if found else ""


def data_pages(tmp_path: Path, *claims, **offset) -> list[list[Item]]:
    path = tmp_path / "data.pdf"
    data_only_pdf(claims, path, **offset)
    return page_items(path)


def test_the_grid_table_keeps_every_field_on_the_form_and_apart():
    assert len({f.name for f in FIELDS}) == len(FIELDS)
    taken: dict[int, list[tuple[int, int, str]]] = {}
    for f in FIELDS:
        assert 1 <= f.line <= 61 and 1 <= f.col and f.col + f.width - 1 <= 79, f
        for start, end, other in taken.get(f.line, []):
            assert f.col + f.width - 1 < start or f.col > end, (f.name, other)
        taken.setdefault(f.line, []).append((f.col, f.col + f.width - 1, f.name))
    assert LINE == 12 and FIELD["insured_id"].x - FIELD["patient_name"].x == 49 * 7.2


def test_a_primary_claim_lands_in_its_boxes(tmp_path):
    [items] = data_pages(tmp_path, primary())
    expect = {
        "payer_name": "BLUE HARBOR HEALTH", "payer_street": "PO BOX 4410",
        "payer_street2": "CLAIMS DEPT", "payer_city": "COLUMBUS OH 43216",
        "type_group": "X", "insured_id": "XBH123456789", "patient_name": "ALVAREZ, MARIA, L",
        "patient_dob": "03 07 1980", "patient_sex_f": "X", "insured_name": "ALVAREZ, MARIA, L",
        "patient_street": "45 OAK LANE", "rel_self": "X", "patient_city": "SPRINGFIELD",
        "patient_state": "IL", "patient_zip": "62704", "patient_area": "555",
        "patient_phone": "0104242", "group_number": "GRP-7788", "insured_dob": "03 07 1980",
        "insured_sex_f": "X", "employment_no": "X", "auto_no": "X", "other_accident_no": "X",
        "plan_name": "HARBOR PPO GOLD", "another_plan_no": "X",
        "patient_signature": "SIGNATURE ON FILE", "insured_signature": "SIGNATURE ON FILE",
        "icd_indicator": "0", "dx_A": "J0610", "dx_B": "E119",
        "line1_from": "02 10 26", "line1_to": "02 10 26", "line1_pos": "11", "line1_code": "99213",
        "line1_mod1": "25", "line1_pointer": "AB", "line1_charge": "150 00", "line1_units": "1",
        "line1_npi": RENDERING_NPI, "tax_id": "123456789", "tax_ein": "X", "account": "CLM1001",
        "assignment_yes": "X", "total": "150 00", "billing_area": "555", "billing_phone": "0100199",
        "billing_name": "MAIN STREET CLINIC", "billing_street": "12 MAIN ST SUITE 4",
        "billing_city": "SPRINGFIELD IL 62701-1234", "billing_npi": BILLING_NPI,
        "signer": "OKAFOR, GRACE", "signed_date": "02 11 26",
    }
    assert {name: at(items, name) for name in expect} == expect
    for blank in ("other_name", "another_plan_yes", "resubmission_code", "referring_name",
                  "prior_auth", "line2_code", "paid", "additional_info", "tax_ssn", "patient_sex_m"):
        assert at(items, blank) == "", blank
    places = {(round(f.x, 3), round(f.y, 3)) for f in FIELDS}
    assert all((x, y) in places for _t, x, y in items), "every text sits at a field's place"
    assert len({(x, y) for _t, x, y in items}) == len(items)


def test_amounts_right_align_with_cents_under_the_cents_column(tmp_path):
    big = dataclasses.replace(primary(), lines=(dataclasses.replace(primary().lines[0],
                                                                     charge=Decimal("12345.60")),))
    [items] = data_pages(tmp_path, big)
    charge = [t for t, x, y in items if abs(x - FIELD["line1_charge"].x) < 0.01
              and abs(y - FIELD["line1_charge"].y) < 0.01]
    total = [t for t, x, y in items if abs(x - FIELD["total"].x) < 0.01
             and abs(y - FIELD["total"].y) < 0.01]
    assert charge == ["12345 60"] and total == [" 12345 60"]


@pytest.mark.parametrize("offset_x, offset_y", [(0.1, -0.05), (-0.08, 0.12)])
def test_the_alignment_offset_moves_every_field_by_exactly_that(tmp_path, offset_x, offset_y):
    claims = all_samples()
    plain = data_pages(tmp_path, *claims)
    moved = data_pages(tmp_path, *claims, offset_x=offset_x, offset_y=offset_y)
    assert len(plain) == len(moved) == 7
    dx, dy = offset_x * 72, -offset_y * 72  # a positive offset_y prints lower on the page
    for before, after in zip(plain, moved):
        assert [t for t, _x, _y in before] == [t for t, _x, _y in after]
        for (_t, x0, y0), (_t1, x1, y1) in zip(before, after):
            assert abs((x1 - x0) - dx) < 0.005 and abs((y1 - y0) - dy) < 0.005
    assert at(moved[0], "insured_id", dx, dy) == "XBH123456789"


def test_eight_lines_make_two_forms_with_lines_seven_and_eight_on_the_second(tmp_path):
    claim = eight_lines()
    first, second = data_pages(tmp_path, claim)
    assert [at(first, f"line{i}_code") for i in range(1, 7)] == [l.code for l in claim.lines[:6]]
    assert [at(second, f"line{i}_code") for i in range(1, 4)] == ["90471", "90715", ""]
    assert at(second, "line1_charge") == "70 25" and at(second, "line2_charge") == "80 25"
    assert at(first, "total") == "CONTINUED"
    assert at(second, "total") == "362 00" == f"{claim.total_charge:.2f}".replace(".", " ")
    assert at(first, "additional_info") == "PAGE 1 OF 2" and at(second, "additional_info") == "PAGE 2 OF 2"
    for page in (first, second):  # every form stands alone: patient, insured and provider again
        assert at(page, "insured_id") == "XBH123456789" and at(page, "billing_npi") == BILLING_NPI
        assert at(page, "dx_C") == "I10" and at(page, "account") == "CLM1002"


def test_a_secondary_claim_names_the_other_insured_and_what_the_primary_paid(tmp_path):
    [items] = data_pages(tmp_path, secondary())
    assert at(items, "payer_name") == "PRAIRIE MUTUAL" and at(items, "insured_id") == "PM55500012"
    assert at(items, "insured_name") == "ALVAREZ, DAVID" and at(items, "rel_spouse") == "X"
    assert at(items, "other_name") == "ALVAREZ, MARIA, L"
    assert at(items, "other_policy") == "XBH123456789"
    assert at(items, "other_plan") == "HARBOR PPO GOLD"
    assert at(items, "another_plan_yes") == "X" and at(items, "another_plan_no") == ""
    assert at(items, "paid") == "96 40" and at(items, "total") == "150 00"
    assert at(items, "insured_dob") == "11 21 1978" and at(items, "insured_sex_m") == "X"


def test_a_child_insured_through_a_parent(tmp_path):
    [items] = data_pages(tmp_path, child())
    assert at(items, "patient_name") == "ALVAREZ, SOFIA" and at(items, "patient_dob") == "06 02 2015"
    assert at(items, "insured_name") == "ALVAREZ, DAVID" and at(items, "rel_child") == "X"
    assert at(items, "rel_self") == "" and at(items, "insured_sex_m") == "X"
    assert at(items, "group_number") == "G-4040" and at(items, "total") == "205 00"


def test_a_replacement_carries_frequency_seven_and_the_original_claim(tmp_path):
    [items] = data_pages(tmp_path, replacement())
    assert at(items, "resubmission_code") == "7" and at(items, "original_ref") == "BH26040011223"


def test_referring_provider_prior_authorization_and_four_modifiers(tmp_path):
    [items] = data_pages(tmp_path, referred())
    assert at(items, "referring_qualifier") == "DN"
    assert at(items, "referring_name") == "LINDQVIST, HANS"
    assert at(items, "referring_npi") == REFERRING_NPI and at(items, "prior_auth") == "PA77123"
    assert [at(items, f"line1_mod{m}") for m in range(1, 5)] == ["26", "RT", "59", "XU"]
    assert at(items, "dx_A") == "M5416" and at(items, "total") == "1250 00"


def test_text_beyond_latin_prints_as_plain_capitals_and_long_names_are_cut(tmp_path):
    assert clean("Zoë O'Brien-Łukasz 王 St. #4") == "ZOE O'BRIEN-LUKASZ ST 4"  # Ł is spelled L, not dropped
    long_name = dataclasses.replace(primary().patient, last_name="Wolfeschlegelsteinhausenbergerdorff")
    [items] = data_pages(tmp_path, dataclasses.replace(primary(), patient=long_name))
    assert at(items, "patient_name") == "WOLFESCHLEGELSTEINHAUSENBERG"  # box 2's 28 characters


def test_the_alignment_test_marks_boxes_at_the_offset(tmp_path):
    path = tmp_path / "align.pdf"
    assert alignment_test_pdf(path, 0.1, -0.05) == 1
    [items] = page_items(path)
    dx, dy = 7.2, 3.6
    assert at(items, "type_group", dx, dy) == "X" and at(items, "insured_id", dx, dy) == "1A INSURED ID"
    assert at(items, "total", dx, dy) == "999 99" and at(items, "billing_npi", dx, dy) == "33A NPI"
    assert any("OFFSET +0.10 IN RIGHT  -0.05 IN DOWN" in t for t, _x, _y in items)


def test_the_drawn_copy_has_a_cover_list_then_the_forms_with_the_data_in_the_same_boxes(tmp_path):
    claims = all_samples()
    path = tmp_path / "drawn.pdf"
    assert drawn_pdf(claims, path) == 1 + 7
    pages = page_items(path)
    cover = " ".join(t for t, _x, _y in pages[0])
    for claim in claims:
        assert claim.control_number in cover
    grand = sum((c.total_charge for c in claims), Decimal("0"))
    assert grand == Decimal("2267.00")
    assert "6 claim(s), 7 form(s)" in cover and "Grand total $2,267.00" in cover
    assert "BLUE HARBOR HEALTH" in cover and "ALVAREZ, SOFIA" in cover
    assert "02/10/2026 - 02/11/2026" in cover and "$362.00" in cover
    form = pages[1]
    texts = {t for t, _x, _y in form}
    assert {"HEALTH INSURANCE CLAIM FORM", "28. TOTAL CHARGE", "33. BILLING PROVIDER INFO & PH #"} <= texts
    assert at(form, "insured_id") == "XBH123456789" and at(form, "total") == "150 00"
    assert at(form, "billing_npi") == BILLING_NPI and at(form, "dx_A") == "J0610"
    assert at(pages[3], "total") == "362 00" and at(pages[2], "total") == "CONTINUED"
    assert drawn_pdf(claims, tmp_path / "bare.pdf", cover=False) == 7


def test_an_empty_batch_still_writes_a_pdf(tmp_path):
    assert data_only_pdf([], tmp_path / "none.pdf") == 1
    assert drawn_pdf([], tmp_path / "none2.pdf") == 1
    assert "0 claim(s), 0 form(s)" in " ".join(t for t, _x, _y in page_items(tmp_path / "none2.pdf")[0])


def test_a_long_batch_runs_the_cover_list_over_pages_with_the_total_at_the_end(tmp_path):
    claims = [dataclasses.replace(primary(), control_number=f"CLM{n:017d}") for n in range(50)]
    path = tmp_path / "batch.pdf"
    assert drawn_pdf(claims, path) == 2 + 50
    first, second = (" ".join(t for t, _x, _y in page) for page in page_items(path)[:2])
    assert "CLM00000000000000000" in first and "CLM00000000000000049" in second  # never cut
    assert "Grand total" not in first and "50 claim(s), 50 form(s)" in second
    assert "Grand total $7,500.00" in second


def test_box_one_marks_the_payers_program_and_the_data_is_courier_twelve(tmp_path):
    medicare = dataclasses.replace(primary().payer, insurance_type="medicare")
    odd = dataclasses.replace(primary().payer, insurance_type="workers comp")
    path = tmp_path / "types.pdf"
    data_only_pdf([dataclasses.replace(primary(), payer=medicare),
                   dataclasses.replace(primary(), payer=odd)], path)
    first, second = page_items(path)
    assert at(first, "type_medicare") == "X" and at(first, "type_group") == ""
    assert at(second, "type_other") == "X"
    fonts = set()
    PdfReader(path).pages[0].extract_text(
        visitor_text=lambda text, cm, tm, font, size: text.strip() and fonts.add(
            (font.get("/BaseFont"), size * tm[0])))
    assert fonts == {("/Courier", 12.0)}  # 10 characters an inch


def test_a_primary_claim_names_the_patients_other_plan_in_box_9_and_ticks_11d(tmp_path):
    other = secondary().subscriber  # the plan the secondary claim will go to
    [items] = data_pages(tmp_path, dataclasses.replace(primary(), other_coverage=other))
    assert at(items, "another_plan_yes") == "X" and at(items, "another_plan_no") == ""
    assert at(items, "other_name") == "ALVAREZ, DAVID" and at(items, "other_policy") == "PM55500012"
    [alone] = data_pages(tmp_path, primary())
    assert at(alone, "another_plan_no") == "X" and at(alone, "other_name") == ""


def medicare(claim):
    return dataclasses.replace(claim, payer=dataclasses.replace(claim.payer, filing_code="MB",
                                                                insurance_type="medicare"))


def test_medicare_first_says_none_in_box_11_and_leaves_the_insured_boxes_blank(tmp_path):
    """Medicare's instructions: no insurance primary to Medicare is NONE in box 11, then on to
    box 12 (11a-11c blank); boxes 4, 6 and 7 are for an insured of a plan before Medicare."""
    [items] = data_pages(tmp_path, medicare(primary()))
    assert at(items, "type_medicare") == "X" and at(items, "type_group") == ""
    assert at(items, "group_number") == "NONE" and at(items, "insured_id") == "XBH123456789"
    for name in ("insured_dob", "insured_sex_f", "plan_name", "insured_name", "rel_self",
                 "insured_street", "insured_city", "insured_zip"):
        assert at(items, name) == "", name
    assert at(items, "patient_name") == "ALVAREZ, MARIA, L"


def test_medicare_second_names_the_plan_that_paid_first_in_boxes_4_to_11c(tmp_path):
    """Medicare as the second payer: box 1a is the Medicare number, boxes 4, 6, 7 and 11-11c
    the insurance primary to Medicare (its policy or group number, its insured, its plan);
    box 9 is for Medigap only, so the first payer is not repeated there."""
    claim = medicare(dataclasses.replace(secondary(), subscriber=dataclasses.replace(
        secondary().subscriber, person=primary().patient, member_id="1EG4TE5MK73", relationship="self")))
    [items] = data_pages(tmp_path, claim)
    assert at(items, "type_medicare") == "X" and at(items, "insured_id") == "1EG4TE5MK73"
    assert at(items, "group_number") == "GRP-7788" and at(items, "plan_name") == "HARBOR PPO GOLD"
    assert at(items, "insured_name") == "ALVAREZ, MARIA, L" and at(items, "rel_self") == "X"
    assert at(items, "insured_dob") == "03 07 1980" and at(items, "insured_sex_f") == "X"
    assert at(items, "other_name") == "" and at(items, "other_policy") == ""
    assert at(items, "paid") == "96 40"


def test_other_programs_keep_the_nucc_boxes(tmp_path):
    medicaid = dataclasses.replace(primary().payer, filing_code="MC", insurance_type="medicaid")
    [items] = data_pages(tmp_path, dataclasses.replace(primary(), payer=medicaid))
    assert at(items, "type_medicaid") == "X" and at(items, "group_number") == "GRP-7788"
    assert at(items, "insured_name") == "ALVAREZ, MARIA, L" and at(items, "plan_name") == "HARBOR PPO GOLD"
