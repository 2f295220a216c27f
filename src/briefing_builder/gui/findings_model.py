"""A list model over the findings that match the current filter (no widget per row)."""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from ..core.filtering import Filter, FilterIndex, QueryResult
from ..core.model import Finding, Library

FindingRole = Qt.ItemDataRole.UserRole + 1
FindingIdRole = Qt.ItemDataRole.UserRole + 2

_Index = QModelIndex | QPersistentModelIndex


class FindingsModel(QAbstractListModel):
    """Rows are the findings of the last query, in library order."""

    def __init__(self, library: Library, index: FilterIndex, parent: Any = None) -> None:
        super().__init__(parent)
        self._library = library
        self._index = index
        self._rows = np.arange(len(library.findings))
        self._filter = Filter()
        self.last_result: QueryResult | None = None

    @property
    def library(self) -> Library:
        return self._library

    def set_library(self, library: Library, index: FilterIndex) -> None:
        self.beginResetModel()
        self._library = library
        self._index = index
        self._rows = np.arange(len(library.findings))
        self.endResetModel()
        self.apply_filter(self._filter)

    def apply_filter(self, flt: Filter) -> QueryResult:
        result = self._index.query(flt)
        self.beginResetModel()
        self._filter = flt
        self._rows = result.indices
        self.last_result = result
        self.endResetModel()
        return result

    def finding_at(self, row: int) -> Finding | None:
        if 0 <= row < len(self._rows):
            return self._library.findings[int(self._rows[row])]
        return None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        finding = self.finding_at(index.row())
        if finding is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            src = self._library.source(finding.source)
            label = src.short if src else finding.source
            text = finding.text if len(finding.text) <= 220 else finding.text[:217] + "…"
            return f"{text}\n{label}, {finding.locator}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return finding.text
        if role == FindingRole:
            return finding
        if role == FindingIdRole:
            return finding.id
        return None
