"""The database handle every table is bound to, and the base model."""

from __future__ import annotations

import datetime as dt

from peewee import DatabaseProxy, DateTimeField, Model

database = DatabaseProxy()


def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


class BaseModel(Model):
    """Fields named in ``derived`` (balances kept by the ledger) are never written by ``save()``
    of an existing row: only the ledger moves them, so a stale instance cannot undo a posting."""

    derived: tuple[str, ...] = ()

    class Meta:
        database = database
        legacy_table_names = False

    def save(self, force_insert=False, only=None):
        if self.derived and only is None and not force_insert and self._pk is not None:
            only = [f for f in self._meta.sorted_fields
                    if f.name not in self.derived and not f.primary_key]
        return super().save(force_insert=force_insert, only=only)


class Stamped(BaseModel):
    """A record that remembers when it was keyed (the entry date)."""

    created_at = DateTimeField(default=now, index=True)
