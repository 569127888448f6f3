"""Every path the program uses, in one place: platformdirs underneath, one override on top.

``BILLING_DESK_HOME`` (for development, tests and a portable install) puts everything in one
folder; otherwise the user's data folder. A frozen build finds its resources beside itself.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP = "BillingDesk"


def data_dir() -> Path:
    home = os.environ.get("BILLING_DESK_HOME")
    path = Path(home) if home else Path(platformdirs.user_data_dir(APP, appauthor=False, roaming=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_database() -> Path:
    return data_dir() / "billing-desk.sqlite"


def demo_database() -> Path:
    return data_dir() / "demo.sqlite"


def backups_dir() -> Path:
    path = data_dir() / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path


def documents_dir(chosen: str = "") -> Path:
    """Where save dialogs open: the office's chosen folder, else Documents/Billing Desk (inside
    the data folder when ``BILLING_DESK_HOME`` moves it: a portable install, or development)."""
    if chosen:
        path = Path(chosen).expanduser()
    elif os.environ.get("BILLING_DESK_HOME"):
        path = data_dir() / "documents"
    else:
        path = Path(platformdirs.user_documents_dir()) / "Billing Desk"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:  # a folder that cannot be made: the dialog opens where it can
        pass
    return path


def settings_file() -> Path:
    return data_dir() / "window.ini"


def resources_dir() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def cache_dir() -> Path:
    """What the program builds once and keeps (the ICD-10-CM index); safe to delete."""
    path = data_dir() / "cache"
    path.mkdir(parents=True, exist_ok=True)
    return path


def logs_dir() -> Path:
    path = data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_file() -> Path:
    """Where the program writes what went wrong (rotated: see billing_desk/logs.py)."""
    return logs_dir() / "billing-desk.log"
