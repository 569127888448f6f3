"""A backup's manifest checked before any work is done on its word.

A crafted backup must not make this PC work without end: every number the manifest gives is
checked for its type and bounded (scrypt's cost, sizes, counts), and the database member may
expand to no more than ``MAX_EXPANSION`` times the archive (plus ``EXPANSION_SLACK``), both as
its zip entry declares and, while it is read, as it actually expands.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import zipfile

from ...errors import BillingError


class BackupError(BillingError):
    """A backup could not be made, read, verified or restored; the text says why."""

MAX_MANIFEST_BYTES = 1 << 20
MAX_DATA_BYTES = 1 << 40  # 1 TiB: far beyond any office's database
MAX_EXPANSION = 200  # a database deflates to no less than about a hundredth of its size...
EXPANSION_SLACK = 64 << 20  # ...and a small one may be mostly empty pages
SCRYPT_N = (2 ** 10, 2 ** 20)  # ours is 2^15; 2^20 with r=8 needs 1 GiB
SCRYPT_R = (1, 16)
SCRYPT_P = (1, 4)
SCRYPT_MEMORY = 1 << 30  # 128 * n * r bytes
MAX_CHUNK = 16 << 20
MAX_TEXT = 1000


def _int(manifest: dict, field: str, low: int, high: int, name: str, *, block: str = "") -> int:
    where = f"{block}.{field}" if block else field
    value = manifest.get(field)
    if isinstance(value, bool) or not isinstance(value, int):
        raise BackupError(f"{name} is damaged: its manifest's {where} is {value!r}, not a whole number.")
    if not low <= value <= high:
        raise BackupError(f"{name} is refused: its manifest's {where} is {value:,}, outside "
                          f"{low:,}…{high:,}. Nothing was done with it.")
    return value


def check_manifest(manifest: dict, name: str, archive_bytes: int) -> None:
    """Every field this program uses, its type and bounds; raises BackupError naming the field."""
    _int(manifest, "format", 1, 1_000, name)
    _int(manifest, "schema_version", 0, 1_000_000, name)
    _int(manifest, "data_bytes", 0, min(MAX_DATA_BYTES, expansion_limit(archive_bytes)), name)
    sha = manifest.get("data_sha256")
    if not isinstance(sha, str) or not re.fullmatch(r"[0-9a-f]{64}", sha):
        raise BackupError(f"{name} is damaged: its manifest's data_sha256 is not a checksum.")
    for field in ("created_at", "user", "reason", "source", "program_version", "office_name",
                  "office_id", "signature"):
        value = manifest.get(field, "")
        if not isinstance(value, str) or len(value) > MAX_TEXT:
            raise BackupError(f"{name} is damaged: its manifest's {field} is not a short text.")
    for group in ("row_counts", "ledger"):
        values = manifest.get(group, {})
        if not isinstance(values, dict) or len(values) > 1_000:
            raise BackupError(f"{name} is damaged: its manifest's {group} is not a list of counts.")
        for key in values:
            _int(values, key, -(1 << 62), 1 << 62, name, block=group)
    head = manifest.get("audit_head")
    if head is not None:
        if not isinstance(head, dict) or not isinstance(head.get("hash"), str) or len(head["hash"]) > 128:
            raise BackupError(f"{name} is damaged: its manifest's audit_head is not a trail's end.")
        _int(head, "entry", 0, 1 << 62, name, block="audit_head")
    if manifest.get("encryption"):
        check_encryption(manifest["encryption"], name)


def check_encryption(block, name: str) -> None:
    if not isinstance(block, dict):
        raise BackupError(f"{name} is damaged: its manifest's encryption is not a block of settings.")
    n = _int(block, "n", *SCRYPT_N, name, block="encryption")
    r = _int(block, "r", *SCRYPT_R, name, block="encryption")
    _int(block, "p", *SCRYPT_P, name, block="encryption")
    _int(block, "chunk", 1, MAX_CHUNK, name, block="encryption")
    if n & (n - 1):
        raise BackupError(f"{name} is damaged: its manifest's encryption.n ({n:,}) is not a power of two.")
    if 128 * n * r > SCRYPT_MEMORY:
        raise BackupError(f"{name} is refused: its key would need {128 * n * r >> 20:,} MiB of memory.")
    for field in ("salt", "nonce_prefix", "key_check"):
        if not isinstance(block.get(field), str) or len(block[field]) > 200:
            raise BackupError(f"{name} is damaged: its manifest's encryption.{field} is not valid.")


def expansion_limit(archive_bytes: int) -> int:
    """The most the database member may expand to, for an archive of this size."""
    return MAX_EXPANSION * max(archive_bytes, 0) + EXPANSION_SLACK


def check_member(info: zipfile.ZipInfo, name: str, archive_bytes: int) -> None:
    """The zip entry's declared size, before a byte of it is expanded."""
    if info.file_size > min(MAX_DATA_BYTES, expansion_limit(archive_bytes)):
        raise BackupError(f"{name} is refused: its data says it expands to {info.file_size:,} bytes "
                          f"from an archive of {archive_bytes:,} (a zip bomb?). Nothing was done with it.")


def read_manifest_member(zf: zipfile.ZipFile, member: str, name: str) -> bytes:
    info = zf.getinfo(member)
    if info.file_size > MAX_MANIFEST_BYTES:
        raise BackupError(f"{name} is refused: its manifest is {info.file_size:,} bytes.")
    with zf.open(info) as fh:
        data = fh.read(MAX_MANIFEST_BYTES + 1)
    if len(data) > MAX_MANIFEST_BYTES:
        raise BackupError(f"{name} is refused: its manifest is larger than it says.")
    return data


# --- the office's signature ----------------------------------------------------------------------
def manifest_signature(manifest: dict, key: bytes) -> str:
    """HMAC-SHA256 under the office's audit chain key over everything else in the manifest
    (the data's checksum included, so the data are covered too)."""
    body = {k: v for k, v in manifest.items() if k != "signature"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hmac.new(key, b"billing-desk backup manifest|" + text.encode(), hashlib.sha256).hexdigest()


def office_label(manifest: dict) -> str:
    name, office = manifest.get("office_name") or "an unnamed office", manifest.get("office_id") or "?"
    return f"{name} (office id {office[:8]})"


def provenance(manifest: dict, key: bytes | None, name: str) -> tuple[str, str]:
    """("ours" | "unsigned" | "foreign", words for the clerk); a signature that does not match
    its office's key raises BackupError: the backup was altered after it was made."""
    if not manifest.get("signature") or not manifest.get("office_id"):
        return "unsigned", (f"{name} carries no office signature (it was made by an older Billing "
                            "Desk, or the signature was removed): where it came from cannot be checked.")
    if key is None:
        return "foreign", (f"{name} is a backup of another office: {office_label(manifest)}. This PC "
                           "does not hold that office's key.")
    if not hmac.compare_digest(manifest_signature(manifest, key), str(manifest["signature"])):
        raise BackupError(f"{name} was altered after it was made: its signature does not match "
                          f"{office_label(manifest)}'s key. It is refused; use another backup.")
    return "ours", ""
