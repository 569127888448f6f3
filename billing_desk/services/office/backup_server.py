"""Where this PC keeps its working files for an office on a server, and names its backups.

A server office's backup (``backup.make_backup`` with the server's address) reads the server in
one snapshot into a database file here, then makes the same verified ``.bdbackup`` as a file
office; it restores into a file, or into an empty server database (``moving.restore_into_server``).
"""

from __future__ import annotations

from pathlib import Path

from ...models.server import ServerAddress


def server_place(url: str) -> Path:
    place = ServerAddress(url).place()
    place.parent.mkdir(parents=True, exist_ok=True)
    return place
