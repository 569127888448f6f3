"""The estimate: what insurance should pay and what the patient will owe, line by line.

``estimate`` is a pure function over plain data (no database), so every rule is tested against
hand-worked cases. ``estimate_for`` gathers that data for an account from the database.

The rules, for each line in order, under the primary plan:
- not covered: the patient owes the whole charge (it does not count toward the OOP maximum);
- allowed = the payer's fee schedule amount x quantity (the charge when none), never above the
  charge; the difference is the contractual allowance nobody pays;
- the copay is taken once per visit, from the first covered line, up to its allowed amount;
- a line whose code category has its own copay in the plan (an office visit: $25, no deductible)
  takes that copay instead, once per visit per category; when the deductible does not apply to
  the category, insurance pays the rest of the allowed amount (no deductible, no coinsurance);
- then what is left of the deductible, then coinsurance (the patient's percent) of the rest;
- the patient's copay + deductible + coinsurance stop at the out-of-pocket maximum;
- insurance pays the rest of the allowed amount.
A secondary plan then looks at each line as if it were primary (its own rules, deductible,
coinsurance) and pays the smaller of that and what the patient still owes on the line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Mapping

from ...models import Coverage
from ...money import ZERO, format_money, percent_of, round_money

COVERED, NOT_COVERED, PRIOR_AUTH = "covered", "not_covered", "prior_auth"


@dataclass(frozen=True)
class CategoryCopay:
    """A plan's own copay for one category of codes."""

    copay: Decimal
    deductible_applies: bool = False


@dataclass(frozen=True)
class PlanTerms:
    """One plan as the estimate needs it (amounts met so far come from the coverage)."""

    name: str
    copay: Decimal = ZERO
    deductible: Decimal = ZERO
    deductible_met: Decimal = ZERO
    coinsurance: Decimal = ZERO  # the patient's share, in percent
    oop_max: Decimal | None = None
    oop_met: Decimal = ZERO
    rules: Mapping[str, str] = field(default_factory=dict)  # code -> covered/not_covered/prior_auth
    allowed: Mapping[str, Decimal] = field(default_factory=dict)  # code -> allowed for one unit
    covers_unlisted: bool = True
    categories: Mapping[str, str] = field(default_factory=dict)  # code -> catalogue category
    category_copays: Mapping[str, CategoryCopay] = field(default_factory=dict)  # category -> terms
    verified: str = ""  # when the coverage was last verified with the payer ("" not read)

    def category_copay(self, code: str) -> tuple[str, CategoryCopay] | None:
        category = self.categories.get(code, "")
        special = self.category_copays.get(category) if category else None
        return (category, special) if special else None

    def rule(self, code: str) -> str:
        return self.rules.get(code, COVERED if self.covers_unlisted else NOT_COVERED)


@dataclass(frozen=True)
class ChargeLine:
    code: str
    quantity: int
    charge: Decimal  # the line's amount (unit price x quantity)
    description: str = ""


@dataclass
class LineEstimate:
    code: str
    description: str
    charge: Decimal
    rule: str = NOT_COVERED  # under the primary plan ("" when there is no insurance)
    allowed: Decimal = ZERO
    contractual: Decimal = ZERO
    primary_pays: Decimal = ZERO
    secondary_pays: Decimal = ZERO
    copay: Decimal = ZERO
    deductible: Decimal = ZERO
    coinsurance: Decimal = ZERO
    not_covered: Decimal = ZERO
    patient_pays: Decimal = ZERO
    notes: list[str] = field(default_factory=list)

    @property
    def insurance_pays(self) -> Decimal:
        return self.primary_pays + self.secondary_pays


