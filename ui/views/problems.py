"""The Problems dock: unreadable files and skipped paths, browsable and copyable."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QDockWidget, QHeaderView, QTableView, QWidget

from auditor import browse
from auditor.store import Store

from ..models.problems import HEADERS, TRACK_ID_ROLE, ProblemsModel
from .common import ElideMiddleDelegate, install_copy, rows_as_tsv, selected_rows, visible_columns


class ProblemsDock(QDockWidget):
    track_activated = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Problems", parent)
        self.setObjectName("problemsDock")
        self.model = ProblemsModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("problemsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self._delegate = ElideMiddleDelegate(self.table)
        self.table.setItemDelegateForColumn(1, self._delegate)
        header = self.table.horizontalHeader()
        header.resizeSection(0, 80)
        header.resizeSection(1, 420)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self._activated)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        install_copy(self.table, self.selection_as_tsv)
        self.setWidget(self.table)

    def load(self, store: Store | None, index: browse.TrackIndex | None = None) -> None:
        self.model.load(store, index)
        self._update_title()

    def add_message(self, stage: str, path: str, reason: str) -> None:
        self.model.add_message(stage, path, reason)
        self._update_title()

    def _update_title(self) -> None:
        count = self.model.rowCount()
        self.setWindowTitle(f"Problems ({count:,})" if count else "Problems")

    def _activated(self, index) -> None:  # type: ignore[no-untyped-def]
        track_id = self.model.index(index.row(), 0).data(TRACK_ID_ROLE)
        if track_id is not None:
            self.track_activated.emit(int(track_id))

    def selection_as_tsv(self) -> str:
        columns = visible_columns(self.table)
        rows = [[self.model.cell_value(r, c) for c in columns] for r in selected_rows(self.table)]
        return rows_as_tsv([HEADERS[c] for c in columns], rows)
