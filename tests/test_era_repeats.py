"""A claim that comes back on two checks of one 835, and checks that come back at all: the same
file twice, one check of it again in a later file, a check already keyed from its paper EOB, the
same check twice in one file. An insurer's check never loses or doubles money."""

from __future__ import annotations

import pytest
from claims_fixtures import office  # noqa: F401
from remit_fixtures import D, acme, billed, lines_of, patient  # noqa: F401

from billing_desk.errors import RuleError
from billing_desk.models import Account, InsurancePayment, LedgerEntry, RemitLine
from billing_desk.services.books import era_import, insurance_money, remittances
from billing_desk.services.books.deposits import deposit
from billing_desk.services.books.ledger import check_ledger

pytestmark = pytest.mark.both_engines

PAID = ["CLP*INV1001-1*1*100.00*80.00*20.00*MC*PAYER0001", "NM1*QC*1*DOE*JANE****MI*MEM123",
        "SVC*HC:99213*100.00*80.00**1", "DTM*472*20240110", "CAS*CO*45*0.00", "CAS*PR*2*20.00"]
REVERSED = ["CLP*INV1001-1*22*-100.00*-80.00*-20.00*MC*PAYER0001", "NM1*QC*1*DOE*JANE****MI*MEM123",
            "SVC*HC:99213*-100.00*-80.00**1", "DTM*472*20240110", "CAS*PR*2*-20.00"]
OTHER = ["CLP*INV1002-1*1*50.00*50.00**MC*PAYER0002", "NM1*QC*1*DOE*JANE****MI*MEM123",
         "SVC*HC:99212*50.00*50.00**1", "DTM*472*20240110"]


def check(trn: str, amount: str, *claims: list[str], number: int = 1) -> str:
    """One ST/SE transaction: one check from Acme Health paying ``claims``."""
    segments = [f"ST*835*{number:04d}", f"BPR*I*{amount}*C*CHK************20240115",
                f"TRN*1*{trn}*1512345678", "N1*PR*ACME HEALTH", "REF*2U*ACME01",
                "N1*PE*MAIN STREET CLINIC*XX*1234567893", "LX*1"]
    for claim in claims:
        segments += claim
    segments.append(f"SE*{len(segments) + 1}*{number:04d}")
    return "~".join(segments) + "~"


def era(tmp_path, interchange: str, *checks: str):
    """An 835 file (ISA13 ``interchange``) holding ``checks``, numbered in order."""
    checks = tuple(c.replace("ST*835*0001", f"ST*835*{i:04d}").replace("*0001~", f"*{i:04d}~")
                   for i, c in enumerate(checks, start=1))
    text = (f"ISA*00*          *00*          *ZZ*ACMEHEALTH     *ZZ*BILLINGDESK    *240115*1200*^*00501*"
            f"{interchange}*0*P*:~GS*HP*ACMEHEALTH*BILLINGDESK*20240115*1200*1*X*005010X221A1~"
            + "".join(checks) + f"GE*{len(checks)}*1~IEA*1*{interchange}~")
    path = tmp_path / f"{interchange}.835"
    path.write_text(text, encoding="ascii")
    return path


@pytest.fixture
def billed_doe(patient, admin):
    account = patient()
    invoice, _claim = billed(account, admin, "INV1001-1", [("99213", 1, "100.00")])
    other, _ = billed(account, admin, "INV1002-1", [("99212", 1, "50.00")])
    return account, invoice, other


def _whole():
    assert check_ledger() == []
    for found in InsurancePayment.select():
        sums = insurance_money.check_sums(found.id)
        assert sums.accounted == sums.amount, found.reference


def _line(invoice):
    (line,) = lines_of(invoice)
    return line.insurance_balance, line.patient_balance


