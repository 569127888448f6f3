"""Issue 14, item 5: a read-only command's --user password check counts and audits every failure,
like the window and the writing commands do."""

from __future__ import annotations

import pytest

from billing_desk.cli import main

PASSWORD = "long password"


@pytest.fixture(autouse=True)
def _fast_hash(monkeypatch):
    monkeypatch.setenv("BILLING_DESK_SCRYPT_N", "1024")


@pytest.fixture
def office(tmp_path):
    from billing_desk.models.db import open_database
    from billing_desk.services.office import auth

    path = tmp_path / "office.sqlite"
    opened = open_database(path)
    auth.create_first_administrator("Ada Admin", "ada", PASSWORD, PASSWORD)
    opened.close()
    return path


def _failures(path):
    from billing_desk.models import AuditEntry, User
    from billing_desk.models.db import open_database

    opened = open_database(path, readonly=True)
    try:
        entries = AuditEntry.select().where(AuditEntry.action == "signin_failed").count()
        return entries, User.get(User.username == "ada").locked_until
    finally:
        opened.close()


def test_wrong_passwords_on_a_read_only_command_count_audit_and_lock(office, tmp_path, capsys):
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the password\n")
    for n in range(5):
        code = main(["report", "aging", "--db", str(office), "--format", "pdf", "--out",
                     str(tmp_path / f"r{n}.pdf"), "--user", "ada", "--password-file", str(wrong)])
        assert code == 1
    entries, locked_until = _failures(office)
    assert entries == 5 and locked_until is not None
    assert "locked" in capsys.readouterr().err
    right = tmp_path / "right.txt"
    right.write_text(PASSWORD + "\n")
    assert main(["check", str(office)]) == 0  # the failures are chained into the trail
    assert main(["report", "aging", "--db", str(office), "--format", "pdf", "--out",
                 str(tmp_path / "ok.pdf"), "--user", "ada", "--password-file", str(right)]) == 1


def test_an_unknown_name_on_a_read_only_command_is_audited(office, tmp_path):
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("whatever\n")
    assert main(["backup", "--db", str(office), "--to", str(tmp_path / "b"), "--user", "mallory",
                 "--user-password-file", str(wrong)]) == 1
    assert _failures(office)[0] == 1


def test_wrong_current_passwords_in_change_password_count_too(db, monkeypatch):
    from billing_desk.errors import ValidationError
    from billing_desk.models import AuditEntry, User
    from billing_desk.services.office import auth

    user = auth.create_first_administrator("Ada Admin", "ada", PASSWORD, PASSWORD)[0]
    for _ in range(5):
        with pytest.raises(ValidationError, match="current password"):
            auth.change_password(user, "guess", "new long password", "new long password")
    assert User.get_by_id(user.id).locked_until is not None
    assert AuditEntry.select().where(AuditEntry.action == "password_change_failed").count() == 5
