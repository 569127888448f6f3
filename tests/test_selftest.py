"""The self-test run from source: what `billing-desk --self-test` checks in a build."""

from __future__ import annotations

import io
import os

from billing_desk.cli import main
from billing_desk.errors import RuleError
from billing_desk.ui import selftest


def step_names(output: str, status: str) -> list[str]:
    prefix = f"  {status} "
    return [line[len(prefix):].split(":")[0].strip() for line in output.splitlines()
            if line.startswith(prefix)]


def test_the_command_line_runs_every_step_and_exits_0(capsys, tmp_path):
    home = os.environ["BILLING_DESK_HOME"]
    assert main(["--self-test"]) == 0
    output = capsys.readouterr().out
    assert step_names(output, "ok") == [name for name, _ in selftest.STEPS]
    assert "FAIL" not in output
    assert f"self-test passed: {len(selftest.STEPS)} checks" in output
    assert "invoice 1001 posted for 135.00" in output
    assert "the account owes 85.00" in output
    assert "QtPdf opened 1 page(s)" in output
    assert "the later payment is gone" in output
    # the user's data folder is left alone: the self-test worked in a folder of its own
    assert os.environ["BILLING_DESK_HOME"] == home
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_backup_that_does_not_verify_fails_the_self_test(monkeypatch):
    from billing_desk.services.office import backup

    def damaged(path, password=None, *args, **kwargs):
        raise backup.BackupError(f"{path.name} is damaged: its data does not match its checksum.")

    monkeypatch.setattr(backup, "verify_backup", damaged)
    out = io.StringIO()
    assert selftest.run_self_test(out) == 1
    assert "FAIL backup: BackupError:" in out.getvalue()
    assert "is damaged" in out.getvalue()
    assert "ok   restore" not in out.getvalue()


def test_a_failing_step_is_named_the_rest_skipped_and_the_exit_code_is_1(monkeypatch):
    from billing_desk.services.books import invoices

    def broken(*args, **kwargs):
        raise RuleError("posting is broken in this build")

    monkeypatch.setattr(invoices, "quick_invoice", broken)
    out = io.StringIO()
    assert selftest.run_self_test(out) == 1
    text = out.getvalue()
    assert "  FAIL invoice: RuleError: posting is broken in this build" in text
    assert step_names(text, "ok") == ["database", "account", "catalogue", "diagnosis codes"]
    assert "self-test FAILED after 4 of 13 checks" in text


def test_a_wrong_result_fails_the_step(monkeypatch):
    monkeypatch.setattr(selftest, "CHARGES", selftest.CHARGES + 1)
    out = io.StringIO()
    assert selftest.run_self_test(out) == 1
    assert "FAIL invoice: AssertionError: invoice total 135.00, expected 136.00" in out.getvalue()


def test_no_screen_needed(monkeypatch):
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setattr(selftest, "STEPS", selftest.STEPS[:1])
    out = io.StringIO()
    assert selftest.run_self_test(out) == 0
    assert os.environ["QT_QPA_PLATFORM"] == "offscreen"
    assert "Qt platform offscreen" in out.getvalue()


def test_a_platform_already_chosen_is_kept(monkeypatch):
    platform = "minimal"
    monkeypatch.setenv("QT_QPA_PLATFORM", platform)
    monkeypatch.setattr(selftest, "STEPS", selftest.STEPS[:1])
    out = io.StringIO()
    assert selftest.run_self_test(out) == 0
    assert f"Qt platform {platform}" in out.getvalue()
