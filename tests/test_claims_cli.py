"""`billing-desk claims list`: the claims printed from a read-only open; bad input in one line."""

from __future__ import annotations

from claims_fixtures import insured, office, only_claim, post  # noqa: F401

from billing_desk.cli import main


def test_claims_list_prints_the_claims_by_status_and_payer(db, insured, admin, capsys):
    from billing_desk.services.claims import claim_status

    first = only_claim(post(insured(), admin))
    second = only_claim(post(insured(last="Kim", first="Bo"), admin))
    claim_status.hold(second.id, "waiting for the referral", admin)
    path = str(db.path)
    db.close()
    assert main(["claims", "list", "--db", path]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:4] == ["claim", "status", "rank", "payer"]
    assert out[1].startswith(second.control_number) and "held: waiting for the referral" in out[1]
    assert out[2].startswith(first.control_number) and " ready " in out[2] and "$135.00" in out[2]
    assert out[-1] == "2 claims, $270.00"
    assert main(["claims", "list", "--db", path, "--status", "Held"]) == 0
    held = capsys.readouterr().out.splitlines()
    assert len(held) == 3 and "Kim, Bo" in held[1]
    assert main(["claims", "list", "--db", path, "--payer", "great lakes"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "no claims"


def test_a_bad_status_is_refused_in_one_line(db, capsys):
    path = str(db.path)
    db.close()
    assert main(["claims", "list", "--db", path, "--status", "lost"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "'lost' is not a claim status; the statuses are ready, held, submitted" in err
    assert main(["claims"]) == 1
    assert "billing-desk claims list --db PATH" in capsys.readouterr().err
    assert main(["claims", "list"]) == 1
    assert "--db PATH" in capsys.readouterr().err
