"""File > Open database…: a database file on this PC, or an office on a server; this PC
remembers a server (and opens it at the next start, when no --db is given)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from ...paths import settings_file
from ...services.office.session import is_server_url
from ..prompts import Prompter

KINDS = ["A database file on this PC", "An office on a server (several workstations)"]
ADDRESS_LABEL = "Server address (postgresql://USER@HOST:PORT/DBNAME):"


def _settings() -> QSettings:
    return QSettings(str(settings_file()), QSettings.Format.IniFormat)


def remember(target: str) -> None:
    """This PC opens ``target`` at its next start when it is a server's address; after a file,
    the start opens the office's file in the data folder, as it always has."""
    settings = _settings()
    settings.setValue("database/kind", "server" if is_server_url(target) else "file")
    if is_server_url(target):
        settings.setValue("database/server", target)
    settings.sync()


def remembered() -> str | None:
    """The server this PC chose last, or None (the file in the data folder)."""
    settings = _settings()
    if settings.value("database/kind", "file") != "server":
        return None
    return str(settings.value("database/server", "") or "") or None


def choose_office(prompter: Prompter, current: str) -> str | None:
    """Ask which office to open; None when the clerk cancels."""
    server_last = _settings().value("database/kind", "file") == "server"
    kind = prompter.ask_choice("Open database", "Open:", KINDS, current=1 if server_last else 0)
    if kind is None:
        return None
    if kind == KINDS[0]:
        start = "" if is_server_url(current) else str(Path(current).parent)
        return prompter.choose_open_file(
            "Open database", "Billing Desk database (*.sqlite *.db);;All files (*)", start)
    address = prompter.ask_text("Open an office on a server", ADDRESS_LABEL,
                                str(_settings().value("database/server", "") or ""))
    if address is None or not address.strip():
        return None
    if not is_server_url(address.strip()):
        prompter.warn("Open an office on a server", f"{address.strip()} is not a server's address: "
                      "write it as postgresql://USER@HOST:PORT/DBNAME (ask whoever set up the "
                      "server).")
        return None
    return address.strip()
