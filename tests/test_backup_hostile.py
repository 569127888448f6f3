"""Crafted backups: every manifest number bounded before work, zip bombs stopped while they
expand, fields of the wrong type refused in words (issue 14, item 4)."""

from __future__ import annotations

import json
import time
import zipfile
from pathlib import Path

import pytest

from billing_desk.services.office import backup as backups
from billing_desk.services.office.backup_archive import BackupError


@pytest.fixture
def good(db, admin, tmp_path) -> Path:
    (tmp_path / "bk").mkdir()
    return backups.make_backup(db.path, tmp_path / "bk", user="admin").path


@pytest.fixture
def sealed(db, admin, tmp_path) -> Path:
    (tmp_path / "sealed").mkdir()
    return backups.make_backup(db.path, tmp_path / "sealed", user="admin", password="pw").path


def rezip(source: Path, target: Path, edit=None, extra: dict | None = None) -> Path:
    """A copy of ``source`` with its manifest edited and members replaced or added."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        manifest = json.loads(zin.read("manifest.json"))
        if edit:
            edit(manifest)
        zout.writestr("manifest.json", json.dumps(manifest))
        for info in zin.infolist():
            if info.filename != "manifest.json" and info.filename not in (extra or {}):
                zout.writestr(info, zin.read(info))
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return target


def refused_quickly(path: Path, match: str, password: str | None = None) -> None:
    started = time.perf_counter()
    with pytest.raises(BackupError, match=match):
        backups.verify_backup(path, password)
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize(("field", "value", "match"), [
    ("n", 2 ** 24, r"encryption.n is 16,777,216, outside"),
    ("n", 3 ** 10, "not a power of two"),
    ("r", 4096, r"encryption.r is 4,096, outside"),
    ("p", 1 << 20, r"encryption.p is 1,048,576, outside"),
    ("n", "lots", r"encryption.n is 'lots', not a whole number"),
    ("chunk", 1 << 40, r"encryption.chunk"),
])
def test_scrypt_and_chunk_parameters_are_bounded_before_any_key_is_derived(
        sealed, tmp_path, field, value, match):
    forged = rezip(sealed, tmp_path / "forged.bdbackup", lambda m: m["encryption"].update({field: value}))
    refused_quickly(forged, match, password="pw")


@pytest.mark.parametrize(("field", "value", "match"), [
    ("format", "1x", r"format is '1x', not a whole number"),
    ("schema_version", 2.5, r"schema_version is 2.5, not a whole number"),
    ("data_bytes", "many", r"data_bytes is 'many', not a whole number"),
    ("data_bytes", 1 << 50, r"data_bytes is .* outside"),
    ("data_sha256", None, "data_sha256 is not a checksum"),
    ("row_counts", {"account": "3"}, r"row_counts.account is '3', not a whole number"),
    ("user", ["a"], "user is not a short text"),
])
def test_fields_of_the_wrong_type_or_size_get_a_clear_message(good, tmp_path, field, value, match):
    forged = rezip(good, tmp_path / "forged.bdbackup", lambda m: m.update({field: value}))
    refused_quickly(forged, match)
    with pytest.raises(BackupError, match=match):
        backups.read_manifest(forged)


def test_a_zip_bomb_is_refused_by_its_declared_size_before_it_expands(good, tmp_path):
    bomb = bytes(120 << 20)  # deflates to about 120 KB
    forged = rezip(good, tmp_path / "bomb.bdbackup", extra={"billing-desk.sqlite": bomb})
    refused_quickly(forged, "zip bomb")
    told_the_truth = rezip(good, tmp_path / "big.bdbackup", lambda m: m.update(data_bytes=len(bomb)),
                           extra={"billing-desk.sqlite": bomb})
    refused_quickly(told_the_truth, "data_bytes is 125,829,120, outside")


def test_data_that_expands_past_its_manifest_stops_at_the_manifest_size(good, tmp_path, db):
    bomb = bytes(50 << 20)  # declared honestly by the zip entry, but not by the manifest
    forged = rezip(good, tmp_path / "liar.bdbackup", extra={"billing-desk.sqlite": bomb})
    with pytest.raises(BackupError, match="expands to more than its manifest"):
        backups.verify_backup(forged, work_dir=db.path.parent)


def test_a_huge_manifest_is_refused(good, tmp_path):
    forged = rezip(good, tmp_path / "fat.bdbackup", lambda m: m.update(padding="x" * (2 << 20)))
    refused_quickly(forged, "manifest is")
