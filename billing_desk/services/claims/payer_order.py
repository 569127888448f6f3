"""Who pays in what order: the account's coverage of a rank on a day, the coverage billed before
a secondary claim, and Medicare's place among the payers (why Medicare pays second, 837P SBR05;
the scrubber's word when a claim puts Medicare after a program it pays before)."""

from __future__ import annotations

import datetime as dt

from ...choices import MEDICARE_FILING_CODES, PAYER_PROGRAMS
from ...errors import Problem
from ...models import Claim, Coverage, Plan
from ...models.base import prepared

AGED = 65  # a patient this old on the date of service is "working aged" (12), younger disabled (43)
ESRD_MONTHS = 30  # Medicare pays second to a group health plan this long after ESRD entitlement


def esrd_period_end(began: dt.date) -> dt.date:
    """The first day Medicare pays first again: 30 months after the ESRD coordination period
    began (the same day of the month, or the month's last day when it has none)."""
    months = began.year * 12 + began.month - 1 + ESRD_MONTHS
    year, month = divmod(months, 12)
    month += 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(began.day, last))


def in_esrd_period(coverage: Coverage, day: dt.date) -> bool:
    """The coverage's ESRD coordination period runs on ``day``."""
    began = coverage.esrd_started_on
    return began is not None and began <= day < esrd_period_end(began)


def covering(account_id: int, on: dt.date, rank: str) -> Coverage | None:
    """The account's active coverage of a rank on a day (the same rule as the estimate's)."""
    rows = prepared("coverage of a rank on a day", lambda: (
        Coverage.select(Coverage, Plan).join(Plan)
        .where(Coverage.account == account_id, Coverage.rank == rank, Coverage.active == True)  # noqa: E712
        .where((Coverage.start_date.is_null()) | (Coverage.start_date <= on))
        .where((Coverage.end_date.is_null()) | (Coverage.end_date >= on)).limit(1)),
        [(Coverage.account, account_id), (Coverage.rank, rank), (Coverage.active, True),
         (Coverage.start_date, on), (Coverage.end_date, on), (None, 1)])
    return rows[0] if rows else None


def billed_before(claim: Claim) -> Coverage | None:
    """On a secondary claim, the coverage billed first: its primary claim's, else the account's
    primary coverage on the date of service."""
    if claim.primary_claim is not None:
        return claim.primary_claim.coverage
    return covering(claim.invoice.account_id, claim.invoice.service_date, "primary")


def to_medicare_second(claim: Claim) -> bool:
    """A secondary claim to Medicare itself (filing code MA or MB)."""
    medicare = PAYER_PROGRAMS[claim.payer.program].filing_code in MEDICARE_FILING_CODES
    return medicare and claim.rank != "primary"


def age_on(born: dt.date | None, day: dt.date) -> int | None:
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def medicare_second_reason(claim: Claim) -> str:
    """On a claim to Medicare as the second payer, why Medicare pays second (837P SBR05): the
    first payer's program says it, and for a group health plan the patient's age on the date of
    service (65 or over: 12 working aged; under: 43 disabled). "" on any other claim, and when
    the first payer is a program Medicare pays before (``medicare_order_problem`` says so)."""
    if not to_medicare_second(claim):
        return ""
    first = billed_before(claim)
    if first is None:
        return ""
    reason = PAYER_PROGRAMS[first.plan.payer.program].before_medicare
    if reason != "group":
        return reason
    if in_esrd_period(claim.coverage, claim.invoice.service_date):
        return "13"  # end-stage renal disease, in its 30-month coordination period
    age = age_on(claim.invoice.account.date_of_birth, claim.invoice.service_date)
    return "12" if age is not None and age >= AGED else "43"


def medicare_order_problem(claim: Claim) -> Problem | None:
    """A claim to Medicare as the second payer after a program Medicare pays before (Medicaid,
    TRICARE, Medicare itself...), or after a group health plan once the patient's ESRD
    coordination period is over; a claim to Medicare first while that period runs and a group
    health plan is the other coverage: the coverages are in the wrong order."""
    if not to_medicare_second(claim):
        return _esrd_medicare_first(claim)
    day = claim.invoice.service_date
    began = claim.coverage.esrd_started_on
    if began is not None and day >= esrd_period_end(began):
        return Problem("coverage.rank", f"the 30-month ESRD coordination period ended "
                       f"{esrd_period_end(began):%m/%d/%Y}: Medicare pays first from then on; make "
                       "Medicare the primary coverage")
    first = billed_before(claim)
    if first is None or PAYER_PROGRAMS[first.plan.payer.program].before_medicare:
        return None
    program = PAYER_PROGRAMS[first.plan.payer.program].label.split(" (")[0]
    return Problem("coverage.rank", f"Medicare pays before {program} ({first.plan.payer.name}): make "
                   "Medicare the primary coverage, or set the first payer's program on the Payers screen")


def _esrd_medicare_first(claim: Claim) -> Problem | None:
    medicare = PAYER_PROGRAMS[claim.payer.program].filing_code in MEDICARE_FILING_CODES
    day = claim.invoice.service_date
    if not medicare or claim.rank != "primary" or not in_esrd_period(claim.coverage, day):
        return None
    other = covering(claim.invoice.account_id, day, "secondary")
    if other is None or PAYER_PROGRAMS[other.plan.payer.program].before_medicare != "group":
        return None
    return Problem("coverage.rank", f"Medicare pays second to {other.plan.payer.name} during the ESRD "
                   f"coordination period (until {esrd_period_end(claim.coverage.esrd_started_on):%m/%d/%Y}): "
                   "make Medicare the secondary coverage")
