"""The 837P writer: every file it writes validates with pyx12, and what it writes is what the
005010X222A1 guide asks for (envelopes, counts, loops, amounts, dates, refusals)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from claim_samples import (
    BILLING,
    OFFICE,
    PAID_DAY,
    SUBMITTER,
    adult,
    child_claim,
    interchange,
    multi_line_claim,
    primary_claim,
    replacement_claim,
    secondary_claim,
    void_claim,
)

from billing_desk.claim_form import Adjustment, Provider
from billing_desk.errors import BillingError
from billing_desk.exchange.x12_837 import write_837p, write_837p_file
from billing_desk.exchange.x12_segments import amount, quantity

SAMPLES = {
    "primary": primary_claim,
    "multi-line": multi_line_claim,
    "secondary": secondary_claim,
    "child patient": child_claim,
    "replacement": replacement_claim,
    "void": void_claim,
}
BLUE_HARBOR_NM1 = ["NM1", "PR", "2", "BLUE HARBOR HEALTH", "", "", "", "", "PI", "BHH01"]


def pyx12_errors(text: str) -> list[str]:
    """Every error pyx12's validator reports on ``text`` (its x12n_document, as x12valid runs it)."""
    import pyx12.params
    import pyx12.x12n_document

    report = io.StringIO()
    valid = pyx12.x12n_document.x12n_document(pyx12.params.params(), io.StringIO(text), None, None,
                                              fd_json=report)
    found: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            found.extend(f"{node.get('seg_id', '')} line {node.get('cur_line')}: {e['err_str']}"
                         for e in node.get("errors") or [])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(report.getvalue()))
    if not valid and not found:
        found.append("pyx12 found the file invalid")
    return found


def segments(text: str) -> list[list[str]]:
    return [row.split("*") for row in text.split("~\n") if row]


def find(text: str, *start: str) -> list[list[str]]:
    """The segments that begin with ``start`` (an id, then optionally the first elements)."""
    return [s for s in segments(text) if s[:len(start)] == list(start)]


# --- pyx12 validation ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", SAMPLES)
def test_each_sample_claim_validates_with_pyx12(name):
    text = write_837p(interchange(SAMPLES[name]()))
    assert pyx12_errors(text) == []


def test_a_file_of_several_claims_and_billing_providers_validates():
    other_office = dataclasses.replace(BILLING, organization="Harbor Pediatrics", npi="1765432103",
                                       tax_id="987654321")
    claims = (primary_claim(), child_claim(billing=other_office), multi_line_claim(),
              secondary_claim(), replacement_claim(control_number="CLM-1009"))
    text = write_837p(interchange(*claims))
    assert pyx12_errors(text) == []
    hls = find(text, "HL")
    assert [h[3] for h in hls if h[3] == "20"] == ["20", "20"]  # one 2000A per billing provider
    assert [h[1] for h in hls] == [str(n) for n in range(1, len(hls) + 1)]
    assert len(find(text, "CLM")) == 5


def test_the_validator_catches_a_broken_file():
    """pyx12 is a real check: a wrong count or code in our own output is reported."""
    text = write_837p(interchange())
    assert pyx12_errors(text.replace("*11:B:1*", "*00:B:1*"))
    se = find(text, "SE")[0]
    assert pyx12_errors(text.replace("*".join(se), f"SE*{int(se[1]) + 1}*{se[2]}"))


# --- envelopes -----------------------------------------------------------------------------------

