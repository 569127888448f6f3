"""Claims on unusual but legal data, from the office's own records out to the 837P and the
CMS-1500 (probe4): names with apostrophes, hyphens and accents, a subscriber who is not the
patient, twelve diagnoses, seven lines charged (two forms on paper), a modifier on every line, units
above one, a line charged nothing, an address with a suite. Every 837P validates with pyx12;
the CMS-1500 PDF is read back box by box."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from claims_fixtures import DAY, office  # noqa: F401 (fixtures)
from test_cms1500 import at, page_items
from test_x12_837 import find, pyx12_errors

pytestmark = pytest.mark.both_engines

D = Decimal
DIAGNOSES = ["E11.9", "I10", "E78.5", "J45.909", "M54.50", "R51.9", "K21.9", "F41.9", "G47.00",
             "N39.0", "Z00.00", "R05.9"]
LINES = [("99213", 1, None, "25"), ("36415", 2, None, "59"), ("80053", 1, None, "90"),
         ("36415", 3, None, "XU"), ("80053", 2, "0.00", "91"), ("99213", 1, None, "GT"),
         ("36415", 1, None, "76"), ("80053", 4, None, "95")]
ZERO = 4  # the line charged nothing: not on the claim (it carries the lines insurance owes on)
CHARGED = [line for n, line in enumerate(LINES) if n != ZERO]


@pytest.fixture
def unusual(office, make_account, admin):
    """Zoë D'Arcy-Núñez, covered as her husband Seán O'Brien-Lefèvre's spouse, at a suite."""
    from billing_desk.models import Coverage, Modifier

    for *_x, modifier in LINES:
        Modifier.get_or_create(code=modifier)

    def make(plan):
        account = make_account(first="Zoë", last="D'Arcy-Núñez", street="1200 Lakeshore Dr.",
                               street2="Suite 210-B", city="Chicago", sex="F")
        Coverage.create(account=account, plan=office[plan], rank="primary", member_id="ABC654321",
                        group_number="G-77", relationship="spouse", subscriber_first_name="Seán",
                        subscriber_last_name="O'Brien-Lefèvre", subscriber_name="O'Brien-Lefèvre, Seán",
                        subscriber_date_of_birth=dt.date(1971, 8, 9), subscriber_sex="M",
                        subscriber_street="1200 Lakeshore Dr.", subscriber_street2="Suite 210-B",
                        subscriber_city="Chicago", subscriber_state="IL", subscriber_zip_code="60611")
        from billing_desk.services.books import invoices

        draft = invoices.InvoiceDraft(
            account_id=account.id, service_date=DAY, diagnoses=DIAGNOSES,
            lines=[invoices.LineInput(code=code, quantity=units, unit_price=price, modifiers=modifier,
                                      pointers=",".join(str(n) for n in range(k % 9 + 1, k % 9 + 5)))
                   for k, (code, units, price, modifier) in enumerate(LINES)])
        invoice = invoices.post_invoice(invoices.save_draft(draft, admin).id, admin, entry_date=DAY)
        from billing_desk.models import Claim

        (claim,) = Claim.select().where(Claim.invoice == invoice.id, Claim.rank == "primary")
        return claim

    return make


def test_the_837p_of_an_unusual_claim_validates_and_carries_everything(unusual, admin, tmp_path):
    from billing_desk.services.claims import submission

    claim = unusual("blue")
    assert claim.status == "ready", claim.hold_reason
    (done,) = submission.export_837([claim.id], tmp_path / "claims.837", admin,
                                    on=DAY + dt.timedelta(days=10))
    text = (tmp_path / "claims.837").read_text(encoding="ascii")
    assert pyx12_errors(text) == []
    assert find(text, "NM1", "IL")[0][3:5] == ["O'BRIEN-LEFEVRE", "SEAN"]
    assert find(text, "NM1", "QC")[0][3:5] == ["D'ARCY-NUNEZ", "ZOE"]
    assert find(text, "PAT")[0][1] == "01"  # the patient is the subscriber's spouse
    assert ["N3", "1200 LAKESHORE DR.", "SUITE 210-B"] in [s[:3] for s in find(text, "N3")]
    (hi,) = find(text, "HI")
    assert [c.split(":")[1] for c in hi[1:]] == [d.replace(".", "") for d in DIAGNOSES]
    services = find(text, "SV1")
    assert [s[1].split(":")[2] for s in services] == [m for *_x, m in CHARGED]
    assert [s[4] for s in services] == [str(u) for _c, u, _p, _m in CHARGED]
    assert done.total == claim.total_charge == sum(D(s[2]) for s in services) == D(find(text, "CLM")[0][2])


def test_the_cms1500_of_an_unusual_claim_runs_over_two_forms_and_reads_back(unusual, tmp_path):
    from billing_desk.printing.cms1500 import data_only_pdf
    from billing_desk.services.claims import submission

    claim = unusual("lakes")
    assert claim.status == "ready", claim.hold_reason
    batch = submission.paper_batch([claim.id], on=DAY + dt.timedelta(days=10))
    assert data_only_pdf(batch.forms, tmp_path / "forms.pdf") == 2
    first, second = page_items(tmp_path / "forms.pdf")
    for page in (first, second):
        assert at(page, "patient_name") == "D'ARCY-NUNEZ, ZOE"
        assert at(page, "insured_name") == "O'BRIEN-LEFEVRE, SEAN"
        assert at(page, "rel_spouse") == "X"
        assert at(page, "patient_street") == "1200 LAKESHORE DR STE 210-B"  # box 5 holds 28
        assert [at(page, f"dx_{letter}") for letter in "ABCDEFGHIJKL"] == \
            [d.replace(".", "") for d in DIAGNOSES]
    assert [at(first, f"line{n}_code") for n in range(1, 7)] == [c for c, *_x in CHARGED[:6]]
    assert [at(first, f"line{n}_mod1") for n in range(1, 7)] == [m for *_x, m in CHARGED[:6]]
    assert [at(first, f"line{n}_units") for n in range(1, 7)] == [str(u) for _c, u, *_x in CHARGED[:6]]
    assert (at(second, "line1_code"), at(second, "line1_mod1"), at(second, "line1_units"),
            at(second, "line2_code")) == ("80053", "95", "4", "")
    assert at(second, "total") == f"{claim.total_charge:.2f}".replace(".", " ")


@pytest.mark.parametrize(("street", "suite", "printed"), [
    ("12 Main St", "Suite 4", "12 MAIN ST SUITE 4"),  # fits: as typed
    ("1200 North Lakeshore Drive", "Apartment 3C", "1200 N LAKESHORE DR APT 3C"),
    ("98765 Martin Luther King Jr Boulevard", "Building 12 Suite 400-B",
     "98765 BLDG 12 STE 400-B"),  # still too long: the street is cut, never the suite
])
def test_a_street_and_suite_too_long_for_box_5_keep_the_suite(street, suite, printed):
    from billing_desk.claim_form import Address
    from billing_desk.printing.cms1500_values import _street

    assert _street(Address(street, "Chicago", "IL", "60611", street2=suite), 28) == printed
