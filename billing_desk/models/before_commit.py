"""Work that must join the committing transaction (the ledger's seal), kept per thread: the
one piece both engines' database classes share (db.OfficeDatabase, server.OfficeServer)."""

from __future__ import annotations


class BeforeCommit:
    """``before_commit(fn)``: ``fn`` runs just before this thread's outermost COMMIT (now, when no
    transaction is open). A database class calls ``run_before_commit()`` first in its commit."""

    def before_commit(self, fn) -> None:
        if self.transaction_depth() == 0:  # type: ignore[attr-defined]
            fn()
        else:
            self._before_commit().append(fn)

    def _before_commit(self) -> list:
        state = self._state  # type: ignore[attr-defined]
        if not hasattr(state, "before_commit"):
            state.before_commit = []
        return state.before_commit

    def run_before_commit(self) -> None:
        todo = self._before_commit()
        while todo:
            todo.pop(0)()
