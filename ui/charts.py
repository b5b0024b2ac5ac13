"""The report's charts, drawn with pyqtgraph from :class:`auditor.report.model.ChartData`.

One function per chart returns a ready ``pg.PlotWidget``; the report view
shows them and the PDF writer grabs the very same widgets as images, so the
screen and the paper never differ.  Each chart carries ``track_ids_at`` data
so a click on a bar, point or node can select the matching tracks; the
widget emits ``tracksClicked(list)`` through :class:`ChartSignals`.

Styling is print-friendly: white background, dark axes, band colours that
stay distinguishable in greyscale (green light, amber mid, red dark).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QFont

from auditor.report.model import ChartData

BAND_COLOURS = {"low": "#5b9a4a", "review": "#e0a21b", "high": "#c23b22", None: "#7a7a7a"}
INK = "#222222"
GRID = "#dddddd"
WRITER = "#3b6ea8"
CHART_SIZE = (720, 360)


class ChartSignals(QObject):
    tracksClicked = Signal(list)


def _plot(title: str, *, date_axis: bool = False) -> pg.PlotWidget:
    axis = {"bottom": pg.DateAxisItem(orientation="bottom")} if date_axis else None
    widget = pg.PlotWidget(axisItems=axis)
    widget.setBackground("w")
    widget.setMinimumSize(300, 240)  # on screen the layout sizes it; render_png sizes it for paper
    item = widget.getPlotItem()
    item.setTitle(title, color=INK, size="11pt")
    for name in ("left", "bottom"):
        axis_item = item.getAxis(name)
        axis_item.setPen(pg.mkPen(INK))
        axis_item.setTextPen(pg.mkPen(INK))
    item.showGrid(x=False, y=True, alpha=0.25)
    item.setMenuEnabled(False)
    widget.signals = ChartSignals(widget)
    return widget


def _band(band: str | None) -> QColor:
    return QColor(BAND_COLOURS.get(band, BAND_COLOURS[None]))


def _labels_axis(widget: pg.PlotWidget, labels: Sequence[str], axis: str = "bottom", width: int = 22) -> None:
    """Category labels on an axis; a left axis is widened so the names are not clipped away."""
    ticks = [(i, (label if len(label) <= width else label[: width - 1] + "…")) for i, label in enumerate(labels)]
    axis_item = widget.getPlotItem().getAxis(axis)
    axis_item.setTicks([ticks])
    if axis == "left":
        longest = max((len(text) for _, text in ticks), default=4)
        axis_item.setWidth(int(min(16 + longest * 7, 260)))


def _clickable_bars(widget: pg.PlotWidget, groups: Sequence[Sequence[int]],
                    *, horizontal: bool = False) -> None:
    """A click inside bar i emits the track ids of group i."""
    def on_click(event) -> None:  # noqa: ANN001 - pyqtgraph mouse event
        point = widget.getPlotItem().vb.mapSceneToView(event.scenePos())
        index = round(point.y() if horizontal else point.x())
        if 0 <= index < len(groups) and groups[index]:
            widget.signals.tracksClicked.emit(list(groups[index]))

    widget.scene().sigMouseClicked.connect(on_click)
    widget.bar_groups = groups


# --- the charts ---------------------------------------------------------------------------

def risk_distribution(data: ChartData, band_track_ids: dict[str, list[int]] | None = None) -> pg.PlotWidget:
    """Tracks and artists per risk band, side by side."""
    widget = _plot("Risk bands: tracks (left bar) and artists (right bar)")
    bands = ("low", "review", "high")
    x = np.arange(len(bands), dtype=float)
    tracks = [data.track_bands.get(b, 0) for b in bands]
    artists = [data.artist_bands.get(b, 0) for b in bands]
    brushes = [_band(b) for b in bands]
    widget.addItem(pg.BarGraphItem(x=x - 0.18, height=tracks, width=0.34, brushes=brushes, pen=pg.mkPen(INK)))
    light = [QColor(c).lighter(140) for c in brushes]
    widget.addItem(pg.BarGraphItem(x=x + 0.18, height=artists, width=0.34, brushes=light, pen=pg.mkPen(INK)))
    for i, (t, a) in enumerate(zip(tracks, artists)):
        for offset, value in ((-0.18, t), (0.18, a)):
            label = pg.TextItem(str(value), color=INK, anchor=(0.5, 1))
            label.setPos(i + offset, value)
            widget.addItem(label)
    _labels_axis(widget, ["low (< 40)", "review (40–69)", "high (≥ 70)"])
    widget.getPlotItem().setLabel("left", "count")
    groups = [band_track_ids.get(b, []) if band_track_ids else [] for b in bands]
    _clickable_bars(widget, groups)
    return widget


def release_timeline(data: ChartData) -> pg.PlotWidget:
    """One row per artist, one dot per month with releases, sized by how many.

    A burst (eight tracks in ten days) shows as one big dot with its count, a
    career as small dots spread over years.
    """
    widget = _plot("Release timeline (dot size and number: tracks released that month)", date_axis=True)
    names = []
    for row, series in enumerate(reversed(data.timelines)):
        names.append(series.artist)
        months: dict[str, list[int]] = {}
        for date, track_id in zip(series.dates, series.track_ids):
            months.setdefault(date[:7], []).append(track_id)
        spots = []
        for month, ids in months.items():
            x = dt.datetime.fromisoformat(month + "-15").replace(tzinfo=dt.timezone.utc).timestamp()
            spots.append({"pos": (x, row), "data": ids, "brush": _band(series.band),
                          "size": 8 + 4 * math.sqrt(len(ids) - 1), "pen": pg.mkPen(INK, width=0.5)})
            if len(ids) > 1:
                label = pg.TextItem(str(len(ids)), color=INK, anchor=(-0.3, 0.5))
                label.setPos(x, row)
                widget.addItem(label)
        scatter = pg.ScatterPlotItem(spots=spots, hoverable=True)
        scatter.sigClicked.connect(
            lambda _item, points, *_: widget.signals.tracksClicked.emit([t for p in points for t in p.data()]))
        widget.addItem(scatter)
    _labels_axis(widget, names, axis="left")
    widget.getPlotItem().setYRange(-0.7, max(len(names) - 0.3, 0.7))
    return widget


def writer_network(data: ChartData) -> pg.PlotWidget:
    """Writers (circles) linked to the artist personas they write for (squares).

    Hub writers are drawn larger; untraceable writers (no IPI/ISNI, not in the
    registry) in red outline; artists coloured by risk band.
    """
    widget = _plot("Writer ↔ artist network (red ring: untraceable writer; large: hub)")
    item = widget.getPlotItem()
    item.hideAxis("left")
    item.hideAxis("bottom")
    item.showGrid(x=False, y=False)
    if not data.network_nodes:
        return widget
    index = {node.id: i for i, node in enumerate(data.network_nodes)}
    pos = np.array([[n.x, n.y] for n in data.network_nodes], dtype=float)
    adjacency = np.array([[index[e.source], index[e.target]] for e in data.network_edges], dtype=int)
    symbols, sizes, brushes, pens = [], [], [], []
    for node in data.network_nodes:
        if node.kind == "writer":
            symbols.append("o")
            sizes.append(22 if node.hub else 12)
            brushes.append(QColor(WRITER))
            pens.append(pg.mkPen("#c23b22", width=3) if node.untraceable else pg.mkPen(INK, width=0.8))
        else:
            symbols.append("s")
            sizes.append(14 + min(int(math.sqrt(node.size) * 3), 16))
            brushes.append(_band(node.band))
            pens.append(pg.mkPen(INK, width=0.8))
    graph = pg.GraphItem(pos=pos, adj=adjacency if len(adjacency) else None, symbol=symbols, size=sizes,
                         symbolBrush=brushes, symbolPen=pens, pen=pg.mkPen("#999999", width=1),
                         data=[n.track_ids for n in data.network_nodes])
    graph.scatter.sigClicked.connect(
        lambda _item, points, *_: widget.signals.tracksClicked.emit(list(points[0].data())) if points else None)
    widget.addItem(graph)
    font = QFont()
    font.setPointSize(8)
    for node in data.network_nodes:
        if node.kind == "artist" or node.hub or node.untraceable:
            label = pg.TextItem(node.label[:28], color=INK, anchor=(0.5, -0.35))
            label.setFont(font)
            label.setPos(node.x, node.y)
            widget.addItem(label)
    item.setAspectLocked(False)
    return widget


def signature_clusters(data: ChartData) -> pg.PlotWidget:
    """Technical signatures shared across artists: how many artists each one spans."""
    widget = _plot("Production signatures shared by several artists")
    clusters = list(reversed(data.signatures[:10]))
    if clusters:
        heights = [len(c.artists) for c in clusters]
        bars = pg.BarGraphItem(x0=0, y=np.arange(len(clusters)), height=0.6, width=heights,
                               brush=QColor("#8c6bb1"), pen=pg.mkPen(INK))
        widget.addItem(bars)
        _labels_axis(widget, [c.label for c in clusters], axis="left", width=38)
        for i, cluster in enumerate(clusters):
            label = pg.TextItem(f"{len(cluster.artists)} artists · {len(cluster.track_ids)} tracks",
                                color=INK, anchor=(0, 0.5))
            label.setPos(len(cluster.artists) + 0.05, i)
            widget.addItem(label)
        _clickable_bars(widget, [c.track_ids for c in clusters], horizontal=True)
        widget.getPlotItem().setXRange(0, max(heights) * 1.6)
    widget.getPlotItem().setLabel("bottom", "artists sharing the signature")
    return widget


def duration_distribution(data: ChartData) -> pg.PlotWidget:
    """Track durations, one row per artist: a tight cluster means near-identical lengths."""
    widget = _plot("Track durations per artist (seconds)")
    rng = np.random.default_rng(3)  # fixed jitter: the same picture every time
    rows = list(reversed(data.durations))
    for row, series in enumerate(rows):
        if not series.durations:
            continue
        ys = row + rng.uniform(-0.2, 0.2, len(series.durations))
        spots = [{"pos": (x, y), "data": t, "brush": _band(series.band), "size": 7, "pen": pg.mkPen(INK, width=0.4)}
                 for x, y, t in zip(series.durations, ys, series.track_ids)]
        scatter = pg.ScatterPlotItem(spots=spots)
        scatter.sigClicked.connect(
            lambda _item, points, *_: widget.signals.tracksClicked.emit([p.data() for p in points]))
        widget.addItem(scatter)
    _labels_axis(widget, [s.artist for s in rows], axis="left")
    widget.getPlotItem().setLabel("bottom", "duration (s)")
    return widget


def breakdown(data: ChartData, index: int) -> pg.PlotWidget:
    """One technical breakdown (encoder, sample rate, bitrate mode) as horizontal bars."""
    item = data.breakdowns[index]
    widget = _plot(f"{item.title} breakdown (tracks)")
    labels, counts = list(reversed(item.labels)), list(reversed(item.counts))
    widget.addItem(pg.BarGraphItem(x0=0, y=np.arange(len(labels)), height=0.6, width=counts,
                                   brush=QColor("#4f7cac"), pen=pg.mkPen(INK)))
    for row, count in enumerate(counts):
        label = pg.TextItem(str(count), color=INK, anchor=(0, 0.5))
        label.setPos(count, row)
        widget.addItem(label)
    _labels_axis(widget, labels, axis="left", width=30)
    widget.getPlotItem().setXRange(0, max(counts, default=1) * 1.15)
    return widget


def spectrum(frequencies: Sequence[float], levels_db: Sequence[float], peaks_hz: Sequence[float],
             title: str) -> pg.PlotWidget:
    """Long-term spectrum of one track with its detected periodic peaks marked."""
    widget = _plot(title)
    widget.plot(list(frequencies), list(levels_db), pen=pg.mkPen("#4f7cac", width=1.5))
    for hz in peaks_hz:
        line = pg.InfiniteLine(pos=hz, angle=90, pen=pg.mkPen("#c23b22", width=1, style=Qt.DashLine))
        widget.addItem(line)
    widget.getPlotItem().setLabel("bottom", "frequency (Hz)")
    widget.getPlotItem().setLabel("left", "level (dB)")
    return widget


def all_charts(data: ChartData) -> list[tuple[str, pg.PlotWidget]]:
    """Every chart with its section name, in report order."""
    charts = [
        ("Risk distribution", risk_distribution(data)),
        ("Release timeline", release_timeline(data)),
        ("Writer ↔ artist network", writer_network(data)),
        ("Production signatures", signature_clusters(data)),
        ("Durations", duration_distribution(data)),
    ]
    charts += [(b.title, breakdown(data, i)) for i, b in enumerate(data.breakdowns)]
    return charts


def render_png(widget: pg.PlotWidget, size: tuple[int, int] = CHART_SIZE):  # noqa: ANN201 - QImage
    """The chart as an image, exactly as the report view draws it."""
    widget.resize(*size)
    widget.getPlotItem().vb.update()
    return widget.grab().toImage()



