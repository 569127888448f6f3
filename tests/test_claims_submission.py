"""Claims going out (services/claims/submission.py, alignment.py): 837P files all or nothing,
paper batches marked submitted only once the clerk confirms, the alignment offset per printer."""

from __future__ import annotations

from decimal import Decimal

import pytest
from claims_out_fixtures import (  # noqa: F401
    demo_db,
    demo_office,
    maria,
    office_file,
    payer_with_ready,
    statuses,
)
from test_x12_837 import find, pyx12_errors

from billing_desk.errors import BillingError, ValidationError

pytestmark = pytest.mark.both_engines

D = Decimal


def test_export_of_a_payers_ready_claims_validates_and_marks_them_in_one_batch(demo_db, maria, tmp_path):
    from billing_desk.models import Claim, ClaimBatch
    from billing_desk.services.claims import submission

    payer = payer_with_ready("electronic")
    ready = submission.ready_claims("electronic", payer)
    assert ready and {r.payer for r in ready} == {payer}
    (done,) = submission.export_837(None, tmp_path / "claims.837", maria, payer=payer)
    text = (tmp_path / "claims.837").read_text(encoding="ascii")
    assert pyx12_errors(text) == []
    assert done.path == tmp_path / "claims.837" and done.payer == payer
    assert done.control_numbers == tuple(r.control_number for r in ready)
    assert done.total == sum((r.total for r in ready), D("0.00"))
    assert [s[1] for s in find(text, "CLM")] == list(done.control_numbers)
    assert find(text, "ISA")[0][13] == f"{done.interchange_number:09d}"
    claims = statuses(r.claim_id for r in ready)
    assert {(s, m) for s, m, _b in claims.values()} == {("submitted", "electronic")}
    (batch_id,) = {b for _s, _m, b in claims.values()}
    batch = ClaimBatch.get_by_id(batch_id)
    assert (batch.kind, batch.number, batch.file_name, batch.claim_count) == \
        ("electronic", done.batch_number, "claims.837", len(ready))
    assert submission.ready_claims("electronic", payer) == []
    assert Claim.select().where(Claim.batch == batch_id).count() == len(ready)


def test_two_exports_never_repeat_a_control_number(demo_db, maria, tmp_path):
    from billing_desk.services.claims import submission

    payers = sorted({r.payer for r in submission.ready_claims("electronic")})
    assert len(payers) >= 2
    first = submission.export_837(None, tmp_path / "a.837", maria, payer=payers[0])[0]
    second = submission.export_837(None, tmp_path / "b.837", maria, payer=payers[1])[0]
    envelopes = [(d.interchange_number, d.group_number, d.transaction_number) for d in (first, second)]
    assert all(a != b for a, b in zip(*envelopes))
    isa = [find((tmp_path / name).read_text(), "ISA")[0][13] for name in ("a.837", "b.837")]
    assert isa[0] != isa[1]


def test_several_payers_make_one_file_each(demo_db, maria, tmp_path):
    from billing_desk.services.claims import submission

    ready = submission.ready_claims("electronic")
    payers = {r.payer for r in ready}
    done = submission.export_837([r.claim_id for r in ready], tmp_path / "monday.837", maria)
    assert {d.payer for d in done} == payers and len(done) == len(payers)
    for part in done:
        assert part.path.parent == tmp_path and part.path.name.startswith("monday-")
        assert part.path.suffix == ".837"
        text = part.path.read_text()
        assert pyx12_errors(text) == []
        assert len({tuple(s) for s in find(text, "NM1", "PR")}) == 1
    assert not (tmp_path / "monday.837").exists()
    assert len({d.batch_number for d in done}) == len(done)
    assert submission.ready_claims("electronic") == []


def test_a_claim_the_scrubber_refuses_stops_the_batch(demo_db, maria, tmp_path):
    from billing_desk.models import Account, Claim, Sequence
    from billing_desk.services.claims import submission

    payer = payer_with_ready("electronic")
    ready = submission.ready_claims("electronic", payer)
    bad = Claim.get_by_id(ready[-1].claim_id)
    Account.update(sex="U").where(Account.id == bad.invoice.account_id).execute()
    numbers = {s.name: s.next_value for s in Sequence.select()}
    with pytest.raises(ValidationError) as refused:
        submission.export_837(None, tmp_path / "claims.837", maria, payer=payer)
    assert f"Claim {bad.control_number}, patient's sex: " in str(refused.value)
    assert list(tmp_path.glob("*.837*")) == []
    assert {s for s, _m, _b in statuses(r.claim_id for r in ready).values()} == {"ready"}
    assert {s.name: s.next_value for s in Sequence.select()} == numbers


def test_a_file_that_cannot_be_written_marks_nothing(demo_db, maria, tmp_path):
    from billing_desk.services.claims import submission

    payer = payer_with_ready("electronic")
    ready = submission.ready_claims("electronic", payer)
    with pytest.raises(BillingError, match="could not write"):
        submission.export_837(None, tmp_path / "no such folder" / "claims.837", maria, payer=payer)
    assert {s for s, _m, _b in statuses(r.claim_id for r in ready).values()} == {"ready"}


