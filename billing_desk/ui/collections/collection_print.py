"""Send a collections PDF (letters, an agreement) to the printer, keeping a copy on disk."""

from __future__ import annotations

import datetime as dt

from ...errors import BillingError
from ...paths import data_dir


def save_copy(pdf: bytes, name: str) -> str:
    folder = data_dir() / "printouts"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name.replace(' ', '-')}-{dt.datetime.now():%Y%m%d-%H%M%S}.pdf"
    path.write_bytes(pdf)
    return str(path)


def send_pdf(prompter, pdf: bytes, name: str) -> None:
    """Print on the default printer in the background; without one, say where the PDF was saved."""
    from ..work import run_in_background

    path = save_copy(pdf, name)

    def not_printed(why) -> None:
        prompter.inform("Print", f"Not printed ({why}). The PDF is saved at:\n{path}")

    try:
        from ...printing.printer import default_printer, print_pdf

        if default_printer() is None:
            raise BillingError("no printer is set up")
    except (BillingError, ImportError) as exc:
        not_printed(exc)
        return
    run_in_background(prompter.parent, lambda progress: print_pdf(path, doc_name=name, progress=progress,
                                                                   cancelled=lambda: progress.cancelled),
                      title=f"Printing the {name}…", cancellable=True, on_error=not_printed)