def test_envelope_counts_and_control_numbers():
    text = write_837p(interchange(primary_claim(), child_claim(), number=4521, group=77, transaction=9))
    rows = segments(text)
    isa = rows[0]
    assert len("*".join(isa)) + 1 == 106  # ISA is fixed width, terminator included
    assert isa[13] == "000004521" and isa[11] == "^" and isa[16] == ":" and isa[15] == "T"
    assert isa[6] == SUBMITTER.sender_id.ljust(15) and isa[8] == SUBMITTER.receiver_id.ljust(15)
    assert isa[9:11] == ["260323", "0905"]
    gs = find(text, "GS")[0]
    assert gs[1] == "HC" and gs[4:9] == ["20260323", "0905", "77", "X", "005010X222A1"]
    st, bht = find(text, "ST")[0], find(text, "BHT")[0]
    assert st == ["ST", "837", "0009", "005010X222A1"]
    assert bht == ["BHT", "0019", "00", "0009", "20260323", "0905", "CH"]
    first_st = next(i for i, s in enumerate(rows) if s[0] == "ST")
    se_index = next(i for i, s in enumerate(rows) if s[0] == "SE")
    assert rows[se_index] == ["SE", str(se_index - first_st + 1), "0009"]
    assert rows[-2] == ["GE", "1", "77"]
    assert rows[-1] == ["IEA", "1", "000004521"]
    assert text.endswith("~\n") and text.count("~") == len(rows)


def test_production_flag():
    production = dataclasses.replace(SUBMITTER, production=True)
    assert segments(write_837p(interchange(submitter=production)))[0][15] == "P"


def test_two_interchanges_differ_only_in_their_control_numbers():
    first = segments(write_837p(interchange(secondary_claim(), number=1, group=1, transaction=1)))
    second = segments(write_837p(interchange(secondary_claim(), number=2, group=3, transaction=4)))
    assert len(first) == len(second)
    changed = {a[0]: (a, b) for a, b in zip(first, second) if a != b}
    assert set(changed) == {"ISA", "GS", "ST", "BHT", "SE", "GE", "IEA"}
    for ident, (a, b) in changed.items():
        differing = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
        assert differing == {"ISA": [13], "GS": [6], "ST": [2], "BHT": [3], "SE": [2], "GE": [2],
                             "IEA": [2]}[ident]


@pytest.mark.parametrize("field, value", [("number", 0), ("number", 1_000_000_000), ("group", -1),
                                          ("transaction", 0)])
def test_control_numbers_out_of_range_are_refused(field, value):
    with pytest.raises(BillingError, match="from 1 to 999999999"):
        write_837p(interchange(**{field: value}))


def test_an_empty_interchange_is_refused():
    empty = dataclasses.replace(interchange(), claims=())
    with pytest.raises(BillingError, match="at least one claim"):
        write_837p(empty)


# --- the loops -----------------------------------------------------------------------------------

def test_primary_claim_subscriber_is_the_patient():
    text = write_837p(interchange(primary_claim()))
    assert find(text, "SBR") == [["SBR", "P", "18", "GRP-4410", "", "", "", "", "", "CI"]]
    assert find(text, "NM1", "IL")[0] == ["NM1", "IL", "1", "RIVERA", "MARIA", "J", "", "", "MI",
                                          "BHH123456789"]
    assert find(text, "DMG") == [["DMG", "D8", "19800517", "F"]]
    assert not find(text, "PAT") and not find(text, "HL", "3")
    assert find(text, "NM1", "PR") == [BLUE_HARBOR_NM1]
    assert find(text, "CLM") == [["CLM", "CLM-1001", "125", "", "", "11:B:1", "Y", "A", "Y", "Y"]]
    assert find(text, "HI") == [["HI", "ABK:J069"]]
    assert find(text, "N4", "PORTLAND") == [["N4", "PORTLAND", "ME", "041011234"]]
    assert find(text, "REF", "EI") == [["REF", "EI", "123456789"]]
    assert find(text, "PRV", "BI") == [["PRV", "BI", "PXC", "207Q00000X"]]


def test_child_patient_gets_the_patient_loop_and_the_parent_none_of_the_demographics():
    text = write_837p(interchange(child_claim()))
    assert find(text, "HL", "2") == [["HL", "2", "1", "22", "1"]]
    assert find(text, "HL", "3") == [["HL", "3", "2", "23", "0"]]
    assert find(text, "SBR")[0][:4] == ["SBR", "P", "", "GRP-9001"]
    assert find(text, "PAT") == [["PAT", "19"]]
    assert find(text, "NM1", "QC") == [["NM1", "QC", "1", "WALKER", "EMMA"]]
    assert find(text, "NM1", "IL")[0][7] == "JR"
    assert find(text, "DMG") == [["DMG", "D8", "20180609", "F"]]  # the child's only


