"""The database handle every table is bound to, and the base model."""

from __future__ import annotations

import datetime as dt

from peewee import DatabaseProxy, DateTimeField, Model

database = DatabaseProxy()


def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Stamped(BaseModel):
    """A record that remembers when it was keyed (the entry date)."""

    created_at = DateTimeField(default=now, index=True)
