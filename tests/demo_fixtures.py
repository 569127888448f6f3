"""The demo office the screen tests share: built once per test module, then for each test the main
window on it, or a session on a copy of it (with its audit key).

A module imports the fixtures it uses and says how large a demo it wants:

    from demo_fixtures import demo_path, window  # noqa: F401 (fixtures)

    DEMO = {"accounts": 12, "seed": 3}
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def demo_path(request, tmp_path_factory) -> Path:
    from billing_desk.models.db import open_database
    from billing_desk.services.demo import build_demo

    path = tmp_path_factory.mktemp(request.module.__name__.removeprefix("test_")) / "demo.sqlite"
    opened = open_database(path)
    build_demo(**request.module.DEMO)
    opened.close()
    return path


@contextmanager
def shown_main_window(qtbot, path: Path, prompter=None) -> Iterator:
    """The main window on the office at `path`, shown; closed with its session after."""
    from billing_desk.services.office.session import open_session
    from billing_desk.ui.main_window import MainWindow

    session = open_session(path)
    win = MainWindow(session, prompter=prompter)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    try:
        yield win
    finally:
        win.close()
        session.close()


@pytest.fixture
def window(qtbot, demo_path):
    """The main window on the demo office itself; every question it asks is scripted."""
    from billing_desk.ui.prompts import ScriptedPrompter

    with shown_main_window(qtbot, demo_path, ScriptedPrompter()) as win:
        yield win


@pytest.fixture
def session(demo_path, tmp_path):
    """A session on this test's own copy of the demo office."""
    from billing_desk.services.office.session import open_session

    copy = tmp_path / "office.sqlite"
    shutil.copy(demo_path, copy)
    key = demo_path.parent / (demo_path.name + ".auditkey")
    if key.exists():
        shutil.copy(key, tmp_path / "office.sqlite.auditkey")
    opened = open_session(copy)
    yield opened
    opened.close()
