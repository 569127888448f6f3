"""What CI relies on: .ci/run says it is CI (so a missing print queue fails instead of skipping),
tests write only under pytest's tmp_path, and wall-clock aims live in bench/, not in tests."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = sorted((ROOT / "tests").glob("test_*.py"))


def test_ci_run_exports_ci_true():
    assert re.search(r"^export CI=true$", (ROOT / ".ci" / "run").read_text(), re.MULTILINE)


def test_no_test_writes_to_a_fixed_temporary_folder():
    fixed = [path.name for path in TESTS if re.search(r"[\"']/tmp/", path.read_text())]
    assert fixed == []


def test_no_test_asserts_a_wall_clock_aim_of_the_benchmarks():
    timed = [path.name for path in TESTS
             if re.search(r"assert .*(timings\[|version_first_s\"\] <|window_ms\"\] <)", path.read_text())]
    assert timed == []
