"""Paints a finding as a card: the quote over a few lines, its source and locator, its themes."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QTextLayout,
    QTextLine,
    QTextOption,
)
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from .findings_model import InBriefingRole, SourceLabelRole, ThemesRole

QUOTE_LINES = 3
PAD = 6


class FindingDelegate(QStyledItemDelegate):
    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        body = QFont(option.font)
        meta = QFont(option.font)
        meta.setPointSizeF(max(7.0, body.pointSizeF() * 0.9))
        return body, meta

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        body, meta = self._fonts(option)
        h = (
            QFontMetrics(body).lineSpacing() * QUOTE_LINES
            + QFontMetrics(meta).lineSpacing() * 2
            + PAD * 3
        )
        return QSize(200, h)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = opt.text
        opt.text = ""
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)

        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        group = (
            QPalette.ColorGroup.Normal
            if opt.state & QStyle.StateFlag.State_Enabled
            else QPalette.ColorGroup.Disabled
        )
        fg = opt.palette.color(
            group, QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        dim = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        meta_color = opt.palette.color(group, dim)
        body, meta = self._fonts(opt)
        rect = opt.rect.adjusted(PAD + 4, PAD, -PAD, -PAD)
        in_briefing = int(index.data(InBriefingRole) or 0)

        painter.save()
        if in_briefing:
            # A coloured bar and a badge: "already in the briefing" at a glance.
            painter.fillRect(
                QRect(opt.rect.left(), opt.rect.top() + 2, 4, opt.rect.height() - 4),
                opt.palette.color(QPalette.ColorRole.Highlight) if not selected else fg,
            )
        # The quote, elided to a few lines.
        painter.setPen(fg)
        self._draw_lines(painter, f"“{text}”", body, rect, QUOTE_LINES)
        y = rect.top() + QFontMetrics(body).lineSpacing() * QUOTE_LINES + PAD // 2
        painter.setFont(meta)
        fm = QFontMetrics(meta)
        bold = QFont(meta)
        bold.setBold(True)
        source = str(index.data(SourceLabelRole) or "")
        badge = (
            ("✓ In briefing" + (f" ×{in_briefing}" if in_briefing > 1 else ""))
            if in_briefing
            else ""
        )
        badge_w = QFontMetrics(bold).horizontalAdvance(badge) + PAD if badge else 0
        painter.setFont(bold)
        painter.drawText(
            QRect(rect.left(), y, rect.width() - badge_w, fm.lineSpacing()),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            QFontMetrics(bold).elidedText(
                source, Qt.TextElideMode.ElideRight, rect.width() - badge_w
            ),
        )
        if badge:
            painter.drawText(
                QRect(rect.right() - badge_w, y, badge_w, fm.lineSpacing()),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                badge,
            )
        painter.setFont(meta)
        painter.setPen(meta_color)
        themes = str(index.data(ThemesRole) or "")
        painter.drawText(
            QRect(rect.left(), y + fm.lineSpacing(), rect.width(), fm.lineSpacing()),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            fm.elidedText(themes, Qt.TextElideMode.ElideRight, rect.width()),
        )
        painter.restore()

    def _draw_lines(
        self, painter: QPainter, text: str, font: QFont, rect: QRect, max_lines: int
    ) -> None:
        fm = QFontMetrics(font)
        layout = QTextLayout(text, font)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        layout.beginLayout()
        lines: list[QTextLine] = []
        while len(lines) < max_lines:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(rect.width())
            line.setPosition(QPointF(0, len(lines) * fm.lineSpacing()))
            lines.append(line)
        layout.endLayout()
        painter.setFont(font)
        y = rect.top()
        for i, line in enumerate(lines):
            start, length = line.textStart(), line.textLength()
            last = i == len(lines) - 1
            if last and start + length < len(text):
                elided = fm.elidedText(
                    text[start:].replace("\n", " "), Qt.TextElideMode.ElideRight, rect.width()
                )
                painter.drawText(QRectF(rect.left(), y, rect.width(), fm.lineSpacing()), elided)
            else:
                line.draw(painter, QPointF(rect.left(), rect.top()))
            y += fm.lineSpacing()
