"""The tracks table with its filter box and column chooser."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, QItemSelection, QItemSelectionModel, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMenu,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from auditor import browse
from auditor.browse import COLUMNS

from ..models.tracks import TracksModel, format_value
from ..safety import plain_tooltip
from .common import ElideMiddleDelegate, install_copy, plain_label, rows_as_tsv, selected_rows, visible_columns

FILTER_DEBOUNCE_MS = 150
GROUP_TITLES = {"audit": "Audit", "tags": "Tags", "technical": "Technical", "file": "File"}

FILTER_HELP = """Filter syntax (combine terms; all must match):

  moon night              words anywhere in path, title, artist, album, label, ISRC, writers…
  artist:"lyra solenne"   a field contains the text (quotes for spaces)
  title:=Intro            the field is exactly this
  -format:flac  !error:yes   negate a term
  writer:NAME  composer:  producer:  credit:  ipi:yes|no|DIGITS
  band:high|review|low|none   risk:>=70   findings:>0
  review:open|confirmed|dismissed|reviewed   finding:DETECTOR   family:writers   severity:high
  bitrate:<=128 (kbps)   duration:<1:30   size:>10MB   samplerate:48khz
  error:yes   conflict:yes   mismatch:yes   art:no   status:missing|any
  format: codec: ext: encoder: label: publisher: isrc: upc: catalog: date: genre: comment: file: path:
