"""The detail pane: everything known about the selected track, as plain text.

Sections (Mp3tag's extended-tags view meets Picard's info dialog): risk and
findings, normalized fields, every alias with conflicts highlighted, credits
with roles and identifiers, technical properties, artwork, raw tags
(binary payloads summarized), and read problems.  Values are shown through
:func:`ui.safety.display_text`, never as HTML; the artwork thumbnail is read
on demand from the file, read-only.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt, Signal
from PySide6.QtGui import QAction, QColor, QImageReader, QPalette, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from auditor import browse
from auditor.fields import FIELDS
from auditor.store import Store

from .. import theme
from ..artwork import embedded_picture
from ..safety import DETAIL_LIMIT, display_text, plain_tooltip
from .common import copy_text, plain_label

THUMB = 144
FINDING_KEY_ROLE = Qt.ItemDataRole.UserRole + 1
FULL_VALUE_ROLE = Qt.ItemDataRole.UserRole + 2

FIELD_TITLES = {
    "album_artist": "Album artist", "isrc": "ISRC", "upc": "UPC/EAN", "iswc": "ISWC",
    "catalog_number": "Catalog number", "release_date": "Release date", "original_date": "Original date",
    "track_number": "Track number", "track_total": "Track total", "disc_number": "Disc number",
    "disc_total": "Disc total", "url": "URL", "encoder_tag": "Encoder (tag)", "encoded_by": "Encoded by",
    "encoder_settings": "Encoder settings", "bpm": "BPM",
}


def field_title(name: str) -> str:
    return FIELD_TITLES.get(name, name.replace("_", " ").capitalize())


def _duration(seconds: Any) -> str:
    try:
        total = float(seconds)
    except (TypeError, ValueError):
        return ""
    return f"{int(total) // 60}:{int(total) % 60:02d} ({total:.2f} s)"


class DetailPane(QWidget):
    finding_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailPane")
        self.store: Store | None = None
        self.track_id: int | None = None
        self.detail: dict[str, Any] | None = None

        self.title_label = plain_label("", self, wrap=True, selectable=True)
        self.title_label.setObjectName("detailTitle")
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title_label.setFont(font)
        self.subtitle_label = plain_label("", self, wrap=True, selectable=True)
        self.subtitle_label.setObjectName("detailSubtitle")
        self.risk_label = plain_label("", self)
        self.risk_label.setObjectName("detailRisk")
        self.risk_label.setAutoFillBackground(True)
        self.risk_label.setContentsMargins(6, 2, 6, 2)
        self.path_label = plain_label("", self, wrap=True, selectable=True)
        self.path_label.setObjectName("detailPath")
        self.path_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.art_label = QLabel(self)
        self.art_label.setObjectName("detailArtwork")
        self.art_label.setTextFormat(Qt.TextFormat.PlainText)
        self.art_label.setFixedSize(QSize(THUMB, THUMB))
        self.art_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.art_label.setFrameShape(QFrame.Shape.StyledPanel)
        self.art_label.setWordWrap(True)

        self.tree = QTreeWidget(self)
        self.tree.setObjectName("detailTree")
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Field", "Value", "Source / review"])
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setWordWrap(False)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 150)
        header.resizeSection(2, 110)
        self.tree.itemActivated.connect(self._activated)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        copy = QAction("Copy value", self.tree)
        copy.setShortcut("Ctrl+C")
        copy.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        copy.triggered.connect(self.copy_selected)
        self.tree.addAction(copy)

        text_box = QVBoxLayout()
        text_box.setSpacing(2)
        text_box.addWidget(self.title_label)
        text_box.addWidget(self.subtitle_label)
        risk_row = QHBoxLayout()
        risk_row.addWidget(self.risk_label)
        risk_row.addStretch(1)
        text_box.addLayout(risk_row)
        text_box.addWidget(self.path_label)
        text_box.addStretch(1)
        header = QHBoxLayout()
        header.addLayout(text_box, 1)
        header.addWidget(self.art_label, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addLayout(header)
        layout.addWidget(self.tree, 1)
        self.show_track(None)

    # --- public -------------------------------------------------------------------------------

    def set_store(self, store: Store | None) -> None:
        self.store = store
        self.show_track(None)

    def reload(self) -> None:
        self.show_track(self.track_id)

    def show_track(self, track_id: int | None) -> None:
        self.track_id = track_id
        self.detail = browse.track_detail(self.store, track_id) if (self.store and track_id) else None
        self.tree.clear()
        if self.detail is None:
            self.title_label.setText("No track selected" if self.store else "No audit open")
            self.subtitle_label.setText("Select a track to see every tag, credit and finding.")
            self.risk_label.hide()
            self.path_label.setText("")
            self.art_label.setPixmap(QPixmap())
            self.art_label.setText("")
            self.art_label.hide()
            return
        self.art_label.show()
        self._fill(self.detail)

    def copy_selected(self) -> None:
        lines = []
        for item in self.tree.selectedItems():
            full = item.data(1, FULL_VALUE_ROLE)
            value = full if full is not None else item.text(1)
            lines.append(f"{item.text(0)}\t{value}" if value else item.text(0))
        if lines:
            copy_text("\n".join(lines))

    def section_texts(self) -> dict[str, list[tuple[str, str, str]]]:
        """What each section shows (for tests and accessibility)."""
        out: dict[str, list[tuple[str, str, str]]] = {}
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            rows = []
            stack = [top.child(j) for j in range(top.childCount())]
            while stack:
                item = stack.pop(0)
                rows.append((item.text(0), item.text(1), item.text(2)))
                stack[0:0] = [item.child(j) for j in range(item.childCount())]
            out[top.data(0, Qt.ItemDataRole.UserRole) or top.text(0)] = rows
        return out

    # --- filling ------------------------------------------------------------------------------

    def _section(self, key: str, title: str, count: int | None = None, *, expanded: bool = True) -> QTreeWidgetItem:
        label = f"{title} ({count})" if count is not None else title
        item = QTreeWidgetItem(self.tree, [label])
        item.setData(0, Qt.ItemDataRole.UserRole, key)
        font = item.font(0)
        font.setBold(True)
        item.setFont(0, font)
        item.setFirstColumnSpanned(True)
        item.setExpanded(expanded)
        return item

    def _row(self, parent: QTreeWidgetItem, name: str, value: Any, source: Any = "",
             *, highlight: tuple[QColor, QColor] | None = None, tooltip: Any = None) -> QTreeWidgetItem:
        full = "" if value is None else str(value)
        item = QTreeWidgetItem(parent, [display_text(name, 120), display_text(full, 500),
                                        display_text(source, 200)])
        item.setData(1, FULL_VALUE_ROLE, full[:DETAIL_LIMIT])
        tip = tooltip if tooltip is not None else full
        if tip:
            item.setToolTip(1, plain_tooltip(tip))
        if source:
            item.setToolTip(2, plain_tooltip(source))
        if highlight is not None:
            for column in range(3):
                item.setBackground(column, highlight[0])
                item.setForeground(column, highlight[1])
        return item

    def _fill(self, detail: dict[str, Any]) -> None:
        track = detail["track"]
        title = track.get("title") or track["path"].rsplit("/", 1)[-1]
        self.title_label.setText(display_text(title, 300))
        parts = [p for p in (track.get("artist"), track.get("album")) if p]
        self.subtitle_label.setText(display_text(" — ".join(parts), 300) if parts else "(no artist or album tag)")
        self.path_label.setText(display_text(track["path"], 600))
        self.path_label.setToolTip(plain_tooltip(track["path"]))
        self._fill_risk(detail)
        self._fill_artwork(detail)

        risk = detail.get("risk")
        if risk and risk.get("risk") is not None:
            reasons = risk.get("reasons") or []
            section = self._section("risk", f"Risk {float(risk['risk']):.0f} · {risk.get('band') or ''} — why",
                                    expanded=True)
            for reason in reasons if isinstance(reasons, list) else []:
                if isinstance(reason, dict):
                    weight = next((reason[k] for k in ("weight", "points", "contribution")
                                   if isinstance(reason.get(k), (int, float))), None)
                    self._row(section, f"+{weight:g}" if weight is not None else "",
                              reason.get("title") or reason.get("finding_key") or "")
                else:
                    self._row(section, "", reason)
            if not reasons:
                self._row(section, "", "No finding contributes to this track's risk.")
            if risk.get("note"):
                self._row(section, "Note", risk["note"])

        findings = detail["findings"]
        section = self._section("findings", "Findings", len(findings))
        if not findings:
            self._row(section, "—", "No findings for this track" if detail.get("risk") is not None
                      or findings == [] else "")
        for finding in sorted(findings, key=lambda f: (browse.severity_rank(f.get("severity")),
                                                       -(f.get("score") or 0))):
            status = finding.get("review_status") or "open"
            item = self._row(section, (finding.get("severity") or "").capitalize(),
                             finding.get("title") or finding["key"],
                             status + (f" — {finding['review_note']}" if finding.get("review_note") else ""),
                             tooltip=finding.get("explanation") or finding.get("title"))
            item.setData(0, FINDING_KEY_ROLE, finding["key"])
            color = theme.review_color(status)
            if color is not None:
                item.setForeground(2, color)

        fields = [(name, track.get(name)) for name in FIELDS if track.get(name)]
        section = self._section("fields", "Fields", len(fields))
        conflicting = {c.get("field") for c in detail["conflicts"] if isinstance(c, dict)}
        colors = theme.conflict_colors()
        for name, value in fields:
            self._row(section, field_title(name), value, "conflict: see All values" if name in conflicting else "",
                      highlight=colors if name in conflicting else None)

        values = [v for v in detail["field_values"] if isinstance(v, dict)]
        section = self._section("values", "All values (every alias)", len(values), expanded=bool(conflicting))
        for value in values:
            name = value.get("field", "")
            self._row(section, field_title(name), value.get("value"), value.get("source"),
                      highlight=colors if name in conflicting else None)

        credits = detail["credits"]
        section = self._section("credits", "Credits", len(credits))
        for credit in credits:
            ids = ", ".join(f"{label} {credit[key]}" for key, label in (("ipi", "IPI"), ("isni", "ISNI"))
                            if credit.get(key))
            role = credit.get("role") or ""
            if credit.get("detail"):
                role += f" ({credit['detail']})"
            self._row(section, role, credit.get("name"),
                      " · ".join(p for p in (ids or "no IPI/ISNI", credit.get("source")) if p))

        self._fill_declared(detail.get("declared") or [])

        section = self._section("technical", "Technical", expanded=True)
        for name, value in self._technical(track, detail):
            if value not in (None, ""):
                self._row(section, name, value)

        artworks = detail["artworks"]
        section = self._section("artwork", "Artwork", len(artworks), expanded=False)
        for art in artworks:
            dims = f"{art['width']}×{art['height']}" if art.get("width") and art.get("height") else "size unknown"
            text = f"{art.get('mime') or '?'} · {dims} · {int(art.get('size') or 0):,} bytes"
            self._row(section, "Picture", text, art.get("source"),
                      tooltip=f"sha256 {art.get('sha256')}\nperceptual hash {art.get('phash') or '—'}")

        raw = [r for r in detail["raw_tags"] if isinstance(r, dict)]
        section = self._section("raw", "Raw tags", len(raw), expanded=False)
        for tag in raw:
            if tag.get("binary_kind"):
                text = (f"[{tag['binary_kind']}] {int(tag.get('binary_size') or 0):,} bytes · sha256 "
                        f"{(tag.get('binary_sha256') or '')[:16]}…")
                if tag.get("values"):
                    text += " · " + "; ".join(str(v) for v in tag["values"])
            else:
                text = " / ".join(str(v) for v in tag.get("values") or [])
                if tag.get("truncated"):
                    text += " … (truncated when read)"
            self._row(section, tag.get("key"), text, tag.get("container"))

        problems: list[tuple[str, str]] = []
        if track.get("error"):
            problems.append(("Read error", track["error"]))
        problems += [("Parse issue", str(p)) for p in detail["parse_issues"]]
        problems += [("Provenance marker", str(m)) for m in detail["markers"]]
        if track.get("format_mismatch"):
            problems.append(("Format", f"extension {track.get('extension')} but content is "
                                       f"{track.get('sniffed_format') or track.get('format')}"))
        if track.get("status") == "missing":
            problems.append(("Status", "file missing since the last scan"))
        section = self._section("problems", "Problems", len(problems), expanded=bool(problems))
        for name, text in problems:
            self._row(section, name, text)
        self.tree.resizeColumnToContents(0)
        self.tree.setColumnWidth(0, min(max(self.tree.columnWidth(0), 110), 200))

    def _fill_declared(self, declared: list[dict[str, Any]]) -> None:
        """What deliveries declare for this track (ERN message or manifest), with the source document."""
        if not declared:
            return
        section = self._section("declared", "Declared (delivery)", len(declared))
        for row in declared:
            kind = "ERN message" if row.get("source_kind") == "ern" else "manifest"
            self._row(section, "Source", row.get("source"), kind)
            for name, value in (("Reference", row.get("reference")), ("File", row.get("file_ref")),
                                ("Title", row.get("title")), ("Display artist", row.get("display_artist")),
                                ("ISRC", row.get("isrc")), ("ISWC", row.get("iswc")),
                                ("Duration", _duration(row["duration_s"]) if row.get("duration_s") else None),
                                ("Creation date", row.get("creation_date")), ("Label", row.get("label")),
                                ("Release", row.get("release_title")), ("UPC/ICPN", row.get("icpn")),
                                ("Release date", row.get("release_date"))):
                if value not in (None, ""):
                    self._row(section, name, value)
            for contributor in row.get("contributors") or []:
                ids = [f"{label} {contributor[key]}" for key, label in (("ipi", "IPI"), ("isni", "ISNI"))
                       if contributor.get(key)]
                if contributor.get("indirect"):
                    ids.append("indirect")
                role = (contributor.get("ddex_role") or contributor.get("role") or "").strip() or "Contributor"
                self._row(section, role, contributor.get("name"), " · ".join(ids) or "no IPI/ISNI")

    def _technical(self, track: dict[str, Any], detail: dict[str, Any]) -> list[tuple[str, Any]]:
        bitrate = track.get("bitrate")
        encoder_sources = "; ".join(f"{s.get('value')} ({s.get('source')})" for s in detail["encoder_sources"]
                                    if isinstance(s, dict))
        return [
            ("Format", track.get("format")),
            ("Codec", track.get("codec")),
            ("Duration", _duration(track.get("duration")) if track.get("duration") is not None else None),
            ("Bitrate", f"{bitrate / 1000:.0f} kbps" if bitrate else None),
            ("Bitrate mode", track.get("bitrate_mode")),
            ("Sample rate", f"{track['sample_rate']:,} Hz" if track.get("sample_rate") else None),
            ("Channels", track.get("channels")),
            ("Bits per sample", track.get("bits_per_sample")),
            ("Encoder", track.get("encoder")),
            ("Encoder settings", track.get("encoder_settings_stream") or track.get("encoder_settings")),
            ("Encoder named in", encoder_sources),
            ("Tag containers", ", ".join(str(c) for c in detail["tag_containers"])),
            ("Tag layout", track.get("layout_signature")),
            ("File size", f"{int(track['size']):,} bytes" if track.get("size") is not None else None),
            ("Extension", track.get("extension")),
            ("Content sniffed as", track.get("sniffed_format")),
            ("SHA-256", track.get("sha256")),
            ("Archive", track.get("archive")),
            ("Status", track.get("status")),
        ]

    def _fill_risk(self, detail: dict[str, Any]) -> None:
        risk = detail.get("risk")
        if not risk or risk.get("risk") is None:
            self.risk_label.setText("Not scored yet" if risk is None else "Risk —")
            self.risk_label.setPalette(self.palette())
            self.risk_label.show()
            return
        reasons = browse.reason_texts(risk.get("reasons"), 0)
        self.risk_label.setText(f"Risk {float(risk['risk']):.0f} · {risk.get('band') or ''}")
        self.risk_label.setToolTip(plain_tooltip("\n".join(reasons) or "no contributing findings"))
        palette = self.palette()
        colors = theme.band_colors(risk.get("band"))
        if colors is not None:
            palette.setColor(QPalette.ColorRole.Window, colors[0])
            palette.setColor(QPalette.ColorRole.WindowText, colors[1])
        self.risk_label.setPalette(palette)
        self.risk_label.show()

    def _fill_artwork(self, detail: dict[str, Any]) -> None:
        self.art_label.setPixmap(QPixmap())
        artworks = detail["artworks"]
        if not artworks:
            self.art_label.setText("No artwork")
            return
        first = artworks[0]
        pixmap = self._thumbnail(detail["track"]["path"], first.get("sha256"))
        if pixmap is None:
            dims = f"{first['width']}×{first['height']}\n" if first.get("width") else ""
            self.art_label.setText(f"Artwork not readable now\n{dims}{first.get('mime') or ''}\n"
                                   f"{(first.get('sha256') or '')[:12]}…")
            return
        self.art_label.setText("")
        self.art_label.setPixmap(pixmap)
        self.art_label.setToolTip(plain_tooltip(
            f"{first.get('mime')} {first.get('width')}×{first.get('height')}, sha256 {first.get('sha256')}"))

    @staticmethod
    def _thumbnail(path: str, sha256: str | None) -> QPixmap | None:
        data = embedded_picture(path, sha256)
        if not data:
            return None
        buffer = QBuffer()
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        reader = QImageReader(buffer)
        size = reader.size()
        if size.isValid():
            if size.width() * size.height() > 60_000_000:
                return None  # a decompression bomb is not worth a thumbnail
            reader.setScaledSize(size.scaled(THUMB - 4, THUMB - 4, Qt.AspectRatioMode.KeepAspectRatio))
        image = reader.read()
        if image.isNull():
            return None
        return QPixmap.fromImage(image)

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        key = item.data(0, FINDING_KEY_ROLE)
        if key:
            self.finding_activated.emit(str(key))

