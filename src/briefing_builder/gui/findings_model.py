"""A list model over the findings that match the current filter (no widget per row)."""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QAbstractListModel, QMimeData, QModelIndex, QPersistentModelIndex, Qt

from ..core.filtering import Filter, FilterIndex, QueryResult
from ..core.model import KIND_LABELS, Finding, Library
from ..core.search import Query, Span, hit_spans
from .highlight import TOOLTIP_CHARS, tooltip_html, wrapped_hit_html
from .mime import MIME_TYPE, DragPayload

FindingRole = Qt.ItemDataRole.UserRole + 1
FindingIdRole = Qt.ItemDataRole.UserRole + 2
InBriefingRole = Qt.ItemDataRole.UserRole + 3
SourceLabelRole = Qt.ItemDataRole.UserRole + 4
ThemesRole = Qt.ItemDataRole.UserRole + 5
HitsRole = Qt.ItemDataRole.UserRole + 6  # where the search matches the quote: [(start, end)]
SourceShortRole = Qt.ItemDataRole.UserRole + 7  # the source's short label alone

#: How wide a row's tooltip is, in characters: a comfortable line to read.
_HITS_CACHE_MAX = 4096  # rows' marks kept (the list paints only the visible rows)

_Index = QModelIndex | QPersistentModelIndex

SORT_MODES: dict[str, str] = {
    "source": "By source, in document order",
    "date-desc": "By date, newest first",
    "date-asc": "By date, oldest first",
}


