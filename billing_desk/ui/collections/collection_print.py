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
    """Print on the default printer; without one, say where the PDF was saved."""
    path = save_copy(pdf, name)
    try:
        from ...printing.printer import default_printer, print_pdf

        if default_printer() is None:
            raise BillingError("no printer is set up")
        print_pdf(path, doc_name=name)
    except (BillingError, ImportError) as exc:
        prompter.inform("Print", f"Not printed ({exc}). The PDF is saved at:\n{path}")
