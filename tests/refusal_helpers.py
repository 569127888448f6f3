"""What the stale-screen window tests share: the refusal's words, a dialog shown and exposed, and a
box's text typed over with keys."""

from __future__ import annotations

REFUSED = "was changed on another screen or workstation"


def shown(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def retype(qtbot, box, text: str) -> None:
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, text)
