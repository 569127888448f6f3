"""An 837P export cut off by a crash (kill -9, a power cut) never leaves a file under its .837 name
whose claims are still ready: uploaded, they would go to the payer twice. The file takes its name
only once its claims are marked submitted; what a cut-off run left beside it is finished or
dropped by the next export, never sent twice."""

from __future__ import annotations

import pytest
from claims_out_fixtures import demo_db, demo_office, maria, office_file, payer_with_ready, statuses  # noqa: F401

from billing_desk.errors import ValidationError

pytestmark = pytest.mark.both_engines


def test_no_file_takes_its_name_before_its_claims_are_marked(demo_db, maria, tmp_path, monkeypatch):
    from billing_desk.services.claims import claim_status, submission

    (tmp_path / "out").mkdir()
    target, seen = tmp_path / "out" / "claims.837", []
    real = claim_status.submit

    def submit(*args, **kwargs):
        seen.append(target.exists())
        return real(*args, **kwargs)

    monkeypatch.setattr(claim_status, "submit", submit)
    submission.export_837(None, target, maria, payer=payer_with_ready("electronic"))
    assert seen == [False] and target.exists()
    assert [p.name for p in target.parent.iterdir()] == ["claims.837"]


def _cut_off(folder, maria, *, committed: bool):
    """What a run killed after writing its file left: claims.837.partial (its claims marked
    submitted when the kill came after the commit, still ready when it came before)."""
    from billing_desk.models import Claim
    from billing_desk.services.claims import submission

    payer = payer_with_ready("electronic")
    ready = submission.ready_claims("electronic", payer)
    folder.mkdir()
    (done,) = submission.export_837(None, folder / "claims.837", maria, payer=payer)
    (folder / "claims.837").rename(folder / "claims.837.partial")
    if not committed:
        Claim.update(status="ready", submitted_mode=None, batch=None).where(
            Claim.id.in_([r.claim_id for r in ready])).execute()
    return payer, ready, done


def test_a_cut_off_file_whose_claims_are_still_ready_is_dropped_and_they_go_once(
        demo_db, maria, tmp_path):
    import os
    import time

    from billing_desk.services.claims import submission

    out = tmp_path / "out"
    payer, ready, _done = _cut_off(out, maria, committed=False)
    (out / "claims.837").touch()  # the empty file that held the name when the kill came
    old = time.time() - submission.CUT_OFF_AFTER - 60
    for left in out.iterdir():
        os.utime(left, (old, old))
    (again,) = submission.export_837(None, out / "claims.837", maria, payer=payer)
    assert again.control_numbers == tuple(r.control_number for r in ready)
    assert sorted(p.name for p in out.iterdir()) == ["claims.837"]
    assert {s for s, _m, _b in statuses(r.claim_id for r in ready).values()} == {"submitted"}


def test_a_file_another_workstation_is_still_exporting_is_left_alone(demo_db, maria, tmp_path):
    """A young .partial whose claims are still ready may be another PC's export in its last
    second: it is not removed under it (that PC would mark its claims and find no file)."""
    from billing_desk.services.claims import submission

    out = tmp_path / "out"
    payer, ready, _done = _cut_off(out, maria, committed=False)
    (again,) = submission.export_837(None, out / "claims.837", maria, payer=payer)
    assert sorted(p.name for p in out.iterdir()) == ["claims.837", "claims.837.partial"]
    assert again.control_numbers == tuple(r.control_number for r in ready)


def test_a_cut_off_file_whose_claims_were_marked_is_said_never_sent_again(demo_db, maria, tmp_path):
    from billing_desk.services.claims import submission

    out = tmp_path / "out"
    payer, _ready, done = _cut_off(out, maria, committed=True)
    with pytest.raises(ValidationError) as refused:
        submission.export_837(None, out / "claims.837", maria, payer=payer)
    said = str(refused.value)
    assert "claims.837.partial" in said and "rename it to claims.837" in said
    assert done.control_numbers[0] in said and "upload" in said
    assert (out / "claims.837.partial").exists() and not (out / "claims.837").exists()
