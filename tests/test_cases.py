"""Cases on accounts: open, notes, waiting, resolve, reopen; the list of all open cases."""

import pytest

from billing_desk.errors import RuleError, ValidationError
from billing_desk.models import AuditEntry, Case
from billing_desk.services.accounts import cases

pytestmark = pytest.mark.both_engines


def test_a_case_from_open_to_resolved_and_back(make_account, clerk, supervisor):
    account = make_account()
    case = cases.open_case(account.id, "Statement shows $40 twice", clerk, kind="issue", note="Called")
    assert case.held_by_id == clerk.id and [n.text for n in cases.case_notes(case.id)] == ["Called"]
    cases.add_note(case.id, "Asked the insurer", clerk, status="waiting")
    assert Case.get_by_id(case.id).status == "waiting"
    cases.set_status(case.id, "open", clerk)
    cases.reassign_case(case.id, supervisor, clerk)
    with pytest.raises(ValidationError, match="resolved"):
        cases.resolve_case(case.id, " ", supervisor)
    cases.resolve_case(case.id, "Duplicate line voided", supervisor)
    with pytest.raises(RuleError, match="reopen"):
        cases.add_note(case.id, "more", clerk)
    with pytest.raises(RuleError):
        cases.set_status(case.id, "open", clerk)
    with pytest.raises(ValidationError, match="why"):
        cases.reopen_case(case.id, "", clerk)
    reopened = cases.reopen_case(case.id, "Customer called again", clerk)
    assert reopened.status == "open" and reopened.resolved_at is None
    assert cases.case_notes(case.id)[-1].text == "Reopened: Customer called again"
    entries = AuditEntry.select().where(AuditEntry.table == "case").order_by(AuditEntry.id)
    actions = [e.action for e in entries]
    assert actions == ["create", "note", "status", "reassign", "resolve", "reopen"]


def test_bad_cases_are_refused(make_account, clerk):
    account = make_account()
    with pytest.raises(ValidationError, match="about"):
        cases.open_case(account.id, "  ", clerk)
    with pytest.raises(ValidationError, match="query or an issue"):
        cases.open_case(account.id, "x", clerk, kind="complaint")
    case = cases.open_case(account.id, "x", clerk)
    with pytest.raises(ValidationError, match="empty"):
        cases.add_note(case.id, "", clerk)
    with pytest.raises(ValidationError, match="resolve it"):
        cases.set_status(case.id, "resolved", clerk)
    assert Case.select().count() == 1


def test_open_cases_across_accounts(make_account, clerk, supervisor):
    ann, bob = make_account(last="Ames"), make_account(last="Bell", first="Bob")
    first = cases.open_case(ann.id, "query one", clerk)
    second = cases.open_case(bob.id, "query two", clerk, held_by=supervisor)
    done = cases.open_case(bob.id, "query three", clerk)
    cases.resolve_case(done.id, "answered", clerk)
    cases.add_note(second.id, "waiting for EOB", clerk, status="waiting")
    assert [c.id for c in cases.open_cases()] == [first.id, second.id]
    assert [c.id for c in cases.open_cases(status="waiting")] == [second.id]
    assert [c.id for c in cases.open_cases("bell")] == [second.id]
    assert [c.id for c in cases.open_cases(held_by=supervisor)] == [second.id]
    assert [c.subject for c in cases.account_cases(bob.id)] == ["query two", "query three"]
