"""Insurance plans as the estimate uses them: terms (copay, deductible, coinsurance, OOP max),
which codes each covers, and how much of the deductible and OOP an account has met so far."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from peewee import fn

from ...choices import COVERAGE_RULES
from ...errors import Problem, ValidationError
from ...models import CatalogueItem, Coverage, Payer, Plan, PlanCopay, PlanRule, User
from ...money import parse_money
from ..office import audit, stale
from ..office.transactions import in_transaction

RULE_WORDS = {"c": "covered", "covered": "covered", "n": "not_covered", "not covered": "not_covered",
              "not_covered": "not_covered", "p": "prior_auth", "prior auth": "prior_auth",
              "prior_auth": "prior_auth"}


def all_plans() -> list[Plan]:
    return list(Plan.select(Plan, Payer).join(Payer).order_by(Payer.name, Plan.name))


def get_plan(plan_id: int | None) -> Plan | None:
    """The plan with its payer, or None (no id, or the plan is gone)."""
    if not plan_id:
        return None
    return Plan.select(Plan, Payer).join(Payer).where(Plan.id == plan_id).first()


def _money(text, field: str, problems: list[Problem], *, blank_none: bool = False) -> Decimal | None:
    if blank_none and not str(text or "").strip():
        return None
    try:
        return parse_money(text if str(text or "").strip() else "0", field)
    except ValidationError as exc:
        problems += exc.problems
        return None


def check_plan(data: dict) -> tuple[dict, list[Problem]]:
    """A plan's typed terms (name, copay, deductible, coinsurance, out_of_pocket_max) checked:
    the values to save and every problem, each naming its field. The payer is not looked at."""
    problems: list[Problem] = []
    values: dict[str, Any] = {"name": (data.get("name") or "").strip(),
              "copay": _money(data.get("copay"), "copay", problems),
              "deductible": _money(data.get("deductible"), "deductible", problems),
              "coinsurance": _money(data.get("coinsurance"), "coinsurance", problems),
              "out_of_pocket_max": _money(data.get("out_of_pocket_max"), "out_of_pocket_max",
                                          problems, blank_none=True)}
    if "covers_unlisted" in data:  # left out: a new plan covers unlisted codes, a saved one keeps its
        values["covers_unlisted"] = bool(data["covers_unlisted"])
    if not values["name"]:
        problems.insert(0, Problem("name", "the plan needs a name"))
    if values["coinsurance"] is not None and values["coinsurance"] > 100:
        problems.append(Problem("coinsurance", "a percentage from 0 to 100"))
    return values, problems


def plan_version(plan: int | Plan | None) -> str:
    """What a screen showing the plan hands back when it saves (see services.office.stale): of
    the plan row the screen shows (a list's row may be older than the database's), or by id."""
    return stale.version_of(plan) if isinstance(plan, Plan) else stale.version(Plan, plan)


def save_plan(plan_id: int | None, data: dict, by: User, *, loaded_as: str = "") -> Plan:
    """Add or change a plan's terms; ``data`` holds what was typed (payer, name, amounts).
    ``loaded_as`` (``plan_version``): a save over a change made since is refused."""
    payer = Payer.get_or_none(Payer.name == (data.get("payer") or "").strip())
    values, problems = check_plan(data)
    if payer is None:
        problems.insert(0, Problem("payer", "choose the insurance company"))
    elif Plan.select().where(Plan.payer == payer, fn.LOWER(Plan.name) == values["name"].lower(),
                             Plan.id != (plan_id or 0)).exists():
        problems.append(Problem("name", f"{payer.name} already has a plan named '{values['name']}'"))
    if problems:
        raise ValidationError(problems)
    name = values.pop("name")
    with in_transaction():
        plan = (stale.check_current(Plan, plan_id, loaded_as, lambda p: f"Plan {p.payer.name} {p.name}")
                if plan_id else Plan(payer=payer, name=name))
        before = audit.snapshot(plan, "name", "copay", "deductible", "coinsurance",
                                "out_of_pocket_max") if plan_id else None
        plan.payer, plan.name = payer, name
        for key, value in values.items():
            setattr(plan, key, value)
        plan.save()
        audit.record(by, "update" if before else "create", plan, summary=f"plan {plan}",
                     before=before, after=audit.snapshot(plan, "name", "copay", "deductible",
                                                         "coinsurance", "out_of_pocket_max"))
    return plan


def plan_rules(plan_id: int) -> list[tuple[str, str, str]]:
    """(code, description, rule) for every active catalogue item under one plan."""
    plan = Plan.get_by_id(plan_id)
    rules = {r.item_id: r.rule for r in PlanRule.select().where(PlanRule.plan == plan_id)}
    default = "covered" if plan.covers_unlisted else "not_covered"
    return [(i.code, i.description, rules.get(i.id, default)) for i in
            CatalogueItem.select().where(CatalogueItem.active == True)  # noqa: E712
            .order_by(CatalogueItem.code)]


def rule_version_of(rule: str) -> str:
    """What a screen showing a code's rule under a plan (``plan_rules``) hands back when it saves."""
    return stale.fingerprint(["rule", rule])


