"""Files the scan could not read and paths it skipped: a browsable list, not dialogs."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from auditor import browse
from auditor.store import Store

from .flat_table import FlatTableModel
from ..safety import display_text, plain_tooltip

TRACK_ID_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex
HEADERS = ("Stage", "Path", "Reason")


class ProblemsModel(FlatTableModel):
    HEADERS = HEADERS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[dict[str, Any]] = []
        self._extra: list[dict[str, Any]] = []  # messages from this session (failed scans, …)

    def load(self, store: Store | None, index: browse.TrackIndex | None = None) -> None:
        self.beginResetModel()
        self._rows = browse.problem_rows(store, index=index) if store is not None else []
        self.endResetModel()

    def add_message(self, stage: str, path: str, reason: str) -> None:
        row = len(self._extra) + len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._extra.append({"stage": stage, "path": path, "reason": reason, "track_id": None})
        self.endInsertRows()

    def clear_messages(self) -> None:
        self.beginResetModel()
        self._extra = []
        self.endResetModel()

    def _all(self) -> list[dict[str, Any]]:
        return self._rows + self._extra

    def row_dict(self, row: int) -> dict[str, Any]:
        return self._all()[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows) + len(self._extra)

    def cell_value(self, row: int, column: int) -> Any:
        item = self._all()[row]
        return (item["stage"], item["path"], item["reason"])[column]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        rows = self._all()
        if not index.isValid() or not 0 <= index.row() < len(rows) or not 0 <= index.column() < len(HEADERS):
            return None
        value = self.cell_value(index.row(), index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return display_text(value)
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(value)
        if role == TRACK_ID_ROLE:
            return rows[index.row()]["track_id"]
        return None
