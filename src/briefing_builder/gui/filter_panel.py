"""The filter panel: search box, the filter in words, and checkable facet lists with counts."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QPushButton,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from ..core.filtering import Filter, QueryResult
from ..core.model import KIND_LABELS, KINDS, Library
from ..core.strength import (
    MARYLAND_LEVELS,
    NOT_RATED,
    maryland_explained,
    strength_label,
    strength_values,
)

_Index = QModelIndex | QPersistentModelIndex
ValueRole = Qt.ItemDataRole.UserRole + 20
CountRole = Qt.ItemDataRole.UserRole + 21
LabelRole = Qt.ItemDataRole.UserRole + 22


class FacetModel(QAbstractListModel):
    """One facet's values, each checkable, with its count under the current filter."""

    toggled = Signal(str)  # value id

    def __init__(self, facet: str, parent: Any = None) -> None:
        super().__init__(parent)
        self.facet = facet
        self._values: list[tuple[str, str, str]] = []  # (id, label, tooltip)
        self._counts: dict[str, int] = {}
        self._checked: frozenset[str] = frozenset()

    def set_values(self, values: list[tuple[str, str, str]]) -> None:
        self.beginResetModel()
        self._values = values
        self._counts = {}
        self._checked = frozenset()
        self.endResetModel()

    def update(self, counts: dict[str, int], checked: frozenset[str]) -> None:
        if counts == self._counts and checked == self._checked:
            return
        self._counts = counts
        self._checked = checked
        if self._values:
            self.dataChanged.emit(self.index(0), self.index(len(self._values) - 1))

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._values)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        # Zero-count values stay enabled: the officer may still tick them to widen the filter.
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsUserCheckable
        )

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._values):
            return None
        vid, label, tip = self._values[index.row()]
        count = self._counts.get(vid, 0)
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{label}  ({count})"
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if vid in self._checked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            return tip or label
        if role == Qt.ItemDataRole.ForegroundRole and count == 0 and vid not in self._checked:
            return QApplication.palette().brush(
                QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text
            )
        if role == Qt.ItemDataRole.AccessibleTextRole:
            state = "ticked" if vid in self._checked else "not ticked"
            return f"{label}, {count} findings, {state}"
        if role == ValueRole:
            return vid
        if role == LabelRole:
            return label
        if role == CountRole:
            return count
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid():
            return False
        # The requested state, not a blind toggle: ticking a ticked value leaves it ticked.
        wanted = getattr(value, "value", value) == Qt.CheckState.Checked.value
        vid = self._values[index.row()][0]
        if wanted != (vid in self._checked):
            self.toggled.emit(vid)
        return True


