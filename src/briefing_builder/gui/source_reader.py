"""The source reader: a finding's passage read in its source's text, beside the window.

A dock, not a dialog: the officer keeps filtering and adding findings while it is open, and it
follows the finding selected in the list. The text is laid out by :mod:`..core.reading`
(headings, paragraphs, lists); the finding's passage is highlighted and scrolled into view, and a
strip in the margin marks every passage of the source that is already a finding, so what has been
curated from a document, and what has not, shows at a glance.
"""

from __future__ import annotations

import contextlib
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html import escape

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QContextMenuEvent,
    QFont,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextListFormat,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QTextEdit,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from ..core.model import Finding, Library
from ..core.reading import (
    HEADING,
    ITEM,
    Layout,
    Located,
    Passage,
    TextUnavailable,
    findings_of,
    layout_text,
    passages,
    text_for_reading,
)
from ..core.wording import first_words

PASSAGE_COLOUR = "#fde68a"  # the finding's passage
MATCH_COLOUR = "#bfdbfe"  # every match of Find
CURRENT_MATCH_COLOUR = "#60a5fa"
MARK_COLOURS = {
    "current": "#d97706",
    "briefing": "#15803d",
    "curated": "#94a3b8",
}
MARK_WIDTH = 14
MAX_MATCHES = 10_000  # Find counts this many at most ("10000+")

FIND_KEY = QKeySequence.StandardKey.Find
PREVIOUS_FINDING_KEY = "Alt+PgUp"
NEXT_FINDING_KEY = "Alt+PgDown"


class _Utf16:
    """Qt counts positions in UTF-16 code units, Python in code points: the conversion, free
    for texts without characters beyond the Basic Multilingual Plane (nearly all)."""

    def __init__(self, text: str) -> None:
        self._wide = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]

    def __call__(self, index: int) -> int:
        return index + bisect_left(self._wide, index)

    def index(self, position: int) -> int:
        """The inverse: the code point at a Qt position (the start of a pair split in two)."""
        before = sum(1 for k, w in enumerate(self._wide) if w + k < position)
        return position - before


@dataclass(frozen=True, slots=True)
class _Shown:
    """A source's text as the view shows it, kept when a new library comes in (after every
    curation write): shown again, it is laid out again only if its text changed."""

    source_id: str
    text: str
    layout: Layout
    utf16: _Utf16
    document: QTextDocument
    located: Located


@dataclass(frozen=True, slots=True)
class Mark:
    """One passage that is a finding, as shown: document positions, and how it is marked."""

    finding: Finding
    spans: tuple[tuple[int, int], ...]
    state: str  # "current", "briefing" or "curated"


