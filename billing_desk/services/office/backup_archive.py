"""The backup file itself, and the facts and checks of a database copy, in plain sqlite3.

A backup is one zip file (``.bdbackup``) holding ``manifest.json`` and the database copy:
``billing-desk.sqlite`` (deflated) or, when a password is given, ``billing-desk.sqlite.aesgcm``:
the copy cut into 1 MiB chunks, each zlib-compressed then sealed with AES-256-GCM under a key
derived from the password by scrypt (salt, nonce prefix and a key check kept in the manifest).
Each sealed chunk is ``[4-byte length][1-byte last flag][ciphertext+tag]``; the chunk number
and the flag are authenticated, so a reordered, dropped or cut-off chunk is refused.

Everything here uses its own sqlite3 connections and never the program's peewee ``database``
proxy: the proxy is process-wide, and a backup is checked while the window is using it.
"""

from __future__ import annotations

import base64
import errno
import hashlib
import json
import os
import sqlite3
import struct
import time
import zipfile
import zlib
from pathlib import Path
from typing import Callable

from .backup_manifest import (
    BackupError,
    check_manifest,
    check_member,
    expansion_limit,
    manifest_signature,
    read_manifest_member,
)

FORMAT = 1
SUFFIX = ".bdbackup"
COMMENT = b"Billing Desk backup"
MANIFEST = "manifest.json"
PLAIN_MEMBER = "billing-desk.sqlite"
SEALED_MEMBER = "billing-desk.sqlite.aesgcm"
CHUNK = 1 << 20
SCRYPT_PARAMS = {"n": 2 ** 15, "r": 8, "p": 1}
_CHECK_TEXT = b"Billing Desk backup key check"
_CHECK_COUNTER = 0xFFFFFFFF
SEAL_OVERHEAD = 1 << 16  # zlib's worst case on 1 MiB is about 320 bytes; the tag 16

Progress = Callable[[float, str], None]
FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


def no_progress(_fraction: float, _text: str) -> None:
    return None


