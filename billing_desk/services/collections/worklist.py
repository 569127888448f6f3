"""Collections: the worklist (in SQL), the stage ladder, dunning that knows the context, late fees.

The worklist is every account with a past-due patient balance as of ``today``, joined to where
the account stands in collections. It is one SQL statement, paged, sorted and filtered in the
database, so it stays fast at 100,000 accounts. The day's bookkeeping (promises kept or broken,
plan installments paid or missed) is done by ``review`` before the list is read.

The rest of the collector's work (contacts, promises, plans, hand-off, write-off, recovery) is in
``collection_actions``; the reports are in ``collection_reports``.
"""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import dataclass, field
from decimal import Decimal
from typing import overload

from ...errors import Problem, RuleError, ValidationError
from ...models import (
    Account,
    AccountCollection,
    CollectionStage,
    User,
    database,
)
from ...models.db import DATABASE_ERRORS
from ...models.dialect import is_server, temp_table, temp_table_exists
from ...money import format_money, from_cents
from ...names import listed
from ..books.aging import CREDIT_LEFT_SQL, bucket_for
from ..office import audit, stale
from ..office.freshness import data_stamp
from ..office.permissions import require
from ..office.settings import get_setting, office_details
from ..office.transactions import in_transaction, today as ledger_today

PLACEHOLDERS = ("name", "account", "amount_due", "balance", "pay_by", "office_name", "office_phone",
                "days_past_due", "stage")

SKIP_SQL = """CASE
  WHEN ac.written_off_on IS NOT NULL THEN 'written off'
  WHEN ac.handed_off_on IS NOT NULL THEN 'with the agency'
  WHEN ac.hold = 'dispute' THEN 'in dispute'
  WHEN ac.hold = 'hold' THEN 'on hold'
  WHEN ac.hold = 'insurance' OR pd.waiting > 0 THEN 'waiting for insurance'
  WHEN plans.account_id IS NOT NULL AND plans.missed = 0 THEN 'payment plan in good standing'
  ELSE '' END"""

# Past due is what the patient still owes on items due before today once the account's unapplied
# credit has paid the oldest of them first (aging.CREDIT_LEFT_SQL: the aging report's and the
# statements' rule), so an account its credit pays in full is not on the list. Accounts in
# credit are few: only their items go through the running sum (``cr``); the others keep the
# plain sums (``owing``), which the open-items partial index covers (the condition repeats its
# WHERE so SQLite may use it). Active plans are few, so the plans CTE is small.
OWED_SQL = CREDIT_LEFT_SQL.format(owed="i.patient_balance", before="i.before", credit="i.credit")
_PAST_DUE_ITEMS = """(patient_balance != 0 OR insurance_balance != 0) AND patient_balance > 0
    AND due_date < :today"""
_INV_ITEMS = ("(inv.patient_balance != 0 OR inv.insurance_balance != 0) AND inv.patient_balance > 0 "
              "AND inv.due_date < :today")
