"""The review's recommendations: each rule reads one figure against the office's threshold
(Settings, Billing review), and speaks only with evidence (the figure, its trend, the rows that
make it) and a next step the office can take. A rule with too few data to judge says so."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..office.settings import get_setting
from .model import DAYS, PERCENT, Drill, Figure, Recommendation, Review, format_value

# What to do about a denial, by its reason code (CARC).
ADVICE = {
    ("15", "62", "197", "198", "243"): "check the plan's prior-authorization list before visits for {code} "
    "and record the authorization number on the invoice",
    ("16", "125", "252", "A1"): "the claims lacked information: correct and resubmit them from the Denials "
    "list, and add the missing item to the claim checks",
    ("22", "24", "27", "31", "109", "200"): "verify coverage before each visit (Claims tab, calls and "
    "verification) and keep the patient's plans current",
    ("29",): "send claims within days of the visit: the payer's filing limit ran out",
    ("4", "11", "50", "146"): "review the diagnosis codes and modifiers billed with {code} before "
    "claims go out",
    ("18",): "look up a claim's status before sending it again: the payer saw duplicates",
    ("96", "204", "B7"): "check what the plan covers before the visit and ask the patient to sign "
    "for non-covered services",
}


def advice_for(code: str, billed: str) -> str:
    number = code.split("-")[-1]
    for codes, text in ADVICE.items():
        if number in codes:
            return text.format(code=billed or "these services")
    return (
        "read the payer's remark codes on these EOBs, then correct and resubmit or appeal them "
        "from the Denials list"
    )


@dataclass(frozen=True)
class Thresholds:
    days_in_ar: Decimal
    net_collection: Decimal
    over_90: Decimal
    over_120: Decimal
    denial_rate: Decimal
    clean_claim: Decimal
    days_to_claim: Decimal
    statement_lag: Decimal
    promises_kept: Decimal
    minimum: int

    @classmethod
    def from_settings(cls) -> "Thresholds":
        pct = lambda key: Decimal(str(get_setting(key))).scaleb(-2)
        num = lambda key: Decimal(str(get_setting(key)))
        return cls(
            num("review_days_in_ar_max"),
            pct("review_net_collection_min"),
            pct("review_over_90_max"),
            pct("review_over_120_max"),
            pct("review_denial_rate_max"),
            pct("review_clean_claim_min"),
            num("review_days_to_claim_max"),
            num("review_statement_lag_max"),
            pct("review_promises_kept_min"),
            int(get_setting("review_minimum_count")),
        )


def _pct(value: Decimal | None) -> str:
    return format_value(value, PERCENT, "none")


def _versus(review: Review, key: str) -> str:
    now, before = review.figures[key], review.year_before.get(key)
    if before is None or before.value is None:
        return f"{now.title}: {now.text()} (a year before: no figure)."
    return f"{now.title}: {now.text()}; the same period a year before: {before.text()}."


def _top(parts, unit: str = PERCENT, count: int = 3) -> str:
    shown = [f"{name} {format_value(value, unit)}" for name, value in parts[:count] if value is not None]
    return ", ".join(shown)


def evaluate(review: Review, limits: Thresholds) -> tuple[list[Recommendation], list[str]]:
    """The recommendations that fire, and the rules left unjudged for want of data."""
    fired: list[Recommendation] = []
    unjudged: list[str] = []
    for rule in (
        _days_in_ar,
        _over_120,
        _over_90,
        _net_collection,
        _denials,
        _clean_claims,
        _days_to_claim,
        _statement_lag,
        _promises,
        _unbilled,
    ):
        rule(review, limits, fired, unjudged)
    return fired, unjudged


def _days_in_ar(review, limits, fired, unjudged) -> None:
    figure = review.figures["days_in_ar"]
    if figure.value is None:
        unjudged.append("Days in A/R: no charges in the last 90 days to measure against.")
        return
    if figure.value <= limits.days_in_ar:
        return
    payers = [(n, v) for n, v in figure.parts[2:] if v is not None and v > limits.days_in_ar]
    slow = ", ".join(f"{n} ({v} days)" for n, v in payers[:3])
    step = (
        f"work the insurance follow-up list for {payers[0][0]} first and call about every claim "
        f"older than 30 days"
        if payers
        else "send statements on every billing cycle and work the collections list weekly: the "
        "patients' part is what waits"
    )
    fired.append(
        Recommendation(
            "days_in_ar",
            f"Money takes {figure.value} days to come in; the office's target is under {limits.days_in_ar}.",
            [
                _versus(review, "days_in_ar"),
                f"By party: {_top(figure.parts[:2], DAYS)}.",
                *([f"Slowest payers: {slow}."] if slow else []),
            ],
            step,
            figure.drill,
        )
    )


def _over_120(review, limits, fired, unjudged) -> None:
    figure = review.figures["over_120"]
    if figure.value is None:
        return
    three_back = review.trend[-4] if len(review.trend) >= 4 else None
    before = three_back.share("over_120") if three_back else None
    grew = (
        before is not None
        and figure.value >= before * Decimal("1.5")
        and figure.value - before >= Decimal("0.03")
    )
    if figure.value <= limits.over_120 and not grew:
        return
    rows = figure.drill.rows if figure.drill else []
    held, count = Decimal(0), 0
    for row in rows:
        held += row["share"] or 0
        count += 1
        if held >= Decimal("0.7"):
            break
    title = (
        f"A/R over 120 days grew from {_pct(before)} to {_pct(figure.value)} in three months"
        if grew
        else f"A/R over 120 days is {_pct(figure.value)} of all A/R (target: under {_pct(limits.over_120)})"
    )
    title += f"; {count} accounts hold {_pct(held)} of it: work them first."
    fired.append(
        Recommendation(
            "over_120",
            title,
            [
                _versus(review, "over_120"),
                "Trend at month-ends: "
                + ", ".join(f"{p.on:%b} {_pct(p.share('over_120'))}" for p in review.trend[-4:]),
                "Largest: "
                + ", ".join(f"{r['account']} {r['name']} ${r['owed']:,.2f}" for r in rows[:3])
                + ".",
            ],
            "call or write to these accounts this week; offer a payment plan, and send what no one will "
            "pay to the agency or for write-off approval",
            Drill(figure.drill.columns, rows[:count]) if figure.drill else None,
        )
    )


def _over_90(review, limits, fired, unjudged) -> None:
    figure = review.figures["over_90"]
    if figure.value is None or figure.value <= limits.over_90 or any(r.key == "over_120" for r in fired):
        return
    fired.append(
        Recommendation(
            "over_90",
            f"A/R over 90 days is {_pct(figure.value)} of all A/R; the target is under "
            f"{_pct(limits.over_90)}.",
            [_versus(review, "over_90"), f"{figure.count} accounts owe money over 90 days."],
            "work the collections list from the oldest balances down, and follow up every insurance "
            "claim unanswered after 45 days",
            figure.drill,
        )
    )


def _net_collection(review, limits, fired, unjudged) -> None:
    figure = review.figures["net_collection"]
    if figure.value is None:
        unjudged.append("Net collection rate: no charges in the period.")
        return
    if figure.value >= limits.net_collection:
        return
    adjustments = review.figures["adjustments"]
    fired.append(
        Recommendation(
            "net_collection",
            f"The office collected {_pct(figure.value)} of what it could collect "
            f"(target: {_pct(limits.net_collection)} or more).",
            [
                _versus(review, "net_collection"),
                _versus(review, "gross_collection"),
                f"Largest adjustments: {_top([p for p in adjustments.parts if not p[0].startswith('of ')])}.",
            ],
            "compare each payer's payments with the plan's allowed amounts (Payers and plans) and appeal "
            "underpayments; collect copays and known deductibles at the visit",
            adjustments.drill,
        )
    )


def _denials(review, limits, fired, unjudged) -> None:
    figure = review.figures["denial_rate"]
    if figure.value is None:
        unjudged.append(f"Denial rate: {figure.empty}.")
        return
    if figure.count < limits.minimum:
        unjudged.append(
            f"Denial rate: only {figure.count} claims sent in the period; at least "
            f"{limits.minimum} are needed to judge."
        )
        return
    if figure.value <= limits.denial_rate:
        return
    rows = figure.drill.rows if figure.drill else []
    groups: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        groups.setdefault((row["payer"], row["code"]), []).append(row)
    (payer, code), worst = max(groups.items(), key=lambda item: len(item[1]))
    sent = figure.counts.get(payer, 0)
    codes = [r["code_billed"] for r in worst if r["code_billed"]]
    billed = max(set(codes), key=codes.count) if codes else ""
    reason = worst[0]["reason"] or "no reason recorded"
    fired.append(
        Recommendation(
            "denial_rate",
            f"{payer} denied {len(worst)} of {sent} claims this period for {reason}"
            f"{f' ({code})' if code else ''}; {advice_for(code, billed)}.",
            [
                _versus(review, "denial_rate"),
                f"By payer: {_top(figure.parts)}.",
                f"Target: under {_pct(limits.denial_rate)}.",
            ],
            advice_for(code, billed),
            Drill(figure.drill.columns, worst) if figure.drill else None,
        )
    )


def _clean_claims(review, limits, fired, unjudged) -> None:
    figure = review.figures["clean_claim_rate"]
    if figure.value is None or figure.count < limits.minimum:
        if figure.value is not None:
            unjudged.append(
                f"Clean-claim rate: only {figure.count} claims; at least {limits.minimum} "
                "are needed to judge."
            )
        return
    if figure.value >= limits.clean_claim:
        return
    fired.append(
        Recommendation(
            "clean_claim_rate",
            f"Only {_pct(figure.value)} of claims went through on the first pass "
            f"(target: {_pct(limits.clean_claim)} or more).",
            [_versus(review, "clean_claim_rate"), f"Lowest payers: {_top(list(reversed(figure.parts)))}."],
            "open the held claims on the Claims tab and fix the most common hold reason at the invoice "
            "(provider, diagnosis pointers, member id) before claims are made",
            figure.drill,
        )
    )


def _days(review, limits, fired, unjudged, key: str, limit: Decimal, title: str, step: str) -> None:
    figure: Figure = review.figures[key]
    if figure.value is None:
        return
    if figure.count < limits.minimum:
        unjudged.append(
            f"{figure.title}: only {figure.count} measured; at least {limits.minimum} are needed to judge."
        )
        return
    if figure.value > limit:
        fired.append(
            Recommendation(
                key,
                title.format(value=figure.value, limit=limit),
                [_versus(review, key), *([f"By payer: {_top(figure.parts, DAYS)}."] if figure.parts else [])],
                step,
                figure.drill,
            )
        )


def _days_to_claim(review, limits, fired, unjudged) -> None:
    _days(
        review,
        limits,
        fired,
        unjudged,
        "days_to_claim",
        limits.days_to_claim,
        "Claims go out {value} days after the service on average (target: {limit} or fewer).",
        "make and send claims twice a week (Claims tab, Send) instead of waiting for the month's end",
    )


def _statement_lag(review, limits, fired, unjudged) -> None:
    _days(
        review,
        limits,
        fired,
        unjudged,
        "statement_lag",
        limits.statement_lag,
        "Statements go out {value} days after service on average; sending them weekly would bring "
        "cash in sooner.",
        "run the statements every week (Reports, Statements) rather than once a month",
    )


def _promises(review, limits, fired, unjudged) -> None:
    figure = review.figures["promises_kept"]
    if figure.value is None:
        return
    if figure.count < limits.minimum:
        unjudged.append(
            f"Promises kept: only {figure.count} promises fell due; at least {limits.minimum} "
            "are needed to judge."
        )
        return
    if figure.value < limits.promises_kept:
        fired.append(
            Recommendation(
                "promises_kept",
                f"Only {_pct(figure.value)} of promises to pay were kept.",
                [_versus(review, "promises_kept")],
                "call two days before a promise falls due, and offer a payment plan to whoever broke two",
                figure.drill,
            )
        )


def _unbilled(review, limits, fired, unjudged) -> None:
    figure = review.figures["unbilled"]
    rows = [r for r in (figure.drill.rows if figure.drill else []) if (r["age"] or 0) > 7]
    if not rows:
        return
    total = sum((r["amount"] for r in rows), Decimal("0.00"))
    fired.append(
        Recommendation(
            "unbilled",
            f"{len(rows)} posted invoices worth ${total:,.2f} were billed to no one after a week.",
            [
                "Oldest: "
                + ", ".join(f"invoice {r['invoice']} ({r['account']}, {r['age']} days)" for r in rows[:3])
                + "."
            ],
            "make their claims (Claims tab) or include them in this week's statements",
            Drill(figure.drill.columns, rows) if figure.drill else None,
        )
    )
