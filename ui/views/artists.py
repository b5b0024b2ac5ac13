"""Artists ranked by risk; double-click shows the artist's tracks."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QHeaderView, QLineEdit, QTableView, QVBoxLayout, QWidget

from auditor import browse
from auditor.store import Store

from ..models.artists import HEADERS, ArtistsModel
from .common import install_copy, plain_label, rows_as_tsv, selected_rows, visible_columns


class ArtistsView(QWidget):
    artist_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ArtistsModel(self)
        self._store: Store | None = None
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Find an artist")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._filter)
        self.hint = plain_label("", self)
        self.table = QTableView(self)
        self.table.setObjectName("artistsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setStretchLastSection(True)
        header.setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        for section, width in enumerate((50, 70, 220, 60)):
            header.resizeSection(section, width)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self._activated)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.copy_action = install_copy(self.table, self.selection_as_tsv)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.hint)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)

    def load(self, store: Store | None) -> None:
        self._store = store
        self.model.load(store)
        self._filter(self.filter_edit.text())

    def _filter(self, text: str) -> None:
        needle = browse.fold(text.strip())
        shown = 0
        for row in range(self.model.rowCount()):
            hidden = bool(needle) and needle not in browse.fold(self.model.artist(row) or "")
            self.table.setRowHidden(row, hidden)
            shown += not hidden
        scored = any(self.model.row_dict(r)["risk"] is not None for r in range(self.model.rowCount()))
        note = "" if scored or not self.model.rowCount() else " · not scored yet"
        self.hint.setText(f"{shown:,} artist{'s' if shown != 1 else ''}{note} · double-click for tracks")

    def _activated(self, index) -> None:  # type: ignore[no-untyped-def]
        artist = self.model.artist(index.row())
        if artist is not None:
            self.artist_activated.emit(artist)

    def selection_as_tsv(self) -> str:
        columns = visible_columns(self.table)
        rows = [[self.model.cell_value(r, c) for c in columns] for r in selected_rows(self.table)]
        return rows_as_tsv([HEADERS[c] for c in columns], rows)
