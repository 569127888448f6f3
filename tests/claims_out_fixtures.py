"""The demo office with claims ready to go out: built once per module, copied for each test.

The demo sends its ready claims every Monday, so on some days it has none left; a visit posted
today for each insured active patient (as the demo's clerk would) leaves ready claims for every
payer, electronic and paper."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

PASSWORD = "billing-demo"  # every demo user's password (services/demo.DEMO_PASSWORD)


def _post_todays_visits() -> None:
    from billing_desk.models import Account, Coverage, User
    from billing_desk.services import demo
    from billing_desk.services.books import invoices

    clerk = User.get(User.username == "maria")
    diagnosis = demo.load_recipe()["diagnoses"][0]
    today = dt.date.today()
    insured = (Account.select().join(Coverage, on=(Coverage.account == Account.id))
               .where(Account.status == "active", Account.kind == "patient", Coverage.rank == "primary",
                      Coverage.active == True)  # noqa: E712
               .distinct().order_by(Account.id))
    for account in insured:
        draft = invoices.InvoiceDraft(account_id=account.id, service_date=today, diagnoses=[diagnosis],
                                      lines=[invoices.LineInput(code="99213", quantity=1, pointers="1")])
        invoice = invoices.save_draft(draft, clerk)
        invoices.post_invoice(invoice.id, clerk, entry_date=today)


@pytest.fixture(scope="module")
def demo_office(tmp_path_factory) -> Path:
    from billing_desk.models.db import open_database
    from billing_desk.services import demo

    folder = tmp_path_factory.mktemp("claims-out")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BILLING_DESK_HOME", str(folder / "home"))
        opened = open_database(folder / "office.sqlite")
        demo.build_demo(accounts=25, seed=3)
        _post_todays_visits()
        opened.close()
    return folder / "office.sqlite"


@pytest.fixture
def office_file(demo_office, tmp_path) -> Path:
    """A copy of the demo office (with its audit key) for one test."""
    for source in demo_office.parent.glob("office.sqlite*"):
        shutil.copy2(source, tmp_path / source.name)
    return tmp_path / "office.sqlite"


@pytest.fixture
def demo_db(office_file):
    from billing_desk.models.db import open_database

    opened = open_database(office_file)
    yield opened
    opened.close()


@pytest.fixture
def maria(demo_db):
    from billing_desk.models import User

    return User.get(User.username == "maria")


@pytest.fixture
def password_file(tmp_path) -> str:
    path = tmp_path / "password.txt"
    path.write_text(PASSWORD + "\n", encoding="utf-8")
    return str(path)


def payer_with_ready(mode: str) -> str:
    """The name of a payer taking ``mode`` claims that has ready ones."""
    from billing_desk.services.claims import submission

    ready = submission.ready_claims(mode)
    assert ready, f"the demo office has no ready {mode} claims"
    return ready[0].payer


def statuses(claim_ids) -> dict[int, tuple[str, str | None, int | None]]:
    from billing_desk.models import Claim

    return {c.id: (c.status, c.submitted_mode, c.batch_id)
            for c in Claim.select().where(Claim.id.in_(list(claim_ids)))}