def test_a_claim_on_two_checks_of_one_file_is_posted_once_and_the_second_held_on_its_own_check(
        billed_doe, admin, tmp_path):
    account, invoice, _other = billed_doe
    path = era(tmp_path, "000000201", check("CHK1", "80.00", PAID), check("CHK2", "80.00", PAID))
    preview = era_import.preview_era(path)
    assert preview.problems == []
    (warning,) = preview.warnings
    assert warning.startswith("ACME HEALTH CHK2: claim INV1001-1 was already paid the same on check "
                              "CHK1 of this file")
    assert "this second copy on check CHK2 was not posted; its $80.00 is held unapplied on check CHK2, " \
           "on the unmatched worklist" in warning
    first, second = preview.remittances
    assert first.claims[0].matched.startswith("invoice")
    assert second.claims[0].matched.startswith("SECOND COPY")
    one, two = era_import.import_era(path, admin)
    assert (one.claims, one.held, two.claims, two.unmatched, two.held) == (
        ["INV1001-1"], 0, [], ["INV1001-1"], D("80.00"))
    assert any("already paid the same on check CHK1" in note for note in two.notes)
    assert _line(invoice) == (0, D("20.00"))  # the patient's share stands: not paid by the copy
    assert RemitLine.select().count() == 1
    held = InsurancePayment.get(InsurancePayment.reference == "CHK2")
    assert insurance_money.unapplied(held.id) == D("80.00")
    (item,) = remittances.unmatched_list()
    assert (item.claim_number, item.insurance_payment_id) == ("INV1001-1", held.id)
    (row,) = insurance_money.unapplied_list()
    assert row.reference == "CHK2" and "already paid the same on check CHK1" in row.reason
    assert Account.get_by_id(account.id).patient_balance == D("20.00")
    _whole()


def test_a_copy_with_other_lines_is_a_split_not_a_second_copy(billed_doe, admin, tmp_path):
    """Same claim number, status and totals but another service line: a part of the claim."""
    _account, invoice, _other = billed_doe
    moved = [s.replace("DTM*472*20240110", "DTM*472*20240111") for s in PAID]
    path = era(tmp_path, "000000202", check("CHK1", "80.00", PAID), check("CHK2", "80.00", moved))
    (warning,) = era_import.preview_era(path).warnings
    assert "claim INV1001-1 comes back 2 times with different amounts" in warning
    assert "on check CHK1 and check CHK2 of this file" in warning
    one, two = era_import.import_era(path, admin)
    assert two.claims == ["INV1001-1"] and two.unmatched == []
    _whole()


def test_a_reversal_and_a_new_payment_on_another_check_are_posted(billed_doe, admin, tmp_path):
    """Check 1 pays; check 2 reverses it and pays it again the same: no copy is held."""
    _account, invoice, _other = billed_doe
    path = era(tmp_path, "000000203", check("CHK1", "80.00", PAID),
               check("CHK2", "0.00", REVERSED, PAID))
    preview = era_import.preview_era(path)
    assert preview.problems == [] and preview.warnings == []
    assert all(c.matched.startswith("invoice") for r in preview.remittances for c in r.claims)
    one, two = era_import.import_era(path, admin)
    assert two.claims == ["INV1001-1", "INV1001-1"] and two.unmatched == [] and two.held == 0
    assert _line(invoice) == (0, D("20.00"))
    assert insurance_money.unapplied_list() == []
    _whole()


def test_a_reversal_of_an_earlier_files_payment_and_its_new_payment_are_posted(billed_doe, admin,
                                                                                tmp_path):
    _account, invoice, _other = billed_doe
    era_import.import_era(era(tmp_path, "000000204", check("CHK1", "80.00", PAID)), admin)
    path = era(tmp_path, "000000205", check("CHK2", "0.00", REVERSED, PAID))
    preview = era_import.preview_era(path)
    assert preview.warnings == []
    assert all(c.matched.startswith("invoice") for c in preview.remittances[0].claims)
    (posted,) = era_import.import_era(path, admin)
    assert posted.claims == ["INV1001-1", "INV1001-1"] and posted.held == 0
    assert _line(invoice) == (0, D("20.00"))
    _whole()


def test_the_same_file_twice_is_refused_whole(billed_doe, admin, tmp_path):
    path = era(tmp_path, "000000206", check("CHK1", "80.00", PAID), check("CHK2", "50.00", OTHER))
    era_import.import_era(path, admin)
    before = LedgerEntry.select().count()
    preview = era_import.preview_era(path)
    assert len(preview.problems) == 2 and all("already posted" in p for p in preview.problems)
    with pytest.raises(RuleError, match="Nothing was posted: .*already posted"):
        era_import.import_era(path, admin)
    assert (LedgerEntry.select().count(), InsurancePayment.select().count()) == (before, 2)
    _whole()


