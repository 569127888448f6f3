#!/usr/bin/env python3
"""Billing Desk's one benchmark command: every figure beside its bare baseline, on the benchmark book.

    python bench/run.py --db FILE [--repeat 5] [--only NAME[,NAME]] [--json bench/results.json]
    python bench/run.py --table bench/results.json            # the README's table, in Markdown
    python bench/run.py --table bench/results.json --readme   # ... written into README.md

Builds the book at FILE when it is missing (bench/book.py: 100,000 accounts, 1,000,000 invoices,
insurance). The book itself is never changed: the figures are taken on a working copy (the
window's refresh writes the day's collections review, and a newer program upgrades the copy's
schema), made in a temporary folder (``--work`` chooses where; it takes the book's size). Each
bench module runs in a process of its own (start-up and memory figures need a fresh
interpreter; one module failing does not stop the others) and exposes
``measure(db: Path, repeat: int) -> list[Figure]`` (bench/figures.py). A module that is not
there is skipped with a line saying so.

Each figure is the median of ``--repeat`` runs of the program's own code beside the same work
done by the bare library or bare SQL in the same run, and their ratio: the machine is shared, so
the ratio says more than the seconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from figures import Figure  # noqa: E402

#: The bench modules run.py knows, in the order their figures are printed.
MODULES = ("bench_core", "bench_freeze", "bench_render", "bench_start", "bench_memory", "bench_review")
README_START, README_END = "<!-- bench:table -->", "<!-- /bench:table -->"


def _say(text: str) -> None:
    print(text, flush=True)


def working_copy(book: Path, folder: Path) -> Path:
    """A copy of the book for this run, upgraded to this program's schema (the copy the upgrade
    keeps of the old file is removed at once)."""
    from billing_desk.models.db import open_database

    copy = folder / "book.sqlite"
    source = sqlite3.connect(f"{book.absolute().as_uri()}?mode=ro", uri=True)
    target = sqlite3.connect(copy)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    before = folder / "before-upgrade"
    open_database(copy, backup_dir=before).close()
    shutil.rmtree(before, ignore_errors=True)
    with open(copy, "rb+") as written:  # the copy's gigabyte on the disk before any figure is
        os.fsync(written.fileno())  # taken: the kernel writing it back slowed the first module's
    return copy  # figures (aging of the whole book 217 ms against 124 ms a minute later)


def book_facts(db: Path) -> dict:
    con = sqlite3.connect(f"{db.absolute().as_uri()}?mode=ro", uri=True)
    try:
        counts = {table: con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                  for table in ("account", "invoice", "ledger_entry", "claim", "insurance_payment")}
    finally:
        con.close()
    return {**counts, "megabytes": round(db.stat().st_size / 1e6)}


def run_module(name: str, db: Path, repeat: int, home: Path) -> list[Figure] | str:
    """The module's figures, measured in a child process; or why there are none."""
    with tempfile.NamedTemporaryFile("r", suffix=".json", delete=False) as out:
        result_file = Path(out.name)
    env = {**os.environ, "BILLING_DESK_HOME": str(home), "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    try:
        done = subprocess.run([sys.executable, str(Path(__file__)), "--one", name, "--db", str(db),
                               "--repeat", str(repeat), "--out", str(result_file)], env=env)
        if done.returncode != 0:
            return f"failed (exit {done.returncode}); its output is above"
        return [Figure(**{k: v for k, v in row.items() if k != "ratio"})
                for row in json.loads(result_file.read_text())]
    finally:
        result_file.unlink(missing_ok=True)


def one(name: str, db: Path, repeat: int, out: Path) -> int:
    """In the child: import bench/NAME.py, measure, write the figures as JSON."""
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    figures = module.measure(db, repeat)
    out.write_text(json.dumps([f.as_json() for f in figures], indent=1))
    return 0


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "s":
        return f"{value * 1000:,.1f} ms" if value < 10 else f"{value:,.1f} s"
    return f"{value:,.1f} {unit}"


def table_lines(figures: list[dict], markdown: bool = False) -> list[str]:
    rows = [(f["name"], _number(f["seconds"], f["unit"]), _number(f["baseline"], f["unit"]),
             f["baseline_name"], "-" if f["ratio"] is None else f"{f['ratio']:.2f}x", f["goal"])
            for f in figures]
    head = ("what", "program", "bare", "bare is", "ratio", "goal")
    if markdown:
        return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)] + [
            "| " + " | ".join(r) + " |" for r in rows]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    line = "  ".join("{:<%d}" % w for w in widths)
    return [line.format(*head), line.format(*("-" * w for w in widths))] + [line.format(*r) for r in rows]


