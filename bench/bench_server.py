#!/usr/bin/env python3
"""The core benchmark on a file and on a PostgreSQL server, side by side.

    python bench/bench_server.py --server postgresql://USER@HOST:PORT/DBNAME \\
        [--accounts 100000] [--invoices 1000000]

Builds the synthetic office into a file with ``bench_core.build``, copies it whole onto the
(empty) server database with the program's own move (``billing-desk migrate``), then times the
same hot paths (``bench_core.measure``) on both and prints them in two columns. The server
database is left holding the copy; drop it after. Run it from the repository root.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_core import build, measure

from billing_desk.services.moving import move_office


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", required=True, help="an empty database: postgresql://...")
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    args = parser.parse_args()
    path = Path(tempfile.mkdtemp()) / "bench.sqlite"
    built = build(path, args.accounts, args.invoices)
    start = time.perf_counter()
    move_office(path, args.server)
    moved = time.perf_counter() - start
    on_file, on_server = measure(path), measure(args.server)
    rows = [(f"build {args.accounts:,} accounts, {args.invoices:,} invoices (file)", built * 1000,
             None),
            ("move it onto the server, verified (billing-desk migrate)", None, moved * 1000)]
    rows += [(name, file_ms, server_ms) for (name, file_ms, _u), (_n, server_ms, _v)
             in zip(on_file, on_server)]
    width = max(len(name) for name, _f, _s in rows)
    print(f"{'what':<{width}}  {'file':>12}  {'server':>12}")
    print(f"{'-' * width}  {'-' * 12}  {'-' * 12}")
    for name, file_ms, server_ms in rows:
        cells = [f"{v:>9,.1f} ms" if v else " " * 12 for v in (file_ms, server_ms)]
        print(f"{name:<{width}}  {cells[0]}  {cells[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