WORKLIST_SQL = """WITH owing AS (
  SELECT account_id, SUM(patient_balance) AS past_due, MIN(due_date) AS oldest_due,
         MAX(insurance_balance > 0) AS waiting
  FROM invoice WHERE {items} GROUP BY account_id),
cr AS (
  SELECT i.account_id AS account_id, SUM({owed}) AS past_due,
         MIN(CASE WHEN {owed} > 0 THEN i.due_date END) AS oldest_due
  FROM (SELECT inv.account_id, inv.due_date, inv.patient_balance, a.unapplied_credit AS credit,
               SUM(inv.patient_balance) OVER (PARTITION BY inv.account_id
                                              ORDER BY inv.due_date, inv.id
                                              ROWS UNBOUNDED PRECEDING) AS before
        FROM owing o JOIN account a ON a.id = o.account_id AND a.unapplied_credit > 0
        JOIN invoice inv ON inv.account_id = a.id
        WHERE {inv_items}) i
  GROUP BY i.account_id),
pd AS (
  SELECT o.account_id AS account_id, COALESCE(cr.past_due, o.past_due) AS past_due,
         COALESCE(cr.oldest_due, o.oldest_due) AS oldest_due, o.waiting AS waiting
  FROM owing o LEFT JOIN cr ON cr.account_id = o.account_id
  WHERE COALESCE(cr.past_due, o.past_due) > 0),
plans AS (
  SELECT pp.account_id AS account_id,
         MAX(CASE WHEN pi.due_date < :today AND pi.paid < pi.amount THEN 1 ELSE 0 END) AS missed
  FROM payment_plan pp JOIN plan_installment pi ON pi.plan_id = pp.id
  WHERE pp.status = 'active' GROUP BY pp.account_id),
w AS (
  SELECT a.id AS account_id, a.number AS number, a.sort_name AS sort_name, a.first_name AS first_name,
         a.last_name AS last_name, a.middle_name AS middle_name, a.suffix AS suffix,
         a.organization AS organization, a.kind AS kind, a.phone AS phone,
         a.patient_balance AS balance, a.unapplied_credit AS credit, pd.past_due AS past_due,
         pd.oldest_due AS oldest_due,
         CAST(julianday(:today) - julianday(pd.oldest_due) AS INTEGER) AS days,
         ac.stage_id AS stage_id, COALESCE(cs.position, 0) AS stage_position,
         ac.stage_since AS stage_since,
         COALESCE(cs.name, '') AS stage, ac.last_contact_on AS last_contact_on,
         ac.promise_due AS promise_due, ac.next_follow_up AS next_follow_up,
         ac.held_by_id AS held_by_id, COALESCE(u.username, '') AS held_by,
         COALESCE(ac.hold, '') AS hold, COALESCE(ac.hold_reason, '') AS hold_reason,
         CASE WHEN plans.missed = 1 THEN 'installment missed' ELSE COALESCE(ac.flag, '') END AS flag,
         {skip} AS skip
  FROM pd JOIN account a ON a.id = pd.account_id
  LEFT JOIN account_collection ac ON ac.account_id = a.id
  LEFT JOIN collection_stage cs ON cs.id = ac.stage_id
  LEFT JOIN "user" u ON u.id = ac.held_by_id
  LEFT JOIN plans ON plans.account_id = a.id)
SELECT w.*, CASE WHEN w.skip = '' THEN nx.id END AS proposed_id
FROM w LEFT JOIN collection_stage nx ON nx.position = w.stage_position + 1
  AND nx.days_past_due <= w.days
  AND (w.stage_since IS NULL OR julianday(:today) - julianday(w.stage_since) >= :gap)"""

SORTS = {
    "follow_up": "(w.next_follow_up IS NOT NULL AND w.next_follow_up <= :today) DESC, "
                 "w.next_follow_up, w.days DESC",
    "number": "CAST(w.number AS INTEGER)", "name": "w.sort_name", "phone": "w.phone",
    "balance": "w.balance", "past_due": "w.past_due", "days": "w.days", "bucket": "w.days",
    "stage": "w.stage_position", "last_contact": "w.last_contact_on",
    "promise_due": "w.promise_due", "next_follow_up": "w.next_follow_up",
    "held_by": "w.held_by", "flag": "w.flag", "skip": "w.skip", "proposed": "proposed_id",
}

FILTERS = {
    "": "",
    "follow_ups": "w.next_follow_up IS NOT NULL AND w.next_follow_up <= :today",
    "to_send": "w.skip = '' AND proposed_id IS NOT NULL",
    "flagged": "w.flag != ''",
    "skipped": "w.skip != ''",
    "promises": "w.promise_due IS NOT NULL",
    "mine": "w.held_by_id = :user",
    "unassigned": "w.held_by_id IS NULL",
}

FILTER_NAMES = {
    "": "All past due", "follow_ups": "Today's follow-ups", "to_send": "Next stage due",
    "flagged": "Broken promises / missed installments", "skipped": "Skipped (with reason)",
    "promises": "With a promise", "mine": "Held by me", "unassigned": "Held by nobody",
}