def set_rule(plan_id: int, code: str, typed: str, by: User, *, loaded_as: str = "") -> str:
    """Covered / not covered / prior authorization for one code (c, n, p for short).
    ``loaded_as`` (``rule_version_of`` the rule shown): refused when it changed since."""
    rule = RULE_WORDS.get((typed or "").strip().lower())
    if rule not in COVERAGE_RULES:
        raise ValidationError(f"'{typed}' is not covered, not covered or prior auth (c, n, p)", "rule")
    item = CatalogueItem.get(CatalogueItem.code == code)
    with in_transaction():
        if loaded_as:
            plan = Plan.get_by_id(plan_id)
            found = PlanRule.get_or_none(PlanRule.plan == plan_id, PlanRule.item == item)
            now = found.rule if found else "covered" if plan.covers_unlisted else "not_covered"
            stale.refuse_if_changed(loaded_as, rule_version_of(now), f"The rule for {code} under plan {plan}",
                                    table="plan_rule", summaries=[f"plan #{plan_id}: {code} {r}"
                                                                  for r in COVERAGE_RULES])
        (PlanRule.insert(plan=plan_id, item=item, rule=rule)
         .on_conflict(conflict_target=[PlanRule.plan, PlanRule.item], update={PlanRule.rule: rule})
         .execute())
        audit.record(by, "update", table="plan_rule", summary=f"plan #{plan_id}: {code} {rule}")
    return rule


def catalogue_categories() -> list[str]:
    """The categories the catalogue's codes fall in (a plan may set a copay for each)."""
    return [c for (c,) in CatalogueItem.select(CatalogueItem.category).distinct()
            .where(CatalogueItem.category != "").order_by(CatalogueItem.category).tuples()]


def category_copays(plan_id: int) -> list[tuple[str, Decimal, bool]]:
    """(category, copay, whether the deductible applies) for one plan, by category."""
    return [(c.category, c.copay, c.deductible_applies) for c in
            PlanCopay.select().where(PlanCopay.plan == plan_id).order_by(PlanCopay.category)]


def copay_version_of(copay: Decimal | None, deductible_applies: bool | None) -> str:
    """What a screen showing a category's copay (``category_copays``; None: none of its own)
    hands back when it saves."""
    return stale.fingerprint(["copay", None if copay is None else str(copay),
                              None if deductible_applies is None else bool(deductible_applies)])


def set_category_copay(plan_id: int, category: str, copay, deductible_applies: bool, by: User, *,
                       loaded_as: str = "") -> None:
    """A plan's own copay for one category of codes (blank copay: the category uses the plan's).
    ``loaded_as`` (``copay_version_of`` what was shown): refused when it changed since."""
    category = (category or "").strip()
    if category not in catalogue_categories():
        raise ValidationError(f"'{category}' is not a category of the catalogue", "category")
    with in_transaction():
        existing = PlanCopay.get_or_none(PlanCopay.plan == plan_id, PlanCopay.category == category)
        if loaded_as:
            now = (copay_version_of(existing.copay, existing.deductible_applies) if existing
                   else copay_version_of(None, None))
            stale.refuse_if_changed(loaded_as, now, f"The {category} copay of plan {Plan.get_by_id(plan_id)}",
                                    table="plan_copay", summaries=[
                                        f"plan #{plan_id}: {category} copay",
                                        f"plan #{plan_id}: {category} uses the plan's copay"])
        before = audit.snapshot(existing, "category", "copay", "deductible_applies")
        if not str(copay or "").strip():
            if existing is not None:
                existing.delete_instance()
            audit.record(by, "update", table="plan_copay", before=before,
                         summary=f"plan #{plan_id}: {category} uses the plan's copay")
            return
        problems: list[Problem] = []
        amount = _money(copay, "copay", problems)
        if problems:
            raise ValidationError(problems)
        row = existing or PlanCopay(plan=plan_id, category=category)
        row.copay, row.deductible_applies = amount, bool(deductible_applies)
        row.save()
        audit.record(by, "update", table="plan_copay", summary=f"plan #{plan_id}: {category} copay",
                     before=before, after=audit.snapshot(row, "category", "copay", "deductible_applies"))


MET = ("deductible_met", "out_of_pocket_met")


def met_version(coverage: Coverage) -> str:
    """What a screen showing the amounts met so far hands back when it saves them."""
    return stale.version_of(coverage, fields=MET)


def set_met(coverage_id: int, deductible_met, oop_met, by: User, *, loaded_as: str = "") -> Coverage:
    """How much of the deductible and of the out-of-pocket maximum the patient has met so far.
    ``loaded_as`` (``met_version``): refused when they changed since the screen showed them."""
    problems: list[Problem] = []
    deductible = _money(deductible_met, "deductible_met", problems)
    oop = _money(oop_met, "out_of_pocket_met", problems)
    if problems:
        raise ValidationError(problems)
    with in_transaction():
        coverage = stale.check_current(Coverage, coverage_id, loaded_as,
                                       lambda c: f"The amounts met of {c.plan}", MET)
        before = audit.snapshot(coverage, "deductible_met", "out_of_pocket_met")
        coverage.deductible_met, coverage.out_of_pocket_met = deductible, oop
        coverage.save()
        audit.record(by, "update", coverage, summary="amounts met so far", before=before,
                     after=audit.snapshot(coverage, "deductible_met", "out_of_pocket_met"))
    return coverage
