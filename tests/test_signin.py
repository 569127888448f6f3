"""Sign-in: first start, passwords hashed, lock-out after five failures and unlock after the wait."""

import datetime as dt
import logging

import pytest

from billing_desk.errors import PermissionDenied, ValidationError
from billing_desk.models import AuditEntry, User, database
from billing_desk.services.office import auth

pytestmark = pytest.mark.both_engines

PASSWORD = "correct horse"


@pytest.fixture(autouse=True)
def _fast_hash(monkeypatch):
    monkeypatch.setenv("BILLING_DESK_SCRYPT_N", "1024")


class Clock:
    def __init__(self):
        self.at = dt.datetime(2026, 3, 2, 9, 0)

    def __call__(self):
        return self.at


@pytest.fixture
def office(db):
    user, recovery = auth.create_first_administrator("Ada Admin", "Ada", PASSWORD, PASSWORD)
    return user, recovery


def test_first_start_makes_the_administrator_and_a_recovery_key(db):
    assert auth.first_start_needed()
    user, recovery = auth.create_first_administrator("Ada Admin", " Ada ", PASSWORD, PASSWORD)
    assert user.username == "ada" and user.role == "administrator"
    assert not auth.first_start_needed()
    assert len(recovery) == 29 and recovery.count("-") == 4
    with pytest.raises(PermissionDenied):
        auth.create_first_administrator("Eve", "eve", PASSWORD, PASSWORD)
    assert auth.sign_in("ADA", PASSWORD).id == user.id


def test_first_start_refuses_short_or_unmatched_passwords_naming_the_field(db):
    with pytest.raises(ValidationError) as caught:
        auth.create_first_administrator("", "a", "short", "shirt")
    fields = {p.field for p in caught.value.problems}
    assert fields == {"name", "user name", "password", "password (again)"}
    assert User.select().count() == 0


def test_the_default_hash_is_strong_and_the_env_only_lowers_it(monkeypatch):
    monkeypatch.delenv("BILLING_DESK_SCRYPT_N")
    assert auth._cost() == (2 ** 15, 8, 3)
    monkeypatch.setenv("BILLING_DESK_SCRYPT_N", "16")
    assert auth._cost() == (1024, 8, 1)
    stored = auth.hash_password(PASSWORD)
    assert stored.startswith("scrypt$1024$8$1$") and PASSWORD not in stored
    assert auth.check_password(PASSWORD, stored) and not auth.check_password("correct horsE", stored)
    assert stored != auth.hash_password(PASSWORD)  # salted


def test_five_failures_lock_the_user_until_the_wait_is_over(office):
    clock = Clock()
    for _ in range(4):
        with pytest.raises(PermissionDenied, match="wrong"):
            auth.sign_in("ada", "wrong password", clock=clock)
    assert User.get(User.username == "ada").failed_attempts == 4
    with pytest.raises(PermissionDenied, match="locked"):
        auth.sign_in("ada", "wrong again!", clock=clock)
    clock.at += dt.timedelta(minutes=14)
    with pytest.raises(PermissionDenied, match="locked"):
        auth.sign_in("ada", PASSWORD, clock=clock)  # even the right password waits
    clock.at += dt.timedelta(minutes=2)
    assert auth.sign_in("ada", PASSWORD, clock=clock).username == "ada"
    user = User.get(User.username == "ada")
    assert user.failed_attempts == 0 and user.locked_until is None
    failures = AuditEntry.select().where(AuditEntry.action == "signin_failed")
    assert failures.count() == 6  # five wrong passwords and one refused while locked
    assert "locked until" in [e.summary for e in failures][4]
    assert AuditEntry.select().where(AuditEntry.action == "signin").count() == 1


def test_unknown_names_and_disabled_users_are_refused_and_audited(office, admin):
    from billing_desk.services.office import users

    with pytest.raises(PermissionDenied, match="wrong"):
        auth.sign_in("nobody", PASSWORD)
    sam = users.add_user(office[0], "sam", "Sam Super", "supervisor", PASSWORD, PASSWORD)
    users.update_user(office[0], sam.id, active=False)
    with pytest.raises(PermissionDenied, match="disabled"):
        auth.sign_in("sam", PASSWORD)
    summaries = [e.summary for e in AuditEntry.select().where(AuditEntry.action == "signin_failed")]
    assert summaries == ["failed sign-in: no such user name", "refused: the user is disabled"]


def test_the_recovery_key_is_the_way_in_when_the_password_is_lost(office):
    user, recovery = office
    with pytest.raises(PermissionDenied):
        auth.recover("00000-00000-00000-00000-00000", "new password 1", "new password 1")
    for _ in range(5):
        with pytest.raises(PermissionDenied):
            auth.sign_in("ada", "forgotten it")
    again = auth.recover(recovery.lower().replace("-", " "), "new password 1", "new password 1")
    assert again.id == user.id
    assert auth.sign_in("ada", "new password 1").id == user.id


def test_a_reset_password_must_be_changed(office):
    from billing_desk.services.office import users

    admin = office[0]
    maria = users.add_user(admin, "maria", "Maria Lopez", "clerk", "first password", "first password")
    assert maria.must_change_password
    signed = auth.sign_in("maria", "first password")
    with pytest.raises(ValidationError, match="current password"):
        auth.change_password(signed, "not it at all", "mine and only mine", "mine and only mine")
    auth.change_password(signed, "first password", "mine and only mine", "mine and only mine")
    assert not User.get_by_id(maria.id).must_change_password
    users.reset_password(admin, maria.id, "temporary pass", "temporary pass")
    assert User.get_by_id(maria.id).must_change_password
    assert auth.sign_in("maria", "temporary pass").id == maria.id


@pytest.mark.sqlite_only  # reads the database file's bytes
def test_passwords_never_appear_in_the_database_or_the_logs(office, tmp_path, caplog):
    from billing_desk.services.office import users

    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="peewee")
    secret = "Zebra-Secret-1234"
    admin = office[0]
    users.add_user(admin, "maria", "Maria Lopez", "clerk", secret, secret)
    auth.sign_in("maria", secret)
    with pytest.raises(PermissionDenied):
        auth.sign_in("maria", secret + "x")
    with pytest.raises(PermissionDenied):
        auth.sign_in(secret, secret)  # a password typed into the name box is not logged either
    auth.change_password(User.get(User.username == "maria"), secret, "Other-Secret-999",
                         "Other-Secret-999")
    database.execute_sql("PRAGMA wal_checkpoint(FULL)")
    raw = (tmp_path / "office.sqlite").read_bytes()
    for word in (secret, "Other-Secret-999", PASSWORD, office[1], office[1].replace("-", "")):
        assert word.encode() not in raw
        assert word not in caplog.text
    assert "maria" in caplog.text or raw.count(b"maria")  # the check can see what it looks for
