"""Which columns a table shows: the ones a clerk works by fit the window, the rest on demand.

The header's context menu (right click, or the menu key on the table) and a "Columns" button
(its Alt key opens the same menu) list every column with a tick; the choice is remembered."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QTableView, QToolButton

from ..paths import settings_file


class ColumnChooser:
    """Show and hide ``table``'s columns by their header text; remembered under ``key``."""

    def __init__(self, table: QTableView, key: str, hidden: Iterable[str] = ()):
        self.table = table
        self.key = f"columns/{key}"
        self.menu = QMenu(table)
        self.menu.setObjectName("column-chooser")
        self.menu.aboutToShow.connect(self._fill)
        header = table.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(lambda pos: self.menu.popup(header.mapToGlobal(pos)))
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(lambda pos: self.menu.popup(table.mapToGlobal(pos)))
        remembered = self._settings().value(self.key)
        chosen = set(hidden) if remembered is None else set(_as_list(remembered))
        for section in range(self._count()):
            header.setSectionHidden(section, self.title(section) in chosen)

    def button(self, text: str = "Colu&mns") -> QToolButton:
        button = QToolButton(text=text, objectName="columns")
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        button.setMenu(self.menu)
        button.setToolTip("Choose the columns this list shows (also: right click on the headings)")
        button.setAccessibleName("Columns")
        button.setAccessibleDescription("Choose which columns the list shows")
        return button

    def _count(self) -> int:
        return self.table.model().columnCount()

    def title(self, section: int) -> str:
        return str(self.table.model().headerData(section, Qt.Orientation.Horizontal,
                                                 Qt.ItemDataRole.DisplayRole))

    def hidden(self) -> list[str]:
        header = self.table.horizontalHeader()
        return [self.title(s) for s in range(self._count()) if header.isSectionHidden(s)]

    def set_shown(self, title: str, shown: bool) -> None:
        header = self.table.horizontalHeader()
        for section in range(self._count()):
            if self.title(section) == title:
                header.setSectionHidden(section, not shown)
        self._settings().setValue(self.key, self.hidden() or "")

    def _fill(self) -> None:
        self.menu.clear()
        header = self.table.horizontalHeader()
        for section in range(self._count()):
            title = self.title(section)
            action = QAction(title, self.menu, checkable=True, checked=not header.isSectionHidden(section))
            action.toggled.connect(lambda shown, t=title: self.set_shown(t, shown))
            self.menu.addAction(action)

    @staticmethod
    def _settings() -> QSettings:
        return QSettings(str(settings_file()), QSettings.Format.IniFormat)


def _as_list(value) -> list[str]:
    if isinstance(value, str):
        return [value] if value else []
    return [str(v) for v in value]