@dataclass
class Estimate:
    lines: list[LineEstimate]
    primary: str = ""
    secondary: str = ""
    terms: list[PlanTerms] = field(default_factory=list)  # the plans used, primary first

    def standing(self) -> str:
        """'Acme PPO: deductible met $420.00 of $500.00, out-of-pocket met ...' for the screen."""
        parts = []
        for plan in self.terms:
            text = (f"{plan.name}: deductible met {format_money(plan.deductible_met)} of "
                    f"{format_money(plan.deductible)}")
            if plan.oop_max is not None:
                text += (f", out-of-pocket met {format_money(plan.oop_met)} of "
                         f"{format_money(plan.oop_max)}")
            if plan.verified:
                text += f" ({plan.verified})"
            parts.append(text)
        return "; ".join(parts) or "No insurance on file for the date of service"

    def total(self, name: str) -> Decimal:
        return sum((getattr(line, name) for line in self.lines), ZERO)


@dataclass
class _Share:
    """What one plan pays on one line, and the patient's cost-sharing under it."""

    allowed: Decimal = ZERO
    pays: Decimal = ZERO
    copay: Decimal = ZERO
    deductible: Decimal = ZERO
    coinsurance: Decimal = ZERO


class _Accumulator:
    """A plan's running deductible, copay and out-of-pocket state across one visit's lines."""

    def __init__(self, plan: PlanTerms):
        self.plan = plan
        self.deductible_left = max(plan.deductible - plan.deductible_met, ZERO)
        self.oop_left = None if plan.oop_max is None else max(plan.oop_max - plan.oop_met, ZERO)
        self.copay_taken = False
        self.categories_taken: set[str] = set()

    def share(self, line: ChargeLine, basis: Decimal | None = None) -> _Share:
        plan = self.plan
        per_unit = plan.allowed.get(line.code)
        allowed = line.charge if per_unit is None else round_money(per_unit * line.quantity)
        allowed = min(allowed, line.charge if basis is None else basis)
        share = _Share(allowed=allowed)
        rest = allowed
        special = plan.category_copay(line.code)
        if special is not None:
            category, terms = special
            if category not in self.categories_taken:
                share.copay = min(terms.copay, rest)
                self.categories_taken.add(category)
                rest -= share.copay
            if not terms.deductible_applies:
                self._cap(share)
                share.pays = allowed - share.copay
                return share
        elif not self.copay_taken and plan.copay > 0:
            share.copay = min(plan.copay, rest)
            self.copay_taken = True
            rest -= share.copay
        share.deductible = min(self.deductible_left, rest)
        self.deductible_left -= share.deductible
        rest -= share.deductible
        share.coinsurance = percent_of(rest, plan.coinsurance)
        self._cap(share)
        share.pays = allowed - share.copay - share.deductible - share.coinsurance
        return share

    def _cap(self, share: _Share) -> None:
        """Stop the patient's cost-sharing at the out-of-pocket maximum (coinsurance goes first)."""
        if self.oop_left is None:
            return
        over = share.copay + share.deductible + share.coinsurance - self.oop_left
        for name in ("coinsurance", "deductible", "copay"):
            if over <= 0:
                break
            cut = min(over, getattr(share, name))
            setattr(share, name, getattr(share, name) - cut)
            over -= cut
        self.oop_left -= share.copay + share.deductible + share.coinsurance


def estimate(lines: list[ChargeLine], primary: PlanTerms | None = None,
             secondary: PlanTerms | None = None) -> Estimate:
    """Estimate every line under the primary plan, then the secondary. Pure: no database."""
    result = Estimate(lines=[], primary=primary.name if primary else "",
                      secondary=secondary.name if secondary else "",
                      terms=[p for p in (primary, secondary) if p is not None])
    first = _Accumulator(primary) if primary else None
    second = _Accumulator(secondary) if secondary else None
    for line in lines:
        est = LineEstimate(code=line.code, description=line.description, charge=line.charge)
        if first is None:
            est.rule, est.not_covered = "", line.charge
        else:
            _primary(est, line, first)
        if second is not None:
            _secondary(est, line, second)
        est.patient_pays = (est.copay + est.deductible + est.coinsurance + est.not_covered
                            - est.secondary_pays)
        result.lines.append(est)
    return result


