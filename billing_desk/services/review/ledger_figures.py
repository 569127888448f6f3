"""The review's money figures, each one SQL pass over the ledger: A/R and its age at month-ends,
days in A/R, collection rates, adjustments by reason, bad-debt recovery, collections by month.

Every query counts only entries keyed on or before the review's as-of day (``entry_date``), so a
review run later for a past period gives the answer it gave then. Sums stay in cents.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ...models import database
from ...money import from_cents
from .history import History
from .model import DAYS, MONEY, PERCENT, Drill, Figure, Point, day, ratio, tenth


def month_end(year: int, month: int) -> dt.date:
    first_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def months_before(end: dt.date, count: int = 12) -> list[dt.date]:
    """The last days of the ``count`` months before ``end``'s month, oldest first."""
    ends = []
    for back in range(count, 0, -1):
        index = end.year * 12 + end.month - 1 - back
        ends.append(month_end(index // 12, index % 12 + 1))
    return ends


def charge_window(snapshot: dt.date) -> tuple[dt.date, dt.date]:
    """The last three months up to ``snapshot``: its month and the two before (whole months, so
    a review at a month's end reads them from the months read once for the review)."""
    index = snapshot.year * 12 + snapshot.month - 1 - 2
    return dt.date(index // 12, index % 12 + 1, 1), snapshot


def charges_by_payer(snapshot: dt.date, history: History) -> tuple[dict[int, int], int]:
    """Charges keyed in the last three months up to ``snapshot`` per invoice payer (0: none),
    and the number of days in those months."""
    first, last = charge_window(snapshot)
    return history.charges_per_payer(first, last), (last - first).days + 1


def names(table: str, ids, column: str) -> dict[int, str]:
    ids = [i for i in ids if i]
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    return dict(database.execute_sql(f"SELECT id, {column} FROM {table} WHERE id IN ({marks})", ids))


def account_labels(ids) -> dict[int, tuple[str, str]]:
    ids = list(ids)
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    sql = f"""SELECT id, number, CASE WHEN kind = 'customer' AND organization != '' THEN organization
                     ELSE last_name || ', ' || first_name END FROM account WHERE id IN ({marks})"""
    return {i: (n, name) for i, n, name in database.execute_sql(sql, ids)}


def ar_figures(point: Point, snapshot: dt.date, history: History, detail: bool = True) -> dict[str, Figure]:
    """A/R, days in A/R (by party and payer), A/R over 90 and over 120 days."""
    charges, days_counted = charges_by_payer(snapshot, history)
    daily_total = Decimal(sum(charges.values())) / days_counted
    known: dict[str, Any] = (
        history.snapshot(snapshot) if detail else {"patient": 0, "insurance": 0, "payers": {}}
    )
    patient, insurance = known["patient"], known["insurance"]
    payers = {int(payer): cents for payer, cents in known["payers"].items()}
    ar = Figure(
        "ar",
        "Accounts receivable",
        from_cents(point.ar),
        MONEY,
        "What patients and payers owe on posted invoices at the end of the period (the "
        "aging report's total before unapplied credits are taken off).",
    )
    if detail:
        ar.parts = [("Patients", from_cents(patient)), ("Insurance", from_cents(insurance))]
    days = Figure(
        "days_in_ar",
        "Days in A/R",
        tenth(Decimal(point.ar) / daily_total) if daily_total > 0 else None,
        DAYS,
        "A/R at the end of the period ÷ the average daily charge over the last three months "
        "(charges keyed in the period's last month and the two before it, up to its end, ÷ the "
        "days in them). By party: that party's A/R ÷ the same daily charge; by payer: what the "
        "payer owes ÷ what was charged on the invoices it is billed for, per day.",
        empty="no charges in the last three months",
    )
    if daily_total > 0 and detail:
        days.parts = [
            ("Patients", tenth(patient / daily_total)),
            ("Insurance", tenth(insurance / daily_total)),
        ]
        payer_names = names("payer", payers, "name")
        by_payer = []
        for payer, owed in payers.items():
            daily = Decimal(charges.get(payer, 0)) / days_counted
            by_payer.append(
                (payer_names.get(payer, "No payer named"), tenth(owed / daily) if daily > 0 else None, owed)
            )
        by_payer.sort(key=lambda p: -(p[1] or Decimal(10**6)))
        days.parts += [(name, value) for name, value, _ in by_payer]
        days.drill = Drill(
            [("payer", "Payer", "text"), ("owed", "Payer owes", "money"), ("days", "Days in A/R", "days")],
            [{"payer": n, "owed": from_cents(o), "days": v} for n, v, o in by_payer],
        )
    figures = {"ar": ar, "days_in_ar": days}
    for key, cents, over in (("over_90", point.over_90, 90), ("over_120", point.over_120, 120)):
        figure = Figure(
            key,
            f"A/R over {over} days",
            ratio(cents, point.ar),
            PERCENT,
            f"The part of A/R more than {over} days past its due date (the aging "
            f"report's {'91-120 and 120+ columns' if over == 90 else '120+ column'}) ÷ all A/R, "
            "at the end of the period.",
            empty="nothing owed",
        )
        owing = known.get(key, {"count": 0, "top": []})
        top = [(int(a), c) for a, c in owing["top"]]
        labels = account_labels(a for a, _ in top)
        figure.count = owing["count"]
        figure.drill = Drill(
            [
                ("account", "Account", "text"),
                ("name", "Name", "text"),
                ("owed", f"Over {over} days", "money"),
                ("share", "Share of it", "percent"),
            ],
            [
                {
                    "account": labels[a][0],
                    "name": labels[a][1],
                    "owed": from_cents(c),
                    "share": ratio(c, cents),
                }
                for a, c in top
            ],
        )
        figures[key] = figure
    return figures


def collection_figures(start: dt.date, cut: dt.date, history: History) -> dict[str, Figure]:
    sums = history.flows(start, cut) if start <= cut else {"charges": 0, "payments": 0, "contractual": 0}
    charges, payments = sums["charges"], sums["payments"]
    net_base = charges - sums["contractual"]
    gross = Figure(
        "gross_collection",
        "Gross collection rate",
        ratio(payments, charges),
        PERCENT,
        "Payments keyed in the period (patients, payers and agencies, less voided "
        "payments) ÷ charges keyed in the period (less voided invoices).",
        empty="no charges in the period",
    )
    net = Figure(
        "net_collection",
        "Net collection rate",
        ratio(payments, net_base),
        PERCENT,
        "Payments keyed in the period ÷ (charges − contractual allowances keyed in the "
        "period): the share of what the office could collect that it did.",
        empty="no charges in the period",
    )
    charged = Figure(
        "charges",
        "Charges",
        from_cents(charges),
        MONEY,
        "Charges keyed in the period, less voided invoices.",
    )
    paid = Figure(
        "payments",
        "Payments",
        from_cents(payments),
        MONEY,
        "Payments keyed in the period, less voided payments.",
    )
    return {"charges": charged, "payments": paid, "gross_collection": gross, "net_collection": net}


def adjustment_figure(start: dt.date, cut: dt.date, charges_cents: int) -> Figure:
    """Adjustments and write-offs by reason as a share of the period's charges."""
    sql = """SELECT a.kind, CASE WHEN a.carc != '' THEN a.group_code || a.carc
                                 ELSE COALESCE(rc.code, '') END AS code,
                    COUNT(*), SUM(CASE WHEN a.kind = 'late_fee' THEN -a.amount ELSE a.amount END)
             FROM adjustment a LEFT JOIN reason_code rc ON rc.id = a.reason_code_id
             WHERE a.entered_on BETWEEN ? AND ? AND a.kind NOT IN ('transfer', 'refund')
             GROUP BY 1, 2 ORDER BY 4 DESC"""
    rows = []
    total = 0
    for kind, code, count, cents in database.execute_sql(sql, [start.isoformat(), cut.isoformat()]):
        total += cents
        rows.append(
            {
                "kind": kind.replace("_", " "),
                "code": code,
                "count": count,
                "amount": from_cents(cents),
                "share": ratio(cents, charges_cents),
            }
        )
    written = sum(r["amount"] for r in rows if r["kind"] in ("write off", "collections"))
    figure = Figure(
        "adjustments",
        "Adjustments and write-offs",
        ratio(total, charges_cents),
        PERCENT,
        "Adjustments keyed in the period (allowances, discounts, credit memos, "
        "write-offs, placements with an agency; late fees count against) ÷ charges "
        "keyed in the period, by kind and reason code.",
        empty="no charges in the period",
        count=sum(r["count"] for r in rows),
    )
    figure.parts = [(f"{r['kind']} {r['code']}".strip(), r["share"]) for r in rows[:8]]
    if charges_cents:
        figure.parts.insert(0, ("of which written off", ratio(written * 100, charges_cents)))
    figure.drill = Drill(
        [
            ("kind", "Kind", "text"),
            ("code", "Reason", "text"),
            ("count", "Entries", "int"),
            ("amount", "Amount", "money"),
            ("share", "Of charges", "percent"),
        ],
        rows,
    )
    return figure


def bad_debt_figure(start: dt.date, cut: dt.date) -> Figure:
    """Money received in the period on accounts written off or placed with an agency before."""
    sql = """SELECT ac.account_id, COALESCE(ac.written_off_on, ac.handed_off_on),
                    (SELECT -SUM(le.amount) FROM ledger_entry le WHERE le.account_id = ac.account_id
                       AND le.kind IN ('payment', 'payment_void') AND le.entry_date BETWEEN ? AND ?
                       AND le.entry_date >= COALESCE(ac.written_off_on, ac.handed_off_on)),
                    (SELECT -SUM(le.amount) FROM ledger_entry le JOIN adjustment a ON a.id = le.adjustment_id
                       WHERE le.account_id = ac.account_id AND a.kind IN ('write_off', 'collections')
                       AND le.entry_date <= ?)
             FROM account_collection ac
             WHERE COALESCE(ac.written_off_on, ac.handed_off_on) <= ?"""
    params = [start.isoformat(), cut.isoformat(), cut.isoformat(), cut.isoformat()]
    rows, recovered, written = [], 0, 0
    found = database.execute_sql(sql, params).fetchall()
    labels = account_labels(r[0] for r in found)
    for account, since, got, off in found:
        recovered += got or 0
        written += off or 0
        rows.append(
            {
                "account": labels[account][0],
                "name": labels[account][1],
                "since": day(since),
                "written_off": from_cents(off or 0),
                "recovered": from_cents(got or 0),
            }
        )
    rows.sort(key=lambda r: -Decimal(str(r["recovered"])))
    return Figure(
        "bad_debt_recovery",
        "Bad-debt recovery",
        ratio(recovered, written),
        PERCENT,
        "Payments keyed in the period on accounts written off or placed with an agency "
        "before the payment ÷ what those accounts had written off or placed.",
        empty="no accounts written off or placed",
        count=len(rows),
        parts=[("Recovered", from_cents(recovered)), ("Written off", from_cents(written))],
        drill=Drill(
            [
                ("account", "Account", "text"),
                ("name", "Name", "text"),
                ("since", "Written off or placed", "date"),
                ("written_off", "Written off", "money"),
                ("recovered", "Recovered", "money"),
            ],
            rows,
        ),
    )


def monthly(end: dt.date, cut: dt.date, history: History, count: int = 12) -> list[dict]:
    """Charges and payments keyed in each of the ``count`` months up to ``end``'s month."""
    rows = []
    for last in months_before(end, count - 1) + [month_end(end.year, end.month)]:
        first = last.replace(day=1)
        sums = history.flows(first, min(last, cut)) if first <= cut else {"charges": 0, "payments": 0}
        rows.append(
            {
                "month": first,
                "label": f"{last:%b %y}",
                "charges": sums["charges"],
                "payments": sums["payments"],
            }
        )
    return rows
