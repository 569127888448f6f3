"""Gap-free document numbers. Taken inside the caller's transaction, so a rollback returns it."""

from __future__ import annotations

from ...models import Sequence

STARTS = {"invoice": 1001, "account": 100001, "order": 5001, "payment": 1, "claim": 200001}


def next_number(name: str) -> int:
    seq, _ = Sequence.get_or_create(name=name, defaults={"next_value": STARTS.get(name, 1)})
    value = seq.next_value
    Sequence.update(next_value=Sequence.next_value + 1).where(Sequence.name == name).execute()
    return value
