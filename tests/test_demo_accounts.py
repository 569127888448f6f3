"""The demo office passes every rule it enforces: each demo account, edited as it stands, is
accepted by the same validation a clerk's edit goes through (issue 15, item 8)."""

from __future__ import annotations

import re

from billing_desk.models import Account, Coverage
from billing_desk.services.accounts import registry
from billing_desk.services.accounts.account_checks import validate_account
from billing_desk.services.demo import build_demo


def test_every_demo_account_passes_its_own_validation_and_can_be_edited(db):
    build_demo(accounts=60, seed=11)
    coverages = list(Coverage.select())
    assert any(c.rank == "secondary" for c in coverages)
    for coverage in coverages:
        pattern = coverage.plan.payer.member_id_pattern
        assert not pattern or re.fullmatch(pattern, coverage.member_id), coverage.member_id
    refused = {}
    for account in Account.select():
        _values, problems = validate_account(registry.form_from_account(account))
        if problems:
            refused[account.number] = [f"{p.field}: {p.message}" for p in problems]
    assert refused == {}
