"""Passwords, sign-in, lock-out, the recovery key and the supervisor's sign-off.

Passwords are hashed with scrypt and a random salt (``scrypt$N$r$p$salt$hash``); the clear text
is never stored, logged or put in the audit trail. ``BILLING_DESK_SCRYPT_N`` lowers the cost for
tests and development only (never below 2**10); the default follows OWASP (N=2**15, r=8, p=3).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import re
import secrets
from typing import Callable

from ...errors import PermissionDenied, Problem, ValidationError
from ...models import User, now
from . import audit, audit_keys, seals
from .permissions import ACTION_NAMES, can, mark_signed_off
from .settings import get_setting
from .transactions import in_transaction

Clock = Callable[[], dt.datetime]
DEFAULT_COST = (2 ** 15, 8, 3)
LIGHT_COST = (2 ** 12, 8, 1)  # for random keys with 125 bits: guessing, not hashing, is the bar
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")
RECOVERY_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32: no I, L, O, U
WRONG = "The user name or the password is wrong."


class SignInFailed(PermissionDenied):
    """Wrong name or password, a locked or disabled user: the message says which it may."""


# --- password hashes ----------------------------------------------------------------------------
def _cost() -> tuple[int, int, int]:
    lowered = os.environ.get("BILLING_DESK_SCRYPT_N")
    if lowered and lowered.isdigit():
        n = max(2 ** 10, int(lowered))
        return 1 << (n.bit_length() - 1), 8, 1
    return DEFAULT_COST


def hash_password(password: str, cost: tuple[int, int, int] | None = None) -> str:
    """``cost`` (N, r, p) is lowered only for secrets that are not chosen by people: the
    125-bit recovery key, and the demo's published password."""
    n, r, p = cost or _cost()
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=256 * r * n, dklen=32)
    b64 = lambda data: base64.b64encode(data).decode()
    return f"scrypt${n}${r}${p}${b64(salt)}${b64(digest)}"


def check_password(password: str, stored: str | None) -> bool:
    if not stored:
        return False
    try:
        kind, n_text, r_text, p_text, salt, digest = stored.split("$")
        n, r, p = int(n_text), int(r_text), int(p_text)
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=n, r=r, p=p,
                             maxmem=256 * r * n, dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return kind == "scrypt" and hmac.compare_digest(got, expected)


def password_problems(password: str, repeat: str | None = None, field: str = "password") -> list[Problem]:
    minimum = int(get_setting("password_min_length"))
    problems = []
    if len(password) < minimum:
        problems.append(Problem(field, f"must be at least {minimum} characters long"))
    elif password.strip() != password:
        problems.append(Problem(field, "must not begin or end with a space"))
    if repeat is not None and repeat != password:
        problems.append(Problem(f"{field} (again)", "does not match the password"))
    return problems


def normalize_username(text: str) -> str:
    return text.strip().lower()


def username_problems(username: str) -> list[Problem]:
    if not USERNAME.match(username):
        return [Problem("user name", "2 to 32 letters, digits, dots, dashes or underscores, "
                        "starting with a letter or digit")]
    return []


# --- first start and the recovery key ---------------------------------------------------------
def first_start_needed() -> bool:
    """True until some active user has a password (a new office, or one made before sign-in)."""
    return not User.select().where(User.active, User.password_hash.is_null(False)).exists()


def new_recovery_key() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(25))
    return "-".join(raw[i:i + 5] for i in range(0, 25, 5))


def normalize_recovery_key(text: str) -> str:
    cleaned = re.sub(r"[\s-]", "", text.upper()).replace("O", "0").replace("I", "1").replace("L", "1")
    return "-".join(cleaned[i:i + 5] for i in range(0, len(cleaned), 5))


def set_recovery_key(recovery: str) -> None:
    """Store the recovery key's hash and wrap the chain key with it. Inside a transaction."""
    recovery = normalize_recovery_key(recovery)
    key = audit.chain_key()
    audit_keys.set_secret(audit_keys.RECOVERY_HASH, hash_password(recovery, LIGHT_COST))
    office = audit_keys.office_id()
    assert office is not None  # chain_key() above made the office's id with its key
    audit_keys.wrap_key(recovery, office, key)


def create_first_administrator(full_name: str, username: str, password: str,
                               repeat: str) -> tuple[User, str]:
    """The office's first administrator and its recovery key (shown once, never stored clear)."""
    if not first_start_needed():
        raise PermissionDenied("This office already has its administrator; sign in instead.")
    username = normalize_username(username)
    problems = ([] if full_name.strip() else [Problem("name", "type the administrator's name")])
    problems += username_problems(username) + password_problems(password, repeat)
    if problems:
        raise ValidationError(problems)
    recovery = new_recovery_key()
    with in_transaction():
        user = User.select().where(User.role == "administrator").order_by(User.id).first()
        clash = User.get_or_none(User.username == username)
        if clash is not None and clash != user:
            raise ValidationError("is already taken", "user name")
        if user is None:
            user = User.create(username=username, full_name=full_name.strip(), role="administrator")
        user.username, user.full_name, user.active = username, full_name.strip(), True
        user.password_hash = hash_password(password)
        user.save()
        seals.seal_user(user, audit.chain_key())
        set_recovery_key(recovery)
        audit.record(user, "first_start", user, summary="first start: administrator and recovery key made",
                     after=audit.snapshot(user, "username", "full_name", "role"))
    return user, recovery


