"""The billing review's charts on screen, drawn with QPainter: a line chart (the aging trend), grouped
columns (charges and payments by month) and horizontal bars (denials by reason, days to pay by payer).

Why not QtCharts: it ships in PySide6-Addons, which the program does not install (its wheel brings
every add-on module; the build would collect QtCharts and the QtOpenGL libraries it links to). Four
plain charts are a hundred lines of painting, cost the frozen build nothing, print and scale with
the window, and take their colours from the palette (README, "The billing review").
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

COLOURS = (QColor("#2f6db5"), QColor("#e07b24"), QColor("#b9cde6"))


class Chart(QWidget):
    """``kind``: "line" (several series over labels), "columns" (several series side by side) or
    "bars" (one series, horizontal, labels at the left). ``series`` is [(name, [values])]."""

    def __init__(self, title: str, kind: str, unit: str = "", parent=None):
        super().__init__(parent)
        self.title, self.kind, self.unit = title, kind, unit
        self.labels: list[str] = []
        self.series: list[tuple[str, list[float]]] = []
        self.empty = "nothing to show"
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(280, 190)
        self.setAccessibleName(title)

    def sizeHint(self) -> QSize:
        return QSize(420, 240)

    def set_data(self, labels: list[str], series: list[tuple[str, list[float]]], empty: str = "") -> None:
        self.labels, self.series = labels, series
        self.empty = empty or self.empty
        values = [
            f"{name}: " + ", ".join(f"{label} {v:,.1f}{self.unit}" for label, v in zip(labels, vals))
            for name, vals in series
        ]
        self.setAccessibleDescription("; ".join(values) or self.empty)
        self.setToolTip("\n".join(values[:2]) if values else self.empty)
        self.update()

    def _has_data(self) -> bool:
        return bool(self.labels) and any(any(v for v in values) for _name, values in self.series)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.base())
        text = palette.text().color()
        font = QFont(self.font())
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(text)
        painter.drawText(QRectF(6, 2, self.width() - 12, 18), Qt.AlignmentFlag.AlignLeft, self.title)
        small = QFont(self.font())
        small.setPointSizeF(max(self.font().pointSizeF() - 1.5, 6.5))
        painter.setFont(small)
        if not self._has_data():
            painter.setPen(palette.placeholderText().color())
            painter.drawText(QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter, self.empty)
            painter.end()
            return
        if self.kind == "bars":
            self._bars(painter, text)
        else:
            self._plot(painter, text)
        painter.end()

    def _legend(self, painter: QPainter, text: QColor, top: float) -> None:
        x = 60.0
        for index, (name, _values) in enumerate(self.series):
            painter.fillRect(QRectF(x, top + 4, 10, 10), COLOURS[index % len(COLOURS)])
            painter.setPen(text)
            painter.drawText(QPointF(x + 14, top + 13), name)
            x += 24 + painter.fontMetrics().horizontalAdvance(name)

    def _plot(self, painter: QPainter, text: QColor) -> None:
        left, top, right, bottom = 56.0, 40.0, self.width() - 10.0, self.height() - 34.0
        self._legend(painter, text, 20)
        peak = max(max(values) for _n, values in self.series) or 1.0
        grid = QPen(QColor(text))
        grid.setWidthF(0.3)
        for step in range(5):
            y = bottom - (bottom - top) * step / 4
            painter.setPen(grid)
            painter.drawLine(QPointF(left, y), QPointF(right, y))
            painter.setPen(text)
            value = peak * step / 4
            label = f"{value / 1000:,.0f}k" if peak >= 10000 else f"{value:,.0f}"
            painter.drawText(
                QRectF(0, y - 8, left - 6, 16),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                label + self.unit,
            )
        count = len(self.labels)
        slot = (right - left) / max(count, 1)
        for i, label in enumerate(self.labels):
            if count <= 13 or i % 2 == 0:
                painter.drawText(
                    QRectF(left + i * slot - 4, bottom + 3, slot + 8, 14),
                    Qt.AlignmentFlag.AlignHCenter,
                    label,
                )
        for index, (_name, values) in enumerate(self.series):
            colour = COLOURS[index % len(COLOURS)]
            if self.kind == "line":
                pen = QPen(colour)
                pen.setWidthF(2.0)
                painter.setPen(pen)
                points = [
                    QPointF(left + (i + 0.5) * slot, bottom - (bottom - top) * v / peak)
                    for i, v in enumerate(values)
                ]
                for a, b in zip(points, points[1:]):
                    painter.drawLine(a, b)
            else:
                width = slot * 0.8 / len(self.series)
                for i, v in enumerate(values):
                    height = (bottom - top) * v / peak
                    x = left + i * slot + slot * 0.1 + index * width
                    painter.fillRect(QRectF(x, bottom - height, width - 1, height), colour)

    def _bars(self, painter: QPainter, text: QColor) -> None:
        values = self.series[0][1]
        left, top, right = 120.0, 26.0, self.width() - 46.0
        peak = max(values) or 1.0
        room = (self.height() - top - 6) / max(len(values), 1)
        height = min(room * 0.7, 22)
        metrics = painter.fontMetrics()
        for i, (label, value) in enumerate(zip(self.labels, values)):
            y = top + i * room
            painter.setPen(text)
            painter.drawText(
                QRectF(4, y, left - 10, room),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                metrics.elidedText(label, Qt.TextElideMode.ElideRight, int(left - 12)),
            )
            width = (right - left) * value / peak
            painter.fillRect(QRectF(left, y + (room - height) / 2, width, height), COLOURS[0])
            painter.drawText(
                QRectF(left + width + 4, y, 44, room),
                Qt.AlignmentFlag.AlignVCenter,
                f"{value:,.0f}{self.unit}",
            )
