"""The Claims tab's two lists of insurers' money off the claims, each in its own window: the
unmatched list (claim payments of a posted 835 whose claim number is none of ours: match one to
our claim and it posts) and the unapplied insurance money (what each check holds on its payer:
apply it to a claim line, refund it to the payer, say why it is held). Keys only; every action
asks in words through the Prompter and is a named service that writes the audit trail.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Callable

from PySide6.QtWidgets import QComboBox

from ...errors import BillingError
from ...money import ZERO, format_money
from ...services.books import insurance_money, payers, remittances
from ..office.signoff import Ask, run_with_signoff
from ..prompts import Prompter
from ..table_model import Column
from .worklists import Worklist

UNMATCHED_COLUMNS = [
    Column("Payer's claim no.", lambda r: r.claim_number, width=120),
    Column("Patient (as sent)", lambda r: r.patient, width=160),
    Column("Member id", lambda r: r.member_id, width=100),
    Column("Payer", lambda r: r.payer, width=140),
    Column("Check / EFT", lambda r: r.reference, width=110),
    Column("Received", lambda r: r.received_on, width=85),
    Column("Days", lambda r: r.days, width=45),
    Column("Charge", lambda r: r.charge, width=85),
    Column("Paid (held)", lambda r: r.paid, width=90),
]

UNAPPLIED_COLUMNS = [
    Column("Payer", lambda r: r.payer, width=140),
    Column("Check / EFT", lambda r: r.reference, width=110),
    Column("Kind", lambda r: {"eft": "EFT", "none": "none"}.get(r.method, "check"), width=55),
    Column("Received", lambda r: r.received_on, width=85),
    Column("Days", lambda r: r.days, width=45),
    Column("Check amount", lambda r: r.amount, width=110),
    Column("Unapplied", lambda r: r.unapplied, width=90),
    Column("State", lambda r: r.state, width=80),
    Column("Why it is held", lambda r: r.reason, width=330),
]

ANOTHER = "Another claim number…"


class _MoneyList(Worklist):
    """A list with one payer filter (Alt+Y)."""

    def __init__(self, session, columns, load: Callable[[str], list], *,
                 prompter: Prompter | None = None, parent=None):
        super().__init__(session, columns, lambda: load(self.payer.currentData() or ""),
                         prompter=prompter, parent=parent)
        self.payer = QComboBox(objectName="money_payer")
        self.payer.addItem("All payers", "")
        for payer in payers.search_payers("", include_inactive=True):
            self.payer.addItem(payer.name, payer.name)
        self._combo_row("Pa&yer", self.payer)
        self.filters.addStretch(1)
        self._finish_layout()
        self.payer.currentIndexChanged.connect(lambda _i: self.refresh())

    def _say(self, work, done) -> bool:
        """Run ``work()``; say ``done(result)`` or the refusal under the list. True when done."""
        try:
            result = work()
        except BillingError as exc:
            self.message.setText(str(exc))
            return False
        self.message.setText(done(result))
        self.refresh()
        return True


class UnmatchedWindow(_MoneyList):
    """Claim payments no claim of ours matched, their money held unapplied on the payer."""

    worklist_actions = (("&Match to a claim…", "match"),)
    noun = "claim payment"

    def __init__(self, session, *, prompter: Prompter | None = None, parent=None):
        super().__init__(session, UNMATCHED_COLUMNS, lambda payer: remittances.unmatched_rows(payer=payer),
                         prompter=prompter, parent=parent)
        self.setWindowTitle("Unmatched claim payments")
        self.refresh()
        self.table.setFocus()

    def match(self) -> None:
        row = self.current()
        if row is None:
            return
        paid = format_money(row.paid)
        said = (f"{row.payer} paid {paid} on its claim {row.claim_number} ({row.patient or 'no name'}, "
                f"member {row.member_id or 'not given'}), which matches none of our claim numbers.")
        candidates = remittances.likely_claims(row.item_id)
        number: str | None = None
        if candidates:
            options = [str(c) for c in candidates] + [ANOTHER]
            picked = self.prompts.ask_choice("Match to a claim", said + "\nWhich of our claims is it?",
                                             options)
            if picked is None:
                return
            if picked != ANOTHER:
                number = candidates[options.index(picked)].claim_number
        if number is None:
            typed = self.prompts.ask_text("Match to a claim", said + "\nType our claim number it pays "
                                          "(the Claims tab finds a claim by patient, invoice or phone):")
            number = (typed or "").strip()
        if not number or not self.prompts.confirm(
                "Match to a claim", f"Post the {paid} of {row.payer} {row.reference} held for claim "
                f"{row.claim_number} to our claim {number}?", default_no=True):
            return
        user = self.session.user
        self._say(lambda: remittances.match_unmatched(row.item_id, number, user),
                  lambda done: f"{row.payer}'s claim {row.claim_number} matched to claim {number}: "
                  f"{paid} posted" + (f"; {format_money(done.held)} more than its lines owed, held "
                                      "unapplied" if done.held else "")
                  + "".join(f"; secondary claim {c} made" for c in done.secondary_claims) + ".")


class UnappliedWindow(_MoneyList):
    """Insurers' money held unapplied, check by check: apply it, refund it, say why it is held."""

    worklist_actions = (("&Apply to a claim line…", "apply"), ("&Refund to the payer…", "refund"),
                        ("&Why held…", "why_held"))
    noun = "check"

    def __init__(self, session, *, prompter: Prompter | None = None, ask: Ask | None = None,
                 parent=None):
        super().__init__(session, UNAPPLIED_COLUMNS,
                         lambda payer: insurance_money.unapplied_list(payer=payer),
                         prompter=prompter, parent=parent)
        self.setWindowTitle("Unapplied insurance money")
        self.ask = ask  # the supervisor sign-off prompt (None: the sign-off dialog)
        self.refresh()
        self.table.setFocus()

    def show_rows(self, rows: list, keep: int | None = None) -> None:
        super().show_rows(rows, keep)
        held = sum((r.unapplied for r in rows), ZERO)
        owed = sum((r.unapplied for r in rows if r.owed_back), ZERO)
        self.count.setText(f"{self.count.text()}, {format_money(held)} held"
                           + (f", of which {format_money(owed)} owed back to the payers (refund it, or "
                              "apply it to the corrected claim)" if owed else ""))

    def _amount(self, title: str, question: str, default: Decimal) -> str | None:
        text = self.prompts.ask_text(title, question, str(default))
        return text.strip() if text and text.strip() else None

    def apply(self) -> None:
        row = self.current()
        if row is None:
            return
        held = format_money(row.unapplied)
        number = self.prompts.ask_text("Apply held money", f"{row.payer} {row.reference} holds {held}. "
                                       f"Type the number of the {row.payer} claim it pays:")
        if not (number and number.strip()):
            return
        try:
            lines = [l for l in insurance_money.lines_to_apply(row.check_id, number) if l.owed > 0]
        except BillingError as exc:
            self.message.setText(str(exc))
            return
        if not lines:
            self.message.setText(f"{row.payer} owes nothing on claim {number.strip()}'s lines.")
            return
        options = [str(l) for l in lines]
        picked = self.prompts.ask_choice("Apply held money", f"Which line of claim {lines[0].control_number} "
                                         "does it pay?", options)
        if picked is None:
            return
        line = lines[options.index(picked)]
        amount = self._amount("Apply held money", f"How much of the {held} goes to {line}?",
                              min(row.unapplied, line.owed))
        if amount is None:
            return
        user = self.session.user
        self._say(lambda: insurance_money.apply_unapplied(row.check_id, line.claim_id, line.line_id,
                                                          amount, user),
                  lambda part: f"{format_money(part.amount)} of {row.payer} {row.reference} applied to "
                  f"claim {line.control_number} line {line.position} ({line.code}); "
                  f"{format_money(insurance_money.unapplied(row.check_id))} still held.")

    def refund(self) -> None:
        row = self.current()
        if row is None:
            return
        held = format_money(row.unapplied)
        amount = self._amount("Refund to the payer", f"{row.payer} {row.reference} holds {held}. How "
                              f"much is paid back to {row.payer}?", row.unapplied)
        if amount is None:
            return
        reason = self.prompts.ask_text("Refund to the payer", "Why is it paid back? (e.g. overpaid "
                                       "claim 200123; the payer asked for it back)",
                                       row.reason if row.owed_back else "")
        if not (reason and reason.strip()):
            return
        reference = self.prompts.ask_text("Refund to the payer", "Our check number for the refund "
                                          "(blank: none yet):") or ""
        if not self.prompts.confirm("Refund to the payer", f"Pay back {amount} of {row.payer} "
                                    f"{row.reference} to {row.payer}?", default_no=True):
            return
        user = self.session.user
        self._say(lambda: run_with_signoff(self, "large_credit", lambda approved_by: (
            insurance_money.refund_unapplied(row.check_id, amount, reason, user, reference=reference,
                                             approved_by=approved_by)), ask=self.ask),
            lambda made: f"{format_money(-made.amount)} of {row.payer} {row.reference} refunded to "
            f"the payer; {format_money(insurance_money.unapplied(row.check_id))} still held.")

    def why_held(self) -> None:
        row = self.current()
        if row is None:
            return
        reason = self.prompts.ask_text("Why it is held", f"Why are the {format_money(row.unapplied)} of "
                                       f"{row.payer} {row.reference} held? (now: {row.reason})")
        if not (reason and reason.strip()):
            return
        user = self.session.user
        self._say(lambda: insurance_money.hold_reason(row.check_id, reason, user),
                  lambda _none: f"{row.payer} {row.reference}: held because {reason.strip()}.")
