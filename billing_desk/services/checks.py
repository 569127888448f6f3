"""The whole-database check behind `billing-desk check` and Tools > Check: integrity, the
schema against the program's own (triggers, indexes), the ledger and the audit trail."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models import database
from ..models.db import DATABASE_ERRORS, integrity_check
from ..models.schema_check import database_schema_problems
from .books.ledger import check_ledger
from .claims.claim_checks import check_claims
from .office.audit import verify_chain
from .orders.order_billing import check_orders


@dataclass
class CheckResult:
    integrity: list[str] = field(default_factory=list)
    ledger: list[str] = field(default_factory=list)
    audit: list[str] = field(default_factory=list)
    schema: list[str] = field(default_factory=list)
    not_run: dict[str, str] = field(default_factory=dict)  # check name -> why it did not run

    @property
    def clean(self) -> bool:
        return not (self.integrity or self.schema or self.ledger or self.audit or self.not_run)

    def lines(self) -> list[str]:
        out = []
        for name, problems in (("integrity", self.integrity), ("schema", self.schema),
                               ("ledger", self.ledger), ("audit trail", self.audit)):
            if name in self.not_run:
                out.append(f"{name}: not run ({self.not_run[name]})")
                continue
            out.append(f"{name}: ok" if not problems else f"{name}: {len(problems)} problem(s)")
            out += [f"  - {p}" for p in problems]
        return out


def run_checks() -> CheckResult:
    """Integrity first; the ledger and the audit trail only on a sound file, and a check that could
    not read what it needs is said "not run", never "ok"."""
    result = CheckResult(integrity=integrity_check(database.obj))
    if result.integrity:
        result.not_run = {name: "the file failed its integrity check"
                          for name in ("schema", "ledger", "audit trail")}
        return result
    checks = (("schema", lambda: database_schema_problems(database.obj)),
              ("ledger", lambda: check_ledger() + check_orders() + check_claims()),
              ("audit trail", verify_chain))
    for name, check in checks:
        try:
            problems = check()
        except DATABASE_ERRORS as exc:
            result.not_run[name] = f"the data could not be read: {exc}"
            continue
        setattr(result, {"audit trail": "audit"}.get(name, name), problems)
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
