"""Lists as reports: accounts by status, one account's ledger, the audit trail, unfilled
orders (services/orders/unfilled.py) and the collection list (services/worklist.py)."""

from __future__ import annotations

from typing import Any

from ..errors import PermissionDenied
from ..printing.account_forms import ledger_report
from ..printing.order_docs import unfilled_report
from ..printing.report import Column, Group, Report, group_rows
from ..services.accounts import account_page
from ..services.books import reports_data
from ..services.collections import worklist
from ..services.office import audit
from ..services.orders import unfilled
from .common import Params, money

ACCOUNT_VIEWS = (("all", "Every status"), ("active", "Active"), ("pending", "Pending approval"),
                 ("inactive", "Inactive"), ("closed", "Closed"))
ORDER_VIEWS = (("client", "By client"), ("item", "By item"))
COLLECTION_VIEWS = (("stage", "By stage"), ("held", "By who holds it"))


def accounts(params: Params) -> Report:
    view = params.view or "all"
    rows = reports_data.accounts_by_status(None if view == "all" else view, params.as_of)
    for row in rows:
        row["patient"] = money(row.pop("patient_cents"))
        row["insurance"] = money(row.pop("insurance_cents"))
        row["credit"] = money(row.pop("credit_cents"))
        row["balance"] = row["patient"] + row["insurance"] - row["credit"]
        row["count"] = 1
    columns = [Column("account", "Account", width=0.8), Column("name", "Name", width=2.0),
               Column("kind", "Kind", width=0.7), Column("phone", "Phone", width=1.0),
               Column("city", "City", width=1.0), Column("opened", "Opened", "date", 0.8),
               Column("count", "Accounts", "int", 0.6, total=True),
               Column("patient", "Patient", "money", 0.9), Column("insurance", "Insurance", "money", 0.9),
               Column("credit", "Credit", "money", 0.8), Column("balance", "Balance", "money", 0.9)]
    groups = group_rows(rows, "status", lambda s: str(s).title())
    report = Report("accounts", "Accounts by Status", [("Status", dict(ACCOUNT_VIEWS)[view]),
                                                        ("As of", params.today())],
                    columns, groups, landscape=True)
    return report.compute_totals(subtotals=True)


def account_ledger(params: Params) -> Report:
    """The account ledger printout the account page already prints (defined once there)."""
    data = account_page.ledger_data(params.account_id(required=True), through=params.as_of)
    return ledger_report(data)


def audit_trail(params: Params) -> Report:
    if params.user is None:
        raise PermissionDenied("the audit trail is for supervisors: name your user (--user NAME)")
    start, end = params.period(default_days=30)
    which = audit.AuditFilter(start=start, end=end, account=params.account)
    entries = audit.find(params.user, which, limit=audit.count(params.user, which))
    rows = [{"id": e.id, "at": e.at.strftime("%m/%d/%Y %H:%M:%S"), "user": e.username,
             "action": e.action, "account": getattr(e, "account_number", None) or "",
             "record": f"{e.table} {e.record_id or ''}".strip(), "summary": e.summary,
             "changes": audit.describe_changes(e)} for e in reversed(entries)]
    columns = [Column("id", "#", "int", 0.5, total=False), Column("at", "When", width=1.3),
               Column("user", "User", width=0.8), Column("action", "Action", width=0.9),
               Column("account", "Account", width=0.8), Column("record", "Record", width=1.0),
               Column("summary", "What", width=2.8), Column("changes", "Changes", width=3.0)]
    parameters = [("From", start), ("To", end)] + ([("Account", params.account)]
                                                   if params.account else [])
    return Report("audit", "Audit Trail", parameters, columns, [Group("", rows)],
                  landscape=True).compute_totals()


def unfilled_orders(params: Params) -> Report:
    view = params.view or "client"
    as_of = params.today()
    rows = unfilled.unfilled_rows(as_of, view, params.account_id())
    return unfilled_report(rows, as_of, view)


COLLECTION_COLUMNS = [
    Column("account", "Account", width=0.8), Column("name", "Name", width=1.7),
    Column("phone", "Phone", width=1.0), Column("balance", "Balance", "money", 0.9),
    Column("past_due", "Past due", "money", 0.9), Column("oldest_due", "Oldest due", "date", 0.8),
    Column("days", "Days", "int", 0.5, total=False), Column("last_contact", "Last contact", "date", 0.8),
    Column("promise_due", "Promise", "date", 0.8), Column("follow_up", "Follow-up", "date", 0.8),
    Column("held_by", "Held by", width=0.8), Column("hold", "Hold / flag", width=1.2)]


def collection_list(params: Params) -> Report:
    view = params.view or "stage"
    as_of = params.today()
    work = worklist.worklist(worklist.WorkFilter(sort="follow_up"), today=as_of, limit=None)
    account = params.account.strip()
    rows: list[dict[str, Any]] = []
    for w in work:
        if account and w.number != account:
            continue
        rows.append({"group": (w.stage or "No stage yet") if view == "stage" else (w.held_by or "Nobody"),
                     "account": w.number, "name": w.name, "phone": w.phone, "balance": w.balance,
                     "past_due": w.past_due, "oldest_due": w.oldest_due, "days": w.days,
                     "last_contact": w.last_contact_on, "promise_due": w.promise_due,
                     "follow_up": w.next_follow_up, "held_by": w.held_by,
                     "hold": "; ".join(p for p in (w.hold, w.flag) if p)})
    rows.sort(key=lambda r: (r["group"].lower(), -r["days"], r["account"]))
    report = Report("collection-list", "Collection List", [("As of", as_of),
                                                           ("Grouped", dict(COLLECTION_VIEWS)[view])],
                    COLLECTION_COLUMNS, group_rows(rows, "group"), landscape=True)
    return report.compute_totals(subtotals=True)
