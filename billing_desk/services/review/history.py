"""The review's history of the ledger, fast at 2,000,000 entries: A/R and its parts over 90 and
120 days at any day, and each month's charges, payments, allowances and refunds.

A day's A/R by age is read from the ledger's totals kept per month keyed and invoice due date
(``ledger_month_due``, schema 11: a few thousand rows), and a day inside a month adds the
entries of that month's part. Each month's money is read in one pass over the ledger's covering
index by day and kind (``ledger_entry_day_kind``, schema 10). Nothing is written: a review only
reads, so it runs on a read-only connection (the command line's reports) as in the window.
"""

from __future__ import annotations

import datetime as dt

from ...models import database
from ...models.migration_ages import NO_DUE_DATE
from .model import Point

FLOW_KEYS = ("charges", "payments", "refunds", "contractual")


def month_end(day: dt.date) -> dt.date:
    following = day.replace(year=day.year + day.month // 12, month=day.month % 12 + 1, day=1)
    return following - dt.timedelta(days=1)


def newest_entry() -> dt.date | None:
    value = database.execute_sql("SELECT MAX(entry_date) FROM ledger_entry").fetchone()[0]
    return dt.date.fromisoformat(str(value)[:10]) if value else None


# --- A/R at a day ---------------------------------------------------------------------------------


def _edges(day: dt.date) -> tuple[str, str]:
    return (day - dt.timedelta(days=90)).isoformat(), (day - dt.timedelta(days=120)).isoformat()


def _by_due(sql: str, params: list) -> list[tuple[str, str, int]]:
    return [(str(key)[:10], str(due)[:10], cents) for key, due, cents in database.execute_sql(sql, params)]


def _entries_between(first: dt.date, last: dt.date) -> list[tuple[str, str, int]]:
    """(entry date, due date, cents) of the entries on invoices keyed from ``first`` to ``last``."""
    return _by_due(
        f"""SELECT le.entry_date, COALESCE(i.due_date, '{NO_DUE_DATE}'), SUM(le.amount)
            FROM ledger_entry le JOIN invoice i ON i.id = le.invoice_id
            WHERE le.entry_date BETWEEN ? AND ? GROUP BY 1, 2""",
        [first.isoformat(), last.isoformat()],
    )


def _split(rows, d: dt.date, sign: int, into: list[int]) -> None:
    e90, e120 = _edges(d)
    for _, due, cents in rows:
        into[0] += sign * cents
        if due < e90:
            into[1] += sign * cents
        if due < e120:
            into[2] += sign * cents


def ar_points(dates: list[dt.date]) -> dict[dt.date, Point]:
    """A/R and the parts more than 90 and 120 days past due (as the aging buckets them) at each
    date, each as it stood at the end of that day: the ledger's totals kept per month and due
    date (``ledger_month_due``, schema 11) up to that month, and of a day inside a month the
    entries from the month's start to it (or those after it to the month's end taken off,
    whichever are fewer days)."""
    dates = sorted(set(dates))
    if not dates:
        return {}
    kept = _by_due(
        "SELECT month, due_date, amount FROM ledger_month_due WHERE month <= ? AND amount != 0",
        [f"{dates[-1]:%Y-%m}"],
    )
    points = {}
    for d in dates:
        month, first, last = f"{d:%Y-%m}", d.replace(day=1), month_end(d)
        sums = [0, 0, 0]
        if d == last or (last - d).days < (d - first).days + 1:
            _split((r for r in kept if r[0] <= month), d, 1, sums)
            if d != last:
                _split(_entries_between(d + dt.timedelta(days=1), last), d, -1, sums)
        else:
            _split((r for r in kept if r[0] < month), d, 1, sums)
            _split(_entries_between(first, d), d, 1, sums)
        points[d] = Point(d, *sums)
    return points


def open_items(day: dt.date) -> list[tuple[int, int, int, int, int]]:
    """(account, payer or 0, bucket index, patient cents, insurance cents) of the invoices open at
    the end of ``day`` (as the aging groups them): today's open balances less what was keyed after,
    summed per invoice first (from the open-items index and the ledger's index by day), so only
    the invoices still open at ``day`` are looked up for their account, payer and due date."""
    edges = [(day - dt.timedelta(days=n)).isoformat() for n in (0, 30, 60, 90, 120)]
    bucket = "CASE " + " ".join(f"WHEN i.due_date >= ? THEN {k}" for k in range(5)) + " ELSE 5 END"
    sql = f"""SELECT i.account_id, COALESCE(i.payer_id, 0), {bucket}, SUM(x.p), SUM(x.s)
              FROM (SELECT item, SUM(p) AS p, SUM(s) AS s FROM (
                      SELECT id AS item, patient_balance AS p, insurance_balance AS s
                      FROM invoice WHERE patient_balance != 0 OR insurance_balance != 0
                      UNION ALL
                      SELECT invoice_id, CASE WHEN party = 'patient' THEN -amount ELSE 0 END,
                             CASE WHEN party = 'insurance' THEN -amount ELSE 0 END
                      FROM ledger_entry WHERE entry_date > ? AND invoice_id IS NOT NULL) AS items
                    GROUP BY item HAVING SUM(p) != 0 OR SUM(s) != 0) AS x
              JOIN invoice i ON i.id = x.item
              GROUP BY 1, 2, 3 HAVING SUM(x.p) != 0 OR SUM(x.s) != 0"""
    return database.execute_sql(sql, [*edges, day.isoformat()]).fetchall()


TOP = 50  # accounts kept for the drill-down of A/R over 90 and 120 days


def snapshot(day: dt.date) -> dict:
    """What the A/R figures read at one day: the patients' and the insurers' parts, what each
    payer owes, and the accounts owing most over 90 and over 120 days (with their counts)."""
    accounts: dict[int, list[int]] = {}
    payers: dict[str, int] = {}
    patient = insurance = 0
    for account, payer, bucket, owed_patient, owed_insurance in open_items(day):
        patient += owed_patient
        insurance += owed_insurance
        sums = accounts.setdefault(account, [0, 0])
        if bucket >= 4:
            sums[0] += owed_patient + owed_insurance
        if bucket >= 5:
            sums[1] += owed_patient + owed_insurance
        if owed_insurance:
            payers[str(payer)] = payers.get(str(payer), 0) + owed_insurance
    found: dict = {"patient": patient, "insurance": insurance, "payers": payers}
    for index, name in ((0, "over_90"), (1, "over_120")):
        owing = [(a, s[index]) for a, s in accounts.items() if s[index] > 0]
        owing.sort(key=lambda pair: -pair[1])
        found[name] = {"count": len(owing), "top": owing[:TOP]}
    return found


# --- each month's money ---------------------------------------------------------------------------


def _add(months: dict[str, dict], month: str, kind: str, cents: int) -> None:
    sums = months.setdefault(month, _empty())
    if kind in ("charge", "void"):
        sums["charges"] += cents
    elif kind in ("payment", "payment_void"):
        sums["payments"] -= cents
    elif kind == "refund":
        sums["refunds"] += cents


def _contractual(months: dict[str, dict], span: list[str]) -> dict[str, dict]:
    for ym, cents in database.execute_sql(
        "SELECT substr(entered_on, 1, 7), SUM(amount) FROM adjustment "
        "WHERE kind = 'contractual' AND entered_on BETWEEN ? AND ? GROUP BY 1",
        span,
    ):
        months.setdefault(ym, _empty())["contractual"] += cents
    return months


def _whole_months(first: dt.date, last: dt.date) -> dict[str, dict]:
    """Per whole month (YYYY-MM) from ``first``'s month to ``last``'s: charges, payments and
    refunds from the ledger's totals kept per month and kind (``ledger_month_kind``, schema 11),
    contractual allowances from the adjustments."""
    months: dict[str, dict] = {}
    for ym, kind, cents in database.execute_sql(
        "SELECT month, kind, amount FROM ledger_month_kind WHERE month BETWEEN ? AND ?",
        [f"{first:%Y-%m}", f"{last:%Y-%m}"],
    ):
        _add(months, str(ym), str(kind), cents)
    return _contractual(months, [first.replace(day=1).isoformat(), month_end(last).isoformat()])


def _flows_between(first: dt.date, last: dt.date) -> dict[str, dict]:
    """Per month (YYYY-MM) keyed from ``first`` to ``last`` (a part of a month): charges, payments
    and refunds from the ledger's index by day and kind (no join), contractual allowances from
    the adjustments."""
    months: dict[str, dict] = {}
    span = [first.isoformat(), last.isoformat()]
    for on, kind, cents in database.execute_sql(
        "SELECT entry_date, kind, SUM(amount) FROM ledger_entry WHERE entry_date BETWEEN ? AND ? "
        "GROUP BY entry_date, kind",
        span,
    ):
        _add(months, str(on)[:7], kind, cents)
    return _contractual(months, span)


def charges_per_payer(first: dt.date, last: dt.date) -> dict[int, int]:
    """Charges keyed from ``first`` to ``last`` per invoice payer (0: none), from the invoices
    posted (less those voided) in those days: the same money as the ledger's charges. Read only
    for the days the A/R figures divide by (not for every month of the trend)."""
    span = [first.isoformat(), last.isoformat()]
    payers: dict[int, int] = {}
    for payer, cents in database.execute_sql(
        """SELECT COALESCE(payer_id, 0), SUM(total) FROM invoice
            WHERE posted_on BETWEEN ? AND ? AND status != 'draft' GROUP BY 1
            UNION ALL
            SELECT COALESCE(payer_id, 0), -SUM(total) FROM invoice
            WHERE status = 'void' AND voided_on BETWEEN ? AND ? GROUP BY 1""",
        span + span,
    ):
        payers[int(payer)] = payers.get(int(payer), 0) + cents
    return payers


def _empty() -> dict:
    return {"charges": 0, "payments": 0, "refunds": 0, "contractual": 0}


def flows(first: dt.date, last: dt.date, months: dict, read: dict | None = None) -> dict:
    """The sums keyed from ``first`` to ``last``: whole months over come from ``months`` (read
    there when missing), the rest (the first and last part-months, the current month) from the
    ledger, each part-month once a review when ``read`` is given."""
    newest = newest_entry() or last
    total = _empty()
    whole, parts = [], []
    day = first
    while day <= last:
        end = min(month_end(day), last)
        if day.day == 1 and end == month_end(day) and end < newest:
            whole.append(day)
        else:
            parts.append((day, end))
        day = end + dt.timedelta(days=1)
    wanted = [d for d in whole if f"{d:%Y-%m}" not in months]
    if wanted:
        found = _whole_months(min(wanted), max(wanted))
        for d in wanted:
            months[f"{d:%Y-%m}"] = found.get(f"{d:%Y-%m}", _empty())
    pieces = [months[f"{d:%Y-%m}"] for d in whole]
    for start, end in parts:
        if read is None or (start, end) not in read:
            found_part = _flows_between(start, end)
            if read is None:
                pieces += list(found_part.values())
                continue
            read[(start, end)] = found_part
        pieces += list(read[(start, end)].values())
    for piece in pieces:
        for key in FLOW_KEYS:
            total[key] += piece[key]
    return total


class History:
    """One review's reader of the ledger's history: what it reads is kept for the rest of that
    review only (it writes nothing to the database)."""

    def __init__(self) -> None:
        self.months: dict = {}  # whole months over, read during this review
        self.read: dict = {}  # part-months read during this review
        self.snapshots: dict = {}
        self.payers: dict = {}  # charges per payer over the days A/R is divided by

    def points(self, dates: list[dt.date]) -> dict[dt.date, Point]:
        return ar_points(dates)

    def flows(self, first: dt.date, last: dt.date) -> dict:
        return flows(first, last, self.months, self.read)

    def prefetch(self, first: dt.date, last: dt.date) -> None:
        """Read every whole month over from ``first`` to ``last`` not read yet, in one pass."""
        newest = newest_entry()
        months, day = [], first.replace(day=1)
        while day <= last:
            if month_end(day) < (newest or day) and f"{day:%Y-%m}" not in self.months:
                months.append(day)
            day = month_end(day) + dt.timedelta(days=1)
        if months:
            found = _whole_months(months[0], months[-1])
            for month in months:
                self.months[f"{month:%Y-%m}"] = found.get(f"{month:%Y-%m}", _empty())

    def charges_per_payer(self, first: dt.date, last: dt.date) -> dict[int, int]:
        if (first, last) not in self.payers:
            self.payers[(first, last)] = charges_per_payer(first, last)
        return self.payers[(first, last)]

    def snapshot(self, day: dt.date) -> dict:
        if day not in self.snapshots:
            self.snapshots[day] = snapshot(day)
        return self.snapshots[day]
