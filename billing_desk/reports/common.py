"""What every report shares: its parameters, the office letterhead, money from cents."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, overload

from ..errors import ValidationError
from ..models import Account, User
from ..money import from_cents, share_of
from ..printing.office import OfficeInfo, office_from
from ..services.office.settings import office_details


@dataclass
class Params:
    """What a report is run for. Blank dates get each report's own default."""

    as_of: dt.date | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    account: str = ""  # an account number
    view: str = ""  # one of the report's views ("" is its first)
    minimum: Decimal | None = None
    user: User | None = None

    def today(self) -> dt.date:
        return self.as_of or dt.date.today()

    def period(self, default_days: int = 0, month: bool = False) -> tuple[dt.date, dt.date]:
        """(start, end): both given, or the defaults (this month, or the last N days)."""
        end = self.end or self.as_of or dt.date.today()
        if self.start:
            start = self.start
        elif month:
            start = end.replace(day=1)
        else:
            start = end - dt.timedelta(days=default_days)
        if start > end:
            raise ValidationError("the start of the period is after its end", "from")
        return start, end

    @overload
    def account_id(self, required: Literal[True]) -> int: ...
    @overload
    def account_id(self, required: bool = False) -> int | None: ...
    def account_id(self, required: bool = False) -> int | None:
        number = self.account.strip()
        if not number:
            if required:
                raise ValidationError("this report is for one account: give its number", "account")
            return None
        account = Account.get_or_none(Account.number == number)
        if account is None:
            raise ValidationError(f"there is no account {number}", "account")
        return account.id


def money(cents: int | None) -> Decimal:
    return from_cents(cents or 0)


def share(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part`` as a fraction of ``whole``, rounded once, half up, to a tenth of a percent
    (``money.share_of``); None when the whole is zero."""
    return share_of(part, whole)


def office_info() -> OfficeInfo:
    """The letterhead on every printout, built from the office_* settings (the one place)."""
    return office_from(office_details())