@dataclass
class WorkFilter:
    text: str = ""
    show: str = ""  # a key of FILTERS
    stage_id: int | None = None  # 0: no stage yet
    bucket: str = ""  # one of aging.BUCKETS
    user_id: int | None = None  # for "mine"
    sort: str = "follow_up"
    descending: bool = False


@dataclass
class WorkRow:
    account_id: int
    number: str
    name: str
    phone: str
    balance: Decimal
    past_due: Decimal
    credit: Decimal
    oldest_due: dt.date
    days: int
    stage_id: int | None
    stage: str
    last_contact_on: dt.date | None
    promise_due: dt.date | None
    next_follow_up: dt.date | None
    held_by: str
    hold: str
    hold_reason: str
    flag: str
    skip: str
    proposed_id: int | None
    proposed: str = ""
    today: dt.date = field(default_factory=dt.date.today)

    @property
    def bucket(self) -> str:
        return bucket_for(self.days)

    @property
    def follow_up_due(self) -> bool:
        return self.next_follow_up is not None and self.next_follow_up <= self.today


@overload
def _date(value: None) -> None: ...
@overload
def _date(value: str | dt.date) -> dt.date: ...
def _date(value: str | dt.date | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _name(row: dict) -> str:
    return listed(row["last_name"], row["first_name"], row["middle_name"], row["suffix"],
                  row["organization"], row["kind"])


def _where(spec: WorkFilter, params: dict) -> str:
    clauses = []
    if spec.show and FILTERS.get(spec.show) is None:
        raise ValidationError(f"'{spec.show}' is not a worklist filter", "show")
    if spec.show:
        clauses.append(FILTERS[spec.show])
        params["user"] = spec.user_id
    text = (spec.text or "").strip().lower()
    if text:
        params["exact"], params["prefix"] = text, text + "%"
        clauses.append("(w.number = :exact OR w.sort_name LIKE :prefix OR w.phone LIKE :prefix)")
    if spec.stage_id is not None:
        clauses.append("w.stage_id IS NULL" if spec.stage_id == 0 else "w.stage_id = :stage")
        params["stage"] = spec.stage_id
    if spec.bucket:
        limits = {"1-30": (1, 30), "31-60": (31, 60), "61-90": (61, 90), "91-120": (91, 120),
                  "120+": (121, 10**6)}
        if spec.bucket not in limits:
            raise ValidationError(f"'{spec.bucket}' is not an aging bucket", "bucket")
        params["low"], params["high"] = limits[spec.bucket]
        clauses.append("w.days BETWEEN :low AND :high")
    return (" WHERE " + " AND ".join(clauses)) if clauses else ""


def _sql(spec: WorkFilter, params: dict) -> str:
    sql = WORKLIST_SQL.format(skip=SKIP_SQL, owed=OWED_SQL, items=_PAST_DUE_ITEMS,
                              inv_items=_INV_ITEMS)
    params["gap"] = follow_up_days()  # a rung at most every so many days, however late
    return sql + _where(spec, params)


SNAPSHOT = "worklist_now"
_snapshots: dict[int, tuple] = {}  # connection -> (today, gap, its data stamp) of its snapshot


def _snapshot(today: dt.date) -> bool:
    """The whole worklist of ``today`` in a temporary table of this connection (``temp.{SNAPSHOT}``),
    made once per state of the data (freshness.data_stamp): each search, sort, page and count
    then reads only it. False where the connection may write nothing (a read-only one)."""
    params: dict = {"today": today.isoformat()}
    sql = _sql(WorkFilter(), params)
    connection, *stamp = data_stamp()
    wanted = (params["today"], params["gap"])
    if _snapshots.get(connection) == (*wanted, *stamp) and temp_table_exists(database, SNAPSHOT):
        return True
    if is_server() and getattr(database.obj, "readonly", False):
        return False  # a read-only server connection may not even make a temporary table
    for key in [k for k in list(_counted) if k[0] == connection]:
        _counted.pop(key, None)  # counts of this connection's old snapshot (or a closed one's)
    try:
        database.execute_sql(f"DROP TABLE IF EXISTS {temp_table(database, SNAPSHOT)}")
        database.execute_sql(f"CREATE TEMP TABLE {SNAPSHOT} AS {sql}", params)
    except DATABASE_ERRORS:  # a read-only connection (the command line's reports)
        return False
    # On a file, making the temporary table counts as this connection's changes: the stamp after
    # it. On a server, the one from before: a save another workstation commits meanwhile is then
    # read at the next look, never hidden under a newer version.
    _snapshots[connection] = (*wanted, *(stamp if is_server() else data_stamp()[1:]))
    return True


def _from(spec: WorkFilter, params: dict, today: dt.date) -> str:
    """The worklist of ``spec``: from this connection's snapshot, or in full where it has none."""
    if _snapshot(today):
        return f"SELECT * FROM {temp_table(database, SNAPSHOT)} AS w" + _where(spec, params)
    # proposed_id is an output name, which a WHERE of the same SELECT may not use on a server
    return "SELECT * FROM (" + _sql(WorkFilter(), params) + ") AS w" + _where(spec, params)


def worklist(spec: WorkFilter | None = None, *, today: dt.date | None = None, offset: int = 0,
             limit: int | None = 200) -> list[WorkRow]:
    """One page of the worklist, sorted and filtered in SQL."""
    spec = spec or WorkFilter()
    today = today or ledger_today()
    params: dict = {"today": today.isoformat()}
    if spec.sort not in SORTS:
        raise ValidationError(f"'{spec.sort}' is not a worklist column", "sort")
    order = SORTS[spec.sort]
    if spec.descending:
        order = ", ".join(part if part.endswith(("DESC", "ASC")) else part + " DESC"
                          for part in order.split(", "))
    sql = _from(spec, params, today) + f" ORDER BY {order}, w.account_id"
    if limit is not None:
        sql += " LIMIT :limit OFFSET :offset"
        params.update(limit=limit, offset=offset)
    cursor = database.execute_sql(sql, params)
    names = [c[0] for c in cursor.description]
    stages = stage_names()
    return [_row(dict(zip(names, values)), stages, today) for values in cursor.fetchall()]


def _row(row: dict, stages: dict[int, str], today: dt.date) -> WorkRow:
    return WorkRow(
        account_id=row["account_id"], number=row["number"], name=_name(row), phone=row["phone"],
        balance=from_cents(row["balance"]), past_due=from_cents(row["past_due"]),
        credit=from_cents(row["credit"]), oldest_due=_date(row["oldest_due"]), days=row["days"],
        stage_id=row["stage_id"], stage=row["stage"], last_contact_on=_date(row["last_contact_on"]),
        promise_due=_date(row["promise_due"]), next_follow_up=_date(row["next_follow_up"]),
        held_by=row["held_by"], hold=row["hold"], hold_reason=row["hold_reason"], flag=row["flag"],
        skip=row["skip"], proposed_id=row["proposed_id"],
        proposed=stages.get(row["proposed_id"], "") if row["proposed_id"] else "", today=today)


_counted: dict[tuple, int] = {}  # (connection, its snapshot, the count's SQL and parameters) -> count


def worklist_count(spec: WorkFilter | None = None, *, today: dt.date | None = None) -> int:
    """How many accounts ``spec`` finds; a count of the same snapshot is counted once (the
    follow-ups due, read on every refresh, and the whole list's size)."""
    today = today or ledger_today()
    params: dict = {"today": today.isoformat()}
    sql = "SELECT COUNT(*) FROM (" + _from(spec or WorkFilter(), params, today) + ") AS rows"
    connection = id(database.connection())
    from_snapshot = f"FROM {temp_table(database, SNAPSHOT)} AS w" in sql
    state = _snapshots.get(connection) if from_snapshot else None
    key = (connection, state, sql, tuple(sorted(params.items())))
    if state is not None and key in _counted:
        return _counted[key]
    total = database.execute_sql(sql, params).fetchone()[0]
    if state is not None:
        if len(_counted) > 500:
            _counted.clear()
        _counted[key] = total
    return total


def worklist_row(account_id: int, *, today: dt.date | None = None) -> WorkRow | None:
    params: dict = {"today": (today or ledger_today()).isoformat(), "account": account_id}
    sql = _sql(WorkFilter(), params) + " WHERE w.account_id = :account"
    cursor = database.execute_sql(sql, params)
    names = [c[0] for c in cursor.description]
    found = cursor.fetchone()
    return _row(dict(zip(names, found)), stage_names(), today or ledger_today()) if found else None


# --- the stage ladder ---------------------------------------------------------------------

def stages() -> list[CollectionStage]:
    return list(CollectionStage.select().order_by(CollectionStage.position))


def stage_names() -> dict[int, str]:
    return {s.id: s.name for s in CollectionStage.select(CollectionStage.id, CollectionStage.name)}


@dataclass
class StageInput:
    name: str
    days_past_due: str | int
    letter_template: str = ""
    action: str = "letter"
    stage_id: int | None = None  # an existing rung being changed


def validate_stages(rows: list[StageInput]) -> list[Problem]:
    problems: list[Problem] = []
    last_days = -1
    for i, row in enumerate(rows, start=1):
        if not (row.name or "").strip():
            problems.append(Problem("name", "each stage needs a name", i))
        try:
            days = int(str(row.days_past_due).strip())
        except ValueError:
            problems.append(Problem("days_past_due", f"'{row.days_past_due}' is not a whole number", i))
            continue
        if days < 1 or days > 3650:
            problems.append(Problem("days_past_due", "between 1 and 3650 days", i))
        elif days <= last_days:
            problems.append(Problem("days_past_due", "each stage must come later than the one before", i))
        last_days = max(last_days, days)
        if row.action not in ("letter", "agency"):
            problems.append(Problem("action", "a stage sends a letter or hands off to the agency", i))
        elif row.action == "agency" and i != len(rows):
            problems.append(Problem("action", "the agency stage must be the last rung", i))
        for _text, name, _spec, _conv in string.Formatter().parse(row.letter_template or ""):
            if name is not None and name not in PLACEHOLDERS:
                problems.append(Problem("letter_template", f"{{{name}}} is not a placeholder; use "
                                        + ", ".join("{" + p + "}" for p in PLACEHOLDERS), i))
    return problems


def stages_version() -> str:
    """What the stages screen hands back when it saves (services.office.stale)."""
    return stale.versions(stages())


def save_stages(rows: list[StageInput], by: User, *, loaded_as: str = "") -> list[CollectionStage]:
    """Replace the ladder with these rungs, in order. A rung accounts stand on cannot go.
    ``loaded_as`` (``stages_version``): a save over a change made since is refused."""
    require(by, "change_settings")
    try:
        problems = validate_stages(rows)
    except ValueError as exc:  # a malformed template ("{" alone)
        raise ValidationError(f"a letter template is malformed: {exc}", "letter_template") from exc
    if problems:
        raise ValidationError(problems)
    with in_transaction():
        if loaded_as:
            stale.refuse_if_changed(loaded_as, stages_version(), "The collection stages",
                                    table="collection_stage", summaries=["changed the dunning ladder"])
        before = [audit.snapshot(s, "position", "name", "days_past_due", "action") for s in stages()]
        kept = {r.stage_id for r in rows if r.stage_id}
        for stage in CollectionStage.select().where(CollectionStage.id.not_in(kept or {0})):
            used = AccountCollection.select().where(AccountCollection.stage == stage).count()
            if used:
                raise RuleError(f"{used} account(s) stand at stage '{stage.name}'; keep it or move "
                                "them first.")
            stage.delete_instance()
        CollectionStage.update(position=CollectionStage.position * -1 - 1000).execute()
        saved = []
        for position, row in enumerate(rows, start=1):
            stage = CollectionStage.get_by_id(row.stage_id) if row.stage_id else CollectionStage()
            stage.position, stage.name = position, row.name.strip()
            stage.days_past_due, stage.action = int(str(row.days_past_due).strip()), row.action
            stage.letter_template = (row.letter_template or "").strip()
            stage.save()
            saved.append(stage)
        audit.record(by, "stages", table="collection_stage", summary="changed the dunning ladder",
                     before={"stages": before},
                     after={"stages": [audit.snapshot(s, "position", "name", "days_past_due", "action")
                                       for s in saved]})
    return saved


# --- where an account stands ---------------------------------------------------------------

def standing(account_id: int) -> AccountCollection:
    """The account's collections record, created on first use (caller holds the transaction)."""
    record = AccountCollection.get_or_none(AccountCollection.account == account_id)
    return record or AccountCollection.create(account=account_id)


def statements_stopped(account_id: int) -> bool:
    """True once an account is with the agency or written off: statements stop."""
    record = AccountCollection.get_or_none(AccountCollection.account == account_id)
    return bool(record and (record.handed_off_on or record.written_off_on))


def letter_values(row: WorkRow, stage: CollectionStage, today: dt.date) -> dict:
    return {"name": row.name, "account": row.number, "amount_due": format_money(row.past_due),
            "balance": format_money(row.balance),
            "pay_by": (today + dt.timedelta(days=14)).strftime("%m/%d/%Y"),
            "office_name": get_setting("office_name"), "office_phone": get_setting("office_phone"),
            "days_past_due": str(row.days), "stage": stage.name}


def letter_text(stage: CollectionStage, values: dict) -> str:
    return string.Formatter().vformat(stage.letter_template or "", (), values)


def follow_up_days() -> int:
    return int(get_setting("collections_follow_up_days"))


# --- letters as plain data (printing.letters draws them) ----------------------------------------

def address_lines(account: Account) -> list[str]:
    city = " ".join(p for p in (f"{account.city}," if account.city else "", account.state,
                                account.zip_code) if p)
    return [line for line in (account.display_name, account.street, account.street2, city) if line]


def dunning_letter(account: Account, text: str, title: str, today: dt.date, amount: Decimal) -> dict:
    paragraphs = [f"Dear {account.first_name or account.display_name},"]
    paragraphs += [p.strip() for p in text.split("\n\n") if p.strip()]
    paragraphs.append(f"Amount past due: {format_money(amount)}. Please write your account number "
                      f"{account.number} on your check.")
    paragraphs.append("Sincerely,\n" + str(get_setting("office_name")))
    return {"office": office_details(), "date": today, "to_lines": address_lines(account),
            "account": account.number, "title": title, "paragraphs": paragraphs}


def plan_agreement(account: Account, plan, schedule, today: dt.date) -> dict:
    rows = [["#", "Due", "Amount"]]
    for n, item in enumerate(schedule, start=1):
        rows.append([str(n), item.due_date.strftime("%m/%d/%Y"), format_money(item.amount)])
    office = office_details()
    paragraphs = [
        f"This agreement is between {office['name']} and {account.display_name} "
        f"(account {account.number}).",
        f"The account holder agrees to pay {format_money(plan.total)} in {plan.installments} "
        f"installment{'s' if plan.installments != 1 else ''}, the first on "
        f"{plan.first_due:%m/%d/%Y} and then every {plan.every_days} days, as scheduled below.",
        "While the installments are paid on time, no collection letters are sent for this balance. "
        "If an installment is missed, the office may end the plan and resume collection of the "
        "whole balance.",
    ]
    return {"office": office, "date": today, "to_lines": address_lines(account),
            "account": account.number, "title": "Payment plan agreement", "paragraphs": paragraphs,
            "table": rows, "signature": ["Account holder", "For the office"]}
