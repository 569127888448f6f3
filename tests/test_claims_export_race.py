"""Two workstations exporting claims at the same moment (probe4): a file another PC wrote under
the same name after this export looked, but before it wrote, is never overwritten nor removed;
this export refuses naming the file and marks nothing; the claims go out once."""

from __future__ import annotations

import pytest
from claims_fixtures import insured, office  # noqa: F401 (fixtures)
from claims_out_fixtures import demo_db, demo_office, maria, office_file, payer_with_ready  # noqa: F401

from billing_desk.errors import BillingError

pytestmark = pytest.mark.both_engines


def test_a_file_written_meanwhile_by_another_pc_is_kept_and_this_export_marks_nothing(
        demo_db, maria, tmp_path, monkeypatch):
    from billing_desk.services.claims import forms, submission

    payer = payer_with_ready("electronic")
    ready = submission.ready_claims("electronic", payer)
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "claims.837"
    real = forms.interchange

    def other_pc_writes_first(ids, by, **kw):
        envelope = real(ids, by, **kw)
        target.write_text("ISA*the other workstation's file~", encoding="ascii")
        return envelope

    monkeypatch.setattr(forms, "interchange", other_pc_writes_first)
    with pytest.raises(BillingError, match="claims.837.*already exists"):
        submission.export_837(None, target, maria, payer=payer)
    assert target.read_text(encoding="ascii") == "ISA*the other workstation's file~"
    assert submission.ready_claims("electronic", payer) == ready  # nothing marked sent
    assert sorted(p.name for p in target.parent.iterdir()) == ["claims.837"]  # no partial left


EXPORTER = r"""
import datetime as dt, sys, time
from billing_desk.errors import BillingError
from billing_desk.models.db import open_database
from billing_desk.services.claims import submission
from billing_desk.services.office.users import ensure_administrator

url, out, start = sys.argv[1], sys.argv[2], float(sys.argv[3])
opened = open_database(url, create=False)
admin = ensure_administrator()
time.sleep(max(0.0, start - time.time()))
try:
    (done,) = submission.export_837(None, out, admin, payer="Blue Prairie", on=dt.date(2026, 1, 15))
    print("SENT", done.interchange_number, " ".join(done.control_numbers), flush=True)
except BillingError as exc:
    print("REFUSED", exc, flush=True)
opened.close()
"""


@pytest.mark.server_only
@pytest.mark.parametrize("same_name", [False, True], ids=["two-names", "one-name"])
def test_two_pcs_exporting_at_once_send_each_claim_once(db, admin, insured, tmp_path, same_name):
    import os
    import subprocess
    import sys
    import time

    from claims_fixtures import post

    from billing_desk.services.checks import run_checks
    from billing_desk.services.claims import submission

    for last in ("Lee", "Ray", "Kim", "Orr"):
        post(insured(last=last, secondary=False), admin)
    ready = {r.control_number for r in submission.ready_claims("electronic", "Blue Prairie")}
    assert len(ready) == 4
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    start = time.time() + 6
    outs = [tmp_path / ("claims.837" if same_name else f"pc{n}.837") for n in (1, 2)]
    workers = [subprocess.Popen([sys.executable, "-c", EXPORTER, db.server, str(out), str(start)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
               for out in outs]
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err[-3000:]
        results.append(out.strip())
    sent = [r.split() for r in results if r.startswith("SENT")]
    assert len(sent) == 1, results  # the other found them sent, or the name taken, in words
    (refused,) = [r for r in results if r.startswith("REFUSED")]
    assert "submitted" in refused or "already exists" in refused, refused
    assert set(sent[0][2:]) == ready
    files = sorted(p for p in tmp_path.glob("*.837"))
    assert len(files) == 1 and f"*{int(sent[0][1]):09d}*" in files[0].read_text()
    claims = [s.split("*")[1] for s in files[0].read_text().split("~\n") if s.startswith("CLM*")]
    assert sorted(claims) == sorted(ready)  # each claim once, in the one file left
    assert submission.ready_claims("electronic", "Blue Prairie") == []
    assert list(tmp_path.glob("*.partial")) == []
    result = run_checks()
    assert result.clean, list(result.lines())