# --- keys ---------------------------------------------------------------------------------
def derive_key(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    if not password:
        raise BackupError("The password is empty.")
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(password.encode("utf-8"))


def _nonce(prefix: bytes, counter: int) -> bytes:
    return prefix + struct.pack(">I", counter)


def _aad(counter: int, last: bool) -> bytes:
    return b"BDK-backup" + struct.pack(">IB", counter, int(last))


def new_encryption(password: str) -> tuple[dict, bytes]:
    """The manifest's ``encryption`` block and the key."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt, prefix = os.urandom(16), os.urandom(8)
    key = derive_key(password, salt, **SCRYPT_PARAMS)
    check = AESGCM(key).encrypt(_nonce(prefix, _CHECK_COUNTER), _CHECK_TEXT, b"check")
    block = {"cipher": "AES-256-GCM", "kdf": "scrypt", **SCRYPT_PARAMS, "chunk": CHUNK,
             "salt": _b64(salt), "nonce_prefix": _b64(prefix), "key_check": _b64(check)}
    return block, key


def key_for(manifest: dict, password: str | None) -> bytes:
    """The key of an encrypted backup; refuses a missing or wrong password in words."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    block = manifest["encryption"]
    if not password:
        raise BackupError("This backup is encrypted: give its password.")
    try:
        key = derive_key(password, _unb64(block["salt"]), block["n"], block["r"], block["p"])
        AESGCM(key).decrypt(_nonce(_unb64(block["nonce_prefix"]), _CHECK_COUNTER),
                            _unb64(block["key_check"]), b"check")
    except InvalidTag:
        raise BackupError("The password is wrong for this backup; nothing was changed.") from None
    except (KeyError, ValueError, TypeError) as exc:
        raise BackupError(f"The backup's encryption details are damaged ({exc}).") from None
    return key


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


# --- writing ------------------------------------------------------------------------------
def write_archive(target: Path, copy: Path, manifest: dict, password: str | None = None,
                  progress: Progress = no_progress, sign_key: bytes | None = None) -> None:
    """Write ``manifest`` (signed with ``sign_key``, the office's audit key) and ``copy`` into
    the zip ``target`` and flush it to the disk."""
    key = None
    if password:
        manifest["encryption"], key = new_encryption(password)
    if sign_key:
        manifest["signature"] = manifest_signature(manifest, sign_key)
    size = max(copy.stat().st_size, 1)
    with open(target, "wb") as raw:
        with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            zf.comment = COMMENT
            zf.writestr(MANIFEST, json.dumps(manifest, indent=2, sort_keys=True))
            member: str | zipfile.ZipInfo = PLAIN_MEMBER  # deflated at the archive's level 1
            if key:  # sealed data does not compress: stored as is
                member = zipfile.ZipInfo(SEALED_MEMBER, date_time=time.localtime()[:6])
                member.compress_type = zipfile.ZIP_STORED
            with open(copy, "rb") as src, zf.open(member, "w", force_zip64=True) as out:
                _copy_chunks(src, out, key, manifest, lambda done: progress(done / size, "Writing"))
        raw.flush()
        os.fsync(raw.fileno())


def _copy_chunks(src, out, key: bytes | None, manifest: dict, report) -> None:
    if key is None:
        done = 0
        while chunk := src.read(CHUNK):
            out.write(chunk)
            done += len(chunk)
            report(done)
        return
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    aead, prefix = AESGCM(key), _unb64(manifest["encryption"]["nonce_prefix"])
    counter, done, chunk = 0, 0, src.read(CHUNK)
    while True:
        following = src.read(CHUNK)
        last = not following
        sealed = aead.encrypt(_nonce(prefix, counter), zlib.compress(chunk, 1), _aad(counter, last))
        out.write(struct.pack(">IB", len(sealed), int(last)) + sealed)
        done += len(chunk)
        report(done)
        if last:
            return
        counter, chunk = counter + 1, following


# --- reading ------------------------------------------------------------------------------
def open_archive(path: Path) -> tuple[zipfile.ZipFile, dict]:
    """Open a backup and read its manifest; refuse what is not one, or is cut short."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(4)
    except FileNotFoundError:
        raise BackupError(f"There is no backup at {path}.") from None
    except IsADirectoryError:
        raise BackupError(f"{path} is a folder, not a backup file: give the .bdbackup file in "
                          "it.") from None
    except OSError as exc:
        raise BackupError(f"Cannot read {path}: {exc.strerror}.") from None
    if head != b"PK\x03\x04":
        raise BackupError(f"{path.name} is not a Billing Desk backup.")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise BackupError(f"{path.name} is damaged or cut short (truncated): its end is missing. "
                          "Use another backup.") from None
    try:
        manifest = json.loads(read_manifest_member(zf, MANIFEST, path.name))
        if not isinstance(manifest, dict) or manifest.get("kind") != "billing-desk-backup":
            raise ValueError("not ours")
    except (KeyError, ValueError, zipfile.BadZipFile, zlib.error, AttributeError, RecursionError):
        zf.close()
        raise BackupError(f"{path.name} is a zip file, but not a Billing Desk backup.") from None
    except BackupError:
        zf.close()
        raise
    try:
        check_manifest(manifest, path.name, path.stat().st_size)
        if manifest["format"] > FORMAT:
            raise BackupError(f"{path.name} was made by a newer Billing Desk (backup format "
                              f"{manifest['format']}); install the newer program to read it.")
        member = SEALED_MEMBER if manifest.get("encryption") else PLAIN_MEMBER
        if member in zf.namelist():
            check_member(zf.getinfo(member), path.name, path.stat().st_size)
    except BackupError:
        zf.close()
        raise
    return zf, manifest


def extract_copy(zf: zipfile.ZipFile, manifest: dict, dest: Path, password: str | None,
                 progress: Progress = no_progress) -> str:
    """Write the database copy to ``dest``; returns its SHA-256. Damage raises BackupError."""
    from cryptography.exceptions import InvalidTag

    key = key_for(manifest, password) if manifest.get("encryption") else None
    name = SEALED_MEMBER if key else PLAIN_MEMBER
    total = max(manifest["data_bytes"], 1)
    limit = min(manifest["data_bytes"], expansion_limit(Path(zf.filename or "").stat().st_size))
    digest = hashlib.sha256()
    try:
        with zf.open(name) as src, open(dest, "wb") as out:
            for piece in _read_chunks(src, key, manifest):
                if out.tell() + len(piece) > limit:  # a running limit: a bomb stops here
                    raise BackupError("The backup is damaged: its data expands to more than its "
                                      f"manifest's {manifest['data_bytes']:,} bytes. Nothing was "
                                      "changed; use another backup.")
                digest.update(piece)
                _write_piece(out, piece, dest)
                progress(out.tell() / total, "Reading the backup")
    except KeyError:
        raise BackupError("The backup holds no database copy; it is damaged.") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, struct.error, InvalidTag, OSError) as exc:
        raise BackupError(f"The backup is damaged: its data does not read back ({_why(exc)}). "
                          "Nothing was changed; use another backup.") from None
    return digest.hexdigest()


class NoSpaceError(BackupError):
    """The disk being written is full: a space problem, never a damaged backup."""


def no_space_message(folder: Path, needed: int | None = None) -> str:
    from .leftovers import WORK_FOLDER
    from .maintenance import disk_space, format_size

    parts = Path(folder).parts  # named as chosen: the working folders inside it are ours
    folder = Path(*parts[:parts.index(WORK_FOLDER)]) if WORK_FOLDER in parts else Path(folder)
    space = disk_space(folder)
    need = f"; this needs about {format_size(needed)}" if needed else ""
    return (f"The disk holding {folder} is full ({format_size(space.free)} free{need}). "
            "Make room on it and try again; nothing was changed, and the backup itself is not "
            "at fault.")


def _write_piece(out, piece: bytes, dest: Path) -> None:
    try:
        out.write(piece)
    except OSError as exc:
        if exc.errno in FULL_ERRNOS:
            raise NoSpaceError(no_space_message(Path(dest).parent)) from None
        raise


def _why(exc: Exception) -> str:
    from cryptography.exceptions import InvalidTag

    if isinstance(exc, InvalidTag):
        return "an encrypted block fails its check"
    return str(exc) or type(exc).__name__


def _read_chunks(src, key: bytes | None, manifest: dict):
    if key is None:
        while chunk := src.read(CHUNK):
            yield chunk
        return
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    aead, prefix = AESGCM(key), _unb64(manifest["encryption"]["nonce_prefix"])
    counter = 0
    while True:
        head = src.read(5)
        if len(head) < 5:
            raise EOFError("the encrypted data ends early")
        length, last = struct.unpack(">IB", head)
        if length > manifest["encryption"]["chunk"] + SEAL_OVERHEAD:
            raise EOFError("an encrypted block is larger than a block can be")
        sealed = src.read(length)
        if len(sealed) != length:
            raise EOFError("the encrypted data ends early")
        inflater = zlib.decompressobj()
        plain = inflater.decompress(aead.decrypt(_nonce(prefix, counter), sealed, _aad(counter, bool(last))),
                                    manifest["encryption"]["chunk"])
        if inflater.unconsumed_tail or not inflater.eof:
            raise EOFError("an encrypted block expands to more than a block")
        yield plain
        if last:
            if src.read(1):
                raise EOFError("data after the last encrypted block")
            return
        counter += 1


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# --- facts and checks of a copy (plain SQL) -----------------------------------------------
LEDGER_TOTALS = {
    "ledger_entries": "SELECT count(*) FROM ledger_entry",
    "ledger_sum_cents": "SELECT coalesce(sum(amount), 0) FROM ledger_entry",
    "ledger_patient_cents": "SELECT coalesce(sum(amount), 0) FROM ledger_entry WHERE party = 'patient'",
    "ledger_insurance_cents": "SELECT coalesce(sum(amount), 0) FROM ledger_entry WHERE party = 'insurance'",
    "accounts_patient_balance_cents": "SELECT coalesce(sum(patient_balance), 0) FROM account",
    "accounts_insurance_balance_cents": "SELECT coalesce(sum(insurance_balance), 0) FROM account",
    "accounts_unapplied_credit_cents": "SELECT coalesce(sum(unapplied_credit), 0) FROM account",
    "posted_invoices": "SELECT count(*) FROM invoice WHERE number IS NOT NULL",
    "last_invoice_number": "SELECT coalesce(max(number), 0) FROM invoice",
    "posted_payments_cents": "SELECT coalesce(sum(amount), 0) FROM payment WHERE status = 'posted'",
}


#: The most of a copy one checking connection maps into memory, and the most it caches. Every
#: mapped page read counts as the program's memory: mapping a whole book (two connections check
#: it at once) held 1.37 GB on a 913 MB book; bounded, the check reads the rest like any file.
COPY_MMAP_BYTES = 64 << 20
COPY_CACHE_KIB = 16 << 10


def connect_copy(path: Path) -> sqlite3.Connection:
    """A read-only connection to a standalone copy (rollback journal, nothing beside it), its
    memory bounded whatever the size of the book."""
    con = sqlite3.connect(f"file:{Path(path).as_posix()}?mode=ro", uri=True,
                          check_same_thread=False)
    con.execute("PRAGMA query_only = 1")
    con.execute(f"PRAGMA mmap_size = {COPY_MMAP_BYTES}")
    con.execute(f"PRAGMA cache_size = -{COPY_CACHE_KIB}")
    return con


def database_facts(con: sqlite3.Connection) -> dict:
    """Schema, row counts per table and ledger totals (whole cents): what a manifest records."""
    tables = [name for (name,) in con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name")]
    return {
        "application_id": con.execute("PRAGMA application_id").fetchone()[0],
        "schema_version": con.execute("PRAGMA user_version").fetchone()[0],
        "row_counts": {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables},
        "ledger": {key: con.execute(sql).fetchone()[0] for key, sql in LEDGER_TOTALS.items()},
    }


def integrity_problems(con: sqlite3.Connection) -> list[str]:
    rows = [r[0] for r in con.execute("PRAGMA integrity_check")]
    problems = [] if rows == ["ok"] else rows
    problems += [f"foreign key: {r[0]} row {r[1]} points at a missing {r[2]}"
                 for r in con.execute("PRAGMA foreign_key_check")]
    return problems


_SPLIT = ("coalesce(sum(CASE WHEN party = 'patient' THEN amount END), 0) AS p, "
          "coalesce(sum(CASE WHEN party = 'insurance' THEN amount END), 0) AS i")
LEDGER_CHECKS = (
    ("invoice line #{0}: cached balances {1}/{2}, ledger says {3}/{4}",
     f"SELECT t.id, t.patient_balance, t.insurance_balance, coalesce(e.p, 0), coalesce(e.i, 0) "
     f"FROM invoice_line t LEFT JOIN (SELECT line_id, {_SPLIT} FROM ledger_entry "
     f"WHERE line_id IS NOT NULL GROUP BY line_id) e ON e.line_id = t.id "
     f"WHERE t.patient_balance != coalesce(e.p, 0) OR t.insurance_balance != coalesce(e.i, 0)"),
    ("invoice #{0}: cached balances {1}/{2}, ledger says {3}/{4}",
     f"SELECT t.id, t.patient_balance, t.insurance_balance, coalesce(e.p, 0), coalesce(e.i, 0) "
     f"FROM invoice t LEFT JOIN (SELECT invoice_id, {_SPLIT} FROM ledger_entry "
     f"WHERE line_id IS NOT NULL GROUP BY invoice_id) e ON e.invoice_id = t.id "
     f"WHERE t.patient_balance != coalesce(e.p, 0) OR t.insurance_balance != coalesce(e.i, 0)"),
    ("account #{0}: cached balances {1}/{2}/credit {3}, ledger says {4}/{5}/credit {6}",
     f"SELECT t.id, t.patient_balance, t.insurance_balance, t.unapplied_credit, coalesce(e.p, 0), "
     f"coalesce(e.i, 0), -coalesce(c.p, 0) FROM account t "
     f"LEFT JOIN (SELECT account_id, {_SPLIT} FROM ledger_entry WHERE line_id IS NOT NULL "
     f"GROUP BY account_id) e ON e.account_id = t.id "
     f"LEFT JOIN (SELECT account_id, {_SPLIT} FROM ledger_entry WHERE line_id IS NULL "
     f"GROUP BY account_id) c ON c.account_id = t.id "
     f"WHERE t.patient_balance != coalesce(e.p, 0) OR t.insurance_balance != coalesce(e.i, 0) "
     f"OR t.unapplied_credit != -coalesce(c.p, 0)"),
    ("invoice numbers jump from {0} to {1}",
     "SELECT prev, number FROM (SELECT number, lag(number) OVER (ORDER BY number) AS prev "
     "FROM invoice WHERE number IS NOT NULL) WHERE prev IS NOT NULL AND number != prev + 1"),
    ("invoice {0}: total {1} cents, its lines {2}",
     "SELECT t.number, t.total, coalesce(l.s, 0) FROM invoice t LEFT JOIN (SELECT invoice_id, "
     "sum(amount) AS s FROM invoice_line GROUP BY invoice_id) l ON l.invoice_id = t.id "
     "WHERE t.status != 'draft' AND t.total != coalesce(l.s, 0)"),
    ("invoice {0}: posted with total {1} cents but {2} cents charged in the ledger",
     "SELECT t.number, t.total, coalesce(c.s, 0) FROM invoice t LEFT JOIN (SELECT invoice_id, "
     "sum(amount) AS s FROM ledger_entry WHERE kind IN ('charge', 'void') GROUP BY invoice_id) c "
     "ON c.invoice_id = t.id WHERE t.status = 'posted' AND t.total != coalesce(c.s, 0)"),
    ("invoice #{0} is posted without a number",
     "SELECT id FROM invoice WHERE status != 'draft' AND number IS NULL"),
    ("payment #{0}: {1} cents received, {2} cents in the ledger",
     "SELECT t.id, t.amount, -coalesce(e.s, 0) FROM payment t LEFT JOIN (SELECT payment_id, "
     "sum(amount) AS s FROM ledger_entry WHERE kind IN ('payment', 'payment_void') "
     "GROUP BY payment_id) e ON e.payment_id = t.id "
     "WHERE (CASE WHEN t.status = 'posted' THEN t.amount ELSE 0 END) != -coalesce(e.s, 0)"),
)


def ledger_problems(con: sqlite3.Connection, limit: int = 50) -> list[str]:
    """The ledger check in SQL: every cached balance, invoice number and payment recomputed
    from the entries (the same rules as ``services.ledger.check_ledger``)."""
    problems: list[str] = []
    for text, sql in LEDGER_CHECKS:
        for row in con.execute(sql).fetchmany(limit - len(problems)):
            problems.append(text.format(*row))
        if len(problems) >= limit:
            problems.append("(more problems not listed)")
            break
    return problems
