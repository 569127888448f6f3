"""The account's collections file beside the worklist, and the end-of-road actions (hand-off,
write-off, recovery, agency export) that ask their questions through the tab's prompter."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ...money import ZERO, format_money
from ...services.collections import collection_actions as actions
from ..office.signoff import run_with_signoff


def end_of_road_actions() -> list[tuple[str, str, str]]:
    return [("Ha&nd off to agency…", "", "hand_off"), ("&Write off…", "", "write_off"),
            ("Recover&y payment…", "", "recovery"), ("Agency e&xport…", "", "agency_export")]


class AccountPane(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.message = QLabel(objectName="message", wordWrap=True)
        self.message.setStyleSheet("color: #0b4f8a; font-weight: bold")
        self.body = QLabel(objectName="file", wordWrap=True)
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.body, 1)
        layout.addStretch(1)

    def say(self, text: str) -> None:
        self.message.setText(text)

    def show_account(self, file, row, today) -> None:
        if file is None:
            self.body.setText("<i>No account chosen.</i>")
            return
        a, rec = file.account, file.record
        parts = [f"<b>{escape(a.number)} {escape(a.display_name)}</b><br>{escape(a.phone)} · "
                 f"prefers {escape(a.preferred_contact)}"]
        if row:
            parts.append(f"Past due {format_money(row.past_due)} of {format_money(row.balance)} · "
                         f"{row.days} days · stage {escape(row.stage or 'none')}")
            if row.skip:
                parts.append(f"<span style='color:#8a5a00'>Dunning skipped: {escape(row.skip)}</span>")
            if row.flag:
                parts.append(f"<span style='color:#b00020'>{escape(row.flag)}</span>")
        if rec and (rec.handed_off_on or rec.written_off_on):
            parts.append("With " + escape(rec.agency) + f" since {rec.handed_off_on:%m/%d/%Y}"
                         if rec.handed_off_on else f"Written off {rec.written_off_on:%m/%d/%Y}")
        parts.append(_section("Contacts", [f"{c.contacted_on or c.created_at:%m/%d} {c.kind}: {c.outcome}"
                                           + (f" — {c.note}" if c.note else "") for c in file.contacts[:8]]))
        parts.append(_section("Promises", [f"{format_money(p.amount)} by {p.due_date:%m/%d/%Y}: {p.status}"
                                           for p in file.promises[:5]]))
        plans = []
        for plan in file.plans[:3]:
            missed = len(actions.missed_installments(plan, today)) if plan.status == "active" else 0
            plans.append(f"{format_money(plan.total)} in {plan.installments} from {plan.first_due:%m/%d/%Y}: "
                         f"{plan.status}" + (f", {missed} missed" if missed else ""))
        parts.append(_section("Payment plans", plans))
        parts.append(_section("Cases", [f"{c.subject} ({c.status})" for c in file.cases[:5]]))
        parts.append(_section("Letters", [f"{l.sent_on:%m/%d/%Y} {l.kind}" for l in file.letters[:5]]))
        self.body.setText("<br>".join(p for p in parts if p))


def _section(title: str, lines: list[str]) -> str:
    if not lines:
        return ""
    return f"<br><b>{title}</b><br>" + "<br>".join(escape(line) for line in lines)


def _after_credit(row) -> str:
    """What goes to bad debt or the agency: the balance less the account's credit, which pays
    its oldest items first (collection_actions)."""
    if row.credit <= 0:
        return format_money(row.balance)
    left = max(row.balance - row.credit, ZERO)
    return f"{format_money(left)} (its {format_money(row.credit)} credit paid first)"


def _hand_off(tab) -> None:
    row = tab._need_row()
    agency = tab.ask("Hand off to agency", "Agency name:") if row else None
    reason = tab.ask("Hand off to agency", "Reason:") if agency else None
    if agency and reason and tab.confirm(f"Place {_after_credit(row)} of account {row.number} "
                                         f"with {agency}? Statements stop.", default_no=True):
        tab.run(lambda: run_with_signoff(tab, "agency_handoff", lambda approved_by: actions.hand_off(
            row.account_id, agency, reason, tab.session.user, today=tab.clock(), approved_by=approved_by)),
                f"Account {row.number} placed with {agency}.")


def _write_off(tab) -> None:
    row = tab._need_row()
    reason = tab.ask("Write off to bad debt", "Reason:") if row else None
    if reason and tab.confirm(f"Write off {_after_credit(row)} on account {row.number}?",
                              default_no=True):
        tab.run(lambda: run_with_signoff(tab, "write_off", lambda approved_by: actions.write_off(
            row.account_id, reason, tab.session.user, today=tab.clock(), approved_by=approved_by)),
                f"Account {row.number} written off.")


def _recovery(tab) -> None:
    number = tab.ask("Recovery payment", "Account number (handed off or written off):")
    if not number:
        return
    from ...services.accounts.registry import search_accounts

    found = [a for a in search_accounts(number.strip(), limit=5) if a.number == number.strip()]
    if not found:
        tab.pane.say(f"No account {number}.")
        return
    amount = tab.ask("Recovery payment", "Amount received:")
    source = tab.ask("Recovery payment", "From (patient / agency):", "patient") if amount else None
    reference = tab.ask("Recovery payment", "Check number or reference:") if source else None
    if source and reference is not None:
        tab.run(lambda: actions.record_recovery(found[0].id, amount, tab.session.user, reference=reference,
                                                source=source.strip().lower(), today=tab.clock(),
                                                method="check" if reference.strip() else "cash"),
                f"Recovery of {amount} recorded on account {number}.")


def _agency_export(tab) -> None:
    path = tab.prompter.choose_save_file("Agency export", "handed-off-accounts.csv", "CSV (*.csv)")
    if path:
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(actions.agency_export())
        tab.pane.say(f"Saved {path}.")


END_OF_ROAD = {"hand_off": _hand_off, "write_off": _write_off, "recovery": _recovery,
               "agency_export": _agency_export}
