"""The command line's acting user: --user NAME and a password from a prompt or a file."""

import argparse

import pytest

from billing_desk.cli.common import acting_user, add_user_options, reading_user
from billing_desk.errors import BillingError, PermissionDenied
from billing_desk.models import AuditEntry, Setting
from billing_desk.services.office import auth, users

PASSWORD = "long password"


@pytest.fixture(autouse=True)
def _fast_hash(monkeypatch):
    monkeypatch.setenv("BILLING_DESK_SCRYPT_N", "1024")


@pytest.fixture
def office(db):
    return auth.create_first_administrator("Ada Admin", "ada", PASSWORD, PASSWORD)[0]


def parse(*argv):
    parser = argparse.ArgumentParser()
    add_user_options(parser)
    return parser.parse_args(argv)


def test_a_command_names_its_user_and_reads_the_password_file(office, tmp_path):
    secret = tmp_path / "pw.txt"
    secret.write_text(PASSWORD + "\n")
    assert acting_user(parse("--user", "ada", "--password-file", str(secret))).id == office.id
    with pytest.raises(PermissionDenied, match="--user NAME"):
        acting_user(parse())
    secret.write_text("wrong password\n")
    with pytest.raises(PermissionDenied, match="wrong"):
        acting_user(parse("--user", "ada", "--password-file", str(secret)))
    assert AuditEntry.select().where(AuditEntry.action == "signin_failed").count() == 1
    with pytest.raises(BillingError, match="cannot read"):
        acting_user(parse("--user", "ada", "--password-file", str(tmp_path / "none.txt")))


def test_the_password_is_asked_for_at_a_terminal(office, monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda prompt: PASSWORD)
    assert acting_user(parse("--user", "ada")).username == "ada"
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    with pytest.raises(BillingError, match="password-file"):
        acting_user(parse("--user", "ada"))


def test_a_temporary_password_must_be_changed_first(office, tmp_path):
    users.add_user(office, "maria", "Maria Lopez", "clerk", PASSWORD, PASSWORD)
    secret = tmp_path / "pw.txt"
    secret.write_text(PASSWORD)
    with pytest.raises(PermissionDenied, match="new password"):
        acting_user(parse("--user", "maria", "--password-file", str(secret)))


def test_read_only_commands_ask_only_where_the_office_wants_it(office, tmp_path):
    assert reading_user(parse()) is None
    Setting.insert(key="cli_readonly_needs_user", value=True).on_conflict_replace().execute()
    with pytest.raises(PermissionDenied, match="--user"):
        reading_user(parse())
    secret = tmp_path / "pw.txt"
    secret.write_text(PASSWORD)
    before = AuditEntry.select().count()
    assert reading_user(parse("--user", "ada", "--password-file", str(secret))).id == office.id
    assert AuditEntry.select().count() == before  # a read-only check writes nothing
