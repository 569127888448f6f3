"""Gap-free document numbers. Taken inside the caller's transaction, so a rollback returns it.

One statement takes a number and moves the counter (UPDATE ... RETURNING), so two workstations
never read the same value; on a server the row stays locked until the taking write commits or
rolls back, and the next writer gets the number after it (or the same one, after a rollback).
"""

from __future__ import annotations

from ...models import database

STARTS = {"invoice": 1001, "account": 100001, "order": 5001, "payment": 1, "claim": 200001}


def next_number(name: str) -> int:
    database.execute_sql("INSERT INTO sequence (name, next_value) VALUES (?, ?) ON CONFLICT DO NOTHING",
                         (name, STARTS.get(name, 1)))  # a counter's first use starts it
    row = database.execute_sql("UPDATE sequence SET next_value = next_value + 1 WHERE name = ? "
                               "RETURNING next_value - 1", (name,)).fetchone()
    return int(row[0])