def recover(recovery: str, new_password: str, repeat: str, username: str = "") -> User:
    """The emergency way in: the recovery key resets an administrator's password and unlocks it.

    Also brings the audit chain key back onto this PC when the database came from another one.
    """
    recovery = normalize_recovery_key(recovery)
    stored = audit_keys.get_secret(audit_keys.RECOVERY_HASH)
    if not check_password(recovery, stored):
        with in_transaction():
            _audit_safely(None, "recovery_failed", "a wrong recovery key was typed")
        raise SignInFailed("That is not this office's recovery key.")
    problems = password_problems(new_password, repeat, "new password")
    if problems:
        raise ValidationError(problems)
    office = audit_keys.office_id()
    if office is not None and not audit.key_available():  # (no office id: nothing to unwrap)
        key = audit_keys.unwrap_key(recovery, office)
        if key is None:
            raise SignInFailed("The recovery key is right but the audit key could not be unwrapped.")
        audit_keys.store_key(office, key)
    query = User.select().where(User.role == "administrator").order_by(User.id)
    if username:
        query = query.where(User.username == normalize_username(username))
    user = query.first()
    if user is None:
        raise SignInFailed("There is no administrator of that name.")
    with in_transaction():
        user.password_hash, user.active = hash_password(new_password), True
        user.failed_attempts, user.locked_until, user.must_change_password = 0, None, False
        user.save()
        seals.seal_user(user, audit.chain_key())
        audit.record(user, "recovery", user, summary="signed in with the recovery key; password reset")
    audit.sync_anchor()
    return user


def _audit_safely(user: User | None, action: str, summary: str) -> None:
    """Audit a refusal; a missing chain key must not hide the refusal itself."""
    try:
        audit.record(user, action, user, summary=summary)
    except audit.AuditKeyMissing:
        pass


# --- sign-in, lock-out, sign-off ----------------------------------------------------------------
def sign_in(username: str, password: str, *, clock: Clock | None = None, write: bool = True,
            purpose: str = "signin") -> User:
    """The user with this name and password, or SignInFailed (each failure counted and audited).

    ``write=False`` (a read-only connection) checks without writing; the caller must then count
    a failure on a writing connection (``cli.common`` does, so every failure counts).
    """
    at = (clock or now)()
    user = User.get_or_none(User.username == normalize_username(username))
    if user is None or not user.password_hash:
        if write:
            with in_transaction():
                _audit_safely(None, f"{purpose}_failed", "failed sign-in: no such user name")
        raise SignInFailed(WRONG)
    if user.locked_until and user.locked_until > at:
        if write:
            with in_transaction():
                _audit_safely(user, f"{purpose}_failed", "refused: the user is locked")
        raise SignInFailed(_locked_message(user))
    if not check_password(password, user.password_hash):
        if write:
            _count_failure(user, at, purpose)
        raise SignInFailed(_locked_message(user) if user.locked_until else WRONG)
    if not user.active:
        if write:
            with in_transaction():
                _audit_safely(user, f"{purpose}_failed", "refused: the user is disabled")
        raise SignInFailed(f"{user.username} is disabled; ask the administrator.")
    if write:
        with in_transaction():
            user.failed_attempts, user.locked_until = 0, None
            user.save(only=[User.failed_attempts, User.locked_until])
            audit.record(user, purpose, user, summary=f"{user.username} signed in"
                         if purpose == "signin" else f"{user.username}: {purpose}")
        audit.sync_anchor()
    return user


def _locked_message(user: User) -> str:
    return (f"{user.username} is locked after too many failed sign-ins until "
            f"{user.locked_until:%H:%M}; wait, or ask the administrator to unlock.")


def _count_failure(user: User, at: dt.datetime, purpose: str) -> None:
    limit = int(get_setting("failed_signins_before_lock"))
    with in_transaction():
        user.failed_attempts += 1
        summary = f"failed sign-in {user.failed_attempts} of {limit}: wrong password"
        if user.failed_attempts >= limit:
            user.locked_until = at + dt.timedelta(minutes=int(get_setting("signin_lock_minutes")))
            user.failed_attempts = 0
            summary += f"; locked until {user.locked_until:%Y-%m-%d %H:%M}"
        user.save(only=[User.failed_attempts, User.locked_until])
        _audit_safely(user, f"{purpose}_failed", summary)


def sign_out(user: User, reason: str = "signed out") -> None:
    with in_transaction():
        audit.record(user, "signout", user, summary=f"{user.username} {reason}")
    audit.sync_anchor()


def signoff(username: str, password: str, action: str, *, clock: Clock | None = None) -> User:
    """A supervisor types their own password so a clerk may go on; returns the approver.

    Pass the result as ``approved_by`` to the service: ``permissions.require`` accepts it for
    this action for the next few minutes.
    """
    user = sign_in(username, password, clock=clock, purpose="signoff")
    if not can(user, action):
        raise PermissionDenied(f"{user.username} may not {ACTION_NAMES[action]} either; "
                               "a supervisor must sign it off.")
    mark_signed_off(user, action, (clock or now)())
    return user


def change_password(user: User, old: str, new: str, repeat: str) -> None:
    """The user changes their own password (also after a reset by the administrator)."""
    if not check_password(old, user.password_hash):
        _count_failure(user, now(), "password_change")  # a guess here counts like one at sign-in
        raise ValidationError("is not your current password", "current password")
    problems = password_problems(new, repeat, "new password")
    if not problems and new == old:
        problems.append(Problem("new password", "must differ from the current one"))
    if problems:
        raise ValidationError(problems)
    with in_transaction():
        user.password_hash, user.must_change_password = hash_password(new), False
        user.save(only=[User.password_hash, User.must_change_password])
        seals.seal_user(user, audit.chain_key())
        audit.record(user, "password_changed", user, summary=f"{user.username} changed their password")
