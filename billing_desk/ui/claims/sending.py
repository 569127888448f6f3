"""Sending claims from the Claims tab: the 837P file for a clearinghouse, the CMS-1500 on the
office's pre-printed forms (submitted only when the clerk says they came out right), a drawn PDF
copy, and the alignment test that sets a printer's offset.

The work is ``services.claims.submission`` and ``alignment`` and ``reports.claim_forms``; this
module asks the questions (through the tab's Prompter) and says what happened.
"""

from __future__ import annotations

import re
from pathlib import Path

from ...errors import BillingError, Problem, ValidationError
from ...money import format_money
from ...reports import claim_forms
from ...services.claims import alignment, scrubber, submission
from ..office.billing_identity_dialog import ensure_billing_identity
from ..refusals import with_typed
from ..work import run_in_background

NO_IDENTITY = "Claims go out once the billing identity is complete (Tools > Billing identity…)."


def _ids(tab, mode: str) -> tuple[bool, list[int] | None]:
    """(go on?, which ready claims of payers that take ``mode``): the chosen ones when several
    are chosen, all of them (None) when none is, and when one is, the clerk says which."""
    ready = {r.claim_id for r in submission.ready_claims(mode)}
    chosen = [row for row in tab.chosen() if row.claim_id in ready]
    if len(chosen) != 1 or len(ready) == 1:
        return True, [row.claim_id for row in chosen] or None
    every, one = f"All {len(ready)} ready {mode} claims", f"Only claim {chosen[0].control_number}"
    answer = tab.prompts.ask_choice("Send claims", "Which claims?", [every, one])
    return answer is not None, None if answer == every else [chosen[0].claim_id]


def _said(problem: Problem) -> str:
    """A refusal in the clerk's words, naming the claim when the problem is one claim's."""
    claim = re.fullmatch(r"claim (\S+) (.+)", problem.field)
    if claim:
        return f"claim {claim.group(1)}: " + scrubber.in_words(Problem(claim.group(2), problem.message))
    if problem.field in ("out", "claims", "mode", ""):
        return problem.message
    return scrubber.in_words(problem)


def _refused(tab, exc: BillingError) -> None:
    if isinstance(exc, ValidationError):
        tab.message.setText("Nothing was sent: " + "; ".join(_said(p) for p in exc.problems) + ".")
    else:
        tab.message.setText(f"Nothing was sent: {exc}")


def send_electronic(tab) -> None:
    """The ready electronic claims (the chosen ones, or all) into 837P files, one per payer."""
    if not ensure_billing_identity(tab, tab.session, tab.prompts):
        tab.message.setText(NO_IDENTITY)
        return
    go, ids = _ids(tab, "electronic")
    if not go:
        return
    path = tab.prompts.choose_save_file("Send claims: the 837P file for the clearinghouse",
                                        "claims.837", "837P claim files (*.837);;All files (*)")
    if not path:
        return
    try:
        files = submission.export_837(ids, path, tab.session.user)
    except BillingError as exc:
        _refused(tab, exc)
        return
    tab.message.setText(" ".join(
        f"{f.claim_count} claim(s) to {f.payer} ({format_money(f.total)}) in {f.path.name}, batch "
        f"{f.batch_number}." for f in files) + " Upload the file to the clearinghouse's website.")
    tab.refresh()


def _printer(tab) -> str | None:
    from ...printing.printer import default_printer

    name = tab.prompts.choose_printer()
    if name is None:
        return None
    return name or default_printer() or None


def print_paper(tab) -> None:
    """The ready paper claims' data on the pre-printed forms, at the printer's offset; then the
    clerk says whether they came out right, and only a yes submits them."""
    if not ensure_billing_identity(tab, tab.session, tab.prompts):
        tab.message.setText(NO_IDENTITY)
        return
    go, ids = _ids(tab, "paper")
    if not go:
        return
    try:
        batch = submission.paper_batch(ids)
    except BillingError as exc:
        _refused(tab, exc)
        return
    printer = _printer(tab)
    if not printer:
        return
    offset = alignment.printer_offset(printer)
    user = tab.session.user

    def printed(pages: int) -> None:
        submission.record_printout(batch, user, action="print", where=printer, pages=pages)
        if not tab.prompts.confirm("Print claims", f"Did the {batch.claim_count} form(s) come out right "
                                   f"on {printer}? Yes marks the claims submitted on paper; No leaves "
                                   "them ready to print again.", default_no=True):
            tab.message.setText(f"Printed {pages} page(s); the claims stay ready.")
            return
        try:
            sent = submission.confirm_printed(batch.claim_ids, user, printer=printer)
        except BillingError as exc:
            _refused(tab, exc)
            return
        tab.message.setText(f"{len(sent.control_numbers)} claim(s) submitted on paper, batch "
                            f"{sent.batch_number} ({format_money(sent.total)}).")
        tab.refresh()

    tab.job = run_in_background(
        tab, lambda progress: claim_forms.print_on_forms(batch, printer, offset, progress=progress,
                                                         cancelled=lambda: progress.cancelled),
        title="Printing the claim forms…", cancellable=True, on_done=printed,
        on_error=lambda message: tab.message.setText(f"Not printed: {message}"))


def save_copies(tab) -> None:
    """The ready paper claims (the chosen ones, or all) as drawn forms in one PDF, for the
    office's records or a payer that takes a copy; nothing is submitted."""
    go, ids = _ids(tab, "paper")
    if not go:
        return
    try:
        batch = submission.paper_batch(ids)
    except BillingError as exc:
        _refused(tab, exc)
        return
    path = tab.prompts.choose_save_file("Claim forms as PDF", "claim-forms.pdf", "PDF files (*.pdf)")
    if not path:
        return
    try:
        pages = claim_forms.save_copies(batch, path)
        submission.record_printout(batch, tab.session.user, action="export", where=path, pages=pages)
    except (BillingError, OSError) as exc:
        Path(path).unlink(missing_ok=True)
        tab.message.setText(f"Not saved: {exc}")
        return
    tab.message.setText(f"Saved {batch.claim_count} claim form(s) to {path} ({pages} pages); the "
                        "claims stay ready.")


def alignment_test(tab) -> None:
    """Set the printer's offset (inches right and down) and print the test page on a blank form."""
    printer = _printer(tab)
    if not printer:
        return
    x, y = alignment.printer_offset(printer)
    shown = alignment.offset_version(printer)  # another workstation may align this printer too
    answer = tab.prompts.ask_text("Alignment test", f"Offset for {printer}, inches right and down "
                                  "(e.g. 0.05 -0.10):", f"{x} {y}")
    if answer is None:
        return
    parts = answer.replace(",", " ").split()
    try:
        if len(parts) != 2:
            raise ValidationError("type two numbers: inches right, then inches down", "offset")
        x, y = alignment.set_printer_offset(printer, parts[0], parts[1], tab.session.user,
                                            loaded_as=shown)
        claim_forms.print_alignment_test(printer, (x, y))
        alignment.record_test_print(printer, tab.session.user)
    except BillingError as exc:  # the offset typed, quoted: the question has closed
        tab.message.setText(f"Alignment test: {with_typed(exc, answer)}")
        return
    tab.message.setText(f"The test page went to {printer} at {x} in right, {y} in down: the X "
                        "marks should sit in their boxes; if not, run it again with a new offset.")
