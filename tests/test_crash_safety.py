"""Crash safety: the program's own posting work, SIGKILLed at random moments, never leaves the
books broken; and a second program on the same file never damages it.

Each round starts a child that opens the database, posts invoices and payments through the
services in a loop, and prints each committed invoice number; after a random short delay it is
killed with SIGKILL. Then the file must open, pass the integrity and ledger checks, hold no
half-posted invoice and no gap in invoice numbers, and hold every number the child reported.
Two files are worked in parallel (one per core). ``BILLING_DESK_CRASH_KILLS`` sets the number
of kills (200 by default; more for a longer run outside CI).
"""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")

ROOT = Path(__file__).resolve().parent.parent
KILLS = int(os.environ.get("BILLING_DESK_CRASH_KILLS", "200"))
WORKERS = 2

# One child script: it imports the program once, then for each "go SEED" line forks a worker
# that opens the database and posts through the services. The script says "pid N" and "dead" on
# stdout; the worker says "ready" and each committed invoice number on its own pipe (argv[2]),
# each line one os.write (atomic on a pipe), so the two never join on one line. When the worker
# is reaped the script writes "end" on the worker's pipe: everything the worker wrote is before
# it. (The script holds no database connection and no thread, so each fork starts as clean as a
# new program would, without paying the imports again: that is what fits 200 kills into CI.)
CHILD = r"""
import datetime as dt, os, random, sys
from billing_desk.models import Account
from billing_desk.models.db import open_database
from billing_desk.services.books import invoices, payments
from billing_desk.services.office.users import ensure_administrator

OUT = int(sys.argv[2])

def say(fd, text):
    os.write(fd, (text + "\n").encode())

def work(path, seed):
    opened = open_database(path)
    admin = ensure_administrator()
    ids = [a.id for a in Account.select(Account.id).where(Account.status == "active")]
    rng = random.Random(seed)
    day = dt.date(2026, 1, 5)
    say(OUT, "ready")
    while True:
        account = rng.choice(ids)
        invoice = invoices.quick_invoice(account, day, [("99213", 1), ("36415", rng.randint(1, 3))],
                                         admin, entry_date=day)
        say(OUT, str(invoice.number))
        if rng.random() < 0.4:
            payments.record_payment(account, f"{rng.randint(1, 80)}.{rng.randint(0, 99):02d}",
                                    admin, entry_date=day)

for line in sys.stdin:
    pid = os.fork()
    if pid == 0:
        try:
            work(sys.argv[1], int(line.split()[1]))
        finally:
            os._exit(1)
    say(1, f"pid {pid}")
    os.waitpid(pid, 0)
    say(OUT, "end")
    say(1, "dead")
"""
LINE_TIMEOUT = 60.0  # seconds any one line may take; a silent child fails the test, never hangs it


class LineReader:
    """Whole lines from one pipe, each read with a timeout."""

    def __init__(self, fd: int, name: str):
        self.fd, self.name, self.buffer = fd, name, b""

    def line(self, timeout: float = LINE_TIMEOUT) -> str:
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                raise AssertionError(f"no line from the {self.name} within {timeout:.0f} s")
            data = os.read(self.fd, 65536)
            if not data:
                raise AssertionError(f"the {self.name} closed its output (see its stderr above)")
            self.buffer += data
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line.decode().strip()


def build_office(path: Path, accounts_count: int = 5) -> None:
    from decimal import Decimal

    from billing_desk.models import CatalogueItem
    from billing_desk.models.db import open_database
    from billing_desk.services.accounts import registry
    from billing_desk.services.office.users import ensure_administrator

    opened = open_database(path)
    try:
        admin = ensure_administrator()
        CatalogueItem.create(code="99213", kind="procedure", description="Office visit",
                             unit_price=Decimal("120.00"), unit_cost=Decimal("45.00"))
        CatalogueItem.create(code="36415", kind="procedure", description="Blood draw",
                             unit_price=Decimal("15.00"), unit_cost=Decimal("4.00"))
        for n in range(accounts_count):
            form = registry.AccountForm(first_name="Ann", last_name=f"Crash{chr(65 + n)}",
                                        date_of_birth="01/02/1980", phone=f"212-555-{n:04d}",
                                        state="NY", zip_code="10001")
            registry.approve_account(registry.create_account(form, admin).id, admin)
    finally:
        opened.close()


class Child:
    """The child script, and one worker at a time forked from it."""

    def __init__(self, path: Path, script: str = CHILD, timeout: float = LINE_TIMEOUT):
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        read_end, write_end = os.pipe()
        self.proc = subprocess.Popen([sys.executable, "-c", script, str(path), str(write_end)],
                                     cwd=ROOT, env=env, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, pass_fds=(write_end,))
        os.close(write_end)
        self.script = LineReader(self.proc.stdout.fileno(), "child script")
        self.worker = LineReader(read_end, "worker")
        self.timeout, self.pid = timeout, 0

    def start(self, seed: int) -> set[int]:
        """Fork a worker and wait until it is posting."""
        self.proc.stdin.write(f"go {seed}\n".encode())
        self.proc.stdin.flush()
        line = self.script.line(self.timeout)
        if not line.startswith("pid "):
            raise AssertionError(f"the child script said {line!r}, not its worker's pid")
        self.pid = int(line[4:])
        numbers = set()
        while (line := self.worker.line(self.timeout)) != "ready":
            if line.isdigit():
                numbers.add(int(line))
        return numbers

    def kill(self) -> set[int]:
        """SIGKILL the worker; the invoice numbers it reported committed."""
        os.kill(self.pid, signal.SIGKILL)
        numbers = set()
        while (line := self.worker.line(self.timeout)) != "end":
            if line.isdigit():
                numbers.add(int(line))
        if (line := self.script.line(self.timeout)) != "dead":
            raise AssertionError(f"the child script said {line!r}, not that its worker died")
        return numbers

    def close(self) -> None:
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()
        os.close(self.worker.fd)


