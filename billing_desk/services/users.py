"""Users: the administrator made at first start, and the acting user every write names."""

from __future__ import annotations

from ..models import User
from . import audit
from .ledger import in_transaction


def ensure_administrator() -> User:
    """Until sign-in exists, the program acts as one administrator created on first start."""
    user = User.select().where(User.role == "administrator").order_by(User.id).first()
    if user:
        return user
    with in_transaction():
        user = User.create(username="admin", full_name="Administrator", role="administrator")
        audit.record(user, "create", user, summary="first start: administrator created")
    return user


def get_user(username: str) -> User | None:
    return User.get_or_none(User.username == username)
