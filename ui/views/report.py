"""The Report tab: the catalog's story in charts, following the Tracks filter.

Charts come from :mod:`ui.charts` (the PDF uses the same functions).  A click
on a bar, point or node emits ``tracks_clicked`` with the matching track ids;
the window turns that into an ``id:`` filter on the Tracks view.  The charts
are rebuilt lazily: only when the tab is visible and the audit or the filter
changed since the last build.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QGridLayout, QHBoxLayout, QLabel, QPushButton, QScrollArea,
                               QSizePolicy, QVBoxLayout, QWidget)

from auditor.report.build import build_report
from auditor.report.model import ReportModel
from auditor.store import Store

from .. import charts


class ReportView(QWidget):
    tracks_clicked = Signal(list)
    export_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store: Store | None = None
        self.filter_ids: Callable[[], list[int] | None] | None = None
        self.report: ReportModel | None = None
        self._stale = True
        self._charts: list[QWidget] = []
        self.follow_filter = QCheckBox("Charts follow the Tracks filter", self)
        self.follow_filter.setChecked(True)
        self.follow_filter.toggled.connect(lambda _on: self.invalidate())
        self.summary = QLabel(self)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        export = QPushButton("Export PDF / CSV…", self)
        export.clicked.connect(self.export_requested.emit)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.follow_filter)
        top.addWidget(export)
        self.grid_host = QWidget(self)
        self.grid = QGridLayout(self.grid_host)
        self.grid.setSpacing(12)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.grid_host)
        hint = QLabel("Click a bar, dot or node to list its tracks in the Tracks view.", self)
        hint.setObjectName("hint")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(hint)
        layout.addWidget(scroll, 1)

    def load(self, store: Store | None, filter_ids: Callable[[], list[int] | None] | None = None) -> None:
        self.store, self.filter_ids = store, filter_ids
        self.invalidate()

    def invalidate(self) -> None:
        self._stale = True
        if self.isVisible():
            self.rebuild()

    def showEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt override
        super().showEvent(event)
        if self._stale:
            self.rebuild()

    def rebuild(self) -> None:
        self._stale = False
        for widget in self._charts:
            widget.setParent(None)
            widget.deleteLater()
        self._charts = []
        if self.store is None:
            self.summary.setText("Open an audit to see its report.")
            return
        only = self.filter_ids() if (self.filter_ids and self.follow_filter.isChecked()) else None
        self.report = build_report(self.store, only_tracks=only, evidence=False)
        totals = self.report.totals
        scope = "the filtered tracks" if only is not None else "the whole audit"
        self.summary.setText(
            f"Showing {scope}: {totals['tracks']:,} tracks, {totals['artists']:,} artists, "
            f"{totals['findings']:,} findings, {totals['flagged_artists']:,} artist(s) to look at.")
        for position, (_name, widget) in enumerate(charts.all_charts(self.report.charts)):
            widget.setMinimumHeight(320)
            widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            widget.signals.tracksClicked.connect(self.tracks_clicked.emit)
            self.grid.addWidget(widget, position, 0)  # one per row: wide enough for titles and axes
            self._charts.append(widget)

    def chart_widgets(self) -> list[QWidget]:
        return list(self._charts)
