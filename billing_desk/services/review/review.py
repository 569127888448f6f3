"""The billing review of a period: every figure, the same figures a year before, the A/R trend
over the 12 month-ends before, collections by month, the recommendations and the office's notes.

    review = build_review(date(2026, 10, 1), date(2026, 12, 31))
    review.figures["days_in_ar"].text()   # "38.2 days"
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

from ...errors import ValidationError
from ..office import audit, steady
from ..office.settings import get_setting
from ..office.stale import fingerprint, refuse_if_changed
from ..office.transactions import in_transaction, today as office_today
from . import claim_figures, ledger_figures, office_figures, rules
from .history import History
from .model import Figure, Review

ProgressFn = Callable[[float, str], None]

# The order the figures are shown and printed in.
ORDER = (
    "ar",
    "days_in_ar",
    "over_90",
    "over_120",
    "charges",
    "payments",
    "gross_collection",
    "net_collection",
    "adjustments",
    "bad_debt_recovery",
    "denial_rate",
    "clean_claim_rate",
    "days_to_claim",
    "days_to_pay",
    "paid_within_30",
    "statement_lag",
    "promises_kept",
    "plans_on_time",
    "unbilled",
    "unfilled_orders",
    "keyed_per_day",
    "case_age",
)
SECTIONS = (
    ("Accounts receivable", ("ar", "days_in_ar", "over_90", "over_120")),
    (
        "Collections",
        ("charges", "payments", "gross_collection", "net_collection", "adjustments", "bad_debt_recovery"),
    ),
    ("Claims", ("denial_rate", "clean_claim_rate", "days_to_claim", "days_to_pay")),
    ("Patients' balances", ("paid_within_30", "statement_lag", "promises_kept", "plans_on_time")),
    ("Unbilled", ("unbilled", "unfilled_orders")),
    ("The office's work", ("keyed_per_day", "case_age")),
)


def year_earlier(value: dt.date) -> dt.date:
    try:
        return value.replace(year=value.year - 1)
    except ValueError:  # 29 February
        return value.replace(year=value.year - 1, day=28)


def check_period(start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    if start is None:
        raise ValidationError("give the first day of the period", "from")
    if end is None:
        raise ValidationError("give the last day of the period", "to")
    if start > end:
        raise ValidationError("the start of the period is after its end", "from")
    if (end - start).days > 366 * 3:
        raise ValidationError("a review covers at most three years", "from")
    return start, end


def figures_for(
    start: dt.date,
    end: dt.date,
    as_of: dt.date,
    points: dict,
    history: History,
    detail: bool = True,
    progress: ProgressFn | None = None,
    balances_on: dt.date | None = None,
) -> dict[str, Figure]:
    say = progress or (lambda fraction, text: None)
    cut = min(end, as_of)
    snapshot = balances_on or cut
    figures: dict[str, Figure] = {}
    say(0.3 if detail else 0.8, "accounts receivable")
    figures.update(ledger_figures.ar_figures(points[snapshot], snapshot, history, detail))
    figures.update(ledger_figures.collection_figures(start, cut, history))
    charges = int(figures["charges"].value * 100) if figures["charges"].value is not None else 0
    figures["adjustments"] = ledger_figures.adjustment_figure(start, cut, charges)
    figures["bad_debt_recovery"] = ledger_figures.bad_debt_figure(start, cut)
    say(0.5 if detail else 0.85, "claims")
    figures.update(claim_figures.claim_figures(start, cut, as_of, detail))
    say(0.65 if detail else 0.9, "patients' balances and the office's work")
    figures.update(office_figures.statement_figures(start, cut, as_of))
    figures.update(office_figures.promise_figures(start, cut, as_of))
    if detail:
        figures.update(office_figures.unbilled_figures(snapshot, as_of))
        figures.update(office_figures.work_figures(start, cut, as_of))
    else:  # what is unbilled is read from today's balances: a year ago it cannot be told
        for key, title, unit in (
            ("unbilled", "Unbilled charges", "money"),
            ("unfilled_orders", "Unfilled orders", "money"),
            ("keyed_per_day", "Items keyed per user per day", "count"),
            ("case_age", "Average age of open cases", "days"),
        ):
            figures[key] = Figure(key, title, None, unit, "", empty="not compared")
    return {key: figures[key] for key in ORDER}


def build_review(
    start: dt.date | None,
    end: dt.date | None,
    as_of: dt.date | None = None,
    progress: ProgressFn | None = None,
) -> Review:
    """The review of ``start``..``end`` as the books stood at the end of ``as_of`` (default: today)."""
    start, end = check_period(start, end)
    as_of = as_of or office_today()
    say = progress or (lambda fraction, text: None)
    snapshot = min(end, as_of)
    before = (year_earlier(start), year_earlier(end), year_earlier(as_of))
    month_ends = ledger_figures.months_before(snapshot, 12)
    say(0.05, "the A/R at each month-end")
    history = History()
    history.prefetch(min(before[0], month_ends[0]) - dt.timedelta(days=62), snapshot)
    # A year before, balances are taken at the last month-end on or before the period's end (kept
    # once read): the same day when the period ends with a month, as a month, quarter or year does.
    earlier = min(before[1], before[2])
    if earlier != ledger_figures.month_end(earlier.year, earlier.month):
        earlier = earlier.replace(day=1) - dt.timedelta(days=1)
    points = history.points(month_ends + [snapshot, earlier])
    figures = figures_for(start, end, as_of, points, history, True, say)
    say(0.75, "the same period a year before")
    year_before = figures_for(*before, points, history, False, say, balances_on=earlier)
    review = Review(
        start,
        end,
        as_of,
        figures,
        year_before,
        [points[d] for d in month_ends + [snapshot]],
        ledger_figures.monthly(snapshot, snapshot, history),
        notes=notes_for(start, end),
    )
    say(0.95, "recommendations")
    review.recommendations, review.not_judged = rules.evaluate(review, rules.Thresholds.from_settings())
    say(1.0, "done")
    return review


def _notes_key(start: dt.date, end: dt.date) -> str:
    return f"{start.isoformat()}/{end.isoformat()}"


def notes_for(start: dt.date, end: dt.date) -> str:
    notes = get_setting("review_notes") or {}
    return str(notes.get(_notes_key(start, end), "")) if isinstance(notes, dict) else ""


def notes_version(start: dt.date, end: dt.date) -> str:
    """What the review window showing one period's notes hands back when it saves them."""
    return notes_version_of(notes_for(start, end))


