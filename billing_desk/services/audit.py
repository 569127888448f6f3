"""The audit trail: every change with who, when, what, before and after, in a hash chain."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from decimal import Decimal
from typing import Any

from peewee import Model

from ..models import AuditEntry, User, database, now

_CHAIN_KEY = b"billing-desk-audit-v1"


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


def entry_hash(prev_hash: str, entry: AuditEntry, key: bytes = _CHAIN_KEY) -> str:
    content = json.dumps([
        prev_hash, entry.at.isoformat() if entry.at else "", entry.user_id, entry.username,
        entry.action, entry.table, entry.record_id, entry.account_id, entry.summary,
        entry.before, entry.after,
    ], sort_keys=True, default=str)
    return hmac.new(key, content.encode(), hashlib.sha256).hexdigest()


def record(by: User | None, action: str, target: Model | None = None, *, summary: str = "",
           before: dict | None = None, after: dict | None = None, table: str = "",
           record_id: int | None = None, account_id: int | None = None) -> AuditEntry:
    """Append one audit entry, chained to the one before it. Call inside the write's transaction."""
    if target is not None:
        table = table or target._meta.table_name
        record_id = record_id if record_id is not None else target.get_id()
        if account_id is None:
            account_id = _account_of(target)
    row = database.execute_sql("SELECT hash FROM audit_entry ORDER BY id DESC LIMIT 1").fetchone()
    prev_hash = row[0] if row else ""
    entry = AuditEntry(at=now(), user=by.id if by else None, username=by.username if by else "",
                       action=action, table=table, record_id=record_id, account_id=account_id,
                       summary=summary, prev_hash=prev_hash)
    # Normalise through JSON so the hash is computed over what the database will hold.
    entry.before = json.loads(json.dumps(before, default=str)) if before is not None else None
    entry.after = json.loads(json.dumps(after, default=str)) if after is not None else None
    entry.hash = entry_hash(prev_hash, entry)
    cursor = database.execute_sql(
        'INSERT INTO audit_entry (at, user_id, username, action, "table", record_id, account_id, '
        "summary, before, after, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        (str(entry.at), entry.user_id, entry.username, action, table, record_id, account_id,
         summary, _json(entry.before), _json(entry.after), prev_hash, entry.hash))
    entry.id = cursor.lastrowid
    return entry


def _json(value) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True, default=str)


def _account_of(target: Model) -> int | None:
    if target._meta.table_name == "account":
        return target.get_id()
    return target.__data__.get("account")


def verify_chain() -> list[str]:
    """Walk the trail; report the first entry altered, removed or inserted."""
    prev_hash = ""
    expected_id = None
    for entry in AuditEntry.select().order_by(AuditEntry.id).iterator():
        if expected_id is not None and entry.id != expected_id:
            return [f"audit trail: entry {expected_id} is missing (removed)"]
        if entry.prev_hash != prev_hash:
            return [f"audit trail: entry {entry.id} does not follow the entry before it "
                    "(an entry was removed or inserted)"]
        if entry_hash(prev_hash, entry) != entry.hash:
            return [f"audit trail: entry {entry.id} was altered"]
        prev_hash = entry.hash
        expected_id = entry.id + 1
    return []
