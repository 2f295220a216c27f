"""Paints a finding as a card: the quote over a few lines (search hits marked), its source and
locator, its themes."""

from __future__ import annotations

import re

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect, QSize, Qt
from PySide6.QtGui import (
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ..core.search import Span
from .findings_model import (
    HitsRole,
    InBriefingRole,
    SourceLabelRole,
    SourceShortRole,
    ThemesRole,
)
from .highlight import hit_ranges, utf16

QUOTE_LINES = 3
PAD = 6
CONTEXT_WORDS = 4  # words shown before a hit that the first lines would not show
_WORD_START = re.compile(r"(?<!\S)\S")


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
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")  # as hits count it
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
        # The quote, elided to a few lines, what the search found marked.
        painter.setPen(fg)
        hits: list[Span] = index.data(HitsRole) or []
        self._draw_lines(painter, text, hits, body, rect, QUOTE_LINES)
        y = rect.top() + QFontMetrics(body).lineSpacing() * QUOTE_LINES + PAD // 2
        painter.setFont(meta)
        fm = QFontMetrics(meta)
        bold = QFont(meta)
        bold.setBold(True)
        badge = (
            ("✓ In briefing" + (f" ×{in_briefing}" if in_briefing > 1 else ""))
            if in_briefing
            else ""
        )
        badge_w = QFontMetrics(bold).horizontalAdvance(badge) + PAD if badge else 0
        # The source's short label in bold, then where in it, so the source stands out.
        short = str(index.data(SourceShortRole) or "")
        where = str(index.data(SourceLabelRole) or "")[len(short) :]
        room = rect.width() - badge_w
        short_text = QFontMetrics(bold).elidedText(short, Qt.TextElideMode.ElideRight, room)
        short_w = QFontMetrics(bold).horizontalAdvance(short_text)
        painter.setFont(bold)
        painter.drawText(
            QRect(rect.left(), y, short_w, fm.lineSpacing()),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            short_text,
        )
        if where and short_w < room:
            painter.setFont(meta)
            painter.drawText(
                QRect(rect.left() + short_w, y, room - short_w, fm.lineSpacing()),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                fm.elidedText(where, Qt.TextElideMode.ElideRight, room - short_w),
            )
            painter.setFont(bold)
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
        if not selected:
            # A hairline between cards, so each reads as one.
            painter.setPen(opt.palette.color(group, QPalette.ColorRole.Midlight))
            bottom = opt.rect.bottom()
            painter.drawLine(opt.rect.left() + PAD, bottom, opt.rect.right() - PAD, bottom)
        painter.restore()

    def quote_layout(
        self, text: str, hits: list[Span], font: QFont, width: int, max_lines: int
    ) -> tuple[QTextLayout, bool]:
        """The quote laid out in at most ``max_lines`` lines of ``width``, hits marked, and
        whether it was cut short (its last line then leaves room for an ellipsis).

        When the first hit falls past the lines shown, the quote is shown from a few words
        before it ("…a few words before the hit…"), so every row shows why the search found it;
        the tooltip and the detail pane have the whole quote."""
        # Line breaks read as spaces (the same length, so the hits stay in place).
        text = text.replace("\n", " ").replace("\u2028", " ")
        layout, cut, shown = self._layout(f"“{text}”", text, hits, font, width, max_lines)
        if cut and hits and 1 + utf16(text, hits[0][1]) > shown:
            start = _context_start(text, hits[0][0])
            rest = text[start:]
            moved = [(max(0, s - start), e - start) for s, e in hits if e > start]
            layout, cut, _ = self._layout(f"…{rest}”", rest, moved, font, width, max_lines)
        return layout, cut

    def _layout(
        self, shown: str, text: str, hits: list[Span], font: QFont, width: int, max_lines: int
    ) -> tuple[QTextLayout, bool, int]:
        """``shown`` (``text`` after a one-character mark) laid out; whether it was cut short,
        and where (in UTF-16 code units) its last line ends."""
        fm = QFontMetrics(font)
        layout = QTextLayout(shown, font)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        if hits:
            layout.setFormats(hit_ranges(text, hits, offset=1))  # after the opening mark
        total = utf16(shown, len(shown))
        layout.beginLayout()
        cut = False
        end = 0
        for i in range(max_lines):
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(width)
            line.setPosition(QPointF(0, i * fm.lineSpacing()))
            if i == max_lines - 1 and line.textStart() + line.textLength() < total:
                # More to come: end this line a word earlier, with room for "…".
                line.setLineWidth(max(1, width - fm.horizontalAdvance("…")))
                cut = True
            end = line.textStart() + line.textLength()
        layout.endLayout()
        return layout, cut, end

    def _draw_lines(
        self,
        painter: QPainter,
        text: str,
        hits: list[Span],
        font: QFont,
        rect: QRect,
        max_lines: int,
    ) -> None:
        layout, cut = self.quote_layout(text, hits, font, rect.width(), max_lines)
        painter.setFont(font)
        layout.draw(painter, QPointF(rect.topLeft()))
        if cut and layout.lineCount():
            last = layout.lineAt(layout.lineCount() - 1)
            painter.drawText(
                QPointF(
                    rect.left() + last.naturalTextWidth(), rect.top() + last.y() + last.ascent()
                ),
                "…",
            )


def _context_start(text: str, at: int) -> int:
    """Where to start showing ``text`` so that a few words come before offset ``at``."""
    starts = [m.start() for m in _WORD_START.finditer(text, 0, at)]
    return starts[-CONTEXT_WORDS] if len(starts) >= CONTEXT_WORDS else (starts[0] if starts else 0)
