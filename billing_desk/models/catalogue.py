"""The office's code catalogue, modifiers and adjustment reason codes."""

from __future__ import annotations

from peewee import BooleanField, TextField

from ..choices import ITEM_KINDS, REASON_KINDS
from .base import BaseModel, Stamped
from .fields import ChoiceField, MoneyField


class CatalogueItem(Stamped):
    code = TextField(unique=True)
    kind = ChoiceField(ITEM_KINDS, default="service")
    description = TextField()
    category = TextField(default="", index=True)
    unit_price = MoneyField(default=0)
    unit_cost = MoneyField(default=0)
    taxable = BooleanField(default=False)
    active = BooleanField(default=True)
    common = BooleanField(default=False)  # on the superbill

    def __str__(self) -> str:
        return f"{self.code} {self.description}"


class Modifier(BaseModel):
    code = TextField(unique=True)
    description = TextField(default="")


class ReasonCode(BaseModel):
    code = TextField(unique=True)
    kind = ChoiceField(REASON_KINDS)
    description = TextField()
    active = BooleanField(default=True)
