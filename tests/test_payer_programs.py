"""A payer's program (Medicare, Medicaid, TRICARE, commercial...): one list mapping each to its 837P
claim filing indicator (SBR09) and CMS-1500 box 1; kept on the payer (commercial unless set),
typed on the Payers screen and in the import, and carried onto every claim to or after it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from claims_fixtures import DAY, insured, office, only_claim, pay_primary, post  # noqa: F401

from billing_desk.choices import DEFAULT_PAYER_PROGRAM, PAYER_PROGRAMS
from billing_desk.claim_form import INSURANCE_TYPES
from billing_desk.errors import ValidationError
from billing_desk.models import Account, Payer
from billing_desk.services.books import payers
from billing_desk.services.claims.forms import claim_form

pytestmark = pytest.mark.both_engines


def pyx12_codes(element: str) -> set[str]:
    """The codes pyx12's 005010X222A1 map allows in ``element`` (SBR05, SBR09)."""
    import pyx12

    text = (Path(pyx12.__file__).parent / "map" / "837.5010.X222.A1.xml").read_text()
    found = re.search(rf'<element xid="{element}">.*?<valid_codes>(.*?)</valid_codes>', text, re.S)
    assert found is not None
    return set(re.findall(r"<code>(\w+)</code>", found.group(1)))


def test_the_programs_cover_the_whole_x12_code_list_and_every_box_1_choice():
    assert {p.filing_code for p in PAYER_PROGRAMS.values()} == pyx12_codes("SBR09")
    assert {p.box_1 for p in PAYER_PROGRAMS.values()} == set(INSURANCE_TYPES)
    reasons = {p.before_medicare for p in PAYER_PROGRAMS.values()} - {"", "group"}
    assert reasons <= pyx12_codes("SBR05") and {"12", "43"} <= pyx12_codes("SBR05")
    assert PAYER_PROGRAMS[DEFAULT_PAYER_PROGRAM].filing_code == "CI"
    assert (PAYER_PROGRAMS["medicare"].filing_code, PAYER_PROGRAMS["medicare"].box_1) == ("MB", "medicare")
    assert (PAYER_PROGRAMS["medicaid"].filing_code, PAYER_PROGRAMS["medicaid"].box_1) == ("MC", "medicaid")


def form(**changes) -> payers.PayerForm:
    return payers.PayerForm(**{"name": "Medicare Part B", "payer_id": "06102", **changes})


@pytest.mark.parametrize("typed, kept", [
    ("", "commercial"), ("medicare", "medicare"), ("Medicare", "medicare"),
    ("Medicare Part B (MB)", "medicare"), ("MB", "medicare"), ("mc", "medicaid"),
    ("Workers' comp", "workers_comp"), ("workers comp", "workers_comp"), ("TRICARE", "tricare"),
    ("Blue Cross Blue Shield", "bcbs"), ("ci", "commercial"), ("group health", "commercial"),
])
def test_a_program_is_kept_as_its_word_however_typed(db, admin, typed, kept):
    payer = payers.save_payer(None, form(program=typed), admin)
    assert Payer.get_by_id(payer.id).program == kept
    assert payers.payer_form(payer.id).program == kept


def test_a_payer_without_a_program_is_commercial(db, admin):
    payer = payers.save_payer(None, payers.PayerForm(name="Great Lakes", payer_id="GLM01"), admin)
    assert payer.program == "commercial"
    assert Payer.create(name="Bare", payer_id="B1").program == "commercial"


@pytest.mark.parametrize("typed", ["medicair", "OF", "Medicare Part C", "12345"])
def test_an_unknown_or_ambiguous_program_is_named_at_its_field_with_the_choices(db, admin, typed):
    with pytest.raises(ValidationError) as caught:
        payers.save_payer(None, form(program=typed), admin)
    (problem,) = caught.value.problems
    assert problem.field == "program"
    assert f"'{typed}'" in problem.message and "medicare, medicaid" in problem.message
    assert Payer.select().count() == 0


def test_a_change_of_program_is_audited(db, admin):
    from billing_desk.models import AuditEntry

    payer = payers.save_payer(None, form(), admin)
    payers.save_payer(payer.id, form(program="medicare"), admin)
    entry = AuditEntry.select().where(AuditEntry.table == "payer", AuditEntry.action == "update").get()
    assert (entry.before["program"], entry.after["program"]) == ("commercial", "medicare")


