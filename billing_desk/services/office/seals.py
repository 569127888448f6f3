"""Seals over the user table and the ledger, under the audit trail's chain key.

The trail proves what the program did; these seals prove the rows it guards still say so:

* **Users**: each user's name, role, active flag and password hash, sealed (HMAC-SHA256 under the
  chain key) when the program changes them - adding a user, a role or password change, the first
  start, a recovery - and never otherwise, so an edit made outside the program (a clerk raising
  her role, a hash copied into another row, a row added or removed) stays visible to the check.
* **Ledger**: a running HMAC over every ledger row in id order, extended as each write that holds
  an audit entry commits (the rows are append-only). A row changed, removed or inserted among the
  sealed ones breaks it; rows added after the last seal are rows no program commit wrote.

Both live in the ``setting`` table; without the key (kept outside the database) nobody can forge
them. A file from an older program has no seals until its first write (trust on first use).
"""

from __future__ import annotations

import hashlib
import hmac
import json

from ...models import Setting, User, database
from . import steady

USER_SEALS = "security.user_seals"
LEDGER_SEAL = "security.ledger_seal"
_LEDGER_COLUMNS = ("id, account_id, invoice_id, line_id, kind, party, payer_id, amount, entry_date, "
                   "posting_date, payment_id, adjustment_id, reverses_id, memo, created_by_id, created_at")


def _mac(key: bytes, content) -> str:
    return hmac.new(key, json.dumps(content, default=str).encode(), hashlib.sha256).hexdigest()


def _get(name: str):
    row = Setting.get_or_none(Setting.key == name)
    return None if row is None else row.value


def _put(name: str, value) -> None:
    Setting.insert(key=name, value=value).on_conflict_replace().execute()
    steady.forget()  # a kept setting is read afresh


def _user_seal(key: bytes, row: tuple) -> str:
    return _mac(key, ["user", *row])


def _user_rows(where: str = "", params: tuple = ()) -> list[tuple]:
    return database.execute_sql('SELECT id, username, role, active, password_hash FROM "user" '
                                f"{where} ORDER BY id", params).fetchall()


def seal_user(user: User, key: bytes) -> None:
    """Seal ``user`` as the program just saved it (call inside the write's transaction)."""
    seals = _get(USER_SEALS) or {}
    rows = _user_rows() if not seals else _user_rows("WHERE id = ?", (user.id,))
    for row in rows:
        seals[str(row[0])] = _user_seal(key, row)
    _put(USER_SEALS, seals)


def user_problems(key: bytes) -> list[str]:
    seals = _get(USER_SEALS)
    rows = _user_rows()
    if seals is None:
        return ["users: not sealed yet (a file from an older program; its next write seals them)"
                ] if any(row[4] for row in rows) else []
    problems = [f"users: {row[1]} was changed outside the program (name, role, active or password)"
                for row in rows if seals.get(str(row[0])) is None
                or not hmac.compare_digest(seals[str(row[0])], _user_seal(key, row))]
    present = {str(row[0]) for row in rows}
    problems += [f"users: user id {uid} was removed outside the program"
                 for uid in seals if uid not in present]
    return problems


# --- the ledger ---------------------------------------------------------------------------------
def _extend(key: bytes, mac: str, after_id: int, upto_id: int | None = None) -> tuple[int, str]:
    sql = f"SELECT {_LEDGER_COLUMNS} FROM ledger_entry WHERE id > ?"
    params: tuple = (after_id,)
    if upto_id is not None:
        sql, params = sql + " AND id <= ?", (after_id, upto_id)
    last = after_id
    for row in database.execute_sql(sql + " ORDER BY id", params):
        mac, last = _mac(key, [mac, *row]), row[0]
    return last, mac


def seal_on_commit(key: bytes) -> None:
    """As a write commits: extend the ledger's seal; a file from an older program (no user seals
    yet) has its users sealed as they stand (trust on first use)."""
    if _get(USER_SEALS) is None:
        _put(USER_SEALS, {str(row[0]): _user_seal(key, row) for row in _user_rows()})
    seal_ledger(key)


def seal_ledger(key: bytes) -> None:
    """Extend the ledger's seal over the rows this write added."""
    sealed = _get(LEDGER_SEAL) or {"id": 0, "mac": ""}
    last, mac = _extend(key, sealed["mac"], int(sealed["id"]))
    if last != sealed["id"]:
        _put(LEDGER_SEAL, {"id": last, "mac": mac})


def ledger_problems(key: bytes) -> list[str]:
    sealed = _get(LEDGER_SEAL)
    count = database.execute_sql("SELECT count(*) FROM ledger_entry").fetchone()[0]
    if sealed is None:
        return ["ledger: not sealed yet (a file from an older program; its next write seals it)"
                ] if count else []
    last, mac = _extend(key, "", 0, int(sealed["id"]))
    if last != sealed["id"] or not hmac.compare_digest(mac, str(sealed["mac"])):
        return ["ledger: entries were changed, removed or inserted outside the program "
                "(the ledger no longer matches its seal)"]
    later = database.execute_sql("SELECT count(*) FROM ledger_entry WHERE id > ?", (last,)).fetchone()[0]
    return ([f"ledger: {later} entr(ies) after the last seal were written outside the program"]
            if later else [])
