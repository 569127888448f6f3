"""Shared fixtures: a fresh database per test, an acting user of each role, a small catalogue."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from billing_desk.refcounts import reserve_references

reserve_references()  # the whole suite makes more Qt calls than None has references (refcounts.py)


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    """Every test gets its own data folder, so nothing touches the user's real files."""
    monkeypatch.setenv("BILLING_DESK_HOME", str(tmp_path / "home"))
    yield
    _finish_background_work()


def _finish_background_work() -> None:
    """No background job outlives its test: one left running (a window closed without waiting, a
    review built as its window opened) would go on reading through the next test's office, the
    one the shared database handle points at by then."""
    import sys

    work = sys.modules.get("billing_desk.ui.work")
    if work is None:
        return
    for job in list(work._RUNNING):
        job.cancel()
        if not job.wait(60_000):
            raise RuntimeError(f"background work '{job.title}' did not end within 60 s of its test")
        work._RUNNING.discard(job)


ENGINES = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc):
    """Modules marked ``both_engines`` run each test that uses ``db`` on SQLite and on the
    PostgreSQL server named by BILLING_DESK_TEST_PG (.ci/install_postgres.sh starts one)."""
    if "db" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_engines"):
        engines = (ENGINES[:1] if metafunc.definition.get_closest_marker("sqlite_only") else
                   ENGINES[1:] if metafunc.definition.get_closest_marker("server_only") else ENGINES)
        metafunc.parametrize("db", engines, indirect=True)


@pytest.fixture
def db(request, tmp_path):
    from billing_desk.models.db import open_database

    if getattr(request, "param", "sqlite") == "postgresql":
        from pg_office import fresh_server_office

        opened = fresh_server_office(request)
    else:
        opened = open_database(tmp_path / "office.sqlite")
    yield opened
    opened.close()


@pytest.fixture
def admin(db):
    from billing_desk.services.office.users import ensure_administrator

    return ensure_administrator()


def program_user(username: str, full_name: str, role: str):
    """A user as the program adds one: the row and its seal (a bare row reads as an edit made
    outside the program once the office's users are sealed)."""
    from billing_desk.models import User
    from billing_desk.services.office import audit, seals

    user = User.create(username=username, full_name=full_name, role=role)
    if seals._get(seals.USER_SEALS) is not None:
        seals.seal_user(user, audit.chain_key())
    return user


@pytest.fixture
def clerk(db):
    return program_user("clerk", "Carla Clerk", "clerk")


@pytest.fixture
def supervisor(db):
    return program_user("super", "Sid Supervisor", "supervisor")


@pytest.fixture
def catalogue(db):
    from billing_desk.models import CatalogueItem

    items = {
        "99213": ("procedure", "Established patient visit, level 3", "120.00", "45.00"),
        "36415": ("procedure", "Blood draw", "15.00", "4.00"),
        "80053": ("procedure", "Metabolic panel", "45.00", "12.00"),
        "PRD-KIT": ("product", "First aid kit", "48.00", "22.00"),
    }
    return {code: CatalogueItem.create(code=code, kind=kind, description=desc,
                                       unit_price=Decimal(price), unit_cost=Decimal(cost))
            for code, (kind, desc, price, cost) in items.items()}


@pytest.fixture
def make_account(db, admin):
    """An active account, ready to invoice."""
    from billing_desk.services.accounts import registry

    counter = iter(range(1, 10_000))

    def make(last="Lee", first="Ann", **extra):
        n = next(counter)
        form = registry.AccountForm(first_name=first, last_name=last, date_of_birth="01/02/1980",
                                    phone=f"212-555-{n:04d}", state="NY", zip_code="10001", **extra)
        account = registry.create_account(form, admin)
        return registry.approve_account(account.id, admin)

    return make


D = Decimal
DAY = dt.date(2026, 1, 5)


@pytest.fixture
def native_printer(qapp):
    """Skip where the machine has no native (CUPS or Windows) printer, as Qt's page setup dialog
    needs one; in CI (``CI`` set, as .ci/run does) a missing printer is a failure."""
    from PySide6.QtPrintSupport import QPrinterInfo

    names = QPrinterInfo.availablePrinterNames()
    if not names:
        reason = ("no native printer: Qt's page setup dialog cannot be used on non-native printers "
                  "(run .ci/install_cups.sh as root)")
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return names[0]


_exit_status = 0


def pytest_sessionfinish(session, exitstatus):
    global _exit_status
    _exit_status = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    """The results are final here (the summary is printed): leave without the interpreter's own
    teardown, where Qt's objects left by a thousand window tests are destroyed in no good order
    and the process could end in SIGSEGV (exit 139) after a green run."""
    import sys

    if os.environ.get("QT_QPA_PLATFORM") == "offscreen" and not hasattr(sys, "gettotalrefcount"):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_exit_status)