def test_multi_line_claim_lines_modifiers_pointers_and_providers():
    text = write_837p(interchange(multi_line_claim()))
    assert find(text, "HI") == [["HI", "ABK:I10", "ABF:E119", "ABF:R0789", "ABF:R002", "ABF:M1711",
                                 "ABF:Z7984"]]
    assert find(text, "SV1") == [
        ["SV1", "HC:99214:25", "185", "UN", "1", "", "", "1:2:3:4"],
        ["SV1", "HC:93000", "60.5", "UN", "1", "", "", "3"],
        ["SV1", "HC:20610:RT:59", "240", "UN", "1", "", "", "5"],
        ["SV1", "HC:J1030", "18.75", "UN", "2", "22", "", "5:6"],
    ]
    assert [s[1] for s in find(text, "LX")] == ["1", "2", "3", "4"]
    assert [s[2] for s in find(text, "REF", "6R")] == ["1001", "1002", "1003", "1004"]
    assert find(text, "CLM")[0][2] == "504.25"
    assert find(text, "REF", "G1") == [["REF", "G1", "PA778899"]]
    assert find(text, "NM1", "DN") == [["NM1", "DN", "1", "OKAFOR", "CHIDI", "", "", "", "XX", "1456789019"]]
    assert find(text, "NM1", "82") == [["NM1", "82", "1", "NGUYEN", "LINH", "", "", "", "XX", "1987654328"]]
    assert find(text, "PRV", "PE") == [["PRV", "PE", "PXC", "207Q00000X"]]


def test_secondary_claim_carries_the_primarys_adjudication():
    text = write_837p(interchange(secondary_claim()))
    assert find(text, "SBR") == [["SBR", "S", "18", "", "PINE GAP PLAN", "", "", "", "", "CI"],
                                 ["SBR", "P", "18", "GRP-4410", "", "", "", "", "", "CI"]]
    assert find(text, "AMT") == [["AMT", "D", "112.4"]]
    assert find(text, "OI") == [["OI", "", "", "Y", "", "", "Y"]]
    assert find(text, "NM1", "IL")[1][-2:] == ["MI", "BHH123456789"]
    assert find(text, "NM1", "PR")[1] == BLUE_HARBOR_NM1
    assert find(text, "SVD") == [["SVD", "BHH01", "80", "HC:99213", "", "1"],
                                 ["SVD", "BHH01", "32.4", "HC:36415:90", "", "1"]]
    assert find(text, "CAS") == [["CAS", "CO", "45", "25"], ["CAS", "PR", "2", "20"],
                                 ["CAS", "CO", "45", "19.4"], ["CAS", "PR", "2", "8.1", "", "1", "0.1"]]
    assert find(text, "DTP", "573") == [["DTP", "573", "D8", "20260320"]] * 2


MEDICARE = dict(filing_code="MB", insurance_type="medicare")


def test_the_payers_program_is_the_filing_code_of_each_sbr_and_medicare_second_says_why():
    """2000B SBR09 is the payer's program, 2320 SBR09 the other payer's; a claim to Medicare as
    the second payer carries SBR05 (here 12: working aged, the first payer a group health plan)."""
    base = secondary_claim()
    other = dataclasses.replace(base.other_payer, payer=dataclasses.replace(
        base.other_payer.payer, filing_code="HM", insurance_type="group"))
    medicare = dataclasses.replace(base.payer, **MEDICARE)
    text = write_837p(interchange(dataclasses.replace(base, payer=medicare, other_payer=other,
                                                      insurance_type_code="12")))
    assert pyx12_errors(text) == []
    assert find(text, "SBR") == [["SBR", "S", "18", "", "PINE GAP PLAN", "12", "", "", "", "MB"],
                                 ["SBR", "P", "18", "GRP-4410", "", "", "", "", "", "HM"]]
    first = primary_claim(payer=dataclasses.replace(primary_claim().payer, filing_code="MC",
                                                    insurance_type="medicaid"))
    text = write_837p(interchange(first))
    assert pyx12_errors(text) == [] and find(text, "SBR")[0][5:] == ["", "", "", "", "MC"]


