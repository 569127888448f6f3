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
                    FROM invoice WHERE patient_balance != 0 OR insurance_balance != 0) AS open_now"""
    row = database.execute_sql(sql, params).fetchone()
    return [[row[0] or 0, row[1 + 2 * k] or 0, row[2 + 2 * k] or 0] for k in range(len(dates))]


def _keyed_after(dates: list[dt.date]) -> list[list[int]]:
    """What was keyed after each date, on invoices, split by that date's edges: one pass that
    sums the entries by the interval between dates they fall in and their invoice's due date."""
    dates = sorted(dates)
    whens = " ".join(f"WHEN le.entry_date <= ? THEN {k}" for k in range(1, len(dates)))
    interval = f"CASE {whens} ELSE {len(dates)} END" if whens else "1"
    sql = f"""SELECT {interval} AS k, i.due_date, SUM(le.amount)
              FROM ledger_entry le JOIN invoice i ON i.id = le.invoice_id
              WHERE le.entry_date > ? GROUP BY 1, 2"""
    params = [d.isoformat() for d in dates[1:]] + [dates[0].isoformat()]
    groups = database.execute_sql(sql, params).fetchall()  # k: after dates[k-1], up to dates[k]
    result = []
    for j, d in enumerate(dates):
        e90, e120 = _edges(d)
        total = over_90 = over_120 = 0
        for k, due, cents in groups:
            if k <= j:  # keyed on or before d
                continue
            total += cents
            due = str(due)[:10] if due else ""
            if not due or due < e90:
                over_90 += cents
            if not due or due < e120:
                over_120 += cents
        result.append([total, over_90, over_120])
    return result


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
                FROM ledger_entry le JOIN invoice i ON i.id = le.invoice_id WHERE le.entry_date > ?) AS items
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
    """Per month (YYYY-MM) keyed from ``first`` to ``last``: charges, payments and refunds from the
    ledger (no join: at 2,000,000 entries a join per entry is what costs), contractual allowances
    from the adjustments, and charges per invoice payer ("payers": {payer id: cents}) from the
    invoices posted (less those voided) in the month: the same money as the ledger's charges."""
    months: dict[str, dict] = {}
    span = [first.isoformat(), last.isoformat()]
    for on, kind, cents in database.execute_sql(
        "SELECT entry_date, kind, SUM(amount) FROM ledger_entry WHERE entry_date BETWEEN ? AND ? "
        "GROUP BY entry_date, kind",
        span,
    ):
        month = months.setdefault(str(on)[:7], _empty())
        if kind in ("charge", "void"):
            month["charges"] += cents
        elif kind in ("payment", "payment_void"):
            month["payments"] -= cents
        elif kind == "refund":
            month["refunds"] += cents
    for ym, cents in database.execute_sql(
        "SELECT substr(entered_on, 1, 7), SUM(amount) FROM adjustment "
        "WHERE kind = 'contractual' AND entered_on BETWEEN ? AND ? GROUP BY 1",
        span,
    ):
        months.setdefault(ym, _empty())["contractual"] += cents
    scan = "+" if (last - first).days > 62 else ""  # a long span reads the table straight through
    for ym, payer, cents in database.execute_sql(
        f"""SELECT substr(posted_on, 1, 7), COALESCE(payer_id, 0), SUM(total) FROM invoice
            WHERE {scan}posted_on BETWEEN ? AND ? AND status != 'draft' GROUP BY 1, 2
            UNION ALL
            SELECT substr(voided_on, 1, 7), COALESCE(payer_id, 0), -SUM(total) FROM invoice
            WHERE status = 'void' AND voided_on BETWEEN ? AND ? GROUP BY 1, 2""",
        span + span,
    ):
        payers = months.setdefault(ym, _empty())["payers"]
        payers[str(payer)] = payers.get(str(payer), 0) + cents
    return months


def _empty() -> dict:
    return {"charges": 0, "payments": 0, "refunds": 0, "contractual": 0, "payers": {}}


def flows(first: dt.date, last: dt.date, cache: dict, read: dict | None = None) -> dict:
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
        if read is None or (start, end) not in read:  # a part-month is read once a review
            found_part = _flows_between(start, end)
            if read is None:
                pieces += list(found_part.values())
                continue
            read[(start, end)] = found_part
        pieces += list(read[(start, end)].values())
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
        self.read: dict = {}  # part-months read during this review

    def points(self, dates: list[dt.date]) -> dict[dt.date, Point]:
        before = len(self.cache["points"])
        found = ar_points(dates, self.cache)
        self.changed |= len(self.cache["points"]) != before
        return found

    def flows(self, first: dt.date, last: dt.date) -> dict:
        before = len(self.cache["flows"])
        found = flows(first, last, self.cache, self.read)
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