def test_one_check_of_a_file_again_in_a_later_file_is_refused(billed_doe, admin, tmp_path):
    """The clearinghouse sends check 1 again in a file of its own (another ISA13)."""
    _account, invoice, _other = billed_doe
    era_import.import_era(era(tmp_path, "000000207", check("CHK1", "80.00", PAID),
                              check("CHK2", "50.00", OTHER)), admin)
    again = era(tmp_path, "000000208", check("CHK1", "80.00", PAID))
    (problem,) = era_import.preview_era(again).problems
    assert "Acme Health's payment CHK1 is already on the books" in problem
    with pytest.raises(RuleError, match="already on the books"):
        era_import.import_era(again, admin)
    assert InsurancePayment.select().count() == 2 and _line(invoice) == (0, D("20.00"))
    _whole()


def test_a_check_already_on_the_books_is_skipped_and_the_rest_of_the_file_posted(billed_doe, admin,
                                                                                  tmp_path):
    """A later file repeats check 1 beside a new check 2: check 1 is not posted again; the file's
    new money is not refused because of it."""
    _account, invoice, other = billed_doe
    era_import.import_era(era(tmp_path, "000000209", check("CHK1", "80.00", PAID)), admin)
    path = era(tmp_path, "000000210", check("CHK1", "80.00", PAID), check("CHK2", "50.00", OTHER))
    preview = era_import.preview_era(path)
    assert preview.problems == []
    (warning,) = preview.warnings
    assert "CHK1: Acme Health's payment CHK1 ($80.00, received 01/15/2024) is already on the books: " \
           "this copy is not posted again" in warning
    assert preview.remittances[0].claims[0].matched.startswith("ALREADY POSTED")
    assert any("not posted again" in line for line in preview.lines())
    (posted,) = era_import.import_era(path, admin)
    assert posted.claims == ["INV1002-1"]
    assert InsurancePayment.select().count() == 2 and RemitLine.select().count() == 2
    assert _line(invoice) == (0, D("20.00")) and _line(other) == (0, 0)
    assert sorted(line.reference for line in deposit(insurance_money.today()).received) == ["CHK1", "CHK2"]
    _whole()


def test_a_check_on_the_books_for_another_amount_refuses_the_file(billed_doe, admin, tmp_path):
    era_import.import_era(era(tmp_path, "000000211", check("CHK1", "80.00", PAID)), admin)
    other = ["CLP*INV1002-1*1*50.00*50.00**MC*PAYER0002", "NM1*QC*1*DOE*JANE****MI*MEM123",
             "SVC*HC:99212*50.00*50.00**1"]
    path = era(tmp_path, "000000212", check("CHK1", "130.00", PAID, other), check("CHK2", "50.00", OTHER))
    (problem,) = era_import.preview_era(path).problems
    assert "Acme Health's payment CHK1 is already on the books" in problem and "$80.00" in problem
    with pytest.raises(RuleError):
        era_import.import_era(path, admin)
    assert InsurancePayment.select().count() == 1
    _whole()


def test_an_835_for_a_check_keyed_from_its_paper_eob_is_not_posted_again(billed_doe, admin, tmp_path):
    from billing_desk.services.books import eob

    _account, invoice, other = billed_doe
    claim = eob.claim_of(invoice, None)
    keyed = insurance_money.receive_check(claim.payer_id, "check", "CHK1", "80.00", admin)
    remittances.post_remittance(eob.eob_remittance(claim, [eob.EobLine(lines_of(invoice)[0].id, D("100.00"),
                                                                       D("80.00"))],
                                                   reference="CHK1", paid_on=keyed.received_on),
                                admin, into=keyed.id)
    path = era(tmp_path, "000000213", check("CHK1", "80.00", PAID), check("CHK2", "50.00", OTHER))
    (posted,) = era_import.import_era(path, admin)
    assert posted.claims == ["INV1002-1"] and InsurancePayment.select().count() == 2
    assert _line(invoice) == (0, D("20.00"))
    _whole()


