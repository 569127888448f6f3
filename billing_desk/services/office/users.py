"""Users: the administrator adds, disables, re-enables and resets them; nobody is deleted."""

from __future__ import annotations

from ...choices import ROLES
from ...errors import Problem, RuleError, ValidationError
from ...models import User
from . import audit, seals, stale
from .permissions import require
from .transactions import in_transaction

SHOWN = ("username", "full_name", "role", "active", "must_change_password")


def ensure_administrator() -> User:
    """The office's first administrator (made without a password until first start sets one).

    Tests and the demo act as this user; the window's first start gives it a name and password.
    """
    user = User.select().where(User.role == "administrator").order_by(User.id).first()
    if user:
        return user
    with in_transaction():
        user = User.create(username="admin", full_name="Administrator", role="administrator")
        seals.seal_user(user, audit.chain_key())
        audit.record(user, "create", user, summary="first start: administrator created")
    return user


def get_user(username: str) -> User | None:
    return User.get_or_none(User.username == username.strip().lower())


def reload_user(user_id: int) -> User | None:
    """The user read afresh (after the database was reopened), or None when they are gone."""
    return User.get_or_none(User.id == user_id)


def list_users() -> list[User]:
    return list(User.select().order_by(User.active.desc(), User.username))


def add_user(by: User, username: str, full_name: str, role: str, password: str,
             repeat: str) -> User:
    """A new user with a first password they must change at their first sign-in."""
    from .auth import hash_password, normalize_username, password_problems, username_problems

    require(by, "manage_users")
    username = normalize_username(username)
    problems = username_problems(username)
    if not full_name.strip():
        problems.append(Problem("name", "type the user's name"))
    if role not in ROLES:
        problems.append(Problem("role", f"must be one of {', '.join(ROLES)}"))
    problems += password_problems(password, repeat, "temporary password")
    if not problems and get_user(username) is not None:
        problems.append(Problem("user name", f"{username} is already taken (users are never deleted)"))
    if problems:
        raise ValidationError(problems)
    with in_transaction():
        user = User.create(username=username, full_name=full_name.strip(), role=role,
                           password_hash=hash_password(password), must_change_password=True)
        seals.seal_user(user, audit.chain_key())
        audit.record(by, "create", user, summary=f"user {username} added as {role}",
                     after=audit.snapshot(user, *SHOWN))
    return user


def _other_admins(user: User) -> int:
    return User.select().where(User.role == "administrator", User.active, User.id != user.id).count()


def user_version(user: int | User | None) -> str:
    """What a screen showing the user (its row, or by id) hands back when it changes them
    (services.office.stale): the name, role and whether active (a sign-in is no change to it)."""
    if isinstance(user, User):
        return stale.version_of(user, fields=SHOWN)
    return stale.version(User, user, SHOWN)


def update_user(by: User, user_id: int, *, full_name: str | None = None, role: str | None = None,
                active: bool | None = None, loaded_as: str = "") -> User:
    """Rename, change the role, disable or re-enable a user (their history stays).
    ``loaded_as`` (``user_version``): a change over one made since is refused."""
    require(by, "manage_users")
    with in_transaction():
        user = stale.check_current(User, user_id, loaded_as, lambda u: f"User {u.username}", SHOWN)
        before = audit.snapshot(user, *SHOWN)
        if full_name is not None:
            if not full_name.strip():
                raise ValidationError("type the user's name", "name")
            user.full_name = full_name.strip()
        if role is not None:
            if role not in ROLES:
                raise ValidationError(f"must be one of {', '.join(ROLES)}", "role")
            user.role = role
        if active is not None:
            user.active = active
        demoted = before["role"] == "administrator" and (user.role != "administrator" or not user.active)
        if demoted and before["active"] and not _other_admins(user):
            raise RuleError("The office needs at least one active administrator; "
                            "make another administrator first.")
        user.save()
        seals.seal_user(user, audit.chain_key())
        action = {True: "enable", False: "disable"}.get(active, "change") \
            if active is not None and active != before["active"] else "change"
        audit.record(by, action, user, summary=f"user {user.username}: {action}",
                     before=before, after=audit.snapshot(user, *SHOWN))
    return user


def password_version(user: int | User | None) -> str:
    """What the reset-password screen hands back (services.office.stale): the user as the users
    screen shows them and their password, so a reset another administrator made meanwhile, or
    the user's own new password, is not silently replaced."""
    fields = (*SHOWN, "password_hash")
    if isinstance(user, User):
        return stale.version_of(user, fields=fields)
    return stale.version(User, user, fields)


def _named(user: User) -> str:
    return f"User {user.username}"


def reset_password(by: User, user_id: int, password: str, repeat: str, *,
                   loaded_as: str = "") -> User:
    """A temporary password the user must change at their next sign-in; also unlocks them.
    ``loaded_as`` (``password_version``): a reset over a change made since is refused."""
    from .auth import hash_password, password_problems

    require(by, "manage_users")
    problems = password_problems(password, repeat, "temporary password")
    if problems:
        raise ValidationError(problems)
    with in_transaction():
        user = stale.check_current(User, user_id, loaded_as, _named, (*SHOWN, "password_hash"))
        user.password_hash, user.must_change_password = hash_password(password), True
        user.failed_attempts, user.locked_until = 0, None
        user.save()
        seals.seal_user(user, audit.chain_key())
        audit.record(by, "reset_password", user,
                     summary=f"password of {user.username} reset (must change at next sign-in)")
    return user


def unlock_user(by: User, user_id: int, *, loaded_as: str = "") -> User:
    """Clear the failed sign-ins. ``loaded_as`` (``user_version``, as the list showed the user):
    refused when the user was renamed, disabled or given another role since."""
    require(by, "manage_users")
    with in_transaction():
        user = stale.check_current(User, user_id, loaded_as, _named, SHOWN)
        user.failed_attempts, user.locked_until = 0, None
        user.save()
        audit.record(by, "unlock", user, summary=f"{user.username} unlocked by {by.username}")
    return user
