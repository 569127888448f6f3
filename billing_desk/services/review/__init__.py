"""The billing review: the office's billing figures for a period, computed in SQL over the ledger,
claims, remittances and collections as of any past day, each with its definition and the rows
behind it; their trends; and recommendations, each with its evidence and a next step.

Above books, claims, accounts and collections (it reads them all); nothing below uses it."""

from .model import Drill, Figure, Point, Recommendation, Review, format_value
from .review import (
    ORDER,
    SECTIONS,
    build_review,
    check_period,
    notes_for,
    notes_version,
    notes_version_of,
    save_notes,
    year_earlier,
)

__all__ = [
    "ORDER",
    "SECTIONS",
    "Drill",
    "Figure",
    "Point",
    "Recommendation",
    "Review",
    "build_review",
    "check_period",
    "format_value",
    "notes_for",
    "notes_version",
    "notes_version_of",
    "save_notes",
    "year_earlier",
]
