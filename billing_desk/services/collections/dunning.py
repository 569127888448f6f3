"""Dunning: the accounts whose next rung is due, and the batch that moves them up the ladder,
records each letter and hands agency rungs off, all in one transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ...models import Account, CollectionStage, ContactLog, Letter, User
from ...money import format_money
from ..office import audit
from ..office.permissions import can
from ..office.transactions import in_transaction, today as ledger_today
from . import collection_actions
from .worklist import (
    WorkFilter,
    WorkRow,
    dunning_letter,
    follow_up_days,
    letter_text,
    letter_values,
    standing,
    worklist,
)


@dataclass
class BatchResult:
    sent: list[Letter] = field(default_factory=list)
    handed_off: list[int] = field(default_factory=list)
    needs_supervisor: list[WorkRow] = field(default_factory=list)
    pdf: bytes = b""  # every letter of the run, in one file for the printer


def proposals(*, today: dt.date | None = None) -> list[WorkRow]:
    """Accounts whose next rung is due, oldest first: what the batch will send."""
    return worklist(WorkFilter(show="to_send", sort="days", descending=True), today=today, limit=None)


def confirm_stages(account_ids: list[int], by: User, *, today: dt.date | None = None,
                   agency: str = "", render=None, progress=None) -> BatchResult:
    """Move each account to its proposed stage and record the letter (a PDF copy when ``render``,
    printing.letters.render, is given; the window and the command line always give it).
    ``progress(done, total)`` before each account; raising from it abandons the whole batch.

    One transaction for the batch. An agency rung needs a supervisor: for a clerk those
    accounts are left in ``needs_supervisor`` and the rest go ahead.
    """
    today = today or ledger_today()
    wanted = set(account_ids)
    rows = [r for r in proposals(today=today) if r.account_id in wanted]
    result = BatchResult()
    documents = []
    with in_transaction():
        for done, row in enumerate(rows):
            if progress is not None:
                progress(done, len(rows))
            stage = CollectionStage.get_by_id(row.proposed_id)
            if stage.action == "agency":
                if not can(by, "agency_handoff"):
                    result.needs_supervisor.append(row)
                    continue
                collection_actions.hand_off(row.account_id, agency or stage.name,
                                            f"stage {stage.name}", by, today=today)
                result.handed_off.append(row.account_id)
                continue
            document = dunning_letter(Account.get_by_id(row.account_id),
                                      letter_text(stage, letter_values(row, stage, today)),
                                      stage.name, today, row.past_due)
            documents.append(document)
            pdf = render([document]) if render else None
            result.sent.append(_record_stage(row, stage, pdf, by, today))
    result.pdf = render(documents) if render and documents else b""
    return result


def _record_stage(row: WorkRow, stage: CollectionStage, pdf: bytes | None, by: User,
                  today: dt.date) -> Letter:
    record = standing(row.account_id)
    before = audit.snapshot(record, "stage", "next_follow_up")
    record.stage, record.stage_since = stage, today
    record.next_follow_up = today + dt.timedelta(days=follow_up_days())
    record.last_contact_on = today
    record.save()
    letter = Letter.create(account=row.account_id, kind=stage.name, sent_on=today, pdf=pdf, by=by)
    ContactLog.create(account=row.account_id, kind="letter", outcome="sent", by=by,
                      note=f"{stage.name} for {format_money(row.past_due)} past due",
                      contacted_on=today)
    audit.record(by, "dunning", record, account_id=row.account_id,
                 summary=f"{stage.name} sent to {row.number} ({format_money(row.past_due)} past due)",
                 before=before, after=audit.snapshot(record, "stage", "next_follow_up"))
    return letter
