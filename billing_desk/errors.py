"""The errors the work raises, each carrying what the window or the command line shows."""

from __future__ import annotations

from dataclasses import dataclass

from .field_names import words


@dataclass(frozen=True)
class Problem:
    """One thing wrong with input, naming the field (or column) it belongs to; said in the
    clerk's words (field_names), never by the field's internal name."""

    field: str
    message: str
    row: int | None = None

    def __str__(self) -> str:
        where = f"row {self.row}, " if self.row is not None else ""
        return f"{where}{words(self.field)}: {self.message}" if self.field else where + self.message


class BillingError(Exception):
    """Base of every error a clerk may see; its text is meant for people."""


class ValidationError(BillingError):
    """Input was refused; ``problems`` names each field and why."""

    def __init__(self, problems: list[Problem] | Problem | str, field: str = ""):
        if isinstance(problems, str):
            problems = [Problem(field, problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


class RuleError(BillingError):
    """The books do not allow this (editing a posted invoice, invoicing a pending account...)."""


class StaleRecordError(RuleError):
    """Someone (on another screen or workstation) saved this record after the screen showed it."""


class PermissionDenied(BillingError):
    """The acting user's role may not do this."""


class DatabaseError(BillingError):
    """The database file cannot be used (not a database, too new, locked, on a network path)."""


class DatabaseUnavailable(DatabaseError):
    """The file cannot be used right now: read-only, busy, or its disk is full."""


class DiskFullError(DatabaseUnavailable):
    """The disk holding the database is full: the write was rolled back, nothing was saved."""


class DatabaseBusyError(DatabaseUnavailable):
    """Another program holds the database (locked or busy) longer than we wait."""


class DatabaseReadOnlyError(DatabaseUnavailable):
    """The database file, or its folder, cannot be written."""


class DatabaseDamagedError(DatabaseError):
    """The file is damaged (a torn page, text that is not UTF-8) or is not a database: restore a backup."""