def _primary(est: LineEstimate, line: ChargeLine, plan: _Accumulator) -> None:
    est.rule = plan.plan.rule(line.code)
    if est.rule == NOT_COVERED:
        est.not_covered = line.charge
        est.notes.append(f"{plan.plan.name} does not cover {line.code}")
        return
    if est.rule == PRIOR_AUTH:
        est.notes.append(f"{plan.plan.name} needs prior authorization for {line.code}; "
                         "without it the claim may be denied")
    share = plan.share(line)
    est.allowed, est.primary_pays = share.allowed, share.pays
    est.contractual = line.charge - share.allowed
    est.copay, est.deductible, est.coinsurance = share.copay, share.deductible, share.coinsurance


def _secondary(est: LineEstimate, line: ChargeLine, plan: _Accumulator) -> None:
    owed = est.copay + est.deductible + est.coinsurance + est.not_covered
    if owed <= 0 or plan.plan.rule(line.code) == NOT_COVERED:
        return
    basis = est.allowed if est.rule not in ("", NOT_COVERED) else line.charge
    share = plan.share(line, basis=basis)
    est.secondary_pays = min(share.pays, owed)


def estimate_for(account_id: int, on: dt.date, lines: list[ChargeLine]) -> Estimate:
    """The estimate for an account's coverages on the date of service (reads the database)."""
    plans = []
    for rank in ("primary", "secondary"):
        coverage = active_coverage(account_id, on, rank) if account_id else None
        plans.append(plan_terms(coverage, [line.code for line in lines]) if coverage else None)
    return estimate(lines, plans[0], plans[1])


def plan_terms(coverage, codes: list[str]) -> PlanTerms:
    from ...models import CatalogueItem, FeeSchedule, PlanCopay, PlanRule
    from ...models.base import prepared
    from ..claims.payer_calls import verified_words

    plan = coverage.plan
    codes = sorted(set(codes))
    by_code = [(CatalogueItem.code, code) for code in codes]
    rules = {code: rule for code, rule in prepared(f"a plan's rules for {len(codes)} codes", lambda: (
        PlanRule.select(CatalogueItem.code, PlanRule.rule).join(CatalogueItem)
        .where(PlanRule.plan == plan.id, CatalogueItem.code.in_(codes)).tuples()),
        [(PlanRule.plan, plan.id), *by_code])}
    allowed = {item.code: item.allowed for item in prepared(
        f"a payer's fees for {len(codes)} codes", lambda: (
        FeeSchedule.select(CatalogueItem.code, FeeSchedule.allowed).join(CatalogueItem)
        .where(FeeSchedule.payer == plan.payer_id, CatalogueItem.code.in_(codes)).objects()),
        [(FeeSchedule.payer, plan.payer_id), *by_code])}
    copays = {c.category: CategoryCopay(c.copay, c.deductible_applies) for c in prepared(
        "a plan's copays", lambda: PlanCopay.select().where(PlanCopay.plan == plan.id),
        [(PlanCopay.plan, plan.id)])}
    categories = {code: category for code, category in
                  CatalogueItem.select(CatalogueItem.code, CatalogueItem.category)
                  .where(CatalogueItem.code.in_(codes)).tuples()} if copays else {}
    return PlanTerms(name=str(plan), copay=plan.copay, deductible=plan.deductible,
                     deductible_met=coverage.deductible_met, coinsurance=plan.coinsurance,
                     oop_max=plan.out_of_pocket_max, oop_met=coverage.out_of_pocket_met,
                     rules=rules, allowed=allowed, covers_unlisted=plan.covers_unlisted,
                     categories=categories, category_copays=copays,
                     verified=verified_words(coverage.id))


def active_coverage(account_id: int, on: dt.date, rank: str = "primary") -> Coverage | None:
    from ..claims.payer_order import covering  # the same rule, one statement

    return covering(account_id, on, rank)
