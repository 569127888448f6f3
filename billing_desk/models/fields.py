"""Field types: money as whole cents, percentages as basis points, small enumerations."""

from __future__ import annotations

import json
from decimal import Decimal

from peewee import IntegerField, TextField

from ..money import from_cents, to_cents


class MoneyField(IntegerField):
    """Whole cents in the database, ``Decimal`` in Python. Never a float."""

    def db_value(self, value):
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("money must not be a float")
        return to_cents(Decimal(value))

    def python_value(self, value):
        return None if value is None else from_cents(int(value))


class PercentField(IntegerField):
    """A percentage kept as basis points (20.00 % -> 2000), ``Decimal`` in Python."""

    def db_value(self, value):
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("percentages must not be floats")
        return int((Decimal(value) * 100).quantize(Decimal(1)))

    def python_value(self, value):
        return None if value is None else (Decimal(int(value)) / 100).quantize(Decimal("0.01"))


class ChoiceField(TextField):
    """Text restricted to a fixed set of values, checked on save."""

    def __init__(self, choices: tuple[str, ...], *args, **kwargs):
        self.allowed = tuple(choices)
        kwargs.setdefault("constraints", None)
        super().__init__(*args, **kwargs)

    def db_value(self, value):
        if value is not None and value not in self.allowed:
            raise ValueError(f"{self.name}: {value!r} is not one of {', '.join(self.allowed)}")
        return value


class JSONField(TextField):
    def db_value(self, value):
        return None if value is None else json.dumps(value, sort_keys=True, default=str)

    def python_value(self, value):
        return None if value is None else json.loads(value)