def markdown(results: dict) -> str:
    book, machine = results["book"], results["machine"]
    return "\n".join([textwrap.fill(
        f"Measured {results['measured_at'][:10]} with `python bench/run.py --db FILE --repeat "
        f"{results['repeat']}` on the benchmark book ({book['account']:,} accounts, "
        f"{book['invoice']:,} invoices, {book['ledger_entry']:,} ledger entries, {book['claim']:,} "
        f"claims, {book['megabytes']:,} MB) on a {machine['cpus']}-core machine shared with other "
        f"work (load {machine['load']:.1f} at the start): medians of {results['repeat']} runs, each "
        "beside the bare library or bare SQL doing the same work in the same run.", width=96), "",
        *table_lines(results["figures"], markdown=True)])


def write_readme(results: dict, readme: Path = ROOT / "README.md") -> None:
    text = readme.read_text(encoding="utf-8")
    if README_START not in text:
        raise SystemExit(f"{readme} has no {README_START} … {README_END} section to fill")
    pattern = re.compile(re.escape(README_START) + ".*?" + re.escape(README_END), re.S)
    block = f"{README_START}\n{markdown(results)}\n{README_END}"
    readme.write_text(pattern.sub(lambda _m: block, text), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="the benchmark book (built when missing)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (the median is kept)")
    parser.add_argument("--only", default="", help="these modules only, comma separated")
    parser.add_argument("--json", type=Path, default=HERE / "results.json", help="where the figures go")
    parser.add_argument("--work", type=Path, help="folder for the working copy (default: a temporary one)")
    parser.add_argument("--table", type=Path, help="print the README table of this JSON file and stop")
    parser.add_argument("--readme", action="store_true", help="with --table: write it into README.md")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        return one(args.one, args.db, args.repeat, args.out)
    if args.table:
        results = json.loads(args.table.read_text())
        if args.readme:
            write_readme(results)
            _say("README.md: the speed table is written")
        else:
            _say(markdown(results))
        return 0
    if args.db is None:
        parser.error("--db FILE is required (the benchmark book; it is built when missing)")
    from book import ensure

    ensure(args.db, say=_say)
    chosen = [m for m in MODULES if not args.only or m in args.only.split(",")]
    work = Path(tempfile.mkdtemp(prefix="bench-run-", dir=args.work))
    results: dict = {"measured_at": dt.datetime.now().isoformat(timespec="seconds"),
                     "repeat": args.repeat,
                     "machine": {"cpus": os.cpu_count(), "load": os.getloadavg()[0]},
                     "figures": []}
    try:
        started = time.perf_counter()
        db = working_copy(args.db, work)
        _say(f"working copy {db} ({time.perf_counter() - started:.0f} s)")
        results["book"] = book_facts(db)
        for name in chosen:
            if not (HERE / f"{name}.py").exists():
                _say(f"{name}: bench/{name}.py is not there; skipped")
                continue
            _say(f"{name}: measuring")
            figures = run_module(name, db, args.repeat, work / "home")
            if isinstance(figures, str):
                _say(f"{name}: {figures}")
                continue
            results["figures"] += [f.as_json() for f in figures]
            for line in table_lines([f.as_json() for f in figures]):
                _say("  " + line)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    args.json.write_text(json.dumps(results, indent=1) + "\n")
    _say("")
    for line in table_lines(results["figures"]):
        _say(line)
    _say(f"\nwritten to {args.json}; `python bench/run.py --table {args.json} --readme` puts it in "
         "the README")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