def test_medicare_second_without_its_reason_and_a_reason_elsewhere_are_refused():
    base = secondary_claim(payer=dataclasses.replace(secondary_claim().payer, **MEDICARE))
    with pytest.raises(BillingError, match="why Medicare pays second: is missing"):
        write_837p(interchange(base))
    with pytest.raises(BillingError, match="why Medicare pays second: only on a claim to Medicare"):
        write_837p(interchange(primary_claim(insurance_type_code="12")))
    with pytest.raises(BillingError, match="why Medicare pays second: must be one of 12, 13"):
        write_837p(interchange(dataclasses.replace(base, insurance_type_code="99")))


def test_secondary_claim_with_claim_level_adjustments_only():
    base = secondary_claim()
    lines = tuple(dataclasses.replace(line, other=None) for line in base.lines)
    other = dataclasses.replace(base.other_payer, adjustments=(
        Adjustment("CO", "45", Decimal("44.40")), Adjustment("PR", "2", Decimal("28.20"))))
    text = write_837p(interchange(dataclasses.replace(base, lines=lines, other_payer=other)))
    assert pyx12_errors(text) == []
    assert find(text, "CAS") == [["CAS", "CO", "45", "44.4"], ["CAS", "PR", "2", "28.2"]]
    assert find(text, "DTP", "573") == [["DTP", "573", "D8", PAID_DAY.strftime("%Y%m%d")]]
    assert not find(text, "SVD")


def test_a_child_billed_second_to_the_other_parents_plan_validates():
    """Both plans are the parents': the patient loop under the secondary, SBR02 19 in loop 2320."""
    first, second = secondary_claim(), child_claim()
    mother = dataclasses.replace(adult(), last_name="Walker")
    primary_plan = dataclasses.replace(second.subscriber, person=mother, relationship="child")
    other = dataclasses.replace(first.other_payer, subscriber=primary_plan)
    secondary_plan = dataclasses.replace(first.subscriber, person=second.subscriber.person,
                                         relationship="child")
    claim = dataclasses.replace(first, patient=second.patient, subscriber=secondary_plan, other_payer=other)
    text = write_837p(interchange(claim))
    assert pyx12_errors(text) == []
    assert find(text, "PAT") == [["PAT", "19"]]
    assert [s[1:3] for s in find(text, "SBR")] == [["S", ""], ["P", "19"]]
    assert find(text, "NM1", "IL")[1][3:5] == ["WALKER", "MARIA"]


def test_a_line_with_its_own_rendering_provider_validates():
    base = multi_line_claim()
    other_doctor = Provider(npi="1765432103", last_name="Park", first_name="Jun", taxonomy="208D00000X")
    lines = (base.lines[0], dataclasses.replace(base.lines[1], rendering=other_doctor), *base.lines[2:])
    text = write_837p(interchange(dataclasses.replace(base, lines=lines)))
    assert pyx12_errors(text) == []
    assert [s[3] for s in find(text, "NM1", "82")] == ["NGUYEN", "PARK"]
    assert find(text, "PRV", "PE")[1] == ["PRV", "PE", "PXC", "208D00000X"]


def test_spouse_and_other_relationships_validate():
    for relationship, code in (("spouse", "01"), ("other", "G8")):
        subscriber = dataclasses.replace(child_claim().subscriber, relationship=relationship)
        claim = child_claim(subscriber=subscriber)
        text = write_837p(interchange(claim))
        assert find(text, "PAT") == [["PAT", code]]
        assert pyx12_errors(text) == []


def test_replacement_and_void_name_the_original_claim():
    for claim, frequency in ((replacement_claim(), "7"), (void_claim(), "8")):
        text = write_837p(interchange(claim))
        assert find(text, "CLM")[0][5] == f"11:B:{frequency}"
        assert find(text, "REF", "F8") == [["REF", "F8", "BHH2026030512345"]]
    assert not find(write_837p(interchange(primary_claim())), "REF", "F8")


