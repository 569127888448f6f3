"""Several PCs on one server office: users, roles and settings are the office's data, the same on
every PC; the audit trail's key is kept on each PC, never on the server in the clear: a second PC
brings it back once with the office's recovery key."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.both_engines, pytest.mark.server_only]


@pytest.fixture(autouse=True)
def _fast_hash(monkeypatch):
    monkeypatch.setenv("BILLING_DESK_SCRYPT_N", "1024")


def test_a_second_pc_signs_in_as_on_the_first_and_brings_the_audit_key_with_the_recovery_key(
        db, tmp_path, monkeypatch):
    from billing_desk.models import Setting
    from billing_desk.models.db import open_database
    from billing_desk.services.office import audit, audit_keys, auth, settings, users

    admin, recovery = auth.create_first_administrator("Ada Admin", "ada", "Sup3r-secret-pw",
                                                      "Sup3r-secret-pw")
    users.add_user(admin, "carla", "Carla Clerk", "clerk", "Clerk-pass-123", "Clerk-pass-123")
    settings.set_setting("idle_lock_minutes", 3, admin)
    key = audit_keys.load_key(audit_keys.office_id())
    assert key is not None
    stored = " ".join(str(s.value) for s in Setting.select())
    assert key.hex() not in stored  # the key is on the PC; the server holds it only wrapped
    db.close()

    monkeypatch.setenv("BILLING_DESK_HOME", str(tmp_path / "second-pc"))  # another workstation
    monkeypatch.setattr(audit_keys, "_memory", {})  # (its own program: nothing held in memory)
    second = open_database(db.server, create=False)
    try:
        assert not audit.key_available()
        with pytest.raises(audit.AuditKeyMissing, match="recovery key"):
            auth.sign_in("carla", "Clerk-pass-123")  # nothing is written without the key
        auth.recover(recovery, "Sup3r-secret-pw", "Sup3r-secret-pw", "ada")  # once, on this PC
        assert audit.key_available()
        assert auth.sign_in("carla", "Clerk-pass-123").role == "clerk"  # the same users and roles
        assert settings.get_setting("idle_lock_minutes") == 3  # and the same idle lock
        assert audit.verify_chain() == []
    finally:
        second.close()