class FindingsModel(QAbstractListModel):
    """Rows are the findings of the last query, in the chosen order."""

    def __init__(self, library: Library, index: FilterIndex, parent: Any = None) -> None:
        super().__init__(parent)
        self._filter = Filter()
        self._sort = "source"
        self._in_briefing: dict[str, int] = {}
        self._query = Query()
        self._hits: dict[int, list[Span]] = {}  # by library position, under ``_query``
        self.last_result: QueryResult | None = None
        self._set(library, index)
        self._rows = self._sorted(np.arange(len(library.findings)))

    def _set(self, library: Library, index: FilterIndex) -> None:
        self._library = library
        self._hits = {}
        self._index = index
        n = len(library.findings)
        # Sort keys, computed once per library: source order in sources.yaml, then position.
        self._source_rank = index.source_code.astype(np.int64)
        years = []
        for src_id in index.sources.names:
            src = library.source(src_id)
            years.append(src.year if src is not None and src.year is not None else 0)
        self._year = (
            np.asarray(years, dtype=np.int64)[index.source_code] if n else np.zeros(0, np.int64)
        )
        self._position = np.arange(n, dtype=np.int64)

    @property
    def library(self) -> Library:
        return self._library

    @property
    def current_filter(self) -> Filter:
        return self._filter

    @property
    def sort_mode(self) -> str:
        return self._sort

    def _sorted(self, rows: np.ndarray) -> np.ndarray:
        if rows.size == 0:
            return rows
        src, pos = self._source_rank[rows], self._position[rows]
        if self._sort == "date-desc":
            # Newest first; undated sources ("n.d.") last.
            year = self._year[rows]
            key = np.where(year == 0, np.iinfo(np.int64).max, -year)
            order = np.lexsort((pos, src, key))
        elif self._sort == "date-asc":
            year = self._year[rows]
            key = np.where(year == 0, np.iinfo(np.int64).max, year)
            order = np.lexsort((pos, src, key))
        else:
            order = np.lexsort((pos, src))
        return rows[order]

    def set_library(
        self, library: Library, index: FilterIndex, flt: Filter | None = None
    ) -> QueryResult:
        """Show ``library`` through ``flt`` (by default the filter in use, cleared)."""
        self.beginResetModel()
        self._set(library, index)
        self._rows = np.zeros(0, dtype=np.int64)
        self.endResetModel()
        return self.apply_filter(flt if flt is not None else self._filter.cleared())

    def apply_filter(self, flt: Filter) -> QueryResult:
        result = self._index.query(flt)
        self.beginResetModel()
        self._filter = flt
        query = Query.parse(flt.text)
        if query != self._query:
            self._query = query
            self._hits = {}
        self._rows = self._sorted(result.indices)
        self.last_result = result
        self.endResetModel()
        return result

    def set_sort(self, mode: str) -> None:
        if mode not in SORT_MODES or mode == self._sort:
            return
        self.layoutAboutToBeChanged.emit()
        old_rows = self._rows
        self._sort = mode
        self._rows = self._sorted(self._rows)
        new_row = {int(pos): row for row, pos in enumerate(self._rows)}
        for idx in self.persistentIndexList():
            moved = (
                new_row.get(int(old_rows[idx.row()]), -1) if 0 <= idx.row() < len(old_rows) else -1
            )
            self.changePersistentIndex(idx, self.index(moved) if moved >= 0 else QModelIndex())
        self.layoutChanged.emit()

    def set_in_briefing(self, counts: dict[str, int]) -> None:
        if counts == self._in_briefing:
            return
        self._in_briefing = dict(counts)
        if self._rows.size:
            self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1), [InBriefingRole])

    def hits_at(self, row: int) -> list[Span]:
        """Where the current search matches the quote of a row (see :func:`hit_spans`)."""
        if not 0 <= row < len(self._rows) or self._query.empty:
            return []
        pos = int(self._rows[row])
        hits = self._hits.get(pos)
        if hits is None:
            if len(self._hits) >= _HITS_CACHE_MAX:
                self._hits.clear()
            hits = self._hits[pos] = hit_spans(self._library.findings[pos].text, self._query)
        return hits

    def source_label(self, finding: Finding) -> str:
        """The source by its short label, as the officer knows it."""
        src = self._library.source(finding.source)
        return (src.short or src.title) if src else "Unknown source"

    def tooltip(self, row: int) -> str:
        """The whole quote, wrapped to a readable width and marked where the search matched,
        then where it comes from and its themes."""
        finding = self.finding_at(row)
        if finding is None:
            return ""
        quote = wrapped_hit_html(f"“{finding.text}”", _shift(self.hits_at(row), 1), TOOLTIP_CHARS)
        lines = [quote]
        if finding.speaker:
            marks = _shift(hit_spans(finding.speaker, self._query), 2)
            lines.append(wrapped_hit_html(f"— {finding.speaker}", marks, TOOLTIP_CHARS))
        where = f"{self.source_label(finding)}, {finding.locator}"
        lines.append(f"<b>{wrapped_hit_html(where, [], TOOLTIP_CHARS)}</b>")
        themes = self.data(self.index(row), ThemesRole)
        if themes:
            lines.append(wrapped_hit_html(f"Themes: {themes}", [], TOOLTIP_CHARS))
        return tooltip_html(lines)

    def finding_at(self, row: int) -> Finding | None:
        if 0 <= row < len(self._rows):
            return self._library.findings[int(self._rows[row])]
        return None

    def row_of(self, finding_id: str) -> int:
        pos = self._library.position(finding_id)
        if pos is None:
            return -1
        hits = np.flatnonzero(self._rows == pos)
        return int(hits[0]) if hits.size else -1

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
        )

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        finding = self.finding_at(index.row())
        if finding is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return finding.text
        if role == SourceLabelRole:
            return f"{self.source_label(finding)}, {finding.locator}"
        if role == SourceShortRole:
            return self.source_label(finding)
        if role == ThemesRole:
            return ", ".join(t.label for tid in finding.themes if (t := self._library.theme(tid)))
        if role == InBriefingRole:
            return self._in_briefing.get(finding.id, 0)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(index.row())
        if role == HitsRole:
            return self.hits_at(index.row())
        if role == Qt.ItemDataRole.AccessibleTextRole:
            used = " In the briefing." if self._in_briefing.get(finding.id) else ""
            return f"{KIND_LABELS.get(finding.kind, finding.kind)}: {finding.text} — {self.data(index, SourceLabelRole)}.{used}"
        if role == FindingRole:
            return finding
        if role == FindingIdRole:
            return finding.id
        return None

    # --- drag --------------------------------------------------------------------------------

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:  # type: ignore[override]
        rows = sorted({i.row() for i in indexes if i.isValid()})
        ids = [f.id for r in rows if (f := self.finding_at(r)) is not None]
        return DragPayload(findings=ids).to_mime()


def _shift(spans: list[Span], by: int) -> list[Span]:
    return [(s + by, e + by) for s, e in spans]
