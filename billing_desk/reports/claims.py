"""The insurance follow-up reports: denials by payer and reason, the follow-up list, the payers'
payment speed, the log of calls with payers, and the insurance money held unapplied on the
payers. Rows come from the services the Claims tab's worklists show, so paper and screen agree."""

from __future__ import annotations

from dataclasses import asdict
from decimal import ROUND_HALF_UP, Decimal

from ..printing.report import Column, Group, Report, group_rows
from ..services.accounts import denial_lists
from ..services.books import insurance_money
from ..services.claims import follow_up, payer_calls
from .common import Params

DENIAL_VIEWS = (("payer", "By payer"), ("reason", "By reason code"))
FOLLOW_UP_VIEWS = (("due", "Due for follow-up"), ("all", "Every claim waiting"))
SPEED_VIEWS = (("payer", "By payer"), ("claim", "Each claim"))


def denials(params: Params) -> Report:
    """Denied (and partly paid) claims, by payer or by reason code, oldest denial first."""
    view = params.view or "payer"
    today = params.today()
    rows = []
    for row in denial_lists.worklist(today=today):
        for reason in row.reasons if view == "reason" else row.reasons[:1]:
            rows.append({"claim": row.control_number, "payer": row.payer, "account": row.account,
                         "patient": row.patient, "service_date": row.service_date,
                         "denied_on": row.denied_on, "age": row.age_days,
                         "code": f"{reason.group}{reason.code}" if view == "reason" else row.codes,
                         "reason": str(reason) if view == "reason" else row.reason,
                         "appealed": row.appealed_on, "billed": row.total,
                         "owed": row.insurance_owes, "count": 1})
    if view == "reason":
        rows.sort(key=lambda r: (r["code"] or "~", r["denied_on"]))
        groups = group_rows(rows, "code", lambda code: code or "No code recorded")
    else:
        rows.sort(key=lambda r: (r["payer"], r["denied_on"]))
        groups = group_rows(rows, "payer")
    columns = [Column("claim", "Claim", width=0.8), Column("account", "Account", width=0.8),
               Column("patient", "Patient", width=1.6), Column("service_date", "Service", "date"),
               Column("denied_on", "Denied", "date"), Column("age", "Days", "int", 0.5, total=False),
               Column("code", "Code", width=0.7), Column("reason", "Reason", width=2.2),
               Column("appealed", "Appealed", "date"), Column("count", "Claims", "int", 0.6, total=True),
               Column("billed", "Billed", "money"), Column("owed", "Insurance owes", "money")]
    if view == "reason":
        columns.insert(1, Column("payer", "Payer", width=1.2))
    report = Report("denials", "Denials by " + ("reason code" if view == "reason" else "payer"),
                    [("View", dict(DENIAL_VIEWS)[view]), ("As of", today)], columns, groups,
                    landscape=True)
    return report.compute_totals(subtotals=True)


def insurance_follow_up(params: Params) -> Report:
    view = params.view or "due"
    today = params.today()
    rows = [dict(asdict(r), count=1) for r in follow_up.follow_up_list(show=view, today=today)]
    columns = [Column("control_number", "Claim", width=0.8), Column("status", "Status", width=0.9),
               Column("payer", "Payer", width=1.2), Column("payer_phone", "Payer phone", width=1.0),
               Column("account", "Account", width=0.8), Column("patient", "Patient", width=1.5),
               Column("submitted_on", "Submitted", "date"),
               Column("days_waiting", "Days", "int", 0.5, total=False),
               Column("due_on", "Follow up", "date"), Column("last_call_on", "Last call", "date"),
               Column("last_call", "What was said", width=2.0),
               Column("count", "Claims", "int", 0.6, total=True), Column("total", "Billed", "money")]
    report = Report("insurance-follow-up", "Insurance follow-up",
                    [("Shows", dict(FOLLOW_UP_VIEWS)[view]), ("As of", today)], columns,
                    [Group("", rows=rows)], landscape=True)
    return report.compute_totals()


