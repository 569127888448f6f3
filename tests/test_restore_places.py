"""Restoring where the disk is read-only or full (probe4): the message names the place the clerk
chose, in words, never a working folder or the system's bare error."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest


def test_a_full_disk_is_named_by_the_folder_chosen_not_the_working_folder(tmp_path):
    from billing_desk.services.office.backup_archive import no_space_message

    working = tmp_path / ".billing-desk-work" / "restore-1a2b" / ".billing-desk-work" / "verify-3c4d"
    message = no_space_message(working)
    assert f"The disk holding {tmp_path} is full" in message
    assert ".billing-desk-work" not in message


@pytest.mark.parametrize(("code", "words"), [
    (errno.EROFS, "is read-only here"), (errno.EACCES, "may not change it"),
    (errno.ENOSPC, "The disk holding"),
])
def test_a_command_stopped_by_the_disk_says_what_to_do_in_words(tmp_path, monkeypatch, capsys, code,
                                                                words):
    from billing_desk import cli
    from billing_desk.cli import backup

    place = tmp_path / "office.sqlite.lock"

    def refused(_args):
        raise OSError(code, "the system's words", str(place))

    monkeypatch.setattr(backup, "run_restore", refused)
    assert cli.main(["restore", "--db", str(tmp_path / "office.sqlite"), "b.bdbackup"]) == 1
    said = capsys.readouterr().err
    assert words in said and str(Path(place).parent) in said, said
    assert said.count("\n") == 1


@pytest.fixture
def read_only_folder(tmp_path):
    """A folder on a disk mounted read-only holding an office (a tmpfs; skipped where this
    machine may not mount one, as on a developer's PC without root)."""
    import shutil
    import subprocess

    folder = tmp_path / "ro"
    folder.mkdir()
    try:
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(folder)],
                                 capture_output=True).returncode == 0
    except OSError:  # no mount command at all (Windows)
        mounted = False
    if not mounted:
        pytest.skip("this machine may not mount a disk read-only")
    yield folder, shutil
    subprocess.run(["umount", str(folder)], capture_output=True)


def test_an_office_on_a_read_only_disk_is_not_called_damaged(read_only_folder, tmp_path):
    import subprocess

    from billing_desk.errors import DatabaseError
    from billing_desk.models.db import open_database

    folder, shutil = read_only_folder
    opened = open_database(tmp_path / "office.sqlite")
    opened.close()
    shutil.copy2(tmp_path / "office.sqlite", folder / "office.sqlite")
    assert subprocess.run(["mount", "-o", "remount,ro", str(folder)]).returncode == 0
    with pytest.raises(DatabaseError) as refused:
        open_database(folder / "office.sqlite", readonly=True).close()
    message = str(refused.value)
    assert "damaged" not in message and "read-only" in message and str(folder) in message, message
