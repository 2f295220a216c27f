"""The findings list's view: one column of equal-height cards, dragged as a small label."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QHeaderView,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from ..core.wording import count_label, first_words
from .drag_image import start_drag
from .finding_delegate import FindingDelegate


class FindingsView(QTableView):
    """The findings as one column of equal-height cards.

    A table view with fixed row heights lays out 100,000 rows in constant time after a filter
    change; a QListView walks every row (calling into the Python model twice per row), which
    stalled typing in the search box by a quarter of a second at 100,000 findings.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.horizontalHeader().hide()
        self.verticalHeader().hide()
        self.horizontalHeader().setStretchLastSection(True)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.setShowGrid(False)
        self.setCornerButtonEnabled(False)
        for button in self.findChildren(QAbstractButton):
            button.setAccessibleName("Select all findings")
        self.setWordWrap(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setTabKeyNavigation(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def fit_rows(self, delegate: FindingDelegate) -> None:
        option = QStyleOptionViewItem()
        option.initFrom(self)
        self.verticalHeader().setDefaultSectionSize(
            delegate.sizeHint(option, QModelIndex()).height()
        )

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        # Follow the system font size.
        if event.type() == event.Type.FontChange and isinstance(
            self.itemDelegate(), FindingDelegate
        ):
            self.fit_rows(self.itemDelegate())  # type: ignore[arg-type]

    # --- drag ----------------------------------------------------------------------------------

    def dragged_rows(self) -> list[QModelIndex]:
        """The selected rows that can be dragged, in list order."""
        rows = [
            i
            for i in self.selectionModel().selectedRows()
            if i.flags() & Qt.ItemFlag.ItemIsDragEnabled
        ]
        return sorted(rows, key=lambda i: i.row())

    def drag_label(self, rows: list[QModelIndex]) -> str:
        """What the drag image says: "3 findings", or the start of the one quote."""
        if len(rows) != 1:
            return count_label(len(rows), "finding")
        return f"“{first_words(str(rows[0].data(Qt.ItemDataRole.DisplayRole) or ''))}”"

    def startDrag(self, supportedActions: Qt.DropAction) -> None:
        """As QAbstractItemView's, but shown as a small label beside the cursor rather than a
        picture of every dragged row, which hid where the drop would land."""
        rows = self.dragged_rows()
        model = self.model()
        if not rows or model is None:
            return
        mime = model.mimeData(rows)
        if mime is None:
            return
        default = self.defaultDropAction()
        if default == Qt.DropAction.IgnoreAction or not (supportedActions & default):
            default = (
                Qt.DropAction.CopyAction
                if supportedActions & Qt.DropAction.CopyAction
                else Qt.DropAction.IgnoreAction
            )
        start_drag(self, mime, self.drag_label(rows), supportedActions, default)