def notes_version_of(shown: str) -> str:
    """The same, of the notes a built review showed (``Review.notes``)."""
    return fingerprint(str(shown or ""))


def save_notes(start: dt.date, end: dt.date, text: str, by, *, loaded_as: str = "") -> None:
    """Keep the office's notes of one period's review (printed with it); audited.
    ``loaded_as`` (``notes_version``): a save over notes changed since is refused."""
    from ...models import Setting

    if by is None:  # every signed-in user may write the notes
        raise ValidationError("sign in to save the review's notes", "notes")
    text = text.strip()
    if len(text) > 4000:
        raise ValidationError("the notes are longer than 4,000 characters", "notes")
    with in_transaction():
        refuse_if_changed(loaded_as, notes_version(start, end) if loaded_as else "",
                          f"The billing review's notes for {start:%m/%d/%Y}-{end:%m/%d/%Y}",
                          table="setting", summaries=[
                              f"billing review notes for {start:%m/%d/%Y}-{end:%m/%d/%Y} saved"])
        notes = dict(get_setting("review_notes") or {})
        before = notes.get(_notes_key(start, end), "")
        if text:
            notes[_notes_key(start, end)] = text
        else:
            notes.pop(_notes_key(start, end), None)
        Setting.insert(key="review_notes", value=notes).on_conflict_replace().execute()
        steady.forget()  # a kept setting is read afresh
        audit.record(
            by,
            "review_notes",
            table="setting",
            summary=f"billing review notes for {start:%m/%d/%Y}-{end:%m/%d/%Y} saved",
            before={"notes": before},
            after={"notes": text},
        )