class FacetDelegate(QStyledItemDelegate):
    """A facet value: check box, label elided to fit, and its count right-aligned."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        style = opt.widget.style() if opt.widget else QApplication.style()
        count = str(index.data(CountRole) or 0)
        label = str(index.data(LabelRole) or "")
        opt.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        text_rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, opt.widget)
        fm = opt.fontMetrics
        count_w = fm.horizontalAdvance(count) + 8
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        brush = index.data(Qt.ItemDataRole.ForegroundRole)
        color = brush.color() if brush is not None and not selected else opt.palette.color(role)
        painter.save()
        painter.setPen(color)
        label_rect = text_rect.adjusted(2, 0, -count_w, 0)
        painter.drawText(
            label_rect,
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            fm.elidedText(label, Qt.TextElideMode.ElideRight, label_rect.width()),
        )
        painter.drawText(
            text_rect.adjusted(0, 0, -4, 0),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
            count,
        )
        painter.restore()


class FilterPanel(QWidget):
    """Produces a :class:`Filter` as the officer ticks values and types."""

    filterChanged = Signal(object)  # Filter

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._filter = Filter()
        self._library: Library | None = None

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search findings…")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search findings")
        self.search.setToolTip(
            'Every word must appear (word starts match). Use "quotes" for a phrase.'
        )
        self.summary = QLabel("All findings")
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Current filter")
        self.clear_button = QPushButton("Clear filters")
        self.clear_button.setAccessibleName("Clear filters")
        self.clear_button.setToolTip("Show every finding (Ctrl+Shift+L)")
        self.theme_mode = QComboBox()
        self.theme_mode.addItem("any of the ticked themes", "any")
        self.theme_mode.addItem("all of the ticked themes", "all")
        self.theme_mode.setAccessibleName("Theme matching")

        self.models: dict[str, FacetModel] = {}
        self.views: dict[str, QListView] = {}
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        titles = {
            "themes": "Themes",
            "sources": "Sources",
            "kinds": "Kinds",
            "places": "Places",
            "strength": "Evidence strength",
        }
        self.boxes: dict[str, QWidget] = {}
        for facet, title in titles.items():
            model = FacetModel(facet, self)
            model.toggled.connect(lambda value, f=facet: self._toggle(f, value))
            view = QListView()
            view.setModel(model)
            view.setItemDelegate(FacetDelegate(view))
            view.setUniformItemSizes(True)
            view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            view.setAccessibleName(f"{title} filter")
            view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            view.customContextMenuRequested.connect(
                lambda pos, f=facet, v=view: self._context_menu(f, v, pos)
            )
            # Enter toggles, like Space (the delegate's own key handling).
            view.activated.connect(
                lambda idx, m=model: m.setData(
                    idx,
                    Qt.CheckState.Unchecked
                    if idx.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
                    else Qt.CheckState.Checked,
                    Qt.ItemDataRole.CheckStateRole,
                )
            )
            box = QWidget()
            lay = QVBoxLayout(box)
            lay.setContentsMargins(0, 4, 0, 0)
            head = QHBoxLayout()
            label = QLabel(f"<b>{title}</b>")
            label.setBuddy(view)
            head.addWidget(label)
            if facet == "themes":
                head.addStretch(1)
                head.addWidget(self.theme_mode)
            if facet == "strength":
                label.setToolTip(maryland_explained())
                view.setToolTip("The Maryland Scientific Methods Scale level of each source")
            lay.addLayout(head)
            lay.addWidget(view)
            splitter.addWidget(box)
            self.models[facet] = model
            self.views[facet] = view
            self.boxes[facet] = box
        splitter.setSizes([300, 130, 110, 200, 110])

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(90)
        self._debounce.timeout.connect(
            lambda: self._set(self._filter.with_text(self.search.text()))
        )
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.clear_button.clicked.connect(self.clear)
        self.theme_mode.currentIndexChanged.connect(
            lambda _i: self._set(self._filter.with_theme_mode(self.theme_mode.currentData()))
        )

    @property
    def current(self) -> Filter:
        return self._filter

    def set_library(self, library: Library, *, keep_search: bool = False) -> None:
        """Offer ``library``'s values, nothing ticked; the search box is emptied unless
        ``keep_search`` (words typed while the first library was opening apply to it)."""
        self._library = library
        self.models["themes"].set_values([(t.id, t.label, t.description) for t in library.themes])
        self.models["sources"].set_values([(s.id, s.short, s.title) for s in library.sources])
        self.models["kinds"].set_values([(k, KIND_LABELS[k], "") for k in KINDS])
        # Places by how often they occur: the broad jurisdictions first, single towns last.
        places = sorted(library.places, key=lambda p: (-library.place_count(p), p.casefold()))
        self.models["places"].set_values([(p, p, "") for p in places])
        self._set_strength_values(library)
        self._filter = Filter(
            theme_mode=self._filter.theme_mode, text=self.search.text() if keep_search else ""
        )
        if not keep_search:
            self._debounce.stop()
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)

    def _set_strength_values(self, library: Library) -> None:
        """The Maryland levels the library's sources have, strongest first, and "Not rated";
        the list is hidden while no source has a level (it could only say "Not rated")."""
        levels = {s.strength.maryland for s in library.sources if s.strength is not None}
        rated = {n for n in levels if n is not None}
        values = []
        for value in strength_values(rated):
            if value == NOT_RATED:
                tip = "Findings whose source has no Maryland level (its design may still be given)"
            else:
                tip = f"{value}: {MARYLAND_LEVELS[int(value)]}"
            values.append((value, strength_label(value), tip))
        self.models["strength"].set_values(values)
        self.boxes["strength"].setVisible(bool(rated))

    def _toggle(self, facet: str, value: str) -> None:
        self._set(self._filter.toggled(facet, value))

    def _set(self, flt: Filter) -> None:
        if flt == self._filter:
            return
        self._filter = flt
        self.filterChanged.emit(flt)

    def set_filter(self, flt: Filter) -> None:
        """Set the whole filter (e.g. restored), updating the search box."""
        if self.search.text() != flt.text:
            self.search.blockSignals(True)
            self.search.setText(flt.text)
            self.search.blockSignals(False)
        self._set(flt)

    def clear(self) -> None:
        self._debounce.stop()
        self.set_filter(self._filter.cleared())

    def facet_menu(self, facet: str, value: str | None) -> QMenu:
        """The right-click menu of a filter list: "Select only this" for the value clicked (if
        any), "Clear this filter" when the list has something ticked."""
        menu = QMenu(self.views[facet])
        only = menu.addAction("Select only this")
        only.setEnabled(value is not None and self._filter.values(facet) != {value})
        if value is not None:
            only.triggered.connect(lambda: self._set(self._filter.with_values(facet, {value})))
        clear = menu.addAction("Clear this filter")
        clear.setEnabled(bool(self._filter.values(facet)))
        clear.triggered.connect(lambda: self._set(self._filter.with_values(facet, ())))
        return menu

    def _context_menu(self, facet: str, view: QListView, pos: QPoint) -> None:
        index = view.indexAt(pos)
        value = index.data(ValueRole) if index.isValid() else None
        menu = self.facet_menu(facet, value)
        menu.exec(view.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def show_result(self, result: QueryResult) -> None:
        """Counts and ticks under the filter that produced ``result``."""
        for facet, model in self.models.items():
            model.update(result.facets.get(facet, {}), self._filter.values(facet))
        if self._library is not None:
            n = len(result)
            self.summary.setText(
                f"{self._filter.describe(self._library)} — {n} finding{'s' if n != 1 else ''}"
            )
        self.clear_button.setEnabled(not self._filter.is_empty)
