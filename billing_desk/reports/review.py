"""The billing review as a report: on screen the figures by section (this period, a year before,
how each is counted); as a PDF the monthly review for the accounts department (recommendations,
charts, figures, the office's notes, the rows behind each recommendation); as a workbook the
figures and every row behind them. ``document(review)`` is the one dict both files are drawn from.
"""

from __future__ import annotations

from typing import Any

from ..money import from_cents
from ..printing.report import Column, Group, Report
from ..printing.review_doc import render_review_pdf, render_review_xlsx
from ..services.review import SECTIONS, Review, build_review
from .common import Params

COLUMNS = [
    Column("figure", "Figure", width=1.6),
    Column("value", "This period", width=1.0),
    Column("before", "A year before", width=1.0),
    Column("definition", "How it is counted", width=4.0),
]


def build(params: Params, progress=None) -> Report:
    start, end = params.period(month=True)
    review = build_review(start, end, params.as_of, progress=progress)
    return as_report(review)


def as_report(review: Review) -> Report:
    groups = []
    for name, keys in SECTIONS:
        rows = []
        for key in keys:
            figure, before = review.figures[key], review.year_before[key]
            rows.append(
                {
                    "figure": figure.title,
                    "value": figure.text(),
                    "before": before.text(),
                    "definition": figure.definition,
                }
            )
        groups.append(Group(name, rows))
    groups.append(
        Group(
            "Recommendations",
            [
                {
                    "figure": f"{n}. {rec.title}",
                    "value": "",
                    "before": "",
                    "definition": f"Next step: {rec.step}.",
                }
                for n, rec in enumerate(review.recommendations, start=1)
            ],
        )
    )
    report = Report("billing-review", "Billing review", parameters(review), COLUMNS, groups, landscape=True)
    report.compute_totals(subtotals=False)
    report.review = review  # type: ignore[attr-defined]  # carried to the PDF and workbook below
    return report


def parameters(review: Review) -> list[tuple[str, Any]]:
    return [
        ("From", review.start),
        ("To", review.end),
        ("As of", review.as_of),
        (
            "Compared with",
            f"{review.start.replace(year=review.start.year - 1):%m/%d/%Y} to "
            f"{review.end.replace(year=review.end.year - 1):%m/%d/%Y}"
            if not (review.start.month == 2 and review.start.day == 29)
            else "the same period a year before",
        ),
    ]


def _table(title: str, drill) -> dict:
    return {"title": title, "columns": drill.columns, "rows": drill.rows}


def document(review: Review) -> dict:
    """Everything the PDF and the workbook print, as plain values."""
    sections = []
    for name, keys in SECTIONS:
        figures = []
        for key in keys:
            f, b = review.figures[key], review.year_before[key]
            figures.append(
                {
                    "title": f.title,
                    "value": f.text(),
                    "before": b.text(),
                    "definition": f.definition,
                    "unit": f.unit,
                    "raw": f.value,
                    "raw_before": b.value,
                }
            )
        sections.append((name, figures))
    recommendations = [
        {"title": r.title, "evidence": r.evidence, "step": r.step[:1].upper() + r.step[1:] + "."}
        for r in review.recommendations
    ]
    tables = [
        _table(f"{n}. {r.title[:70]}", r.rows)
        for n, r in enumerate(review.recommendations, start=1)
        if r.rows is not None
    ]
    all_tables = [_table(f.title, f.drill) for f in review.figures.values() if f.drill is not None]
    months = [(m["label"], from_cents(m["charges"]), from_cents(m["payments"])) for m in review.months]
    aging = [
        (f"{p.on:%b %y}", (p.share("over_90") or 0) * 100, (p.share("over_120") or 0) * 100)
        for p in review.trend
    ]
    return {
        "title": "Billing review",
        "parameters": [(label, _text(value)) for label, value in parameters(review)],
        "recommendations": recommendations,
        "not_judged": review.not_judged,
        "sections": sections,
        "charts": {
            "aging": aging,
            "collections": months,
            "denials": review.chart("denials"),
            "days_to_pay": review.chart("days_to_pay"),
        },
        "notes": review.notes,
        "tables": tables,
        "all_tables": all_tables,
    }


def _text(value: Any) -> str:
    from ..printing.report import format_value as shown

    return shown(value)


def render(report: Report, target, office, progress=None, on_each=None) -> int:
    """The PDF of a built review; returns pages."""
    return render_review_pdf(document(report.review), target, office, progress)  # type: ignore[attr-defined]


def workbook(report: Report, target, progress=None) -> int:
    """The workbook of a built review; returns the rows written."""
    return render_review_xlsx(document(report.review), target)  # type: ignore[attr-defined]
