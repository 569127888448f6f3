"""The review's claim figures: denial rate and clean-claim rate by payer and reason code, days
from service to claim and from claim to payment by payer. No claims: None, never zero.

A claim counts in the period it was first sent (its first "submitted" event); what happened to it
counts up to the review's as-of day (events after it are not yet known then).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ...models import database
from ...money import from_cents
from ..claims.denials import APPEALED, denial_reasons_for
from .model import DAYS, Drill, Figure, day, days_between, rate_figure, ratio, tenth

NO_CLAIMS = "no claims yet"

_SENT_SQL = f"""
    WITH sent AS (SELECT claim_id, MIN(at) AS at FROM claim_event
                  WHERE status = 'submitted' AND at < ? GROUP BY claim_id)
    SELECT c.id, c.payer_id, p.name, c.control_number, c.replaces_id, s.at, i.service_date,
           a.number, CASE WHEN a.kind = 'customer' AND a.organization != '' THEN a.organization
                          ELSE a.last_name || ', ' || a.first_name END,
           c.total_charge,
           EXISTS (SELECT 1 FROM claim_event e WHERE e.claim_id = c.id AND e.at < ?
                   AND e.status = 'denied' AND e.note NOT LIKE '{APPEALED}%'),
           EXISTS (SELECT 1 FROM claim_event e WHERE e.claim_id = c.id AND e.at < ?
                   AND e.status IN ('held', 'resubmitted')),
           (SELECT MIN(e.at) FROM claim_event e WHERE e.claim_id = c.id AND e.at < ?
                   AND e.status IN ('paid', 'partly_paid') AND e.note NOT LIKE '{APPEALED}%'),
           (SELECT l.code FROM invoice_line l WHERE l.invoice_id = i.id ORDER BY l.position LIMIT 1)
    FROM sent s JOIN claim c ON c.id = s.claim_id JOIN payer p ON p.id = c.payer_id
    JOIN invoice i ON i.id = c.invoice_id JOIN account a ON a.id = i.account_id
    WHERE s.at >= ?"""

_PAID_SQL = f"""
    WITH paid AS (SELECT claim_id, MIN(at) AS at FROM claim_event
                  WHERE status IN ('paid', 'partly_paid') AND note NOT LIKE '{APPEALED}%' AND at < ?
                  GROUP BY claim_id)
    SELECT c.id, p.name, c.control_number, paid.at,
           (SELECT MIN(e.at) FROM claim_event e WHERE e.claim_id = c.id AND e.status = 'submitted')
    FROM paid JOIN claim c ON c.id = paid.claim_id JOIN payer p ON p.id = c.payer_id
    WHERE paid.at >= ?"""


def _next(value: dt.date) -> str:
    return (value + dt.timedelta(days=1)).isoformat()


def sent_claims(start: dt.date, cut: dt.date, as_of: dt.date) -> list[dict]:
    """Claims first sent from ``start`` to ``cut``, with what was known of them at ``as_of``."""
    known = _next(as_of)
    sql = _SENT_SQL + " AND s.at < ?"
    params = [known, known, known, known, start.isoformat(), _next(cut)]
    rows = []
    for (
        claim_id,
        payer_id,
        payer,
        control,
        replaces,
        sent_at,
        service,
        account,
        name,
        charge,
        denied,
        troubled,
        paid_at,
        code,
    ) in database.execute_sql(sql, params):
        sent = day(sent_at)
        rows.append(
            {
                "id": claim_id,
                "payer_id": payer_id,
                "payer": payer,
                "claim": control,
                "original": replaces is None,
                "sent": sent,
                "service": day(service),
                "account": account,
                "name": name,
                "billed": from_cents(charge),
                "denied": bool(denied),
                "clean": not denied and not troubled and replaces is None,
                "paid": day(paid_at),
                "code_billed": code or "",
                "days_to_claim": days_between(sent, day(service)),
            }
        )
    return rows


def claim_figures(start: dt.date, cut: dt.date, as_of: dt.date, detail: bool = True) -> dict[str, Figure]:
    claims = sent_claims(start, cut, as_of)
    any_claim = database.execute_sql("SELECT EXISTS (SELECT 1 FROM claim)").fetchone()[0]
    figures = {
        "denial_rate": _denials(claims, detail),
        "clean_claim_rate": _clean(claims),
        "days_to_claim": _days_to_claim(claims),
        "days_to_pay": _days_to_pay(start, cut, as_of),
    }
    for figure in figures.values():
        if figure.value is None and any_claim:
            figure.empty = "no claims in the period"
    return figures


def _by_payer(claims: list[dict], test) -> list[tuple[str, Decimal | None]]:
    payers: dict[str, list[int]] = {}
    for c in claims:
        counts = payers.setdefault(c["payer"], [0, 0])
        counts[0] += 1
        counts[1] += 1 if test(c) else 0
    return sorted(((p, ratio(hit, n)) for p, (n, hit) in payers.items()), key=lambda p: -(p[1] or 0))


def _denials(claims: list[dict], detail: bool) -> Figure:
    figure = rate_figure(
        "denial_rate",
        "Denial rate",
        claims,
        lambda c: c["denied"],
        "Claims first sent in the period that a payer denied (in full, at least "
        "once, appeals aside) ÷ claims first sent in the period; by payer and by the "
        "denial's group and reason code (CARC).",
        empty=NO_CLAIMS,
    )
    figure.parts = _by_payer(claims, lambda c: c["denied"])
    for c in claims:
        figure.counts[c["payer"]] = figure.counts.get(c["payer"], 0) + 1
    denied = [c for c in claims if c["denied"]]
    reasons = denial_reasons_for([c["id"] for c in denied]) if denied and detail else {}
    rows = []
    for c in denied:
        found = reasons.get(c["id"])
        for reason in [found[0] if found else None]:
            rows.append(
                {
                    "claim": c["claim"],
                    "payer": c["payer"],
                    "account": c["account"],
                    "name": c["name"],
                    "service": c["service"],
                    "code_billed": c["code_billed"],
                    "code": f"{reason.group}-{reason.code}" if reason and reason.code else "",
                    "reason": reason.description if reason else "",
                    "billed": c["billed"],
                }
            )
    figure.drill = Drill(
        [
            ("claim", "Claim", "text"),
            ("payer", "Payer", "text"),
            ("account", "Account", "text"),
            ("name", "Patient", "text"),
            ("service", "Service", "date"),
            ("code_billed", "Code billed", "text"),
            ("code", "Reason code", "text"),
            ("reason", "Reason", "text"),
            ("billed", "Billed", "money"),
        ],
        rows,
    )
    return figure


def _clean(claims: list[dict]) -> Figure:
    originals = [c for c in claims if c["original"]]
    figure = rate_figure(
        "clean_claim_rate",
        "Clean-claim rate",
        originals,
        lambda c: c["clean"],
        "Claims first sent in the period (replacements aside) that were never held by the "
        "claim checks, denied or replaced ÷ all those claims: paid or accepted on the "
        "first pass, or still waiting without trouble.",
        empty=NO_CLAIMS,
    )
    figure.parts = _by_payer(originals, lambda c: c["clean"])
    figure.drill = Drill(
        [
            ("claim", "Claim", "text"),
            ("payer", "Payer", "text"),
            ("account", "Account", "text"),
            ("sent", "Sent", "date"),
            ("why", "Not clean because", "text"),
        ],
        [
            {
                "claim": c["claim"],
                "payer": c["payer"],
                "account": c["account"],
                "sent": c["sent"],
                "why": "denied" if c["denied"] else "held or replaced",
            }
            for c in originals
            if not c["clean"]
        ],
    )
    return figure


def _average_by_payer(pairs: list[tuple[str, int]]) -> tuple[Decimal | None, list]:
    if not pairs:
        return None, []
    payers: dict[str, list[int]] = {}
    for payer, days in pairs:
        payers.setdefault(payer, []).append(days)
    parts = sorted(
        ((p, tenth(Decimal(sum(d)) / len(d))) for p, d in payers.items()), key=lambda p: -(p[1] or 0)
    )
    return tenth(Decimal(sum(d for _, d in pairs)) / len(pairs)), parts


def _days_to_claim(claims: list[dict]) -> Figure:
    pairs = [
        (c["payer"], c["days_to_claim"]) for c in claims if c["original"] and c["days_to_claim"] is not None
    ]
    value, parts = _average_by_payer(pairs)
    return Figure(
        "days_to_claim",
        "Days from service to claim",
        value,
        DAYS,
        "For claims first sent in the period (replacements aside): the days from the "
        "invoice's service date to the day the claim was first sent, averaged; by payer.",
        empty=NO_CLAIMS,
        parts=parts,
        count=len(pairs),
        drill=Drill(
            [
                ("claim", "Claim", "text"),
                ("payer", "Payer", "text"),
                ("service", "Service", "date"),
                ("sent", "Sent", "date"),
                ("days", "Days", "int"),
            ],
            sorted(
                (
                    {
                        "claim": c["claim"],
                        "payer": c["payer"],
                        "service": c["service"],
                        "sent": c["sent"],
                        "days": c["days_to_claim"],
                    }
                    for c in claims
                    if c["original"] and c["days_to_claim"] is not None
                ),
                key=lambda r: -r["days"],
            ),
        ),
    )


def _days_to_pay(start: dt.date, cut: dt.date, as_of: dt.date) -> Figure:
    sql = _PAID_SQL + " AND paid.at < ?"
    rows = []
    for _id, payer, control, paid_at, sent_at in database.execute_sql(
        sql, [_next(as_of), start.isoformat(), _next(cut)]
    ):
        paid, sent = day(paid_at), day(sent_at)
        if paid is None or sent is None or paid < sent:
            continue
        rows.append(
            {"claim": control, "payer": payer, "sent": sent, "paid": paid, "days": (paid - sent).days}
        )
    value, parts = _average_by_payer([(r["payer"], r["days"]) for r in rows])
    rows.sort(key=lambda r: -r["days"])
    return Figure(
        "days_to_pay",
        "Days from claim to payment",
        value,
        DAYS,
        "For claims first paid (in full or in part) in the period: the days from the day "
        "the claim was first sent to that payment, averaged; by payer.",
        empty=NO_CLAIMS,
        parts=parts,
        count=len(rows),
        drill=Drill(
            [
                ("claim", "Claim", "text"),
                ("payer", "Payer", "text"),
                ("sent", "Sent", "date"),
                ("paid", "Paid", "date"),
                ("days", "Days", "int"),
            ],
            rows,
        ),
    )
