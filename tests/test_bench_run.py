"""The README's speed table is the one `bench/run.py --table bench/results.json --readme` writes
from the benchmark's JSON (issue 21: the figures in the README come from that command)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_module():
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(ROOT / "bench"))


def test_the_readme_table_is_the_one_made_from_the_results():
    run = run_module()
    results = json.loads((ROOT / "bench" / "results.json").read_text(encoding="utf-8"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme[readme.index(run.README_START) + len(run.README_START):readme.index(run.README_END)]
    assert block.strip() == run.markdown(results).strip()
    names = [f["name"] for f in results["figures"]]
    assert any(n.startswith("freeze: ") for n in names) and any("day sheet" in n for n in names)


def test_a_figure_prints_beside_its_baseline_and_ratio():
    run = run_module()
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from figures import Figure
    finally:
        sys.path.remove(str(ROOT / "bench"))
    lines = run.table_lines([Figure("aging", 0.150, 0.100, "bare SQL", "< 0.200 s").as_json(),
                             Figure("worklist", 0.020).as_json()])
    assert "150.0 ms" in lines[2] and "100.0 ms" in lines[2] and "1.50x" in lines[2]
    assert lines[3].split()[-2:] == ["-", "-"] or "-" in lines[3]
