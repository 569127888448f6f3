"""Item 1 of issue 14: nothing the window does may drop SQLite's POSIX locks on the live file.

On POSIX, closing any descriptor of a file drops every fcntl lock the process holds on it. A
check that opened the live database with a plain ``open()`` left the window's connection without
its locks; a scheduled ``billing-desk backup`` then believed it was the last user, checkpointed
and deleted the -wal and -shm files, and the window's later commits went into a deleted log,
lost at the next crash.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(os.name != "posix", reason="fcntl lock semantics are POSIX")

ROOT = Path(__file__).resolve().parent.parent

# The window: opens the file, takes a backup (the path that used to read the live file), waits
# while a scheduled task runs, commits, and dies without closing anything.
WINDOW = r"""
import os, sys
from pathlib import Path
from billing_desk.models import User
from billing_desk.models.db import open_database
from billing_desk.services.office.backup import make_backup
from billing_desk.services.office.users import ensure_administrator

path, folder = Path(sys.argv[1]), Path(sys.argv[2])
opened = open_database(path)
ensure_administrator()
make_backup(path, folder, user="admin", create_folder=True)
print("backed-up", flush=True)
sys.stdin.readline()
User.create(username="after", full_name="Committed After", role="clerk")
print("committed", flush=True)
os._exit(0)
"""


def _window(path: Path, folder: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-c", WINDOW, str(path), str(folder)], cwd=ROOT,
                            env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def test_a_commit_after_a_backup_survives_a_scheduled_task_and_a_crash(tmp_path):
    path, folder = tmp_path / "office.sqlite", tmp_path / "backups"
    window = _window(path, folder)
    try:
        assert window.stdout.readline().strip() == "backed-up"
        task = subprocess.run([sys.executable, "-m", "billing_desk", "backup", "--db", str(path),
                               "--to", str(tmp_path / "scheduled")], cwd=ROOT, capture_output=True,
                              text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=120)
        assert task.returncode == 0, task.stderr
        assert path.with_name(path.name + "-wal").exists(), "the task deleted the window's log"
        window.stdin.write("go\n")
        window.stdin.flush()
        assert window.stdout.readline().strip() == "committed"
        assert window.wait(timeout=30) == 0
    finally:
        window.kill()
        window.wait()
    from billing_desk.models import User
    from billing_desk.models.db import open_database

    opened = open_database(path)
    try:
        assert User.get_or_none(User.username == "after") is not None
    finally:
        opened.close()
