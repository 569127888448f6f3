"""The audit trail, document number sequences and settings."""

from __future__ import annotations

from peewee import DateTimeField, ForeignKeyField, IntegerField, TextField

from .base import BaseModel
from .fields import JSONField
from .people import User


class AuditEntry(BaseModel):
    """Append-only: who did what, when, with the values before and after."""

    at = DateTimeField(index=True)
    user = ForeignKeyField(User, null=True, backref="+", index=True)
    username = TextField(default="")
    action = TextField(index=True)
    table = TextField(default="")
    record_id = IntegerField(null=True)
    account_id = IntegerField(null=True, index=True)
    summary = TextField(default="")
    before = JSONField(null=True)
    after = JSONField(null=True)
    prev_hash = TextField(default="")
    hash = TextField(default="")

    class Meta:
        indexes = ((("table", "record_id"), False),)


class Sequence(BaseModel):
    """Gap-free document numbers, taken inside the transaction that uses them."""

    name = TextField(primary_key=True)
    next_value = IntegerField(default=1)


class Setting(BaseModel):
    key = TextField(primary_key=True)
    value = JSONField(null=True)
