"""peewee without the PostgreSQL driver until an office on a server is opened.

peewee imports psycopg (and through it libpq) as it is imported: a tenth of a second of the
start, and several tenths on a busy PC, for an office on a SQLite file that never uses it.
``import_peewee()`` imports peewee with psycopg held back, as if it were not installed;
``server_driver()`` imports psycopg and hands peewee what its own import would have set, before
the first server connection (models/server.py)."""

from __future__ import annotations

import sys
from types import ModuleType


def import_peewee() -> None:
    """Import peewee without psycopg (once, before anything else imports peewee)."""
    if "peewee" in sys.modules or "psycopg" in sys.modules:
        return  # too late, or the driver is loaded already: peewee takes it as usual
    sys.modules["psycopg"] = None  # type: ignore[assignment]  # peewee's `import psycopg` fails
    try:
        import peewee  # noqa: F401
    finally:
        del sys.modules["psycopg"]


def server_driver() -> ModuleType:
    """psycopg, with peewee told of it (the names peewee's own import sets, module and adapter)."""
    import peewee
    import psycopg

    if getattr(peewee, "psycopg", None) is None:
        from psycopg.pq import TransactionStatus
        from psycopg.types.json import Json, Jsonb

        for name, value in (("psycopg", psycopg), ("TransactionStatus", TransactionStatus),
                            ("Json_pg3", Json), ("Jsonb_pg3", Jsonb)):
            setattr(peewee, name, value)
        adapter = peewee.Psycopg3Adapter
        adapter.txn_idle = TransactionStatus.IDLE
        adapter.txn_inerror = TransactionStatus.INERROR
        adapter.txn_unknown = TransactionStatus.UNKNOWN
    return psycopg
