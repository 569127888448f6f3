"""The review's money figures, each one SQL pass over the ledger: A/R and its age at month-ends,
days in A/R, collection rates, adjustments by reason, bad-debt recovery, collections by month.

Every query counts only entries keyed on or before the review's as-of day (``entry_date``), so a
review run later for a past period gives the answer it gave then. Sums stay in cents.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ...models import database
from ...money import from_cents
from ..books import aging
from .model import DAYS, MONEY, PERCENT, Drill, Figure, Point, day, ratio, tenth

CHARGE_DAYS = 90  # days in A/R: the average daily charge over the last three months


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


def ar_points(dates: list[dt.date]) -> dict[dt.date, Point]:
    """A/R, and the parts over 90 and 120 days past due (as the aging report buckets them), at
    each date, in one pass: each invoice's running balance changes only in the intervals where
    entries were keyed, and counts at every date up to its next change."""
    dates = sorted(set(dates))
    if not dates:
        return {}
    whens = " ".join(f"WHEN le.entry_date <= '{d.isoformat()}' THEN {k}" for k, d in enumerate(dates))
    points = ", ".join("(?, ?, ?)" for _ in dates)
    params: list = []
    for k, d in enumerate(dates):
        params += [k, (d - dt.timedelta(days=90)).isoformat(), (d - dt.timedelta(days=120)).isoformat()]
    sql = f"""
        WITH pts(k, e90, e120) AS (VALUES {points}),
        ch AS (SELECT le.invoice_id AS inv, CASE {whens} END AS k, SUM(le.amount) AS amt
               FROM ledger_entry le
               WHERE le.invoice_id IS NOT NULL AND le.entry_date <= ?
               GROUP BY le.invoice_id, 2),
        cum AS (SELECT inv, k, SUM(amt) OVER w AS bal, LEAD(k, 1, {len(dates)}) OVER w AS nxt
                FROM ch WINDOW w AS (PARTITION BY inv ORDER BY k))
        SELECT pts.k, SUM(cum.bal),
               SUM(CASE WHEN i.due_date >= pts.e90 THEN 0 ELSE cum.bal END),
               SUM(CASE WHEN i.due_date >= pts.e120 THEN 0 ELSE cum.bal END)
        FROM cum JOIN pts ON pts.k >= cum.k AND pts.k < cum.nxt
        JOIN invoice i ON i.id = cum.inv
        WHERE cum.bal != 0 GROUP BY pts.k"""
    params.append(dates[-1].isoformat())
    found = {k: (ar, o90, o120) for k, ar, o90, o120 in database.execute_sql(sql, params)}
    return {d: Point(d, *found.get(k, (0, 0, 0))) for k, d in enumerate(dates)}


def open_balances(snapshot: dt.date) -> tuple[dict[int, list[int]], dict[int, int]]:
    """What each account owes at ``snapshot``: [patient, insurance, over 90, over 120] cents, and
    the insurance part owed per payer (0: none named), from the aging's open items."""
    accounts: dict[int, list[int]] = {}
    payers: dict[int, int] = {}
    for account, payer, bucket, patient, insurance in aging.open_item_groups(snapshot):
        sums = accounts.setdefault(account, [0, 0, 0, 0])
        sums[0] += patient
        sums[1] += insurance
        if bucket >= 4:
            sums[2] += patient + insurance
        if bucket >= 5:
            sums[3] += patient + insurance
        if insurance:
            payers[payer] = payers.get(payer, 0) + insurance
    return accounts, payers


def charges_by_payer(snapshot: dt.date) -> dict[int, int]:
    """Charges keyed in the ``CHARGE_DAYS`` days up to ``snapshot``, per invoice payer (0: none)."""
    sql = """SELECT COALESCE(i.payer_id, 0), SUM(le.amount) FROM ledger_entry le
             JOIN invoice i ON i.id = le.invoice_id
             WHERE le.kind IN ('charge', 'void') AND le.entry_date > ? AND le.entry_date <= ?
             GROUP BY 1"""
    first = snapshot - dt.timedelta(days=CHARGE_DAYS)
    return dict(database.execute_sql(sql, [first.isoformat(), snapshot.isoformat()]).fetchall())


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