def test_a_silent_child_fails_the_round_in_time_instead_of_hanging(tmp_path):
    child = Child(tmp_path / "none.sqlite", script="import sys, time\nsys.stdin.readline()\ntime.sleep(60)",
                  timeout=1.0)
    started = time.monotonic()
    try:
        with pytest.raises(AssertionError, match="no line from the child script within 1 s"):
            child.start(1)
    finally:
        child.proc.kill()
        child.close()
    assert time.monotonic() - started < 10


def test_worker_lines_and_script_lines_never_join(tmp_path):
    """The script's "pid N" and the worker's "ready" come through two pipes: however their
    writes interleave, each is read whole."""
    script = ("import os, sys\nout = int(sys.argv[2])\nsys.stdin.readline()\n"
              "os.write(out, b'ready\\n'); os.write(1, b'pid 4242\\n'); os.write(out, b'7\\nend\\n')\n"
              "os.write(1, b'dead\\n')\nsys.stdin.readline()\n")
    child = Child(tmp_path / "none.sqlite", script=script, timeout=10.0)
    try:
        assert child.start(1) == set() and child.pid == 4242
        child.pid = os.getpid()  # kill() signals the worker: give it a harmless target
        original, os.kill = os.kill, lambda *_: None
        try:
            assert child.kill() == {7}
        finally:
            os.kill = original
    finally:
        child.close()


def verify(path: Path, reported: set[int]) -> int:
    """Everything the issue asks after a kill; returns the number of posted invoices."""
    from billing_desk.models import Invoice, database
    from billing_desk.models.db import integrity_check, open_database
    from billing_desk.services.books.ledger import check_ledger

    opened = open_database(path)  # opens (with its quick check) and takes the lock
    try:
        assert integrity_check(opened.db) == []
        assert check_ledger() == []
        half = database.execute_sql(
            "SELECT count(*) FROM invoice i WHERE i.status != 'draft' AND (i.number IS NULL OR "
            "NOT EXISTS (SELECT 1 FROM ledger_entry e WHERE e.invoice_id = i.id AND e.kind = 'charge'))"
        ).fetchone()[0]
        assert half == 0, "a half-posted invoice"
        numbers = [n for (n,) in Invoice.select(Invoice.number).where(Invoice.number.is_null(False))
                   .order_by(Invoice.number).tuples()]
        if numbers:
            assert numbers == list(range(numbers[0], numbers[0] + len(numbers))), "a gap in numbers"
        missing = reported - set(numbers)
        assert not missing, f"reported committed but not there: {sorted(missing)[:10]}"
        return len(numbers)
    finally:
        opened.close()


def kill_rounds(path: Path, rounds: int, seed: int, check_lock: threading.Lock, log: list) -> None:
    rng = random.Random(seed)
    reported: set[int] = set()
    child = Child(path)
    try:
        for n in range(rounds):
            reported |= child.start(seed * 10_000 + n)
            time.sleep(rng.uniform(0.0, 0.25))
            reported |= child.kill()
            with check_lock:  # the checks bind the one peewee proxy: one file at a time
                log.append((path.name, n, len(reported), verify(path, reported)))
    finally:
        child.close()


def test_sigkill_at_random_moments_never_breaks_the_books(tmp_path):
    paths = [tmp_path / f"crash{i}.sqlite" for i in range(WORKERS)]
    for path in paths:
        build_office(path)
    check_lock, log, errors = threading.Lock(), [], []

    def worker(i: int) -> None:
        try:
            kill_rounds(paths[i], KILLS // WORKERS + (i < KILLS % WORKERS), 1 + i, check_lock, log)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    assert len(log) == KILLS
    reported_total = sum(max(r[2] for r in log if r[0] == p.name) for p in paths)
    # the kills landed while work was going on (a loaded machine posts fewer between kills:
    # half an invoice a round on average is plenty to say so)
    assert reported_total >= KILLS // 2
    posted = sum(max(r[3] for r in log if r[0] == p.name) for p in paths)
    print(f"\n{KILLS} kills; {reported_total} invoices reported committed, {posted} posted")
    from billing_desk.models.db import open_database
    from billing_desk.services.checks import run_checks

    for path in paths:  # the whole check, audit trail included, once at the end
        opened = open_database(path)
        try:
            assert run_checks().clean
        finally:
            opened.close()


def test_a_second_program_on_the_same_file_never_damages_it(tmp_path):
    from billing_desk.errors import DatabaseError
    from billing_desk.models.db import open_database
    from billing_desk.services.office import backup as backups, restore
    from billing_desk.services.office.session import open_session

    path = tmp_path / "office.sqlite"
    build_office(path)
    session = open_session(path)
    admin = session.user
    session.close()
    child = Child(path)
    reported = child.start(99)
    try:
        time.sleep(0.2)
        before = path.stat().st_size
        with pytest.raises(DatabaseError, match="open in another Billing Desk"):
            open_database(path)
        (tmp_path / "bk").mkdir()
        made = backups.make_backup(path, tmp_path / "bk")  # reads while the child writes
        backups.verify_backup(made.path)
        with pytest.raises(DatabaseError, match="open in another Billing Desk"):
            restore.restore_backup(made.path, path, admin)
        assert path.stat().st_size >= before
    finally:
        reported |= child.kill()
        child.close()
    assert verify(path, reported) >= len(reported) > 0