class ReaderView(QTextEdit):
    """The laid-out text, read-only but with a caret for reading by keyboard, and the margin."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByKeyboard
            | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.setAccessibleName("Source text")
        self.setTabChangesFocus(True)
        self.setViewportMargins(MARK_WIDTH, 0, 0, 0)
        self.margin = MarginMarks(self)
        self.menu_actions = []
        self.verticalScrollBar().valueChanged.connect(lambda _v: self.margin.update())

    resized = Signal()
    touched = Signal()  # the officer moved about in the text

    #: Actions offered first in the right-click menu (New finding…), before Copy and Select all.
    menu_actions: list[QAction]

    def context_menu(self, pos: QPoint) -> QMenu:
        """The right-click menu at ``pos``: the reader's own actions, then Copy and Select all."""
        menu = self.createStandardContextMenu(pos)
        if self.menu_actions:
            first = menu.actions()[0] if menu.actions() else None
            menu.insertActions(first, self.menu_actions)  # type: ignore[arg-type]
            menu.insertSeparator(first)  # type: ignore[arg-type]
        return menu

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self.context_menu(event.pos())
        menu.exec(event.globalPos())
        menu.deleteLater()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self.touched.emit()
        super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.touched.emit()
        super().mousePressEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        r = self.contentsRect()
        self.margin.setGeometry(QRect(r.left(), r.top(), MARK_WIDTH, r.height()))
        self.resized.emit()

    def span_rect(self, start: int, end: int) -> tuple[int, int]:
        """Top and bottom, in viewport coordinates, of the lines a span of the document covers."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(start)
        top = self.cursorRect(cursor).top()
        cursor.setPosition(max(start, end))
        return top, self.cursorRect(cursor).bottom()


class MarginMarks(QWidget):
    """A bar beside each passage that is a finding: the current one, those in the briefing, the
    others. Hover names the finding; a click reads it."""

    clicked = Signal(str)  # finding id

    def __init__(self, view: ReaderView) -> None:
        super().__init__(view)
        self.view = view
        self.marks: list[Mark] = []
        self.setMouseTracking(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def set_marks(self, marks: list[Mark]) -> None:
        self.marks = marks
        self.update()

    def bars(self) -> list[tuple[Mark, int, int]]:
        """Each mark's bars: (mark, top, bottom) in this strip's coordinates."""
        out: list[tuple[Mark, int, int]] = []
        for mark in self.marks:
            for start, end in mark.spans:
                top, bottom = self.view.span_rect(start, end)
                out.append((mark, top, bottom))
        return out

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().window())
        order = {"curated": 0, "briefing": 1, "current": 2}  # the current one on top
        height = self.height()
        for mark, top, bottom in sorted(self.bars(), key=lambda b: order[b[0].state]):
            if bottom < 0 or top > height:
                continue
            x, w = (3, 8) if mark.state == "current" else (5, 5)
            painter.fillRect(
                QRect(x, top + 1, w, max(3, bottom - top - 2)), QColor(MARK_COLOURS[mark.state])
            )
        painter.end()

    def marks_at(self, y: int) -> list[Mark]:
        found: dict[str, Mark] = {}
        for mark, top, bottom in self.bars():
            if top <= y <= bottom:
                found.setdefault(mark.finding.id, mark)
        return list(found.values())

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            marks = self.marks_at(event.pos().y())  # type: ignore[attr-defined]
            if marks:
                QToolTip.showText(
                    event.globalPos(),  # type: ignore[attr-defined]
                    "<br>".join(mark_tooltip(m) for m in marks),
                    self,
                )
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        marks = self.marks_at(int(event.position().y()))
        if marks and event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(marks[0].finding.id)
            return
        super().mousePressEvent(event)


def mark_tooltip(mark: Mark) -> str:
    what = {
        "current": "This finding",
        "briefing": "A finding in the briefing",
        "curated": "A finding",
    }[mark.state]
    click = "" if mark.state == "current" else " — click to read it"
    return f"{what}: “{escape(first_words(mark.finding.text, 8))}”{click}"


class FindField(QLineEdit):
    """The Find box: Enter finds the next match, Shift+Enter the previous, Escape closes."""

    next = Signal()
    previous = Signal()
    closed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.previous.emit()
            else:
                self.next.emit()
            return
        if event.key() == Qt.Key.Key_Escape:
            self.closed.emit()
            return
        super().keyPressEvent(event)


def _tool_button(text: str, name: str, tip: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setAccessibleName(name)
    button.setToolTip(tip)
    button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    return button


class SourceReader(QDockWidget):
    """A finding's passage in its source's text (see the module's description)."""

    #: The reader moved to another finding of the source (previous, next, a margin mark).
    findingChosen = Signal(str)
    #: The selection in the text changed (a passage may be made a finding of).
    selectionChanged = Signal()

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__("Source", parent)
        self.setObjectName("sourceReader")  # its place is kept with the window's state
        self.setAllowedAreas(Qt.DockWidgetArea.AllDockWidgetAreas)
        self.library = library
        self.in_briefing: set[str] = set()
        self.finding: Finding | None = None
        self._pending: Finding | None = None
        self._source_id: str | None = None
        self._text = ""  # the source's original text, as read
        self._layout: Layout | None = None
        self._utf16: _Utf16 | None = None
        self._located: Located | None = None  # the quotes located in the text shown
        self._kept: _Shown | None = None  # the text shown before the library was replaced
        self._holding = False  # see holding()
        self.passages: list[Passage] = []
        self.spans: list[tuple[int, int]] = []  # the finding's passage, document positions
        self.matches: list[tuple[int, int]] = []
        self.match_index = -1

        body = QWidget()
        body.setAccessibleName("Source reader")
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.where = QLabel()
        self.where.setWordWrap(True)
        self.prev_button = _tool_button(
            "◀ Previous",
            "Previous finding in this source",
            "The finding before this one in the source's text (Alt+Page Up)",
        )
        self.next_button = _tool_button(
            "Next ▶",
            "Next finding in this source",
            "The finding after this one in the source's text (Alt+Page Down)",
        )
        self.position = QLabel()
        self.position.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.position.setWordWrap(True)
        nav = QHBoxLayout()
        nav.addWidget(self.prev_button)
        nav.addWidget(self.position, 1)
        nav.addWidget(self.next_button)
        self.legend = QLabel(
            "&nbsp;&nbsp;".join(
                f"<span style='color:{MARK_COLOURS[k]}'>█</span>&nbsp;{label.replace(' ', '&nbsp;')}"
                for k, label in (
                    ("current", "this finding"),
                    ("briefing", "in the briefing"),
                    ("curated", "other findings"),
                )
            )
        )
        self.legend.setStyleSheet("color: palette(placeholder-text)")
        self.legend.setWordWrap(True)
        self.legend.setToolTip(
            "The bars in the margin mark the passages of this source that are findings"
        )
        self.find_button = _tool_button(
            "Find…", "Find in this source", "Find in this source (Ctrl+F)"
        )
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        self.view = ReaderView()

        self.find_field = FindField()
        self.find_field.setPlaceholderText("Find in this source")
        self.find_field.setAccessibleName("Text to find in this source")
        self.find_field.setClearButtonEnabled(True)
        self.find_count = QLabel()
        self.find_count.setMinimumWidth(70)
        find_prev = _tool_button("▲", "Previous match", "Previous match (Shift+F3)")
        find_next = _tool_button("▼", "Next match", "Next match (F3)")
        find_close = _tool_button("✕", "Close find", "Close find (Escape)")
        self.find_bar = QWidget()
        bar = QHBoxLayout(self.find_bar)
        bar.setContentsMargins(0, 0, 0, 0)
        find_label = QLabel("&Find:")
        find_label.setBuddy(self.find_field)
        bar.addWidget(find_label)
        bar.addWidget(self.find_field, 1)
        bar.addWidget(self.find_count)
        bar.addWidget(find_prev)
        bar.addWidget(find_next)
        bar.addWidget(find_close)
        self.find_bar.hide()

        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.where)
        layout.addLayout(nav)
        # The actions on a row of their own, the legend under them: side by side, a docked
        # reader's narrow width wrapped the legend word by word.
        self.legend_row = legend_row = QHBoxLayout()
        legend_row.addStretch(1)
        legend_row.addWidget(self.find_button)
        layout.addLayout(legend_row)
        layout.addWidget(self.legend)
        layout.addWidget(self.message)
        layout.addWidget(self.view, 1)
        layout.addStretch(0)  # keeps a message at the top when there is no text to show
        layout.addWidget(self.find_bar)
        self.setWidget(body)
        self.setMinimumWidth(260)

        # Keys of the reader, working wherever the focus is inside it (Ctrl+F only there: it
        # searches the findings everywhere else; see shortcuts.WindowKeys).
        self.act_find = self._action("&Find in source", self.open_find, FIND_KEY)
        self.act_find_next = self._action("Find &next", lambda: self.find_step(1), "F3")
        self.act_find_previous = self._action(
            "Find pre&vious", lambda: self.find_step(-1), "Shift+F3"
        )
        self.act_previous = self._action(
            "&Previous finding in source", lambda: self.go(-1), PREVIOUS_FINDING_KEY
        )
        self.act_next = self._action(
            "N&ext finding in source", lambda: self.go(1), NEXT_FINDING_KEY
        )

        # The passage stays in view as the dock gets its size, until the officer scrolls.
        self._anchored = False
        self.view.resized.connect(self._keep_passage_in_view)
        self.view.verticalScrollBar().actionTriggered.connect(self._unanchor)
        self.view.touched.connect(self._unanchor)
        self.prev_button.clicked.connect(lambda: self.go(-1))
        self.next_button.clicked.connect(lambda: self.go(1))
        self.view.margin.clicked.connect(self._mark_clicked)
        self.find_field.textChanged.connect(self._find_changed)
        self.find_field.next.connect(lambda: self.find_step(1))
        self.find_field.previous.connect(lambda: self.find_step(-1))
        self.find_field.closed.connect(self.close_find)
        find_next.clicked.connect(lambda: self.find_step(1))
        find_prev.clicked.connect(lambda: self.find_step(-1))
        find_close.clicked.connect(self.close_find)
        self.find_button.clicked.connect(self.open_find)
        self.view.selectionChanged.connect(self.selectionChanged)
        self._show_message("Select a finding to read it in its source.")
        self._update_nav()

    def sizeHint(self) -> QSize:
        # Wide enough to read in comfort when first docked; the officer can narrow it.
        hint = super().sizeHint()
        return QSize(max(440, hint.width()), hint.height())

    def _action(self, text: str, slot: object, key: QKeySequence.StandardKey | str) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.widget().addAction(action)
        return action

    def add_tool_action(self, action: QAction) -> QToolButton:
        """An action of the window offered in the reader: a button beside Find…, and first in
        the text's right-click menu."""
        button = QToolButton()
        button.setDefaultAction(action)
        button.setAccessibleName(action.text().replace("&", "").rstrip("…"))
        button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.legend_row.insertWidget(self.legend_row.count() - 1, button)
        self.view.menu_actions.append(action)
        return button

    # --- the officer's selection -----------------------------------------------------------

    @property
    def source_id(self) -> str | None:
        """The source whose text is shown (None: no text shown)."""
        return self._source_id if self._layout is not None else None

    @property
    def source_text(self) -> str:
        """The source's original text, as read (offsets of :meth:`selected_range` are in it)."""
        return self._text if self._layout is not None else ""

    def selected_range(self) -> tuple[int, int] | None:
        """The selected passage as a range of the source's original text; None when nothing of
        the text is selected."""
        if self._layout is None or self._utf16 is None or not self.view.isVisible():
            return None
        cursor = self.view.textCursor()
        if not cursor.hasSelection():
            return None
        start = self._utf16.index(cursor.selectionStart())
        end = self._utf16.index(cursor.selectionEnd())
        return self._layout.original_span(start, end)

    def select_range(self, start: int, end: int) -> None:
        """Select a range of the original text in the view (and bring it into view)."""
        if self._layout is None or self._utf16 is None:
            return
        self._anchored = False
        a, b = self._layout.span(start, end)
        cursor = QTextCursor(self.view.document())
        cursor.setPosition(self._utf16(a))
        cursor.setPosition(self._utf16(b), QTextCursor.MoveMode.KeepAnchor)
        self.view.setTextCursor(cursor)
        self.view.ensureCursorVisible()

    def show_source(self, source_id: str) -> None:
        """A source's text from its start, with no finding chosen: to read a document (one just
        added has no findings yet) and make findings of it."""
        self._pending = None
        self.finding = None
        self._anchored = False  # no passage to keep in view
        if source_id != self._source_id or self._layout is None:
            self._load_source(source_id)
        src = self.library.source(source_id)
        self.setWindowTitle(f"Source — {src.short if src else source_id}")
        self.title.setText(f"<b>{escape(src.title if src else source_id)}</b>")
        self.where.clear()
        self.spans = []
        if self._layout is not None:
            self._hide_message()
            self._update_marks()
            self._paint_highlights()
            self.view.moveCursor(QTextCursor.MoveOperation.Start)
        self._update_nav()

    # --- what it shows ---------------------------------------------------------------------

    def set_library(self, library: Library) -> None:
        self._kept = None
        if self._source_id is not None and self._layout is not None and self._utf16 is not None:
            self._kept = _Shown(
                self._source_id,
                self._text,
                self._layout,
                self._utf16,
                self.view.document(),
                self._located or Located(self._text),
            )
        self.library = library
        self.finding = self._pending = None
        self._source_id = self._layout = self._utf16 = self._located = None
        self._text = ""
        self.passages = []
        # Nothing of the old text may be painted or scrolled to as the view empties.
        self.spans, self.matches, self.match_index = [], [], -1
        self._anchored = False
        self.view.setExtraSelections([])
        self.view.margin.set_marks([])
        if self._holding and self._kept is not None:
            return  # the text stays in view for what is shown next (see holding())
        self._empty()

    def _empty(self) -> None:
        """No finding shown: the text goes (hidden, kept to be shown again if it is the same)."""
        if self._kept is None:
            self.view.clear()
        self.title.clear()
        self.where.clear()
        self._show_message("Select a finding to read it in its source.")
        self._update_nav()

    def set_in_briefing(self, finding_ids: Iterable[str]) -> None:
        """Which findings the briefing holds: their passages are marked in another shade."""
        ids = set(finding_ids)
        if ids != self.in_briefing:
            self.in_briefing = ids
            self._update_marks()

    @contextlib.contextmanager
    def holding(self) -> Iterator[None]:
        """While the window swaps in a new library, its list chooses the first row on the way to
        the finding that stays chosen: the reader follows neither (each could lay out another
        text). It shows what it is asked to meanwhile, or else, after, the last one chosen; its
        text stays in view meanwhile (hiding it and showing it again would lay it out again)."""
        self._holding = True
        try:
            yield
        finally:
            self._holding = False
            if self._pending is not None and self.isVisible():
                self.show_finding(self._pending)
            if self._kept is not None and self._layout is None:  # nothing shown since
                self._empty()

    def follow(self, finding: Finding | None) -> None:
        """The finding selected in the window: shown now if the reader is open, else when it
        opens."""
        if finding is None:
            return
        if self.isVisible() and not self._holding:
            self.show_finding(finding)
        else:
            self._pending = finding

    def reveal(self, finding: Finding) -> None:
        """Show in source: the finding's passage brought back into view even if it is the one
        already shown and the officer has scrolled away from it."""
        self.show_finding(finding)
        if self.spans:
            self.scroll_to_passage()
            self._anchored = True

    def show_finding(self, finding: Finding) -> None:
        self._pending = None
        if self.finding is not None and finding.id == self.finding.id and self._layout:
            return
        self.finding = finding
        if finding.source != self._source_id:
            self._load_source(finding.source)
        src = self.library.source(finding.source)
        short = src.short if src else finding.source
        self.setWindowTitle(f"Source — {short}")
        self.title.setText(f"<b>{escape(src.title if src else finding.source)}</b>")
        self.where.setText(f"{str(finding.locator)[:1].upper()}{str(finding.locator)[1:]}")
        if self._layout is None:
            self._update_nav()
            return
        passage = self._passage(finding.id)
        layout, utf16 = self._layout, self._utf16
        assert utf16 is not None
        self.spans = []
        if passage is not None:
            for s, e in passage.spans:
                a, b = layout.span(s, e)
                self.spans.append((utf16(a), utf16(b)))
        if self.spans:
            self._hide_message()
        else:
            self._show_message(
                "The quote could not be found word for word in this text.", keep_text=True
            )
        self._update_marks()
        self._paint_highlights()
        self._update_nav()
        self.scroll_to_passage()
        self._anchored = True

    def _keep_passage_in_view(self) -> None:
        if self._anchored:
            self.scroll_to_passage()

    def _unanchor(self, _action: int = 0) -> None:
        self._anchored = False

    def showEvent(self, event: object) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        if self._pending is not None:
            self.show_finding(self._pending)

    def _load_source(self, source_id: str) -> None:
        kept, self._kept = self._kept, None
        self._source_id = source_id
        self._layout = self._utf16 = self._located = None
        self.passages = []
        self.spans = []
        self.matches, self.match_index = [], -1
        self.view.margin.set_marks([])
        try:
            text = text_for_reading(self.library, source_id)
        except TextUnavailable as exc:
            self.view.clear()
            self._show_message(exc.message)
            return
        self._text = text
        if (
            kept is not None
            and kept.source_id == source_id
            and kept.text == text
            and self.view.document() is kept.document
        ):  # the text shown before this library came in: as laid out then
            self._layout, self._utf16, self._located = kept.layout, kept.utf16, kept.located
        else:
            layout = layout_text(text)
            self._layout = layout
            self._utf16 = _Utf16(layout.text)
            self._located = Located(text)
            self.view.setDocument(build_document(layout, self.view.font(), self.view))
            self.view.document().documentLayout().documentSizeChanged.connect(
                lambda _s: self.view.margin.update()
            )
        self.passages = passages(text, findings_of(self.library, source_id), self._located)
        if self.find_bar.isVisible():
            self._find_changed(self.find_field.text())

    def _show_message(self, text: str, *, keep_text: bool = False) -> None:
        self.message.setText(text)
        self.message.show()
        self.view.setVisible(keep_text)
        self.legend.setVisible(keep_text)
        self.find_button.setVisible(keep_text)
        self.act_find.setEnabled(keep_text)
        if not keep_text:
            self.close_find()

    def _hide_message(self) -> None:
        self.message.hide()
        self.view.show()
        self.legend.show()
        self.find_button.show()
        self.act_find.setEnabled(True)

    def _passage(self, finding_id: str) -> Passage | None:
        return next((p for p in self.passages if p.finding.id == finding_id), None)

    # --- previous and next finding --------------------------------------------------------

    def _index(self) -> int:
        if self.finding is None:
            return -1
        return next((i for i, p in enumerate(self.passages) if p.finding.id == self.finding.id), -1)

    def go(self, step: int) -> None:
        """To the previous or next finding of this source, in the order of the text."""
        i = self._index() + step
        if self._index() >= 0 and 0 <= i < len(self.passages):
            self._choose(self.passages[i].finding)

    def _mark_clicked(self, finding_id: str) -> None:
        passage = self._passage(finding_id)
        if passage is not None:
            self._choose(passage.finding)

    def _choose(self, finding: Finding) -> None:
        self.show_finding(finding)
        self.findingChosen.emit(finding.id)

    def _update_nav(self) -> None:
        i, n = self._index(), len(self.passages)
        known = i >= 0 and self._layout is not None
        self.prev_button.setEnabled(known and i > 0)
        self.next_button.setEnabled(known and i < n - 1)
        self.act_previous.setEnabled(self.prev_button.isEnabled())
        self.act_next.setEnabled(self.next_button.isEnabled())
        if known:
            in_briefing = sum(1 for p in self.passages if p.finding.id in self.in_briefing)
            text = f"Finding {i + 1} of {n} from this source"
            if in_briefing:
                text += f" · {in_briefing} in the briefing"
            self.position.setText(text)
        else:
            self.position.clear()

    # --- highlights and marks --------------------------------------------------------------

    def marks(self) -> list[Mark]:
        """Every passage of this source that is a finding, as marked in the margin."""
        if self._layout is None or self._utf16 is None:
            return []
        layout, utf16 = self._layout, self._utf16
        current = self.finding.id if self.finding else None
        out = []
        for p in self.passages:
            if not p.found:
                continue
            fid = p.finding.id
            state = (
                "current"
                if fid == current
                else "briefing"
                if fid in self.in_briefing
                else "curated"
            )
            spans = tuple((utf16(a), utf16(b)) for a, b in (layout.span(s, e) for s, e in p.spans))
            out.append(Mark(p.finding, spans, state))
        return out

    def _update_marks(self) -> None:
        self.view.margin.set_marks(self.marks())
        self._update_nav()

    def _selection(self, start: int, end: int, colour: str) -> QTextEdit.ExtraSelection:
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(colour))
        fmt.setForeground(QColor("#111111"))
        fmt.setProperty(QTextFormat.Property.FullWidthSelection, False)
        sel = QTextEdit.ExtraSelection()
        cursor = QTextCursor(self.view.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        sel.cursor = cursor
        sel.format = fmt
        return sel

    def _paint_highlights(self) -> None:
        selections = [self._selection(s, e, PASSAGE_COLOUR) for s, e in self.spans]
        for i, (s, e) in enumerate(self.matches):
            colour = CURRENT_MATCH_COLOUR if i == self.match_index else MATCH_COLOUR
            selections.append(self._selection(s, e, colour))
        self.view.setExtraSelections(selections)

    def highlighted_text(self) -> list[str]:
        """The text of each highlighted part of the finding's passage, as shown."""
        out = []
        for start, end in self.spans:
            cursor = QTextCursor(self.view.document())
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            out.append(cursor.selectedText().replace("\u2029", "\n"))
        return out

    def scroll_to_passage(self) -> None:
        """The passage in the middle of the view (its top a little below the view's top when it
        is taller than the view), with the caret at its start."""
        if not self.spans:
            self.view.moveCursor(QTextCursor.MoveOperation.Start)
            return
        start, end = self.spans[0][0], self.spans[-1][1]
        doc = self.view.document()
        # Lay the text out to its end: until then the scroll bar's range is the part laid out.
        doc.documentLayout().blockBoundingRect(doc.lastBlock())
        cursor = QTextCursor(doc)
        cursor.setPosition(start)
        self.view.setTextCursor(cursor)
        bar = self.view.verticalScrollBar()
        top, bottom = self.view.span_rect(start, end)
        height = self.view.viewport().height()
        doc_top = top + bar.value()
        tall = bottom - top
        if tall < height * 0.8:
            bar.setValue(int(doc_top - (height - tall) / 2))
        else:
            bar.setValue(int(doc_top - height * 0.1))

    # --- find ------------------------------------------------------------------------------

    def open_find(self) -> None:
        if self._layout is None:
            return
        selected = self.view.textCursor().selectedText()
        if selected and "\u2029" not in selected and len(selected) < 80:
            self.find_field.setText(selected)
        self.find_bar.show()
        self.find_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.find_field.selectAll()

    def close_find(self) -> None:
        had_focus = self.find_bar.isAncestorOf(self.focusWidget() or self)
        self.find_bar.hide()
        self.matches, self.match_index = [], -1
        self.find_count.clear()
        if self._layout is not None:
            self._paint_highlights()
        if had_focus:
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _find_changed(self, term: str) -> None:
        self.matches, self.match_index = [], -1
        doc = self.view.document()
        if term and self._layout is not None:
            cursor = doc.find(term, 0)
            while not cursor.isNull() and len(self.matches) < MAX_MATCHES:
                self.matches.append((cursor.selectionStart(), cursor.selectionEnd()))
                cursor = doc.find(term, cursor)
        if self.matches:
            # The first match from the finding's passage on: what the officer is reading.
            at = self.spans[0][0] if self.spans else 0
            self.match_index = next((i for i, (s, _e) in enumerate(self.matches) if s >= at), 0)
            self._show_match()
        else:
            self._paint_highlights()
        self._update_count(term)

    def _update_count(self, term: str) -> None:
        n = len(self.matches)
        if not term:
            self.find_count.clear()
        elif not n:
            self.find_count.setText("No matches")
        else:
            more = "+" if n >= MAX_MATCHES else ""
            self.find_count.setText(f"{self.match_index + 1} of {n}{more}")
        self.find_count.setAccessibleName(self.find_count.text())

    def find_step(self, step: int) -> None:
        """The next (1) or previous (-1) match, round from the end to the start."""
        if not self.find_bar.isVisible():
            self.open_find()
            return
        if not self.matches:
            return
        self.match_index = (self.match_index + step) % len(self.matches)
        self._show_match()
        self._update_count(self.find_field.text())

    def _show_match(self) -> None:
        self._anchored = False
        start, end = self.matches[self.match_index]
        cursor = QTextCursor(self.view.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        self.view.setTextCursor(cursor)
        self.view.ensureCursorVisible()
        self._paint_highlights()


def build_document(layout: Layout, font: QFont, parent: QWidget | None = None) -> QTextDocument:
    """A document of the laid-out text: headings as headings, list items as lists, paragraphs
    spaced for reading. Its plain text is ``layout.text``, character for character."""
    doc = QTextDocument(parent)
    doc.setDefaultFont(font)
    doc.setDocumentMargin(10)
    cursor = QTextCursor(doc)
    base = QTextCharFormat()
    bold = QTextCharFormat()
    bold.setFontWeight(QFont.Weight.Bold)
    lists: dict[int, object] = {}
    previous_kind = ""
    for n, block in enumerate(layout.blocks):
        block_format = QTextBlockFormat()
        char_format = QTextCharFormat()
        if block.kind == HEADING:
            block_format.setHeadingLevel(block.level)
            block_format.setTopMargin(14 if n else 0)
            block_format.setBottomMargin(6)
            char_format.setFontWeight(QFont.Weight.Bold)
            char_format.setProperty(QTextFormat.Property.FontSizeAdjustment, 3 - block.level)
        elif block.kind == ITEM:
            block_format.setBottomMargin(3)
        else:
            block_format.setBottomMargin(9)
        # A little air between lines.
        block_format.setLineHeight(125, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        if n == 0:
            cursor.setBlockFormat(block_format)
            cursor.setBlockCharFormat(char_format)
        else:
            cursor.insertBlock(block_format, char_format)
        if block.kind == ITEM:
            if previous_kind != ITEM:
                lists.clear()
            for level in [lv for lv in lists if lv > block.level]:
                del lists[level]
            current = lists.get(block.level)
            if current is None:
                list_format = QTextListFormat()
                list_format.setIndent(block.level)
                list_format.setStyle(
                    QTextListFormat.Style.ListDisc
                    if block.level == 1
                    else QTextListFormat.Style.ListCircle
                )
                lists[block.level] = cursor.createList(list_format)
            else:
                current.add(cursor.block())  # type: ignore[attr-defined]
        previous_kind = block.kind
        # The block's text: its pieces (bold where the source marks it) and the spaces between.
        at = block.at
        for piece in block.pieces:
            if piece.at > at:
                cursor.insertText(layout.text[at : piece.at], _merged(char_format, base))
            text = layout.text[piece.at : piece.at + piece.end - piece.start]
            cursor.insertText(text, _merged(char_format, bold if piece.bold else base))
            at = piece.at + piece.end - piece.start
    return doc


def _merged(block_format: QTextCharFormat, piece: QTextCharFormat) -> QTextCharFormat:
    out = QTextCharFormat(block_format)
    out.merge(piece)
    return out