def ar_figures(point: Point, snapshot: dt.date, detail: bool = True) -> dict[str, Figure]:
    """A/R, days in A/R (by party and payer), A/R over 90 and over 120 days."""
    charges = charges_by_payer(snapshot)
    daily_total = Decimal(sum(charges.values())) / CHARGE_DAYS
    accounts, payers = open_balances(snapshot) if detail else ({}, {})
    patient = sum(a[0] for a in accounts.values())
    insurance = sum(a[1] for a in accounts.values())
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
        f"A/R at the end of the period ÷ the average daily charge over the last "
        f"{CHARGE_DAYS} days (charges keyed in those days ÷ {CHARGE_DAYS}). By party: "
        "that party's A/R ÷ the same daily charge; by payer: what the payer owes ÷ the "
        "payer's own daily charge.",
        empty="no charges in the last 90 days",
    )
    if daily_total > 0 and detail:
        days.parts = [
            ("Patients", tenth(patient / daily_total)),
            ("Insurance", tenth(insurance / daily_total)),
        ]
        payer_names = names("payer", payers, "name")
        by_payer = []
        for payer, owed in payers.items():
            daily = Decimal(charges.get(payer, 0)) / CHARGE_DAYS
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
            f"report's {'91-120 and 120+' if over == 90 else '120+'} columns) ÷ all A/R, "
            "at the end of the period.",
            empty="nothing owed",
        )
        index = 2 if over == 90 else 3
        top = sorted(((a, s[index]) for a, s in accounts.items() if s[index] > 0), key=lambda p: -p[1])
        labels = account_labels(a for a, _ in top[:50])
        figure.count = len(top)
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
                for a, c in top[:50]
            ],
        )
        figures[key] = figure
    return figures


def flows(start: dt.date, cut: dt.date) -> dict[str, int]:
    """Charges, payments, contractual allowances and refunds keyed in the period, in cents."""
    sql = """SELECT le.kind, COALESCE(a.kind, ''), SUM(le.amount) FROM ledger_entry le
             LEFT JOIN adjustment a ON a.id = le.adjustment_id
             WHERE le.entry_date BETWEEN ? AND ? GROUP BY 1, 2"""
    sums = {"charges": 0, "payments": 0, "contractual": 0, "adjustments": 0, "refunds": 0}
    for kind, adjustment_kind, cents in database.execute_sql(sql, [start.isoformat(), cut.isoformat()]):
        if kind in ("charge", "void"):
            sums["charges"] += cents
        elif kind in ("payment", "payment_void"):
            sums["payments"] -= cents
        elif kind == "refund":
            sums["refunds"] += cents
        elif kind == "adjustment":
            sums["adjustments"] -= cents
            if adjustment_kind == "contractual":
                sums["contractual"] -= cents
    return sums


def collection_figures(start: dt.date, cut: dt.date) -> dict[str, Figure]:
    sums = flows(start, cut)
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
                    COUNT(*), -SUM(le.amount)
             FROM ledger_entry le JOIN adjustment a ON a.id = le.adjustment_id
             LEFT JOIN reason_code rc ON rc.id = a.reason_code_id
             WHERE le.kind = 'adjustment' AND le.entry_date BETWEEN ? AND ?
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


def monthly(end: dt.date, cut: dt.date, count: int = 12) -> list[dict]:
    """Charges and payments keyed in each of the ``count`` months up to ``end``'s month."""
    ends = months_before(end, count - 1) + [month_end(end.year, end.month)]
    first = ends[0].replace(day=1)
    sql = """SELECT substr(entry_date, 1, 7),
                    SUM(CASE WHEN kind IN ('charge', 'void') THEN amount ELSE 0 END),
                    -SUM(CASE WHEN kind IN ('payment', 'payment_void') THEN amount ELSE 0 END)
             FROM ledger_entry WHERE entry_date BETWEEN ? AND ? GROUP BY 1"""
    found = {ym: (c, p) for ym, c, p in database.execute_sql(sql, [first.isoformat(), cut.isoformat()])}
    return [
        {
            "month": e.replace(day=1),
            "label": f"{e:%b %y}",
            "charges": found.get(f"{e:%Y-%m}", (0, 0))[0],
            "payments": found.get(f"{e:%Y-%m}", (0, 0))[1],
        }
        for e in ends
    ]