def test_not_accepting_assignment_and_no_signature():
    text = write_837p(interchange(primary_claim(accept_assignment=False, signature_on_file=False)))
    assert find(text, "CLM")[0][6:] == ["Y", "C", "N", "I"]
    assert pyx12_errors(text) == []


def test_a_person_as_billing_provider_and_an_ssn():
    person = Provider(npi="1102030404", last_name="Osei", first_name="Ama", tax_id="123-45-6789",
                      tax_id_kind="SSN", address=OFFICE)
    text = write_837p(interchange(primary_claim(billing=person)))
    assert find(text, "NM1", "85") == [["NM1", "85", "1", "OSEI", "AMA", "", "", "", "XX", "1102030404"]]
    assert find(text, "REF", "SY") == [["REF", "SY", "123456789"]]
    assert not find(text, "PRV")
    assert pyx12_errors(text) == []


# --- values: amounts, dates, names ----------------------------------------------------------------

@pytest.mark.parametrize("value, written", [("100.00", "100"), ("12.50", "12.5"), ("0.10", "0.1"),
                                            ("1234.56", "1234.56"), ("0", "0"), ("0.00", "0"),
                                            ("-3.70", "-3.7"), ("7.005", "7.01"), ("1E+2", "100")])
def test_amounts_are_written_as_x12_decimals(value, written):
    assert amount(Decimal(value)) == written


def test_quantities_and_dates():
    assert quantity(3) == "3" and quantity(Decimal("1.50")) == "1.5"
    day = dt.date(2026, 1, 5)
    claim = primary_claim(lines=(dataclasses.replace(primary_claim().lines[0], service_date=day),))
    assert find(write_837p(interchange(claim)), "DTP", "472") == [["DTP", "472", "D8", "20260105"]]


def test_names_are_capitals_and_accents_are_dropped():
    person = dataclasses.replace(adult(), last_name="Núñez-García", first_name="  josé  luis ")
    claim = primary_claim(patient=person, subscriber=dataclasses.replace(primary_claim().subscriber,
                                                                         person=person))
    text = write_837p(interchange(claim))
    assert find(text, "NM1", "IL")[0][3:5] == ["NUNEZ-GARCIA", "JOSE LUIS"]
    assert pyx12_errors(text) == []


@pytest.mark.parametrize("separator", ["*", ":", "^", "~"])
def test_a_separator_in_a_name_is_refused_naming_the_claim_and_field(separator):
    person = dataclasses.replace(adult(), last_name=f"O{separator}Brien")
    claim = primary_claim(subscriber=dataclasses.replace(primary_claim().subscriber, person=person),
                          patient=person)
    with pytest.raises(BillingError) as refused:
        write_837p(interchange(claim))
    message = str(refused.value)
    assert "claim CLM-1001" in message and "subscriber last name" in message
    assert repr(separator) in message and "separate" in message


@pytest.mark.parametrize("change, field", [
    (lambda c: dataclasses.replace(c, payer=dataclasses.replace(c.payer, name="Blue*Harbor")), "payer name"),
    (lambda c: dataclasses.replace(c, subscriber=dataclasses.replace(c.subscriber, member_id="AB:12")),
     "subscriber member id"),
    (lambda c: dataclasses.replace(c, prior_authorization="PA~1"), "prior authorization"),
    (lambda c: dataclasses.replace(c, diagnoses=("J06^9",)), "diagnosis 1"),
    (lambda c: dataclasses.replace(c, lines=(dataclasses.replace(c.lines[0], modifiers=("2*",)),)),
     "line 1 modifier 1"),
    (lambda c: dataclasses.replace(c, patient=dataclasses.replace(c.patient, last_name="李")),
     "patient last name"),
])
def test_unwritable_characters_anywhere_are_refused_by_field(change, field):
    claim = change(child_claim())
    with pytest.raises(BillingError, match=f"claim CLM-1004, {field}: has"):
        write_837p(interchange(claim))


