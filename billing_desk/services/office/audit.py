"""The audit trail: every change with who, when, what, before and after, in a keyed hash chain.

Each entry's ``hash`` is HMAC-SHA256, under the office's secret chain key (see ``audit_keys``:
kept outside the database), over its own id and contents and the hash of the entry before it.
``verify_chain`` reports the first entry altered, removed or inserted; the anchor kept outside
the database shows entries removed from the end.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, overload

from peewee import JOIN, Model

from ...errors import DatabaseError, ValidationError
from ...models import AuditEntry, User, database, now
from ...models.db import DATABASE_ERRORS
from . import audit_keys, seals, steady
from .permissions import REFUSAL_LISTENERS, require


class AuditKeyMissing(DatabaseError):
    """The office's chain key is not on this PC: nothing can be written until it is restored."""


@overload
def snapshot(record: None, *fields: str) -> None: ...
@overload
def snapshot(record: Model, *fields: str) -> dict[str, Any]: ...
def snapshot(record: Model | None, *fields: str) -> dict[str, Any] | None:
    """The record's values as plain JSON-able data (money as strings, exact)."""
    if record is None:
        return None
    names = fields or tuple(record._meta.fields)
    data = {}
    for name in names:
        field = record._meta.fields[name]
        is_link = hasattr(field, "rel_model")
        data[name] = _plain(record.__data__.get(name) if is_link else getattr(record, name))
    return data


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


def entry_hash(key: bytes, prev_hash: str, entry: AuditEntry) -> str:
    content = json.dumps([
        entry.id, prev_hash, entry.at.isoformat() if entry.at else "", entry.user_id,
        entry.username, entry.action, entry.table, entry.record_id, entry.account_id,
        entry.summary, entry.before, entry.after,
    ], sort_keys=True, default=str)
    return hmac.new(key, content.encode(), hashlib.sha256).hexdigest()


def _missing_key_message() -> str:
    return ("This PC does not hold the audit key of this office (the database was copied or "
            "restored from another PC). Sign in with the recovery key to bring it back.")


def chain_key() -> bytes:
    """The office's chain key; a new office gets one on its first entry (kept in a steady build)."""
    return steady.kept("chain_key", None, _chain_key)


def _chain_key() -> bytes:
    office = audit_keys.office_id()
    if office is None:
        return audit_keys.new_office()[1]
    key = audit_keys.load_key(office)
    if key is None:
        raise AuditKeyMissing(_missing_key_message())
    return key


def key_available() -> bool:
    office = audit_keys.office_id()
    return office is None or audit_keys.load_key(office) is not None


def record(by: User | None, action: str, target: Model | None = None, *, summary: str = "",
           before: dict | None = None, after: dict | None = None, table: str = "",
           record_id: int | None = None, account_id: int | None = None) -> AuditEntry:
    """Append one audit entry, chained to the one before it. Call inside the write's transaction."""
    if target is not None:
        table = table or target._meta.table_name
        record_id = record_id if record_id is not None else target.get_id()
        if account_id is None:
            account_id = _account_of(target)
    key = chain_key()
    row = steady.kept("audit_head", None, _chain_head)
    prev_hash = row[1] if row else ""
    entry = AuditEntry(id=(row[0] + 1) if row else 1, at=now(), user=by.id if by else None,
                       username=by.username if by else "", action=action, table=table,
                       record_id=record_id, account_id=account_id, summary=summary,
                       prev_hash=prev_hash)
    # Normalise through JSON so the hash is computed over what the database will hold.
    entry.before = json.loads(json.dumps(before, default=str)) if before is not None else None
    entry.after = json.loads(json.dumps(after, default=str)) if after is not None else None
    entry.hash = entry_hash(key, prev_hash, entry)
    database.execute_sql(
        'INSERT INTO audit_entry (id, at, user_id, username, action, "table", record_id, '
        "account_id, summary, before, after, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (entry.id, str(entry.at), entry.user_id, entry.username, action, table, record_id,
         account_id, summary, _json(entry.before), _json(entry.after), prev_hash, entry.hash))
    steady.keep("audit_head", None, (entry.id, entry.hash))  # forgotten if the write rolls back
    _anchor_after_commit()
    return entry


def _chain_head() -> tuple[int, str] | None:
    """The chain's last entry (id, hash), or None before the first (kept in a steady build)."""
    return database.execute_sql("SELECT id, hash FROM audit_entry ORDER BY id DESC LIMIT 1").fetchone()


_pending = threading.local()  # the transaction (per thread) that will move the anchor when it commits


