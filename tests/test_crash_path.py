"""One crash path: an error nobody foresaw is logged with its traceback, told once in plain words,
and the program goes on. The command line prints one line and exits 1."""

import threading

import pytest
from PySide6.QtWidgets import QPushButton

from billing_desk.logs import current_log, setup_logging
from billing_desk.ui.crash import install_crash_path
from billing_desk.ui.prompts import ScriptedPrompter


@pytest.fixture
def crash_path(qtbot):
    setup_logging()
    prompter = ScriptedPrompter()
    crash = install_crash_path(prompter)
    yield prompter
    crash.uninstall()


def messages(prompter):
    return [text for kind, text in prompter.asked]


@pytest.mark.qt_no_exception_capture
def test_an_exception_inside_a_slot_is_logged_and_told_once(qtbot, crash_path, tmp_path):
    button = QPushButton("Go")
    qtbot.addWidget(button)
    clicks = []

    def slot():
        clicks.append(1)
        raise RuntimeError("the widget broke")

    button.clicked.connect(slot)
    button.click()
    log = current_log()
    assert str(tmp_path) in str(log)  # the data folder of this test
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "RuntimeError: the widget broke" in text and "in slot" in text
    [message] = messages(crash_path)
    assert "Something went wrong" in message and "Nothing you saved before this was lost" in message
    assert str(log) in message and "Traceback" not in message
    button.click()  # the program goes on
    assert len(clicks) == 2 and len(messages(crash_path)) == 2


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_background_thread_reaches_the_clerk(qtbot, crash_path):
    worker = threading.Thread(target=lambda: 1 / 0, name="sums")
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(messages(crash_path)) == 1)
    assert "ZeroDivisionError" in current_log().read_text(encoding="utf-8")
    assert "background work (sums)" in current_log().read_text(encoding="utf-8")


def test_the_command_line_prints_one_line_and_logs_the_rest(monkeypatch, capsys, tmp_path):
    from billing_desk import cli
    from billing_desk.cli import check

    def broken(args):
        raise KeyError("surprise")

    original = check.register

    def register(commands):
        original(commands)
        commands.choices["check"].set_defaults(run=broken)

    monkeypatch.setattr(check, "register", register)
    assert cli.main(["check", str(tmp_path / "none.sqlite")]) == 1
    err = capsys.readouterr().err
    assert "something went wrong" in err and "Traceback" not in err
    log = current_log()
    assert str(log) in err and "KeyError: 'surprise'" in log.read_text(encoding="utf-8")