def test_a_separator_in_the_submitter_is_refused():
    submitter = dataclasses.replace(SUBMITTER, contact_name="Carla*Clerk")
    with pytest.raises(BillingError, match=r"submitter \(Settings\), contact name"):
        write_837p(interchange(submitter=submitter))


@pytest.mark.parametrize("change, message", [
    (dict(billing=dataclasses.replace(BILLING, address=dataclasses.replace(OFFICE, zip_code="04101"))),
     "billing provider ZIP code: must be 9 digits"),
    (dict(billing=dataclasses.replace(BILLING, tax_id="")), "billing provider tax id: is missing"),
    (dict(billing=dataclasses.replace(BILLING, npi="12345")), "billing provider NPI: must be 10 digits"),
    (dict(frequency="7"), "original reference"),
    (dict(diagnoses=()), "diagnoses"),
    (dict(payer=dataclasses.replace(primary_claim().payer, payer_id="")), "payer id: is missing"),
    (dict(place_of_service="1"), "place of service: must be a two-digit"),
    (dict(patient=dataclasses.replace(adult(), date_of_birth=None),
          subscriber=dataclasses.replace(primary_claim().subscriber,
                                         person=dataclasses.replace(adult(), date_of_birth=None))),
     "subscriber date of birth: is missing"),
])
def test_claims_the_file_cannot_carry_are_refused(change, message):
    with pytest.raises(BillingError, match=message):
        write_837p(interchange(primary_claim(**change)))


def test_line_refusals():
    base = multi_line_claim()
    too_far = dataclasses.replace(base.lines[1], diagnosis_pointers=(7,))
    with pytest.raises(BillingError, match="line 2 diagnosis pointer: 7 points past"):
        write_837p(interchange(dataclasses.replace(base, lines=(base.lines[0], too_far))))
    five = dataclasses.replace(base.lines[0], diagnosis_pointers=(1, 2, 3, 4, 5))
    with pytest.raises(BillingError, match="line 1 diagnosis pointers: the 837P allows 4"):
        write_837p(interchange(dataclasses.replace(base, lines=(five,))))


def test_an_unbalanced_secondary_is_refused():
    base = secondary_claim()
    wrong = dataclasses.replace(base.lines[0], other=dataclasses.replace(base.lines[0].other,
                                                                         paid=Decimal("81.00")))
    with pytest.raises(BillingError, match="line 1 other payer's adjudication: paid 81.00"):
        write_837p(interchange(dataclasses.replace(base, lines=(wrong, base.lines[1]))))
    wrong_total = dataclasses.replace(base.other_payer, paid=Decimal("100.00"))
    with pytest.raises(BillingError, match="other payer's paid amount"):
        write_837p(interchange(dataclasses.replace(base, other_payer=wrong_total)))


# --- the file ------------------------------------------------------------------------------------

def test_write_837p_file_writes_the_interchange(tmp_path):
    target = tmp_path / "blue-harbor.837"
    chosen = interchange(primary_claim(), child_claim())
    assert write_837p_file(chosen, target) == target
    assert target.read_bytes() == write_837p(chosen).encode("ascii")
    assert list(tmp_path.iterdir()) == [target]


def test_a_refused_file_leaves_the_old_one_whole(tmp_path):
    target = tmp_path / "out.837"
    target.write_text("earlier file")
    person = dataclasses.replace(adult(), last_name="A*B")
    subscriber = dataclasses.replace(primary_claim().subscriber, person=person)
    bad = primary_claim(patient=person, subscriber=subscriber)
    with pytest.raises(BillingError):
        write_837p_file(interchange(bad), target)
    assert target.read_text() == "earlier file"
    assert list(tmp_path.iterdir()) == [target]


def test_an_unwritable_folder_is_a_plain_message(tmp_path):
    with pytest.raises(BillingError, match="could not write"):
        write_837p_file(interchange(), tmp_path / "missing" / "out.837")
