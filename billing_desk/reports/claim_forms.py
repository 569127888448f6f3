"""CMS-1500 forms out of a paper batch, for the command line and the window alike.

The services choose the claims and record what went (``services.claims.submission``); here they
become paper: the drawn copy with its cover list, the data alone on the office's pre-printed
forms at the printer's alignment offset, and the alignment test. Printing on forms is at 100 %
(never fitted to the paper), or the data would miss its boxes::

    batch = submission.paper_batch(payer="Illinois Medicaid")
    pages = print_on_forms(batch, "Front desk", alignment.printer_offset("Front desk"))
    submission.record_printout(batch, user, action="print", where="printer Front desk", pages=pages)
    ... the clerk confirms ... submission.confirm_printed(batch.claim_ids, user, printer="Front desk")
"""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Callable

from ..errors import BillingError
from ..services.claims.submission import PaperBatch

ProgressFn = Callable[[int, int], None]


def save_copies(batch: PaperBatch, path: str | Path) -> int:
    """The batch as drawn CMS-1500 forms after a cover list, one PDF; returns its pages.
    A copy for the office's records (or a payer that takes one): nothing is submitted."""
    from ..printing.cms1500 import drawn_pdf  # reportlab: read when the first form is drawn
    from .output import written_in_place

    return written_in_place(Path(path), lambda target: drawn_pdf(batch.forms, target, cover=True))


def check_printer(printer: str) -> str:
    from ..printing.printer import available_printers

    name = (printer or "").strip()
    printers = available_printers()
    if name not in printers:
        raise BillingError(f"there is no printer {name!r}; printers here: " + (", ".join(printers) or "none"))
    return name


def _print(write: Callable[[Path], int], printer: str, job: str, progress: ProgressFn | None,
           cancelled: Callable[[], bool] | None) -> int:
    from ..printing.printer import print_pdf

    folder = Path(tempfile.mkdtemp(prefix="billing-desk-cms1500-"))
    target = folder / f"{job}.pdf"
    try:
        write(target)
        return print_pdf(target, printer, progress=progress, cancelled=cancelled, doc_name=job,
                         actual_size=True)
    finally:
        target.unlink(missing_ok=True)
        folder.rmdir()


def print_on_forms(batch: PaperBatch, printer: str, offset: tuple[Decimal, Decimal], *,
                   progress: ProgressFn | None = None, cancelled: Callable[[], bool] | None = None) -> int:
    """The batch's data alone, at ``offset`` (inches right, down), on ``printer``'s pre-printed
    forms; returns the pages printed (0: cancelled before the first)."""
    name = check_printer(printer)
    x, y = (float(v) for v in offset)  # inches on the page (a position, not money)
    job = f"cms1500-{batch.control_numbers[0]}" + (f"-{batch.control_numbers[-1]}"
                                                   if batch.claim_count > 1 else "")
    from ..printing.cms1500 import data_only_pdf

    return _print(lambda path: data_only_pdf(batch.forms, path, offset_x=x, offset_y=y), name, job,
                  progress, cancelled)


def print_alignment_test(printer: str, offset: tuple[Decimal, Decimal]) -> int:
    """The alignment test page at ``offset`` on ``printer`` (load a blank form)."""
    name = check_printer(printer)
    x, y = (float(v) for v in offset)  # inches on the page (a position, not money)
    from ..printing.cms1500 import alignment_test_pdf

    return _print(lambda path: alignment_test_pdf(path, x, y), name, "cms1500-alignment-test", None, None)
