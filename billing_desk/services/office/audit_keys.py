"""Where the audit trail's secret key and its anchor live: outside the database file.

Each office (one database, identified by a random office id kept in the ``setting`` table) has
a random 32-byte *chain key*. Every audit entry's hash is an HMAC-SHA256 under that key, so
whoever holds only a copy of the database file cannot alter an entry and re-chain the rest.

The key is kept in two files, never in the database:

* ``<data folder>/keys/<office id>.key`` - survives replacing or restoring the database file;
  any backup of this office restored on this PC (to any path) verifies.
* ``<database file>.auditkey`` beside the database - the copy that travels when the whole folder
  is moved; a bare ``.sqlite`` file (an e-mailed copy, a backup) does not carry it.

The administrator's *recovery key* (shown once at first start) wraps the chain key inside the
database: on a new PC, after restoring a backup, typing the recovery key brings the key back.

The *anchor* (``<data folder>/keys/<office id>.anchor``) remembers, per database path, the id and
hash of the last audit entry seen committed, with an HMAC under the chain key. Removing entries
from the end of the trail (which the chain alone cannot show) leaves the anchor pointing past the
end. Restoring an older backup over the live file on purpose must call ``audit.reanchor``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path

from ...models import Setting, database
from ...models.server import OfficeServer
from ...paths import data_dir
from . import steady

OFFICE_ID = "security.office_id"
WRAPPED_KEY = "security.wrapped_chain_key"
RECOVERY_HASH = "security.recovery_hash"
_memory: dict[str, bytes] = {}  # keys of in-memory databases (tests)


def database_path() -> Path | None:
    """The open database's file, or None for an in-memory one (an office on a server: the name
    this PC gives it in its data folder, ``ServerAddress.place``)."""
    if isinstance(database.obj, OfficeServer):
        return database.obj.address.place()
    name = str(database.obj.database) if database.obj is not None else ""
    if name.startswith("file:"):
        name = name[5:].split("?", 1)[0]
    if not name or name == ":memory:":
        return None
    return Path(name).absolute()


def get_secret(key: str) -> str | None:
    return steady.kept("secret", key, lambda: _read_secret(key))


def _read_secret(key: str) -> str | None:
    row = Setting.get_or_none(Setting.key == key)
    return None if row is None else row.value


def set_secret(key: str, value: str) -> None:
    Setting.insert(key=key, value=value).on_conflict_replace().execute()
    steady.forget()  # a kept setting is read afresh


def office_id() -> str | None:
    return get_secret(OFFICE_ID)


def keys_dir() -> Path:
    path = data_dir() / "keys"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _key_files(office: str) -> list[Path]:
    files = [keys_dir() / f"{office}.key"]
    db_path = database_path()
    if db_path is not None:
        files.append(db_path.with_name(db_path.name + ".auditkey"))
    return files


def _write_private(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    partial.replace(path)


def store_key(office: str, key: bytes) -> None:
    """Write the chain key to both of its files (and memory for an in-memory database)."""
    _memory[office] = key
    text = json.dumps({"office": office, "key": key.hex()})
    for path in _key_files(office):
        if _holds_another_office(path, office):
            continue  # never overwrite another office's key (an empty file opened by mistake)
        try:
            _write_private(path, text)
        except OSError:
            pass  # a read-only folder beside the database: the data-folder copy is enough


def _holds_another_office(path: Path, office: str) -> bool:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return path.exists()  # unreadable: leave it for a person to look at
    return not isinstance(data, dict) or data.get("office") != office


def load_key(office: str) -> bytes | None:
    return _read_key(office, _key_files(office))


def load_key_beside(office: str, db_path: Path | None) -> bytes | None:
    """The office's chain key from this PC's key folder or beside ``db_path``, without the
    open database (a backup is made and checked with private connections)."""
    files = [keys_dir() / f"{office}.key"]
    if db_path is not None:
        files.append(Path(db_path).with_name(Path(db_path).name + ".auditkey"))
    return _read_key(office, files)


def _read_key(office: str, files: list[Path]) -> bytes | None:
    for path in files:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("office") == office:
            try:
                return bytes.fromhex(data["key"])
            except (KeyError, ValueError, TypeError):
                continue
    return _memory.get(office)


def new_office() -> tuple[str, bytes]:
    """A new office id and chain key; the caller holds the transaction that writes the id."""
    office, key = secrets.token_hex(16), secrets.token_bytes(32)
    set_secret(OFFICE_ID, office)
    store_key(office, key)
    return office, key


# --- wrapping the chain key with the recovery key ---------------------------------------------
def _pad(recovery: str, office: str) -> bytes:
    return hmac.new(recovery.encode(), f"billing-desk chain-key wrap|{office}".encode(),
                    hashlib.sha256).digest()


def wrap_key(recovery: str, office: str, key: bytes) -> None:
    wrapped = bytes(a ^ b for a, b in zip(key, _pad(recovery, office)))
    check = hmac.new(key, b"billing-desk chain-key check", hashlib.sha256).hexdigest()[:16]
    set_secret(WRAPPED_KEY, f"{wrapped.hex()}:{check}")


def unwrap_key(recovery: str, office: str) -> bytes | None:
    stored = get_secret(WRAPPED_KEY)
    if not stored:
        return None
    wrapped_hex, check = stored.split(":", 1)
    key = bytes(a ^ b for a, b in zip(bytes.fromhex(wrapped_hex), _pad(recovery, office)))
    good = hmac.new(key, b"billing-desk chain-key check", hashlib.sha256).hexdigest()[:16]
    return key if hmac.compare_digest(good, check) else None


# --- the anchor ---------------------------------------------------------------------------------
def _anchor_file(office: str) -> Path:
    return keys_dir() / f"{office}.anchor"


def _anchor_mac(key: bytes, place: str, last_id: int, last_hash: str) -> str:
    return hmac.new(key, json.dumps([place, last_id, last_hash]).encode(), hashlib.sha256).hexdigest()


def _anchors(office: str) -> dict:
    try:
        anchors = json.loads(_anchor_file(office).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return anchors if isinstance(anchors, dict) else {}


def _checked(key: bytes, place: str, mine) -> tuple[int, str] | str | None:
    if not isinstance(mine, dict) or "id" not in mine:
        return None
    try:
        last_id, last_hash, mac = int(mine["id"]), str(mine["hash"]), str(mine["mac"])
    except (KeyError, TypeError, ValueError):
        return "the audit anchor file was altered"
    if not hmac.compare_digest(mac, _anchor_mac(key, place, last_id, last_hash)):
        return "the audit anchor file was altered"
    return last_id, last_hash


def read_anchor(office: str, key: bytes) -> tuple[int, str] | str | None:
    """(last id, last hash) for this database path; None if none; a message if forged."""
    place = str(database_path() or ":memory:")
    return _checked(key, place, _anchors(office).get(place))


def read_pending_anchor(office: str, key: bytes) -> tuple[int, str] | None:
    """The end of a restored trail that a restore announced before replacing the file at this
    path (``add_pending_anchor``): either it or the anchor itself is the trail's end."""
    place = str(database_path() or ":memory:")
    mine = _anchors(office).get(place)
    pending = _checked(key, place + "|pending", mine.get("pending") if isinstance(mine, dict) else None)
    return pending if isinstance(pending, tuple) else None


def _signed(key: bytes, place: str, last_id: int, last_hash: str) -> dict:
    return {"id": last_id, "hash": last_hash, "mac": _anchor_mac(key, place, last_id, last_hash)}


def write_anchor(office: str, key: bytes, last_id: int, last_hash: str, *, place: str | None = None) -> None:
    """The anchor of ``place`` (default: the open database's path) is this entry, alone."""
    place = place or str(database_path() or ":memory:")
    anchors = _anchors(office)
    anchors[place] = _signed(key, place, last_id, last_hash)
    _write_private(_anchor_file(office), json.dumps(anchors, indent=1))


def add_pending_anchor(office: str, key: bytes, last_id: int, last_hash: str, *, place: str) -> None:
    """Accept this entry too as the end of the trail at ``place``, beside the anchor there: the
    restore's step before it renames the restored file over the live one."""
    anchors = _anchors(office)
    here = anchors.get(place)
    mine: dict = here if isinstance(here, dict) else {}
    anchors[place] = {**mine, "pending": _signed(key, place + "|pending", last_id, last_hash)}
    _write_private(_anchor_file(office), json.dumps(anchors, indent=1))
