"""The tracks table: a lazy, SQL-sorted, SQL-filtered model over the audit.

Rows arrive a page at a time through ``canFetchMore``/``fetchMore`` (the view
asks as the user scrolls), so opening a 100k-track audit reads one page, not
the catalog.  Only the columns the view shows are loaded.  Sorting and
filtering are SQL over :class:`auditor.browse.TrackIndex`; ties break on
path then id, so the order is stable between refreshes.

During a scan the window calls :meth:`refresh`, which re-reads the rows
already loaded *in place* (dataChanged + inserted rows at the end) instead
of resetting, so scroll position and selection survive.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal

from auditor import browse
from auditor.browse import COLUMNS, Column, FilterQuery, TrackIndex

from .. import theme
from ..safety import display_text, plain_tooltip

TRACK_ID_ROLE = Qt.ItemDataRole.UserRole + 1
RAW_VALUE_ROLE = Qt.ItemDataRole.UserRole + 2
SORT_KEY_ROLE = Qt.ItemDataRole.UserRole + 3

Index = QModelIndex | QPersistentModelIndex


def format_value(column: Column, value: Any) -> str:
    """The cell text for a stored value (plain text, bounded)."""
    if value is None or value == "":
        return ""
    kind = column.kind
    try:
        if kind == "risk":
            return f"{float(value):.0f}"
        if kind == "duration":
            seconds = int(round(float(value)))
            return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 \
                else f"{seconds // 60}:{seconds % 60:02d}"
        if kind == "bitrate":
            return f"{float(value) / 1000:.0f} kbps"
        if kind == "samplerate":
            return f"{float(value) / 1000:g} kHz"
        if kind == "size":
            return f"{float(value) / 1e6:,.1f} MB"
        if kind == "flag":
            return "yes" if value else ""
        if kind == "int":
            return str(int(value))
    except (TypeError, ValueError):
        return display_text(value)
    if column.key == "tag_containers" and isinstance(value, str) and value.startswith("["):
        try:
            return display_text(", ".join(str(v) for v in json.loads(value)))
        except ValueError:
            pass
    return display_text(value)


class TracksModel(QAbstractTableModel):
    """Lazy table of tracks; see the module doc."""

    filter_applied = Signal(object)  # FilterQuery
    totals_changed = Signal(int)  # matching rows

    def __init__(self, parent: Any = None, *, page_size: int = browse.PAGE_SIZE) -> None:
        super().__init__(parent)
        self.page_size = page_size
        self._index: TrackIndex | None = None
        self._query = FilterQuery()
        self._sort: tuple[str, bool] = ("risk", True)
        self._loaded_keys: list[str] = [c.key for c in COLUMNS if c.visible]
        self._slot: dict[str, int] = {}
        self._rows: list[tuple[Any, ...]] = []
        self._total: int | None = 0
        self._has_more = False
        self._generation = 0
        self._rebuild_slots()

    # --- configuration ----------------------------------------------------------------------

    @property
    def query(self) -> FilterQuery:
        return self._query

    @property
    def sort_state(self) -> tuple[str, bool]:
        return self._sort

    def column_index(self, key: str) -> int:
        for i, column in enumerate(COLUMNS):
            if column.key == key:
                return i
        raise KeyError(key)

    def column_at(self, section: int) -> Column:
        return COLUMNS[section]

    def set_source(self, index: TrackIndex | None) -> None:
        self._index = index
        self.reload()

    def set_filter(self, query: FilterQuery) -> None:
        self._query = query
        self.reload()
        self.filter_applied.emit(query)

    def set_loaded_columns(self, keys: Sequence[str]) -> None:
        """Which columns to read from SQL (the visible ones); others show empty."""
        wanted = [c.key for c in COLUMNS if c.key in set(keys)]
        if wanted == self._loaded_keys:
            return
        self._loaded_keys = wanted
        self._rebuild_slots()
        self.refresh()

    def _rebuild_slots(self) -> None:
        self._slot = {key: i + 2 for i, key in enumerate(self._loaded_keys)}

    # --- loading ------------------------------------------------------------------------------

    def _page(self, offset: int, limit: int) -> list[tuple[Any, ...]]:
        if self._index is None:
            return []
        return browse.track_page(self._index, self._query, self._loaded_keys,
                                 sort=self._sort, offset=offset, limit=limit)

    @property
    def total(self) -> int:
        """Rows matching the filter (counted on demand; the view never waits for it)."""
        if self._total is None:
            self._count_now()
        return int(self._total or 0)

    def _count_now(self) -> None:
        generation = self._generation
        try:
            total = browse.count_tracks(self._index, self._query) if self._index is not None else 0
        except sqlite3.Error:  # the audit was closed under a pending count: nothing to show
            total = len(self._rows)
        if generation == self._generation and total != self._total:
            self._total = total
            self.totals_changed.emit(total)

    def _count_later(self) -> None:
        """Counting scans every matching row; do it after the first page is on screen."""
        self._generation += 1
        self._total = None
        QTimer.singleShot(0, self, self._deferred_count)

    def _deferred_count(self) -> None:
        if self._total is None:
            self._count_now()

    def reload(self) -> None:
        """Reset to the first page (new filter, sort or audit)."""
        self.beginResetModel()
        rows = self._page(0, self.page_size + 1)
        self._has_more = len(rows) > self.page_size
        self._rows = rows[:self.page_size]
        self.endResetModel()
        self._count_later()

    def refresh(self) -> None:
        """Re-read the rows already loaded (and any new ones) without a reset."""
        if self._index is None:
            return
        wanted = max(len(self._rows), self.page_size)
        fresh = self._page(0, wanted + 1)
        self._has_more = len(fresh) > wanted
        fresh = fresh[:wanted]
        old = len(self._rows)
        common = min(old, len(fresh))
        if len(fresh) < old:
            self.beginRemoveRows(QModelIndex(), len(fresh), old - 1)
            self._rows = self._rows[:len(fresh)]
            self.endRemoveRows()
        self._rows[:common] = fresh[:common]
        if common:
            self.dataChanged.emit(self.index(0, 0), self.index(common - 1, len(COLUMNS) - 1))
        if len(fresh) > old:
            self.beginInsertRows(QModelIndex(), old, len(fresh) - 1)
            self._rows.extend(fresh[old:])
            self.endInsertRows()
        self._count_later()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._has_more

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._index is None or not self._has_more:
            return
        start = len(self._rows)
        rows = self._page(start, self.page_size + 1)
        self._has_more = len(rows) > self.page_size
        rows = rows[:self.page_size]
        if not rows:
            return
        self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()

    def ensure_loaded(self, row: int) -> None:
        """Fetch pages until ``row`` exists (to select a track far down the order)."""
        while row >= len(self._rows) and self.canFetchMore():
            before = len(self._rows)
            self.fetchMore()
            if len(self._rows) == before:
                break

    # --- Qt model interface -------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        column = COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{column.title} ({column.group})"
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def raw_value(self, row: int, key: str) -> Any:
        slot = self._slot.get(key)
        if slot is None or not 0 <= row < len(self._rows):
            return None
        return self._rows[row][slot]

    def track_id(self, row: int) -> int | None:
        return self._rows[row][0] if 0 <= row < len(self._rows) else None

    def row_of(self, track_id: int) -> int | None:
        for row, values in enumerate(self._rows):
            if values[0] == track_id:
                return row
        return None

    def band(self, row: int) -> str | None:
        return self._rows[row][1] if 0 <= row < len(self._rows) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows) \
                or not 0 <= index.column() < len(COLUMNS):
            return None
        column = COLUMNS[index.column()]
        row = self._rows[index.row()]
        slot = self._slot.get(column.key)
        value = row[slot] if slot is not None else None
        if role == Qt.ItemDataRole.DisplayRole:
            return format_value(column, value)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column.kind == "text" and value:
                return plain_tooltip(value)
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column.numeric:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            if column.key in ("risk", "band"):
                colors = theme.band_colors(row[1])
                if colors is not None:
                    return colors[0] if role == Qt.ItemDataRole.BackgroundRole else colors[1]
            return None
        if role == TRACK_ID_ROLE:
            return row[0]
        if role == RAW_VALUE_ROLE:
            return value
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        key = COLUMNS[column].key
        state = (key, order == Qt.SortOrder.DescendingOrder)
        if state == self._sort:
            return
        self._sort = state
        self.reload()

    def position_of(self, track_id: int) -> int | None:
        if self._index is None:
            return None
        return browse.track_position(self._index, self._query, track_id, sort=self._sort)

    def column_keys(self) -> list[str]:
        return [c.key for c in COLUMNS]

    def loaded_keys(self) -> list[str]:
        return list(self._loaded_keys)


__all__ = ["TRACK_ID_ROLE", "RAW_VALUE_ROLE", "TracksModel", "format_value"]
