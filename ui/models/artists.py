"""Artists ranked by risk, with the reasons the scorer gave (or plain counts before scoring)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from auditor import browse
from auditor.store import Store

from .. import theme
from .flat_table import FlatTableModel
from ..safety import display_text, plain_tooltip

ARTIST_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex
HEADERS = ("Risk", "Band", "Artist", "Tracks", "Top reasons")


class ArtistsModel(FlatTableModel):
    HEADERS = HEADERS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[dict[str, Any]] = []
        self._sort: tuple[int, Qt.SortOrder] = (0, Qt.SortOrder.DescendingOrder)

    def load(self, store: Store | None) -> None:
        self.beginResetModel()
        self._rows = browse.artist_rows(store) if store is not None else []
        self._apply_sort()
        self.endResetModel()

    def artist(self, row: int) -> str | None:
        return self._rows[row]["artist"] if 0 <= row < len(self._rows) else None

    def row_dict(self, row: int) -> dict[str, Any]:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def cell_value(self, row: int, column: int) -> Any:
        item = self._rows[row]
        return (item["risk"], item["band"], item["artist"], item["tracks"],
                "; ".join(item["reasons"][:3]))[column]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows) \
                or not 0 <= index.column() < len(HEADERS):
            return None
        item = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return "" if item["risk"] is None else f"{float(item['risk']):.0f}"
            if column == 1:
                return display_text(item["band"] or "")
            if column == 2:
                return display_text(item["artist"]) if item["artist"] else "(no artist tag)"
            if column == 3:
                return "" if item["tracks"] is None else f"{int(item['tracks']):,}"
            return display_text("; ".join(item["reasons"][:3]))
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 4 and item["reasons"]:
                return plain_tooltip("\n".join(item["reasons"]))
            if column == 2 and item["artist"]:
                return plain_tooltip(item["artist"])
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (0, 3):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole) and column in (0, 1):
            colors = theme.band_colors(item["band"])
            if colors is not None:
                return colors[0] if role == Qt.ItemDataRole.BackgroundRole else colors[1]
        if role == ARTIST_ROLE:
            return item["artist"]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(HEADERS):
            return
        self.layoutAboutToBeChanged.emit()
        self._sort = (column, order)
        self._apply_sort()
        self.layoutChanged.emit()

    def _apply_sort(self) -> None:
        """Stable: ties keep artist-name order; empty values go last in either direction."""
        column, order = self._sort
        name = ("risk", "band", "artist", "tracks", "reasons")[column]
        rank = {"high": 2, "review": 1, "low": 0}

        def value(item: dict[str, Any]) -> Any:
            raw = item[name]
            if name == "band":
                return rank.get(raw) if raw else None
            if name == "artist":
                return browse.fold(raw or "")
            if name == "reasons":
                return browse.fold("; ".join(raw)) or None
            return raw

        known = [r for r in self._rows if value(r) is not None]
        unknown = [r for r in self._rows if value(r) is None]
        known.sort(key=lambda r: browse.fold(r["artist"] or ""))
        known.sort(key=value, reverse=order == Qt.SortOrder.DescendingOrder)
        unknown.sort(key=lambda r: browse.fold(r["artist"] or ""))
        self._rows = known + unknown
