"""One measured figure of the benchmark: the program's time beside the bare library's.

Every bench module that `bench/run.py` calls exposes ``measure(db: Path, repeat: int) ->
list[Figure]``; run.py prints them as one table and writes them as JSON for the README.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Figure:
    name: str  # what was measured, in words
    seconds: float  # median of the program's runs
    baseline: float | None = None  # the bare library or bare SQL doing the same work, same run
    baseline_name: str = ""  # what the baseline is ("bare SQL", "openpyxl write-only", ...)
    goal: str = ""  # the goal, e.g. "< 0.200 s" or "<= 1.3x"
    unit: str = "s"  # "s" for times; "MB" for memory figures (then seconds holds megabytes)

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return self.seconds / self.baseline

    def as_json(self) -> dict:
        return {**asdict(self), "ratio": self.ratio}


def median_seconds(work: Callable[[], object], repeat: int = 5) -> float:
    """The median wall time of `repeat` runs of `work`."""
    times = []
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def child_env(root: Path, data: Path | None = None) -> dict[str, str]:
    """The environment of a measured child process: offscreen Qt, this checkout on the path,
    compiled bytecode as a clerk's program runs, and its own data folder when given."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(root))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if data is not None:
        env["BILLING_DESK_HOME"] = str(data)
    return env


def child_main(argv: list[str] | None, doc: str, *, child: Callable[[str, str | None], None],
               measure: Callable[[Path, int, bool], list[Figure]], repeat: int,
               leave_out: tuple[str, str], line: Callable[[Figure], str]) -> int:
    """The command line of a bench module that measures child processes (the start and memory
    figures): ``--child MODE`` is one measured process; otherwise it measures and prints.
    ``leave_out`` is a flag and its help ("--no-demo", "leave out the demo's first start")."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--db", type=Path, help="the benchmark book")
    parser.add_argument("--repeat", type=int, default=repeat)
    parser.add_argument(leave_out[0], action="store_true", help=leave_out[1])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.db)
        return 0
    if args.db is None or not args.db.exists():
        parser.error("--db FILE: the benchmark book (bench/bench_core.py builds one)")
    left_out = getattr(args, leave_out[0].lstrip("-").replace("-", "_"))
    for figure in measure(args.db, args.repeat, not left_out):
        print(line(figure))
    return 0