def test_the_same_check_twice_in_one_file_is_refused_in_words(billed_doe, admin, tmp_path):
    path = era(tmp_path, "000000214", check("CHK1", "80.00", PAID), check("CHK1", "50.00", OTHER))
    (problem,) = era_import.preview_era(path).problems
    assert problem == ("ACME HEALTH CHK1: check CHK1 is in this file twice: a check is posted once; "
                       "ask the payer or clearinghouse for a corrected file")
    with pytest.raises(RuleError, match="in this file twice"):
        era_import.import_era(path, admin)
    assert InsurancePayment.select().count() == 0


def test_a_second_copy_with_another_payer_claim_number_is_held_too(billed_doe, admin, tmp_path):
    _account, invoice, _other = billed_doe
    renumbered = [s.replace("PAYER0001", "PAYER0009") for s in PAID]
    path = era(tmp_path, "000000215", check("CHK1", "80.00", PAID), check("CHK2", "80.00", renumbered))
    one, two = era_import.import_era(path, admin)
    assert two.unmatched == ["INV1001-1"] and two.held == D("80.00")
    assert _line(invoice) == (0, D("20.00"))
    _whole()


def test_a_payment_its_reversal_and_a_new_payment_on_one_check_are_all_posted(billed_doe, admin,
                                                                               tmp_path):
    _account, invoice, _other = billed_doe
    era_import.import_era(era(tmp_path, "000000216", check("CHK1", "80.00", PAID, REVERSED, PAID)),
                          admin)
    assert remittances.unmatched_list() == [] and insurance_money.unapplied_list() == []
    assert _line(invoice) == (0, D("20.00"))
    _whole()


def test_a_claim_paid_again_the_same_on_a_check_of_a_later_file_is_held(billed_doe, admin, tmp_path):
    """Not the same check (another trace number), but the same claim paid the same again, with no
    reversal since: the second payment is held on its check, not posted over the first."""
    _account, invoice, _other = billed_doe
    era_import.import_era(era(tmp_path, "000000217", check("CHK1", "80.00", PAID)), admin)
    path = era(tmp_path, "000000218", check("CHK3", "80.00", PAID), check("CHK4", "50.00", OTHER))
    preview = era_import.preview_era(path)
    (warning,) = preview.warnings
    assert ("claim INV1001-1 was already paid the same on Acme Health check CHK1 (received 01/15/2024, "
            "payer claim number PAYER0001, charge $100.00, paid $80.00): this second copy on check CHK3 "
            "was not posted; its $80.00 is held unapplied on check CHK3, on the unmatched "
            "worklist") in warning
    assert preview.remittances[0].claims[0].matched.startswith("SECOND COPY")
    again, other = era_import.import_era(path, admin)
    assert (again.claims, again.unmatched, again.held, other.claims) == ([], ["INV1001-1"], D("80.00"),
                                                                         ["INV1002-1"])
    assert _line(invoice) == (0, D("20.00"))  # the patient's share is not paid by the copy
    (row,) = insurance_money.unapplied_list()
    assert (row.reference, row.unapplied) == ("CHK3", D("80.00"))
    _whole()


def test_the_same_paper_eob_keyed_again_on_another_check_is_held(billed_doe, admin):
    from billing_desk.services.books import eob

    _account, invoice, _other = billed_doe
    claim = eob.claim_of(invoice, None)
    (line,) = lines_of(invoice)
    keyed = [eob.EobLine(line.id, D("100.00"), D("80.00"))]
    for number in ("CHK-P1", "CHK-P2"):
        check_id = insurance_money.receive_check(claim.payer_id, "check", number, "80.00", admin).id
        done = remittances.post_remittance(eob.eob_remittance(claim, keyed, reference=number,
                                                              paid_on=insurance_money.today()),
                                           admin, into=check_id)
    assert done.unmatched == ["INV1001-1"]
    assert "already paid the same on Acme Health check CHK-P1" in done.notes[0]
    assert _line(invoice) == (0, D("20.00"))
    (row,) = insurance_money.unapplied_list()
    assert (row.reference, row.unapplied) == ("CHK-P2", D("80.00"))
    _whole()