"""


class TracksView(QWidget):
    """Emits ``track_selected`` with the current track id (or None)."""

    track_selected = Signal(object)
    filter_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = TracksModel(self)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("trackFilter")
        self.filter_edit.setPlaceholderText(
            'Filter tracks — e.g. writer:"jane doe" band:high format:mp3 error:yes, or just words (Ctrl+F)')
        self.filter_edit.setClearButtonEnabled(True)
        self.help_button = QToolButton(self)
        self.help_button.setText("?")
        self.help_button.setToolTip(plain_tooltip(FILTER_HELP))
        self.help_button.setAutoRaise(True)
        self.count_label = plain_label("", self)
        self.problem_label = plain_label("", self)
        self.problem_label.setObjectName("filterProblems")
        self.problem_label.setStyleSheet("color: palette(link);")
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(FILTER_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.apply_filter_now)
        self.filter_edit.textChanged.connect(lambda _text: self._debounce.start())
        self.filter_edit.returnPressed.connect(self.apply_filter_now)

        self.table = QTableView(self)
        self.table.setObjectName("tracksTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self._path_delegate = ElideMiddleDelegate(self.table)
        self.table.setItemDelegateForColumn(self.model.column_index("path"), self._path_delegate)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        header.setSortIndicator(self.model.column_index("risk"), Qt.SortOrder.DescendingOrder)
        self._apply_default_columns()
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.copy_action = install_copy(self.table, self.selection_as_tsv)
        self.model.totals_changed.connect(self._update_count)
        self._current_before_reset: int | None = None
        self.model.modelAboutToBeReset.connect(self._before_reset)
        self.model.modelReset.connect(self._after_reset)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.help_button)
        top.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.table, 1)
        self.problem_label.hide()

    # --- columns ----------------------------------------------------------------------------

    def _apply_default_columns(self) -> None:
        header = self.table.horizontalHeader()
        widths = {"risk": 44, "band": 60, "title": 190, "artist": 130, "album": 150, "writers": 150,
                  "label": 130, "isrc": 110, "format": 70, "duration": 60, "bitrate": 80,
                  "encoder": 120, "filename": 200, "path": 320, "error": 200}
        for section, column in enumerate(COLUMNS):
            header.setSectionHidden(section, not column.visible)
            header.resizeSection(section, widths.get(column.key, 110))
        self._sync_loaded_columns()

    def _sync_loaded_columns(self) -> None:
        header = self.table.horizontalHeader()
        keys = [c.key for i, c in enumerate(COLUMNS) if not header.isSectionHidden(i)]
        self.model.set_loaded_columns(keys)

    def set_column_visible(self, key: str, visible: bool) -> None:
        section = self.model.column_index(key)
        self.table.horizontalHeader().setSectionHidden(section, not visible)
        self._sync_loaded_columns()

    def column_menu(self, parent: QWidget | None = None) -> QMenu:
        menu = QMenu("Columns", parent or self)
        header = self.table.horizontalHeader()
        for group, title in GROUP_TITLES.items():
            menu.addSection(title)
            for section, column in enumerate(COLUMNS):
                if column.group != group:
                    continue
                action = QAction(column.title, menu)
                action.setCheckable(True)
                action.setChecked(not header.isSectionHidden(section))
                action.toggled.connect(lambda checked, key=column.key: self.set_column_visible(key, checked))
                menu.addAction(action)
        menu.addSeparator()
        reset = menu.addAction("Reset columns")
        reset.triggered.connect(self._apply_default_columns)
        return menu

    def _header_menu(self, pos: QPoint) -> None:
        menu = self.column_menu(self)
        menu.exec(self.table.horizontalHeader().mapToGlobal(pos))

    def header_state(self) -> QByteArray:
        return self.table.horizontalHeader().saveState()

    def restore_header_state(self, state: Any) -> bool:
        if not state:
            return False
        header = self.table.horizontalHeader()
        ok = header.restoreState(QByteArray(state) if not isinstance(state, QByteArray) else state)
        if ok:
            if header.count() != len(COLUMNS):
                self._apply_default_columns()
                return False
            self._sync_loaded_columns()
            section = header.sortIndicatorSection()
            if 0 <= section < len(COLUMNS):
                self.model.sort(section, header.sortIndicatorOrder())
        return ok

    # --- filtering ----------------------------------------------------------------------------

    def apply_filter_now(self) -> None:
        self._debounce.stop()
        text = self.filter_edit.text()
        query = browse.parse_filter(text)
        if query == self.model.query:
            return
        self.model.set_filter(query)
        if query.problems:
            self.problem_label.setText("; ".join(query.problems))
            self.problem_label.show()
        else:
            self.problem_label.hide()
        self.filter_changed.emit(text)

    def set_filter_text(self, text: str) -> None:
        self.filter_edit.setText(text)
        self.apply_filter_now()

    def _update_count(self, total: int) -> None:
        noun = "track" if total == 1 else "tracks"
        shown = f"{total:,} {noun}"
        if not self.model.query.empty:
            shown += " match"
        self.count_label.setText(shown)

    # --- selection ----------------------------------------------------------------------------

    def current_track_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.track_id(index.row()) if index.isValid() else None

    def selected_track_ids(self) -> list[int]:
        return [tid for tid in (self.model.track_id(r) for r in selected_rows(self.table)) if tid is not None]

    def _current_changed(self, current: Any, _previous: Any) -> None:
        self.track_selected.emit(self.model.track_id(current.row()) if current.isValid() else None)

    def _before_reset(self) -> None:
        self._current_before_reset = self.current_track_id()

    def _after_reset(self) -> None:
        """A new filter or sort keeps the selected track selected when it is still on the first page."""
        previous, self._current_before_reset = self._current_before_reset, None
        if previous is None or not self.select_track(previous, load=False):
            self.track_selected.emit(self.current_track_id())

    def select_track(self, track_id: int, *, load: bool = True) -> bool:
        """Make ``track_id`` current, fetching pages up to it when needed."""
        row = self.model.row_of(track_id)
        if row is None and load:
            position = self.model.position_of(track_id)
            if position is not None:
                self.model.ensure_loaded(position)
                row = self.model.row_of(track_id)
        if row is None:
            return False
        index = self.model.index(row, self.table.horizontalHeader().logicalIndex(0))
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)
        return True

    def refresh_keep_selection(self) -> None:
        """Soft refresh (during scans) that keeps the same tracks selected."""
        selected = set(self.selected_track_ids())
        current = self.current_track_id()
        self.model.refresh()
        selection = self.table.selectionModel()
        if current is not None and self.current_track_id() != current:
            row = self.model.row_of(current)
            blocker = selection.blockSignals(True)
            if row is not None:
                selection.setCurrentIndex(self.model.index(row, 0), QItemSelectionModel.SelectionFlag.NoUpdate)
            selection.blockSignals(blocker)
        if selected:
            rows = [self.model.row_of(tid) for tid in selected]
            new = QItemSelection()
            last = self.model.columnCount() - 1
            for row in rows:
                if row is not None:
                    new.select(self.model.index(row, 0), self.model.index(row, last))
            selection.select(new, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    # --- copy ---------------------------------------------------------------------------------

    def selection_as_tsv(self) -> str:
        columns = visible_columns(self.table)
        headers = [COLUMNS[c].title for c in columns]
        rows = []
        for row in selected_rows(self.table):
            values = []
            for c in columns:
                column = COLUMNS[c]
                raw = self.model.raw_value(row, column.key)
                plain = column.kind in ("text", "band", "int", "risk", "size") and column.key != "tag_containers"
                values.append(raw if plain else format_value(column, raw))
            rows.append(values)
        return rows_as_tsv(headers, rows)
