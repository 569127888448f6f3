"""The whole-database check behind `billing-desk check` and Tools > Check."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models import database
from ..models.db import integrity_check
from .audit import verify_chain
from .ledger import check_ledger


@dataclass
class CheckResult:
    integrity: list[str] = field(default_factory=list)
    ledger: list[str] = field(default_factory=list)
    audit: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.integrity or self.ledger or self.audit)

    def lines(self) -> list[str]:
        out = []
        for name, problems in (("integrity", self.integrity), ("ledger", self.ledger),
                               ("audit trail", self.audit)):
            out.append(f"{name}: ok" if not problems else f"{name}: {len(problems)} problem(s)")
            out += [f"  - {p}" for p in problems]
        return out


def run_checks() -> CheckResult:
    result = CheckResult(integrity=integrity_check(database.obj))
    if not result.integrity:
        from .order_billing import check_orders

        result.ledger = check_ledger() + check_orders()
        result.audit = verify_chain()
    return result
