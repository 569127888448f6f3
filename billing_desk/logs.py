"""The program's log: one rotating file in the data folder (``paths.log_file()``).

The window and the command line call ``setup_logging()`` when they start; an error nobody
expected is written here with its traceback, and the clerk is told where the file is.
"""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

from .paths import log_file

MAX_BYTES = 1_000_000
KEEP = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"

log = logging.getLogger("billing_desk")
_handler: RotatingFileHandler | None = None


def setup_logging(path: Path | None = None) -> Path:
    """Send the program's log to ``path`` (default: the data folder's log), 1 MB x 5 files.

    Calling it again with another path moves the log there (tests give each their own folder).
    """
    global _handler
    path = Path(path) if path else log_file()
    if _handler is not None and Path(_handler.baseFilename) == path.absolute():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=KEEP, encoding="utf-8",
                                  delay=True)
    handler.setFormatter(logging.Formatter(FORMAT))
    if _handler is not None:
        log.removeHandler(_handler)
        _handler.close()
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    _handler = handler
    return path


def current_log() -> Path:
    """The file the log goes to now (the default one before ``setup_logging``)."""
    return Path(_handler.baseFilename) if _handler is not None else log_file()


def log_unexpected(exc: BaseException, where: str = "") -> Path:
    """Write ``exc`` with its traceback; returns the log file to point people at."""
    path = setup_logging() if _handler is None else current_log()
    log.error("unexpected error%s", f" in {where}" if where else "",
              exc_info=(type(exc), exc, exc.__traceback__))
    return path
