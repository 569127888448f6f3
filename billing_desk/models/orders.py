"""Clients' order forms, their lines and each delivery against them."""

from __future__ import annotations

from peewee import DateField, ForeignKeyField, IntegerField, TextField

from ..choices import ORDER_STATUSES
from .base import BaseModel, Stamped
from .billing import InvoiceLine
from .catalogue import CatalogueItem
from .fields import ChoiceField, MoneyField
from .people import Account, User


class Order(Stamped):
    number = IntegerField(unique=True)
    account = ForeignKeyField(Account, backref="orders", index=True)
    order_date = DateField(index=True)
    po_number = TextField(default="", index=True)
    requested_date = DateField(null=True)
    ship_to = TextField(default="")
    contact = TextField(default="")
    notes = TextField(default="")
    status = ChoiceField(ORDER_STATUSES, default="received", index=True)
    approved_by = ForeignKeyField(User, null=True, backref="+", index=True)
    cancel_reason = TextField(default="")
    created_by = ForeignKeyField(User, backref="+", index=True)


class OrderLine(BaseModel):
    order = ForeignKeyField(Order, backref="lines", index=True)
    position = IntegerField()
    item = ForeignKeyField(CatalogueItem, backref="+", index=True)
    quantity = IntegerField()
    unit_price = MoneyField()
    price_reason = TextField(default="")  # why the catalogue price was overridden
    filled = IntegerField(default=0)
    invoiced = IntegerField(default=0)
    cancelled = IntegerField(default=0)
    cancel_reason = TextField(default="")

    class Meta:
        indexes = ((("order", "position"), True),)

    @property
    def open_quantity(self) -> int:
        return self.quantity - self.filled - self.cancelled


class Fulfilment(Stamped):
    line = ForeignKeyField(OrderLine, backref="fulfilments", index=True)
    quantity = IntegerField()
    fulfilled_on = DateField(index=True)
    by = ForeignKeyField(User, backref="+", index=True)  # who keyed it
    performed_by = TextField(default="")  # who delivered or performed it
    note = TextField(default="")


class OrderLineInvoice(BaseModel):
    """Which invoice line billed how much of an order line: nothing is billed twice."""

    order_line = ForeignKeyField(OrderLine, backref="billed", index=True)
    invoice_line = ForeignKeyField(InvoiceLine, backref="+", index=True)
    quantity = IntegerField()
