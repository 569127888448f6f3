"""Keyboard only, from outside: every button along a tab's top can be pressed without the mouse,
by its Alt letter or its own key; a button with neither is reached only by tabbing past a list
whose Tab moves between its cells."""

from demo_fixtures import demo_path, window  # noqa: F401 (fixtures)

DEMO = {"accounts": 30, "seed": 11}


def _has_a_key(button) -> bool:
    text = button.text().replace("&&", "")
    return "&" in text or not button.shortcut().isEmpty() or "(Ctrl+" in text or "(F" in text \
        or "(Alt+" in text or "(Esc" in text or "(Enter" in text


def test_every_button_on_every_tab_has_a_key(window):
    from PySide6.QtWidgets import QPushButton

    window.resize(1300, 800)
    keyless = {}
    for index, page in enumerate(window.pages):
        window.tabs.setCurrentIndex(index)
        for button in page.findChildren(QPushButton):
            if button.isVisibleTo(window) and button.text().strip() and not _has_a_key(button):
                keyless.setdefault(window.tabs.tabText(index), []).append(button.text())
    assert keyless == {}, keyless
