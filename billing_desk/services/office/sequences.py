"""Gap-free document numbers. Taken inside the caller's transaction, so a rollback returns it.

One statement takes a number and moves the counter (UPDATE ... RETURNING), so two workstations
never read the same value; on a server the row stays locked until the taking write commits or
rolls back, and the next writer gets the number after it (or the same one, after a rollback).
"""

from __future__ import annotations

from ...models import database
from . import steady

STARTS = {"invoice": 1001, "account": 100001, "order": 5001, "payment": 1, "claim": 200001}


def next_number(name: str) -> int:
    steady.kept("sequence started", name, lambda: _start(name))  # once per counter in a build
    row = _take(name)
    if row is None:  # the counter's row is not there (yet): start it, then take its first number
        _start(name)
        row = _take(name)
    return int(row[0])


def _start(name: str) -> None:
    database.execute_sql("INSERT INTO sequence (name, next_value) VALUES (?, ?) ON CONFLICT DO NOTHING",
                         (name, STARTS.get(name, 1)))  # a counter's first use starts it


def _take(name: str):
    return database.execute_sql("UPDATE sequence SET next_value = next_value + 1 WHERE name = ? "
                                "RETURNING next_value - 1", (name,)).fetchone()