def test_when_marking_fails_the_written_file_is_removed(demo_db, maria, tmp_path, monkeypatch):
    from billing_desk.services.claims import claim_status, submission

    payers = sorted({r.payer for r in submission.ready_claims("electronic")})
    calls = []

    def failing(ids, mode, by, **kw):
        calls.append(ids)
        if len(calls) == 2:
            raise BillingError("the disk is full")
        return real(ids, mode, by, **kw)

    real = claim_status.submit
    monkeypatch.setattr(claim_status, "submit", failing)
    ready = submission.ready_claims("electronic")
    with pytest.raises(BillingError, match="the disk is full"):
        submission.export_837([r.claim_id for r in ready], tmp_path / "claims.837", maria)
    assert len(payers) >= 2 and list(tmp_path.glob("*.837*")) == []
    assert {s for s, _m, _b in statuses(r.claim_id for r in ready).values()} == {"ready"}


def test_an_existing_file_is_never_overwritten_and_nothing_ready_says_so(demo_db, maria, tmp_path):
    from billing_desk.services.claims import submission

    payer = payer_with_ready("electronic")
    (tmp_path / "claims.837").write_text("yesterday's file, not uploaded yet")
    with pytest.raises(ValidationError, match="already exists"):
        submission.export_837(None, tmp_path / "claims.837", maria, payer=payer)
    assert (tmp_path / "claims.837").read_text() == "yesterday's file, not uploaded yet"
    submission.export_837(None, tmp_path / "today.837", maria, payer=payer)
    with pytest.raises(submission.NothingToSend, match=f"no ready electronic claims for {payer}"):
        submission.export_837(None, tmp_path / "again.837", maria, payer=payer)
    with pytest.raises(ValidationError, match="no payer named 'Nobody Mutual'"):
        submission.ready_claims("electronic", "Nobody Mutual")


def test_a_paper_claim_is_not_exported_nor_an_electronic_one_printed(demo_db, maria, tmp_path):
    from billing_desk.services.claims import submission

    paper = submission.ready_claims("paper")[0]
    with pytest.raises(BillingError, match=f"claim {paper.control_number}: {paper.payer} takes paper"):
        submission.export_837([paper.claim_id], tmp_path / "x.837", maria)
    electronic = submission.ready_claims("electronic")[0]
    with pytest.raises(BillingError, match="takes electronic claims"):
        submission.paper_batch([electronic.claim_id])


def test_paper_claims_are_marked_submitted_only_when_confirmed(demo_db, maria):
    from billing_desk.models import AuditEntry, ClaimBatch
    from billing_desk.services.claims import submission

    payer = payer_with_ready("paper")
    batch = submission.paper_batch(payer=payer)
    assert batch.claim_ids and len(batch.forms) == len(batch.claim_ids)
    assert {f.control_number for f in batch.forms} == set(batch.control_numbers)
    submission.record_printout(batch, maria, action="print", where="printer PDF", pages=3)
    assert {s for s, _m, _b in statuses(batch.claim_ids).values()} == {"ready"}
    entry = AuditEntry.select().order_by(AuditEntry.id.desc()).first()
    assert entry.action == "print" and batch.control_numbers[0] in entry.summary
    done = submission.confirm_printed(batch.claim_ids, maria, printer="PDF")
    assert {(s, m) for s, m, _b in statuses(batch.claim_ids).values()} == {("submitted", "paper")}
    stored = ClaimBatch.get(ClaimBatch.number == done.batch_number)
    assert (stored.kind, stored.printer, done.claim_count) == ("paper", "PDF", len(batch.claim_ids))
    with pytest.raises(BillingError, match="only ready claims"):
        submission.confirm_printed(batch.claim_ids, maria, printer="PDF")


def test_the_alignment_offset_is_kept_per_printer_within_an_inch(demo_db, maria):
    from billing_desk.models import AuditEntry, User
    from billing_desk.services.claims import alignment

    assert alignment.printer_offset("PDF") == (D("0.00"), D("0.00"))
    assert alignment.set_printer_offset("PDF", "0.1", "-0.05", maria) == (D("0.10"), D("-0.05"))
    alignment.set_printer_offset("Front desk", "-0.25", "0", User.get(User.username == "sam"))
    assert alignment.printer_offset("PDF") == (D("0.10"), D("-0.05"))
    assert alignment.printer_offset("Front desk") == (D("-0.25"), D("0.00"))
    entry = AuditEntry.select().order_by(AuditEntry.id.desc()).first()
    assert entry.action == "setting" and "Front desk" in entry.summary
    for x, y, field in (("1.5", "0", "offset_x"), ("0", "-1.01", "offset_y"), ("left", "0", "offset_x"),
                        ("0.123", "0", "offset_x")):
        with pytest.raises(ValidationError) as refused:
            alignment.set_printer_offset("PDF", x, y, maria)
        assert refused.value.problems[0].field == field
    with pytest.raises(ValidationError, match="name the printer"):
        alignment.set_printer_offset(" ", "0", "0", maria)
    assert alignment.printer_offset("PDF") == (D("0.10"), D("-0.05"))
