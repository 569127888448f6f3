"""Every report the office runs, defined once and named: the CLI and the window read this list.

A report is a function ``build(params) -> printing.report.Report`` that asks the services for
its rows; the renderers (screen, PDF, Excel, printer) only read the result, so all four show
the same numbers. This package sits above ``services`` and ``printing`` (which may not import
each other) and below ``ui`` and ``cli``.

    from billing_desk.reports import REPORTS, Params, run
    report = run("aging", Params(as_of=date(2026, 11, 30), view="detail"))
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable

from ..collector import collector_paused
from ..errors import ValidationError
from ..printing.report import Report
from . import aging, charges, claims, collections, daysheet, lists, review, statements
from .common import Params, office_info

AS_OF, PERIOD, ACCOUNT = "as_of", "period", "account"


@dataclass(frozen=True)
class ReportSpec:
    name: str
    title: str
    build: Callable[[Params], Report]
    takes: frozenset = field(default_factory=frozenset)  # AS_OF, PERIOD, ACCOUNT
    views: tuple[tuple[str, str], ...] = ()
    account_required: bool = False
    needs_user: bool = False  # the audit trail (supervisors), statements (a copy is kept)
    document: Callable | None = None  # a free-form PDF instead of the table
    workbook: Callable | None = None  # a workbook of its own instead of the table's one sheet
    help: str = ""
    # A period report's default period, in days from today (start, end); None: month to date.
    period_days: tuple[int, int] | None = None

    def default_period(self, today: dt.date) -> tuple[dt.date, dt.date]:
        """The period the report covers when none is given (the Reports window starts there)."""
        if self.period_days is None:
            return today.replace(day=1), today
        return (today + dt.timedelta(days=self.period_days[0]),
                today + dt.timedelta(days=self.period_days[1]))


REPORTS: dict[str, ReportSpec] = {spec.name: spec for spec in (
    ReportSpec("aging", "A/R aging", aging.build, frozenset({AS_OF, ACCOUNT}), aging.VIEWS,
               help="what is owed by age, patient and insurance, with credits"),
    ReportSpec("day-sheet", "Day sheet", daysheet.build, frozenset({PERIOD}), daysheet.VIEWS,
               help="every entry keyed on a day or period, A/R start and end, deposit slip",
               period_days=(0, 0)),
    ReportSpec("billing", "Billing report", charges.billing, frozenset({PERIOD}),
               charges.BILLING_VIEWS, help="charges by code, provider or month, units and amounts"),
    ReportSpec("statements", "Statements", statements.build, frozenset({AS_OF, ACCOUNT}),
               statements.VIEWS, needs_user=True, document=statements.render,
               help="patient statements for window envelopes (a copy is kept on each account)"),
    ReportSpec("profit", "Profit report", charges.profit, frozenset({PERIOD}), charges.PROFIT_VIEWS,
               help="revenue, cost, gross margin, adjustments and net, by month"),
    ReportSpec("unfilled-orders", "Unfilled orders", lists.unfilled_orders,
               frozenset({AS_OF, ACCOUNT}), lists.ORDER_VIEWS,
               help="order lines still to deliver, by client or item"),
    ReportSpec("collection-list", "Collection list", lists.collection_list,
               frozenset({ACCOUNT}), lists.COLLECTION_VIEWS,
               help="today's past-due accounts with stage, contacts, promises and follow-ups"),
    ReportSpec("promises-due", "Promises due", collections.promises_due, frozenset({PERIOD}),
               help="promises to pay falling due in the period (default: the next 30 days)",
               period_days=(0, 30)),
    ReportSpec("payment-plans", "Payment plans", collections.payment_plans, frozenset({AS_OF}),
               help="payment plans with what was paid, installments missed and the next due"),
    ReportSpec("collections-activity", "Collections activity", collections.clerk_activity,
               frozenset({PERIOD}), help="calls, letters and promises per clerk (default: 30 days)",
               period_days=(-30, 0)),
    ReportSpec("account-ledger", "Account ledger", lists.account_ledger,
               frozenset({AS_OF, ACCOUNT}), account_required=True,
               help="one account: every entry with entry and service dates, running balance"),
    ReportSpec("accounts", "Accounts by status", lists.accounts, frozenset({AS_OF}),
               lists.ACCOUNT_VIEWS, help="accounts with their balances, by status"),
    ReportSpec("denials", "Denials", claims.denials, frozenset({AS_OF}), claims.DENIAL_VIEWS,
               help="denied claims by payer or by reason code, with age, appeal and what is owed"),
    ReportSpec("insurance-follow-up", "Insurance follow-up", claims.insurance_follow_up,
               frozenset({AS_OF}), claims.FOLLOW_UP_VIEWS,
               help="claims with no answer after the payer's follow-up days, oldest first"),
    ReportSpec("payer-payment-speed", "Payer payment speed", claims.payment_speed,
               frozenset({PERIOD}), claims.SPEED_VIEWS,
               help="days from submission to payment by payer, for claims paid in the period",
               period_days=(-90, 0)),
    ReportSpec("calls-log", "Calls with payers", claims.calls_log, frozenset({PERIOD, ACCOUNT}),
               help="calls and coverage verifications with payers (default: the last 30 days)",
               period_days=(-30, 0)),
    ReportSpec("unapplied-insurance", "Unapplied insurance money", claims.unapplied_insurance,
               frozenset({AS_OF}), help="insurers' money held unapplied on each payer, check by check, "
               "with why it is held"),
    ReportSpec("billing-review", "Billing review", review.build, frozenset({PERIOD}),
               document=review.render, workbook=review.workbook,
               help="the billing figures of a period against a year before, charts, recommendations "
                    "and the office's notes (default: this month); Excel: every row behind them"),
    ReportSpec("audit", "Audit trail", lists.audit_trail, frozenset({PERIOD, ACCOUNT}),
               needs_user=True, help="who changed what, for a period (supervisors)",
               period_days=(-30, 0)),
)}


def get(name: str) -> ReportSpec:
    spec = REPORTS.get(name)
    if spec is None:
        raise ValidationError(f"there is no report {name!r}; the reports are: "
                              + ", ".join(REPORTS), "report")
    return spec


def run(name: str, params: Params) -> Report:
    """Build report ``name`` for ``params`` (checked against what the report takes)."""
    spec = get(name)
    if params.view and params.view not in dict(spec.views):
        choices = ", ".join(dict(spec.views)) or "none"
        raise ValidationError(f"{name} has no view {params.view!r} (views: {choices})", "view")
    _refuse_what_it_cannot_honour(spec, params)
    if spec.account_required:
        params.account_id(required=True)
    with collector_paused():  # tens of thousands of rows, no cycles among them (collector.py)
        return spec.build(params)


def _refuse_what_it_cannot_honour(spec: ReportSpec, params: Params) -> None:
    """A date or account the report would ignore (or half apply) is refused, never dropped."""
    if params.as_of is not None and AS_OF not in spec.takes:
        why = (" (it is the worklist as it stands today)" if spec.name == "collection-list" else
               " (give its period: from, to)" if PERIOD in spec.takes else "")
        raise ValidationError(f"{spec.name} does not take an as-of date{why}", "as-of")
    if (params.start is not None or params.end is not None) and PERIOD not in spec.takes:
        raise ValidationError(f"{spec.name} does not take a period (from, to)"
                              + ("; give its as-of date" if AS_OF in spec.takes else ""), "from")
    if params.account.strip() and ACCOUNT not in spec.takes:
        raise ValidationError(f"{spec.name} is not run for one account", "account")
    if params.minimum is not None and spec.name != "statements":
        raise ValidationError(f"{spec.name} takes no minimum (only the statements do)", "minimum")


__all__ = ["ACCOUNT", "AS_OF", "PERIOD", "Params", "REPORTS", "ReportSpec", "get", "office_info",
           "run"]