# --- on the claim --------------------------------------------------------------------------------

def set_program(plan, program: str) -> None:
    Payer.update(program=program).where(Payer.id == plan.payer_id).execute()


def test_a_claim_to_medicare_says_mb_and_ticks_box_1_medicare(insured, office, admin):
    set_program(office["blue"], "medicare")
    form_of = claim_form(only_claim(post(insured(secondary=False), admin)).id)
    assert (form_of.payer.filing_code, form_of.payer.insurance_type) == ("MB", "medicare")
    assert form_of.insurance_type_code == ""  # Medicare is the primary: no SBR05


def test_a_commercial_payer_still_says_ci_and_group(insured, office, admin):
    form_of = claim_form(only_claim(post(insured(secondary=False), admin)).id)
    assert (form_of.payer.filing_code, form_of.payer.insurance_type) == ("CI", "group")


def test_the_secondary_claim_names_the_primarys_program_for_loop_2320(insured, office, admin):
    set_program(office["blue"], "medicare")
    set_program(office["lakes"], "medicaid")
    invoice = post(insured(), admin)
    pay_primary(invoice, admin)
    form_of = claim_form(only_claim(invoice, "secondary").id)
    assert (form_of.payer.filing_code, form_of.payer.insurance_type) == ("MC", "medicaid")
    assert form_of.other_payer is not None and form_of.other_payer.payer.filing_code == "MB"


@pytest.mark.parametrize("primary, born, reason", [
    ("commercial", dt.date(1980, 1, 2), "43"),  # under 65 on the date of service: disabled, LGHP
    ("hmo", dt.date(1955, 1, 2), "12"),  # 65 or over: working aged
    ("workers_comp", dt.date(1955, 1, 2), "15"),
    ("auto", dt.date(1980, 1, 2), "14"),
])
def test_medicare_as_the_second_payer_says_why_in_sbr05(insured, office, admin, primary, born, reason):
    set_program(office["blue"], primary)
    set_program(office["lakes"], "medicare")
    account = insured()
    Account.update(date_of_birth=born).where(Account.id == account.id).execute()
    invoice = post(account, admin)
    pay_primary(invoice, admin)
    assert claim_form(only_claim(invoice, "secondary").id).insurance_type_code == reason


def test_the_scrubber_holds_medicare_second_to_a_program_medicare_pays_before(insured, office, admin):
    from billing_desk.services.claims.scrubber import in_words, scrub

    set_program(office["blue"], "medicaid")
    set_program(office["lakes"], "medicare")
    invoice = post(insured(), admin)
    pay_primary(invoice, admin)
    claim = only_claim(invoice, "secondary")
    problems = scrub(claim)
    assert [p.field for p in problems] == ["coverage.rank"]
    assert "Medicare pays before Medicaid" in in_words(problems[0])
    assert claim.status == "held" and "Medicare pays before Medicaid" in claim.hold_reason
    assert DAY  # the fixture's day of service


def test_the_printed_copy_of_a_medicaid_paper_claim_ticks_box_1_medicaid(office, make_account, admin,
                                                                        tmp_path):
    """Built from the books: Great Lakes (paper) as a Medicaid plan, through the paper batch to
    the drawn copy (reports/claim_forms.save_copies) and the data-only print's PDF."""
    from test_cms1500 import at, page_items

    from billing_desk.models import Coverage
    from billing_desk.printing.cms1500 import data_only_pdf
    from billing_desk.reports.claim_forms import save_copies
    from billing_desk.services.claims import submission

    set_program(office["lakes"], "medicaid")
    account = make_account(last="Diaz", first="Rosa", street="9 Oak St", city="Springfield", sex="F")
    Account.update(state="IL", zip_code="62704").where(Account.id == account.id).execute()
    Coverage.create(account=account, plan=office["lakes"], rank="primary", member_id="IL12345678")
    only_claim(post(Account.get_by_id(account.id), admin))
    batch = submission.paper_batch(payer="Great Lakes")
    save_copies(batch, tmp_path / "copy.pdf")
    data_only_pdf(batch.forms, tmp_path / "data.pdf")
    for path in ("copy.pdf", "data.pdf"):
        form_page = page_items(tmp_path / path)[-1]
        assert at(form_page, "type_medicaid") == "X" and at(form_page, "type_group") == "", path
        assert at(form_page, "insured_id") == "IL12345678"
