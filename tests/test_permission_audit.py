"""Permission refusals are written to the audit trail (issue 14, item 3)."""

from __future__ import annotations

import pytest

from billing_desk.errors import PermissionDenied
from billing_desk.models import AuditEntry
from billing_desk.services.office.permissions import require
from billing_desk.services.office.settings import set_setting

pytestmark = pytest.mark.both_engines


def test_a_refused_action_is_audited_with_who_and_what(db, clerk):
    with pytest.raises(PermissionDenied, match="clerk may not change settings"):
        set_setting("office_name", "Clerk's Office", clerk)
    entry = AuditEntry.select().where(AuditEntry.action == "denied").get()
    assert entry.username == "clerk" and "change settings" in entry.summary
    assert entry.after == {"action": "change_settings"}


def test_nobody_refused_is_audited_too(db):
    with pytest.raises(PermissionDenied):
        require(None, "view_audit")
    assert AuditEntry.select().where(AuditEntry.action == "denied").count() == 1