def _anchor_after_commit() -> None:
    """Move the anchor once the write holding this entry commits (at once outside a transaction).

    Registered once per transaction; a rollback drops the callback and the anchor stays put."""
    transaction = database.top_transaction()
    if transaction is not None and getattr(_pending, "transaction", None) is transaction:
        return
    _pending.transaction = transaction
    before_commit = getattr(database.obj, "before_commit", None)
    if before_commit is not None:
        key = chain_key()
        before_commit(lambda: seals.seal_on_commit(key))
    database.after_commit(_sync_quietly)


def _sync_quietly() -> None:
    _pending.transaction = None
    try:
        sync_anchor()
    except Exception:  # the write is committed; the timer or sign-out syncs the anchor again
        pass


def _json(value) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True, default=str)


def _account_of(target: Model) -> int | None:
    if target._meta.table_name == "account":
        return target.get_id()
    return target.__data__.get("account")


# --- the anchor outside the database -------------------------------------------------------
def _last_entry() -> tuple[int, str] | None:
    row = database.execute_sql("SELECT id, hash FROM audit_entry ORDER BY id DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else None


def head_text(entry_id: int, entry_hash: str) -> str:
    """The chain's head as printed on paper (day sheets, backup manifests): enough to compare."""
    return f"entry {entry_id} \u00b7 {entry_hash[:16]}"


def chain_head() -> str:
    """The trail's last entry as ``head_text``; a rewritten trail disagrees with earlier paper."""
    last = _last_entry()
    return head_text(*last) if last else "no entries yet"


def _anchor_problem(office: str, key: bytes) -> str | None:
    problem = _main_anchor_problem(office, key)
    pending = audit_keys.read_pending_anchor(office, key) if problem else None
    if pending is not None:  # a restore's new end, announced before its rename
        row = database.execute_sql("SELECT hash FROM audit_entry WHERE id = ?", (pending[0],)).fetchone()
        if row is not None and row[0] == pending[1]:
            return None
    return problem


def _main_anchor_problem(office: str, key: bytes) -> str | None:
    anchor = audit_keys.read_anchor(office, key)
    if anchor is None:
        return None
    if isinstance(anchor, str):
        return f"audit trail: {anchor}"
    anchor_id, anchor_hash = anchor
    row = database.execute_sql("SELECT hash FROM audit_entry WHERE id = ?", (anchor_id,)).fetchone()
    if row is None:
        last = _last_entry()
        ends = f"ends at entry {last[0]}" if last else "is empty"
        return (f"audit trail: entry {anchor_id} is missing: the trail {ends}, but this PC saw "
                f"it reach entry {anchor_id} (entries were removed from the end, or an older copy "
                "replaced the file)")
    if row[0] != anchor_hash:
        return f"audit trail: entry {anchor_id} was altered (it differs from what this PC saw)"
    return None


def sync_anchor() -> str | None:
    """Move the anchor to the last committed entry; refuses (returns why) if the old one broke.

    Call outside any transaction: at sign-in and sign-out, on lock, on a timer, at exit.
    """
    if database.in_transaction():
        return None
    office = audit_keys.office_id()
    key = audit_keys.load_key(office) if office else None
    if office is None or key is None:
        return None
    problem = _anchor_problem(office, key)
    if problem:
        return problem
    last = _last_entry()
    if last is not None:
        audit_keys.write_anchor(office, key, *last)
    return None


def reanchor(by: User, reason: str) -> None:
    """Accept the trail as it now stands (after restoring a backup over the file on purpose)."""
    from .transactions import in_transaction

    with in_transaction():
        record(by, "reanchor", table="audit_entry", summary=reason)
    office, key, last = audit_keys.office_id(), chain_key(), _last_entry()
    assert office is not None and last is not None  # the entry just recorded made both
    audit_keys.write_anchor(office, key, *last)


# --- verification ---------------------------------------------------------------------------
def verify_chain() -> list[str]:
    """Walk the trail; report the first entry altered, removed or inserted."""
    office = audit_keys.office_id()
    if office is None:
        return [] if _last_entry() is None else ["audit trail: the office id is missing (altered)"]
    key = audit_keys.load_key(office)
    if key is None:
        return ["audit trail: " + _missing_key_message()]
    problem = _walk(key)
    if problem:
        return [problem]
    anchor = _anchor_problem(office, key)
    return ([anchor] if anchor else []) + seals.user_problems(key) + seals.ledger_problems(key)


def _walk(key: bytes) -> str | None:
    prev_hash, expected_id = "", 1
    entries = AuditEntry.select().order_by(AuditEntry.id).iterator()
    while True:
        try:
            entry = next(entries, None)
        except DATABASE_ERRORS as exc:  # bytes that are not text: edited outside the program
            return (f"audit trail: the entry after entry {expected_id - 1} cannot be read ({exc}); "
                    "it was altered or the file is damaged")
        if entry is None:
            return None
        if entry.id != expected_id:
            return (f"audit trail: entry {expected_id} is missing (removed)" if entry.id > expected_id
                    else f"audit trail: entry {entry.id} is out of order (inserted)")
        if entry.prev_hash != prev_hash:
            return (f"audit trail: entry {entry.id} does not follow the entry before it "
                    "(an entry was removed or inserted)")
        if not hmac.compare_digest(entry_hash(key, prev_hash, entry), entry.hash):
            return f"audit trail: entry {entry.id} was altered or inserted (its keyed hash is wrong)"
        prev_hash, expected_id = entry.hash, entry.id + 1


# --- the supervisor's viewer --------------------------------------------------------------------
@dataclass
class AuditFilter:
    """What the viewer narrows the trail to; blanks mean everything."""

    start: dt.date | None = None
    end: dt.date | None = None
    username: str = ""
    account: str = ""  # an account number
    action: str = ""


def _query(by: User, which: AuditFilter):
    from ...models import Account
    require(by, "view_audit")
    if which.start and which.end and which.start > which.end:
        raise ValidationError("must not be after the end date", "from")
    query = AuditEntry.select()
    if which.start:
        query = query.where(AuditEntry.at >= dt.datetime.combine(which.start, dt.time()))
    if which.end:
        query = query.where(AuditEntry.at < dt.datetime.combine(which.end + dt.timedelta(days=1),
                                                               dt.time()))
    if which.username:
        query = query.where(AuditEntry.username == which.username)
    if which.action:
        query = query.where(AuditEntry.action == which.action)
    if which.account.strip():
        account = Account.get_or_none(Account.number == which.account.strip())
        if account is None:
            raise ValidationError(f"there is no account {which.account.strip()}", "account")
        query = query.where(AuditEntry.account_id == account.id)
    return query


def find(by: User, which: AuditFilter, offset: int = 0, limit: int = 200) -> list[AuditEntry]:
    """One page of the entries matching ``which``, newest first (needs view_audit)."""
    from ...models import Account

    query = (_query(by, which).select_extend(Account.number.alias("account_number"))
             .join(Account, JOIN.LEFT_OUTER, on=(AuditEntry.account_id == Account.id)))
    return list(query.order_by(AuditEntry.id.desc()).offset(offset).limit(limit).objects())


def count(by: User, which: AuditFilter) -> int:
    return _query(by, which).count()


def actions() -> list[str]:
    return [row[0] for row in database.execute_sql(
        "SELECT DISTINCT action FROM audit_entry ORDER BY action").fetchall()]


def usernames() -> list[str]:
    return [row[0] for row in database.execute_sql(
        "SELECT DISTINCT username FROM audit_entry WHERE username != '' ORDER BY username").fetchall()]


def describe_changes(entry: AuditEntry) -> str:
    """'field: before → after' for each value that changed, for the viewer and the export."""
    before, after = entry.before or {}, entry.after or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return ""
    parts = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old != new:
            parts.append(f"{name}: {new}" if old is None else f"{name}: {old} → {new}")
    return "; ".join(parts)


@dataclass(frozen=True)
class Change:
    """One audited change, for a report that looks back: the day it was keyed and its values."""

    on: dt.date
    summary: str
    before: dict
    after: dict


def changes(table: str, actions: tuple[str, ...]) -> dict[int, list[Change]]:
    """Every change of these ``actions`` to records of ``table``, by record id, oldest first.

    A change that carries no date of its own (a hold put on an account, a plan or an order line
    cancelled) happened on the day the trail recorded it: an as-of report undoes the later ones.
    """
    found: dict[int, list[Change]] = {}
    query = (AuditEntry.select(AuditEntry.record_id, AuditEntry.at, AuditEntry.summary,
                               AuditEntry.before, AuditEntry.after)
             .where(AuditEntry.table == table, AuditEntry.action.in_(actions),
                    AuditEntry.record_id.is_null(False)).order_by(AuditEntry.id))
    for entry in query:
        at = entry.at if isinstance(entry.at, dt.datetime) else dt.datetime.fromisoformat(str(entry.at))
        found.setdefault(entry.record_id, []).append(Change(
            at.date(), entry.summary, entry.before if isinstance(entry.before, dict) else {},
            entry.after if isinstance(entry.after, dict) else {}))
    return found


def _record_refusal(user: User | None, action: str, message: str) -> None:
    """A refused action in the trail. Outside a write only: inside one the entry would be rolled
    back with the refused work (the refusal still stops it)."""
    from .transactions import in_transaction

    if database.obj is None or database.is_closed() or database.in_transaction():
        return
    try:
        with in_transaction():
            record(user if user is not None and user.id else None, "denied", table="user",
                   summary=f"refused: {message}", after={"action": action})
    except Exception:
        return


REFUSAL_LISTENERS.append(_record_refusal)
