"""The review's history of the ledger, fast at 2,000,000 entries: A/R and its parts over 90 and
120 days at any day, and each month's charges, payments, allowances and refunds.

A day's A/R is read backwards from today's open balances (kept with every entry): what is owed
today, less what was keyed after that day. So a day near today costs a few entries, not the whole
ledger. A month that is over never changes (the ledger is append-only), so the figures of complete
months are kept in the settings table (``review_cache``, not office data: no audit entry) with the
ledger's newest entry id; an entry appended later for a day inside a kept month (a backdated
entry) drops that month and every month after it. A read-only connection only reads.
"""

from __future__ import annotations

import datetime as dt

from ...models import Setting, database
from ...models.db import DATABASE_ERRORS
from .model import Point

CACHE_KEY = "review_cache"
FLOW_KEYS = ("charges", "payments", "refunds", "contractual")


def month_end(day: dt.date) -> dt.date:
    following = day.replace(year=day.year + day.month // 12, month=day.month % 12 + 1, day=1)
    return following - dt.timedelta(days=1)


def newest_entry() -> dt.date | None:
    value = database.execute_sql("SELECT MAX(entry_date) FROM ledger_entry").fetchone()[0]
    return dt.date.fromisoformat(str(value)[:10]) if value else None


# --- the cache ----------------------------------------------------------------------------------


def _load() -> dict:
    """The kept months still true: those before the earliest day an entry was appended for."""
    row = Setting.get_or_none(Setting.key == CACHE_KEY)
    cache = row.value if row is not None and isinstance(row.value, dict) else {}
    top = database.execute_sql("SELECT MAX(id) FROM ledger_entry").fetchone()[0] or 0
    kept = int(cache.get("max_id", -1))
    if kept < 0 or kept > top:  # another book's cache, or none
        return {"max_id": top, "points": {}, "flows": {}, "snapshots": {}}
    if kept < top:
        earliest = database.execute_sql(
            "SELECT MIN(entry_date) FROM ledger_entry WHERE id > ?", [kept]
        ).fetchone()[0]
        first_bad = str(earliest)[:7]  # that month, and every month after it, may have changed
        cache["points"] = {d: v for d, v in cache.get("points", {}).items() if d[:7] < first_bad}
        cache["flows"] = {m: v for m, v in cache.get("flows", {}).items() if m < first_bad}
        cache["snapshots"] = {d: v for d, v in cache.get("snapshots", {}).items() if d[:7] < first_bad}
    cache["max_id"] = top
    return cache


def _store(cache: dict) -> None:
    try:
        with database.atomic():
            Setting.insert(key=CACHE_KEY, value=cache).on_conflict_replace().execute()
    except DATABASE_ERRORS:  # a read-only connection (the command line's reports): keep nothing
        pass


# --- A/R at a day ---------------------------------------------------------------------------------


def _edges(day: dt.date) -> tuple[str, str]:
    return (day - dt.timedelta(days=90)).isoformat(), (day - dt.timedelta(days=120)).isoformat()


def _points_now(dates: list[dt.date]) -> list[list[int]]:
    """Today's open balances, split by each date's edges: [A/R, over 90, over 120] per date."""
    columns, params = [], []
    for d in dates:
        columns.append(
            "SUM(CASE WHEN due_date >= ? THEN 0 ELSE b END), SUM(CASE WHEN due_date >= ? THEN 0 ELSE b END)"
        )
        params += list(_edges(d))
    sql = f"""SELECT SUM(b), {", ".join(columns)}
              FROM (SELECT due_date, patient_balance + insurance_balance AS b
                    FROM invoice WHERE patient_balance != 0 OR insurance_balance != 0)"""
    row = database.execute_sql(sql, params).fetchone()
    return [[row[0] or 0, row[1 + 2 * k] or 0, row[2 + 2 * k] or 0] for k in range(len(dates))]


def _keyed_after(dates: list[dt.date]) -> list[list[int]]:
    """What was keyed after each date, on invoices, split by that date's edges."""
    columns, params = [], []
    for d in dates:
        e90, e120 = _edges(d)
        columns.append(
            "SUM(CASE WHEN le.entry_date > ? THEN le.amount END), "
            "SUM(CASE WHEN le.entry_date > ? AND (i.due_date < ? OR i.due_date IS NULL) THEN le.amount END), "
            "SUM(CASE WHEN le.entry_date > ? AND (i.due_date < ? OR i.due_date IS NULL) THEN le.amount END)"
        )
        params += [d.isoformat(), d.isoformat(), e90, d.isoformat(), e120]
    sql = f"""SELECT {", ".join(columns)} FROM ledger_entry le JOIN invoice i ON i.id = le.invoice_id
              WHERE le.entry_date > ?"""
    row = database.execute_sql(sql, [*params, min(dates).isoformat()]).fetchone()
    return [[row[3 * k] or 0, row[3 * k + 1] or 0, row[3 * k + 2] or 0] for k in range(len(dates))]


def ar_points(dates: list[dt.date], cache: dict | None = None) -> dict[dt.date, Point]:
    """A/R and the parts more than 90 and 120 days past due (as the aging buckets them) at each
    date, each as it stood at the end of that day."""
    dates = sorted(set(dates))
    keep = cache is None
    cache = _load() if cache is None else cache
    newest = newest_entry()
    found: dict[dt.date, Point] = {}
    missing = []
    for d in dates:
        kept = cache["points"].get(d.isoformat())
        if kept is not None:
            found[d] = Point(d, *kept)
        else:
            missing.append(d)
    if missing:
        now = _points_now(missing)
        later = _keyed_after(missing) if newest and min(missing) < newest else [[0, 0, 0]] * len(missing)
        for d, a, b in zip(missing, now, later):
            found[d] = Point(d, a[0] - b[0], a[1] - b[1], a[2] - b[2])
            if newest and d < newest and d == month_end(d):
                cache["points"][d.isoformat()] = [found[d].ar, found[d].over_90, found[d].over_120]
        if keep:
            _store(cache)
    return found


def open_items(day: dt.date) -> list[tuple[int, int, int, int, int]]:
    """(account, payer or 0, bucket index, patient cents, insurance cents) of the invoices open at
    the end of ``day`` (as the aging groups them): today's open balances less what was keyed after."""
    edges = [(day - dt.timedelta(days=n)).isoformat() for n in (0, 30, 60, 90, 120)]
    bucket = "CASE " + " ".join(f"WHEN {{due}} >= ? THEN {k}" for k in range(5)) + " ELSE 5 END"
    sql = f"""SELECT account, payer, bucket, SUM(p), SUM(s) FROM (
                SELECT account_id AS account, COALESCE(payer_id, 0) AS payer,
                       {bucket.format(due="due_date")} AS bucket, patient_balance AS p, insurance_balance AS s
                FROM invoice WHERE patient_balance != 0 OR insurance_balance != 0
                UNION ALL
                SELECT i.account_id, COALESCE(i.payer_id, 0), {bucket.format(due="i.due_date")},
                       CASE WHEN le.party = 'patient' THEN -le.amount ELSE 0 END,
                       CASE WHEN le.party = 'insurance' THEN -le.amount ELSE 0 END
                FROM ledger_entry le JOIN invoice i ON i.id = le.invoice_id WHERE le.entry_date > ?)
              GROUP BY 1, 2, 3 HAVING SUM(p) != 0 OR SUM(s) != 0"""
    return database.execute_sql(sql, [*edges, *edges, day.isoformat()]).fetchall()


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


def _flows_between(first: dt.date, last: dt.date) -> dict[str, dict]:
    """Per month (YYYY-MM) keyed from ``first`` to ``last``: charges, payments, refunds and
    contractual allowances, and charges per invoice payer ("payers": {payer id: cents})."""
    sql = """SELECT substr(le.entry_date, 1, 7), le.kind, COALESCE(a.kind, ''),
                    COALESCE(i.payer_id, 0), SUM(le.amount)
             FROM ledger_entry le
             LEFT JOIN adjustment a ON a.id = le.adjustment_id AND le.kind = 'adjustment'
             LEFT JOIN invoice i ON i.id = le.invoice_id AND le.kind IN ('charge', 'void')
             WHERE le.entry_date BETWEEN ? AND ? GROUP BY 1, 2, 3, 4"""
    months: dict[str, dict] = {}
    for ym, kind, adjustment, payer, cents in database.execute_sql(
        sql, [first.isoformat(), last.isoformat()]
    ):
        month = months.setdefault(
            ym, {"charges": 0, "payments": 0, "refunds": 0, "contractual": 0, "payers": {}}
        )
        if kind in ("charge", "void"):
            month["charges"] += cents
            month["payers"][str(payer)] = month["payers"].get(str(payer), 0) + cents
        elif kind in ("payment", "payment_void"):
            month["payments"] -= cents
        elif kind == "refund":
            month["refunds"] += cents
        elif kind == "adjustment" and adjustment == "contractual":
            month["contractual"] -= cents
    return months


def _empty() -> dict:
    return {"charges": 0, "payments": 0, "refunds": 0, "contractual": 0, "payers": {}}


def flows(first: dt.date, last: dt.date, cache: dict) -> dict:
    """The sums keyed from ``first`` to ``last``: whole months over and kept come from the cache,
    the rest (the first and last part-months, the current month) from the ledger."""
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
    wanted = [d for d in whole if f"{d:%Y-%m}" not in cache["flows"]]
    if wanted:
        found = _flows_between(min(wanted), month_end(max(wanted)))
        for d in wanted:
            cache["flows"][f"{d:%Y-%m}"] = found.get(f"{d:%Y-%m}", _empty())
    pieces = [cache["flows"][f"{d:%Y-%m}"] for d in whole]
    for start, end in parts:
        pieces += list(_flows_between(start, end).values())
    for piece in pieces:
        for key in FLOW_KEYS:
            total[key] += piece[key]
        for payer, cents in piece["payers"].items():
            total["payers"][payer] = total["payers"].get(payer, 0) + cents
    return total


class History:
    """One review's reader of the ledger's history, keeping what it learns for the next review."""

    def __init__(self) -> None:
        self.cache = _load()
        self.changed = False

    def points(self, dates: list[dt.date]) -> dict[dt.date, Point]:
        before = len(self.cache["points"])
        found = ar_points(dates, self.cache)
        self.changed |= len(self.cache["points"]) != before
        return found

    def flows(self, first: dt.date, last: dt.date) -> dict:
        before = len(self.cache["flows"])
        found = flows(first, last, self.cache)
        self.changed |= len(self.cache["flows"]) != before
        return found

    def prefetch(self, first: dt.date, last: dt.date) -> None:
        """Read every whole month from ``first`` to ``last`` not kept yet, in one pass."""
        newest = newest_entry()
        months, day = [], first.replace(day=1)
        while day <= last:
            if month_end(day) < (newest or day) and f"{day:%Y-%m}" not in self.cache["flows"]:
                months.append(day)
            day = month_end(day) + dt.timedelta(days=1)
        if months:
            found = _flows_between(months[0], month_end(months[-1]))
            for month in months:
                self.cache["flows"][f"{month:%Y-%m}"] = found.get(f"{month:%Y-%m}", _empty())
            self.changed = True

    def snapshot(self, day: dt.date) -> dict:
        kept = self.cache.setdefault("snapshots", {}).get(day.isoformat())
        if kept is not None:
            return kept
        found = snapshot(day)
        newest = newest_entry()
        if newest and day < newest and day == month_end(day):
            self.cache["snapshots"][day.isoformat()] = found
            self.changed = True
        return found

    def keep(self) -> None:
        if self.changed:
            _store(self.cache)
