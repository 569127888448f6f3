#!/usr/bin/env python3
"""Account import at scale: time and peak memory of reading and checking a large CSV.

    python bench/bench_import.py [--rows 150000]

Writes a CSV of ``--rows`` accounts, then measures, each in a fresh process so one phase's
memory does not hide another's: reading the file (importing.read_rows), and reading plus
checking every row (account_import.preview_accounts), then walking the good rows as the import
does (building each account's form, without saving: saving is create_account per row). Peak
memory is tracemalloc's peak of Python allocations (it slows the run, so times are with it on).
Prints a table. Run it from the repository root.

Measured on 150,000 rows (15.0 MB), 2 shared cores, tracemalloc on (issue 14, item 15):
before (whole file decoded, split, held; a form kept per good row): read 24.0 s, 159.1 MB peak;
read + check 980.5 s, 396.7 MB. After (csv module streaming from the file, a preview keeps
only its bad rows): read 4.5 s, 0.1 MB; read + check 967.0 s, 32.7 MB (what is left grows with
the file: the in-file duplicate check's key per row).
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

HEADER = ["First Name", "Last Name", "DOB", "Address", "City", "State", "Zip", "Phone", "E-mail",
          "Notes"]


def write_csv(path: Path, rows: int) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        for n in range(rows):
            born = f"{n % 12 + 1:02d}/{n % 28 + 1:02d}/19{50 + n % 50}"
            out.writerow([f"First{n}", f"Last{n % 9973}", born,
                          f"{n} Main St", "Springfield", "IL", "62701", f"217-555-{n % 10000:04d}",
                          f"p{n}@example.com", "called twice\nleft a message" if n % 7 == 0 else ""])


def phase(name: str, path: Path) -> None:
    """One measurement, in this process (run as a child)."""
    from billing_desk.exchange import importing
    from billing_desk.models.db import open_database

    folder = Path(tempfile.mkdtemp(prefix="bench-import-"))
    db = open_database(folder / "office.sqlite")
    from billing_desk.services.accounts import account_import
    from billing_desk.services.office.users import ensure_administrator

    ensure_administrator()
    tracemalloc.start()
    started = time.perf_counter()
    table = importing.read_rows(path)
    rows = len(table.rows)
    if name != "read":
        mapping = importing.guess_mapping(table.headers, account_import.TARGETS)
        result = account_import.preview_accounts(table, mapping)
        if name == "read, check, walk":
            walked = sum(1 for _ in result.good)
            assert walked == len(result.good), (walked, len(result.good))
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    db.close()
    print(f"{name}\t{rows}\t{seconds:.1f}\t{peak / 2**20:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=150_000)
    parser.add_argument("--walk", action="store_true",
                        help="also measure read, check and walk the good rows (as long again)")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        phase(args.phase, Path(args.file))
        return
    path = Path(tempfile.mkdtemp(prefix="bench-import-")) / "accounts.csv"
    write_csv(path, args.rows)
    print(f"{args.rows:,} rows, {path.stat().st_size / 2**20:.1f} MB of CSV")
    print(f"{'phase':<18}{'rows':>10}{'seconds':>10}{'peak MB':>10}")
    for name in ("read", "read + check") + (("read, check, walk",) if args.walk else ()):
        out = subprocess.run([sys.executable, __file__, "--phase", name, "--file", str(path)],
                             capture_output=True, text=True, check=True)
        _n, rows, seconds, peak = out.stdout.strip().splitlines()[-1].split("\t")
        print(f"{name:<18}{int(rows):>10,}{float(seconds):>10.1f}{float(peak):>10.1f}")


if __name__ == "__main__":
    main()