def _whole(value: Decimal) -> int:
    return int(value.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def payment_speed(params: Params) -> Report:
    """Days from submission to payment, by payer (or each claim), for claims paid in the period
    (default: the last 90 days)."""
    start, end = params.period(default_days=90)
    view = params.view or "payer"
    parameters = [("View", dict(SPEED_VIEWS)[view]), ("Paid from", start), ("To", end)]
    if view == "claim":
        rows = [dict(asdict(r), count=1) for r in follow_up.paid_claims(start=start, end=end)]
        columns = [Column("control_number", "Claim", width=0.8), Column("account", "Account", width=0.8),
                   Column("patient", "Patient", width=1.6), Column("submitted_on", "Submitted", "date"),
                   Column("paid_on", "Paid", "date"), Column("days", "Days", "int", 0.6, total=False),
                   Column("count", "Claims", "int", 0.6, total=True), Column("total", "Billed", "money")]
        return Report("payer-payment-speed", "Payer payment speed: each claim", parameters, columns,
                      group_rows(rows, "payer")).compute_totals(subtotals=True)
    rows = follow_up.payment_speed(start=start, end=end)
    for row in rows:
        row["average"], row["median"] = _whole(row["average"]), _whole(row["median"])
    columns = [Column("payer", "Payer", width=1.6), Column("claims", "Claims paid", "int", total=True),
               Column("average", "Average days", "int", total=False),
               Column("median", "Median days", "int", total=False),
               Column("fastest", "Fastest", "int", total=False),
               Column("slowest", "Slowest", "int", total=False),
               Column("within_30", "Paid within 30 days", "percent"), Column("billed", "Billed", "money")]
    return Report("payer-payment-speed", "Payer payment speed", parameters, columns,
                  [Group("", rows=rows)]).compute_totals()


def calls_log(params: Params) -> Report:
    """Calls with payers in the period (default: the last 30 days), optionally one account's."""
    start, end = params.period(default_days=30)
    rows = [dict(asdict(r), count=1) for r in
            payer_calls.calls(start=start, end=end, account_id=params.account_id())]
    rows.sort(key=lambda r: (r["called_on"], r["call_id"]))
    columns = [Column("called_on", "Date", "date"), Column("payer", "Payer", width=1.1),
               Column("about", "About", width=1.4), Column("direction", "Who called", width=1.1),
               Column("representative", "Representative", width=1.0),
               Column("reference", "Reference", width=0.8), Column("topic", "Asked about", width=1.0),
               Column("code", "Code", width=0.6), Column("question", "Question", width=1.6),
               Column("answer", "Answer", width=1.8), Column("follow_up_on", "Follow up", "date"),
               Column("by", "By", width=0.7), Column("count", "Calls", "int", 0.5, total=True)]
    parameters: list = [("From", start), ("To", end)]
    if params.account:
        parameters.append(("Account", params.account))
    return Report("calls-log", "Calls with payers", parameters, columns,
                  [Group("", rows=rows)], landscape=True).compute_totals()


def unapplied_insurance(params: Params) -> Report:
    """Insurers' money held unapplied (a check's remainder, an overpayment, a claim not matched),
    by payer, as the books stood at the end of the day asked: each check with what it holds, its
    state (held, or owed back to the payer: the Claims tab's window says the same) and the reason,
    oldest first."""
    day = params.today()
    rows = [{"reference": r.reference, "method": {"eft": "EFT", "none": "none"}.get(r.method, "check"),
             "received": r.received_on, "days": r.days, "amount": r.amount, "unapplied": r.unapplied,
             "state": r.state, "reason": r.reason, "payer": r.payer, "count": 1}
            for r in insurance_money.unapplied_list(as_of=day)]
    rows.sort(key=lambda r: (r["payer"], r["received"]))
    columns = [Column("reference", "Check / EFT", width=1.0), Column("method", "Kind", width=0.5),
               Column("received", "Received", "date"), Column("days", "Days held", "int", 0.6, total=False),
               Column("amount", "Check amount", "money", total=False),
               Column("unapplied", "Unapplied", "money"), Column("state", "State", width=0.7),
               Column("reason", "Why it is held", width=2.4),
               Column("count", "Checks", "int", 0.6, total=True)]
    report = Report("unapplied-insurance", "Unapplied insurance money", [("As of", day)], columns,
                    group_rows(rows, "payer"))
    return report.compute_totals(subtotals=True)
