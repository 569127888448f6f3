"""The whole-database check behind `billing-desk check` and Tools > Check: integrity, the
schema against the program's own (triggers, indexes), the ledger and the audit trail."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models import database
from ..models.db import integrity_check
from ..models.schema_check import schema_problems
from .books.ledger import check_ledger
from .office.audit import verify_chain
from .orders.order_billing import check_orders


@dataclass
class CheckResult:
    integrity: list[str] = field(default_factory=list)
    ledger: list[str] = field(default_factory=list)
    audit: list[str] = field(default_factory=list)
    schema: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.integrity or self.schema or self.ledger or self.audit)

    def lines(self) -> list[str]:
        out = []
        for name, problems in (("integrity", self.integrity), ("schema", self.schema),
                               ("ledger", self.ledger), ("audit trail", self.audit)):
            out.append(f"{name}: ok" if not problems else f"{name}: {len(problems)} problem(s)")
            out += [f"  - {p}" for p in problems]
        return out


def run_checks() -> CheckResult:
    result = CheckResult(integrity=integrity_check(database.obj))
    if not result.integrity:
        result.schema = schema_problems(database.connection())
        result.ledger = check_ledger() + check_orders()
        result.audit = verify_chain()
    return result


def check_database(*, close_thread_connection: bool = False):
    """Integrity, ledger and audit trail of the open database.

    In a worker thread pass ``close_thread_connection``: peewee gives each thread its own
    connection to the same file, and the worker's is closed when the check is done.
    """
    try:
        return run_checks()
    finally:
        if close_thread_connection:
            database.close()
