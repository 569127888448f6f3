"""After the office refused a change (another workstation changed the record first, see
services/office/stale.py, or the change broke a rule): the screen shows what the database holds
now, and nothing the clerk typed is lost.

Boxes on the screen keep their text by themselves (a list beside them is reread quietly:
``ListPanel.reread``). Text typed where nothing keeps it, a table cell whose edit was refused or
a question that has closed, is quoted in the message (``with_typed``); a question asked again for
the same thing on the same record opens with the refused answer filled in (``KeptAnswers``).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

from ..errors import BillingError
from .prompts import Prompter


def with_typed(exc: BillingError | str, typed: str | None) -> str:
    """The refusal's words, then the text typed into a cell or a question that has closed."""
    said = str(exc)
    typed = (typed or "").strip()
    return f"{said} You typed “{typed}”." if typed else said


class KeptAnswers:
    """Answers typed into a question whose change was then refused, by question and record: asked
    again, the question opens with the answer filled in; a change that went in forgets it."""

    def __init__(self) -> None:
        self.answers: dict[tuple[str, Hashable], str] = {}

    def ask(self, prompter: Prompter, title: str, label: str, records: Iterable[Hashable],
            default: str = "") -> str | None:
        """``prompter.ask_text`` filled in with the answer kept for one of ``records``."""
        kept = next((self.answers[(title, r)] for r in records if (title, r) in self.answers), default)
        return prompter.ask_text(title, label, kept)

    def refused(self, title: str, records: Iterable[Hashable], typed: str | None,
                exc: BillingError | str) -> str:
        """What to say of the refusal of ``typed``; kept for the next time it is asked."""
        return f"{exc} {self.keep(title, records, typed)}".strip()

    def keep(self, title: str, records: Iterable[Hashable], typed: str | None) -> str:
        """Keep ``typed`` for ``records`` (refused); the sentence that says so ("" if blank)."""
        answer = (typed or "").strip()
        if not answer:
            return ""
        for record in records:
            self.answers[(title, record)] = answer
        return f"What you typed is kept: “{answer}” (filled in again when you try again)."

    def went_in(self, title: str, records: Iterable[Hashable]) -> None:
        for record in records:
            self.answers.pop((title, record), None)
