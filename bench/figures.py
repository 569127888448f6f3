"""One measured figure of the benchmark: the program's time beside the bare library's.

Every bench module that `bench/run.py` calls exposes ``measure(db: Path, repeat: int) ->
list[Figure]``; run.py prints them as one table and writes them as JSON for the README.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass


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
