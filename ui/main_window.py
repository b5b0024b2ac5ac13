"""The main window: one open audit, its views, the scan, and the review commands.

An audit *is* its SQLite file: opening one reads nothing from the catalog, it
builds the narrow browse index and shows the first page.  Scans run on a
worker thread (:mod:`ui.workers`); the window refreshes its models only on
the controller's time-boxed ticks.  Everything a person is asked goes
through ``self.ask`` (:class:`ui.dialogs.Ask`), so tests never block.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QSettings, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMenu,
    QProgressBar,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QToolBar,
    QToolButton,
)

from auditor import browse
from auditor.errors import AuditorError
from auditor.store import Store

from . import theme
from .actions import Actions
from .dialogs import Ask
from .safety import display_text
from .views.artists import ArtistsView
from .views.detail import DetailPane
from .views.findings import FindingsView
from .views.problems import ProblemsDock
from .views.report import ReportView
from .views.settings import SettingsDialog, app_setting, default_workers
from .views.tracks import FILTER_HELP, TracksView
from .views.welcome import WelcomeView
from .workers import ScanController

APP_NAME = "Catalog Auditor"
MAX_RECENT = 10
AUDIT_SUFFIXES = (".sqlite", ".sqlite3", ".db")
VIEW_NAMES = ("tracks", "artists", "findings", "report")


def is_audit_file(path: Path) -> bool:
    """An SQLite file (by its header), which we treat as an audit to open."""
    if not path.is_file():
        return False
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def default_audit_dir() -> Path:
    override = os.environ.get("CATALOG_AUDITOR_DATA_DIR")
    if override:
        return Path(override)
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".catalog-auditor") / "audits"


def audit_name_for(paths: Sequence[Path]) -> str:
    stem = paths[0].name if paths else "audit"
    stem = re.sub(r"[^\w.-]+", "-", stem).strip("-.") or "audit"
    return f"{stem[:60]}-{datetime.now():%Y%m%d-%H%M%S}.sqlite"


def _eta(seconds: float | None) -> str:
    if seconds is None:
        return ""
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{max(seconds, 1)} s"
    if seconds >= 3600:
        return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    return f"{seconds // 60}:{seconds % 60:02d}"


class MainWindow(QMainWindow):
    audit_opened = Signal(str)
    audit_closed = Signal()
    scan_finished = Signal(object)  # the core's summary (or None after a failure)
    models_refreshed = Signal()

    def __init__(self, settings: QSettings | None = None, ask: Ask | None = None) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(theme.icon("app"))
        self.setAcceptDrops(True)
        self.settings = settings if settings is not None else QSettings()
        self.ask = ask or Ask(self)
        self.store: Store | None = None
        self.index: browse.TrackIndex | None = None
        self.db_path: Path | None = None
        self.pending_roots: list[str] = []
        self.last_summary: Any = None
        self.controller = ScanController(self)
        self.actions = Actions(self)
        self._build_views()
        self._build_menus()
        self._build_status_bar()
        self._connect()
        self._restore_window_state()
        self._update_actions()
        self._show_welcome()

    # --- construction -------------------------------------------------------------------------

    def _build_views(self) -> None:
        self.welcome = WelcomeView(self)
        self.tracks_view = TracksView(self)
        self.artists_view = ArtistsView(self)
        self.findings_view = FindingsView(self)
        self.findings_view.add_review_actions([*self.actions.review_actions(), self.actions.verify_writer])
        self.detail = DetailPane(self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("viewTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.tracks_view, "Tracks")
        self.tabs.addTab(self.artists_view, "Artists")
        self.tabs.addTab(self.findings_view, "Findings")
        self.report_view = ReportView(self)
        self.tabs.addTab(self.report_view, "Report")
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([860, 540])
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(self.splitter)
        self.setCentralWidget(self.stack)
        self.problems = ProblemsDock(self)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.problems)
        self.problems.hide()

    def _build_menus(self) -> None:
        a = self.actions
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(a.new_audit)
        file_menu.addAction(a.open_audit)
        self.recent_menu = QMenu("Open &recent", self)
        self.recent_menu.setObjectName("recentMenu")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addMenu(self.recent_menu)
        file_menu.addSeparator()
        file_menu.addAction(a.add_folder)
        file_menu.addAction(a.add_zip)
        file_menu.addSeparator()
        file_menu.addAction(a.export)
        file_menu.addSeparator()
        file_menu.addAction(a.settings)
        file_menu.addSeparator()
        file_menu.addAction(a.quit)
        scan_menu = bar.addMenu("&Scan")
        scan_menu.addAction(a.rescan)
        scan_menu.addAction(a.stop)
        view_menu = bar.addMenu("&View")
        for action in (a.show_tracks, a.show_artists, a.show_findings):
            view_menu.addAction(action)
        view_menu.addSeparator()
        view_menu.addAction(a.find)
        view_menu.addAction(a.toggle_detail)
        view_menu.addAction(self.problems.toggleViewAction())
        self.problems.toggleViewAction().setShortcut(QKeySequence("Ctrl+Shift+P"))
        columns = view_menu.addMenu("&Columns")
        columns.aboutToShow.connect(lambda: self._fill_columns_menu(columns))
        review_menu = bar.addMenu("&Review")
        for action in a.review_actions():
            review_menu.addAction(action)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(a.filter_help)
        help_menu.addAction(a.about)

        toolbar = QToolBar("Main", self)
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (a.new_audit, a.open_audit, None, a.add_folder, a.add_zip, None, a.rescan, a.stop,
                       None, a.settings):
            if action is None:
                toolbar.addSeparator()
            else:
                toolbar.addAction(action)
        self.addToolBar(toolbar)
        self.toolbar = toolbar

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.counts_label = QLabel(self)
        self.counts_label.setTextFormat(Qt.TextFormat.PlainText)
        self.progress_label = QLabel(self)
        self.progress_label.setTextFormat(Qt.TextFormat.PlainText)
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setMaximumWidth(220)
        self.progress_bar.setTextVisible(True)
        self.stop_button = QToolButton(self)
        self.stop_button.setDefaultAction(self.actions.stop)
        self.stop_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.stop_button.setAutoRaise(True)
        self.problems_button = QToolButton(self)
        self.problems_button.setAutoRaise(True)
        self.problems_button.setIcon(theme.icon("warning"))
        self.problems_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.problems_button.clicked.connect(lambda: self.problems.setVisible(not self.problems.isVisible()))
        bar.addPermanentWidget(self.progress_label)
        bar.addPermanentWidget(self.progress_bar)
        bar.addPermanentWidget(self.stop_button)
        bar.addPermanentWidget(self.problems_button)
        bar.addPermanentWidget(self.counts_label)
        self._set_scanning_widgets(False)
        self.problems_button.hide()

    def _connect(self) -> None:
        a = self.actions
        a.new_audit.triggered.connect(lambda: self.new_audit())
        a.open_audit.triggered.connect(lambda: self.choose_audit())
        a.add_folder.triggered.connect(self.choose_folder)
        a.add_zip.triggered.connect(self.choose_zips)
        a.rescan.triggered.connect(self.rescan)
        a.stop.triggered.connect(self.stop_scan)
        a.settings.triggered.connect(self.open_settings)
        a.quit.triggered.connect(self.close)
        a.export.triggered.connect(self.export_audit)
        self.report_view.tracks_clicked.connect(self.show_tracks_by_id)
        self.report_view.export_requested.connect(self.export_audit)
        self.tracks_view.filter_changed.connect(lambda _text: self.report_view.invalidate())
        a.find.triggered.connect(self._focus_filter)
        a.show_tracks.triggered.connect(lambda: self.show_view("tracks"))
        a.show_artists.triggered.connect(lambda: self.show_view("artists"))
        a.show_findings.triggered.connect(lambda: self.show_view("findings"))
        a.toggle_detail.toggled.connect(self.detail.setVisible)
        a.confirm.triggered.connect(lambda: self.review_selected("confirmed"))
        a.dismiss.triggered.connect(lambda: self.review_selected("dismissed"))
        a.reopen.triggered.connect(lambda: self.review_selected("open"))
        a.note.triggered.connect(self.note_selected)
        a.verify_writer.triggered.connect(self.verify_selected_writers)
        a.about.triggered.connect(self._about)
        a.filter_help.triggered.connect(lambda: self.ask.inform("Filter syntax", FILTER_HELP))
        self.welcome.new_requested.connect(lambda: self.new_audit())
        self.welcome.open_requested.connect(lambda: self.choose_audit())
        self.welcome.recent_chosen.connect(lambda path: self.open_audit(Path(path)))
        self.tracks_view.track_selected.connect(self._track_selected)
        self.artists_view.artist_activated.connect(self.show_artist_tracks)
        self.findings_view.selection_changed.connect(self._update_actions)
        self.findings_view.show_tracks_requested.connect(self.show_finding_tracks)
        self.detail.finding_activated.connect(self.show_finding)
        self.problems.track_activated.connect(self.show_track)
        self.tabs.currentChanged.connect(lambda _i: self._update_actions())
        self.controller.progress.connect(self._on_progress)
        self.controller.refresh_due.connect(self.refresh_during_scan)
        self.controller.finished.connect(self._on_scan_finished)
        self.controller.failed.connect(self._on_scan_failed)
        self.controller.running_changed.connect(lambda _r: self._update_actions())
        hints = QApplication.styleHints() if QApplication.instance() else None
        if hints is not None and hasattr(hints, "colorSchemeChanged"):
            hints.colorSchemeChanged.connect(lambda *_: self._palette_changed())

    # --- window state -------------------------------------------------------------------------

    def _restore_window_state(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry:
            self.restoreGeometry(QByteArray(geometry))
        else:
            self.resize(1400, 860)
        state = self.settings.value("window/state")
        if state:
            self.restoreState(QByteArray(state))
        for key, splitter in (("window/splitter", self.splitter), ("findings/splitter", self.findings_view.splitter)):
            value = self.settings.value(key)
            if value:
                splitter.restoreState(QByteArray(value))
        self.tracks_view.restore_header_state(self.settings.value("tracks/header"))
        for key, header in (("artists/header", self.artists_view.table.horizontalHeader()),
                            ("findings/header", self.findings_view.tree.header())):
            value = self.settings.value(key)
            if value:
                header.restoreState(QByteArray(value))
        detail_visible = app_setting(self.settings, "window/detail_visible", True, bool)
        self.actions.toggle_detail.setChecked(detail_visible)
        self.detail.setVisible(detail_visible)

    def save_window_state(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("window/splitter", self.splitter.saveState())
        s.setValue("findings/splitter", self.findings_view.splitter.saveState())
        s.setValue("tracks/header", self.tracks_view.header_state())
        s.setValue("artists/header", self.artists_view.table.horizontalHeader().saveState())
        s.setValue("findings/header", self.findings_view.tree.header().saveState())
        s.setValue("window/detail_visible", self.actions.toggle_detail.isChecked())
        s.sync()

    def recent_audits(self) -> list[str]:
        value = self.settings.value("recent", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or []) if v]

    def _remember_recent(self, path: Path) -> None:
        entries = [str(path)] + [p for p in self.recent_audits() if p != str(path)]
        self.settings.setValue("recent", entries[:MAX_RECENT])
        self.settings.setValue("app/last_audit", str(path))
        self.settings.sync()

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        entries = self.recent_audits()
        if not entries:
            self.recent_menu.addAction("No recent audits").setEnabled(False)
            return
        for number, path in enumerate(entries, start=1):
            label = f"&{number % 10} {display_text(Path(path).name, 80)}  —  {display_text(str(Path(path).parent), 80)}"
            action = self.recent_menu.addAction(label)
            action.setEnabled(Path(path).exists())
            action.triggered.connect(lambda _checked=False, p=path: self.open_audit(Path(p)))
        self.recent_menu.addSeparator()
        self.recent_menu.addAction("Clear list").triggered.connect(lambda: self.settings.setValue("recent", []))

    def _fill_columns_menu(self, menu: QMenu) -> None:
        menu.clear()
        for action in self.tracks_view.column_menu(menu).actions():
            menu.addAction(action)

    # --- opening audits -----------------------------------------------------------------------

    def _show_welcome(self) -> None:
        self.welcome.set_recent([p for p in self.recent_audits() if Path(p).exists()])
        self.stack.setCurrentWidget(self.welcome)

    def choose_audit(self) -> bool:
        start = str(self.db_path.parent) if self.db_path else str(default_audit_dir())
        path = self.ask.open_audit(start)
        return self.open_audit(path) if path else False

    def new_audit(self, path: Path | None = None) -> bool:
        if path is None:
            default_audit_dir().mkdir(parents=True, exist_ok=True)
            path = self.ask.new_audit(str(default_audit_dir() / audit_name_for([])))
            if path is None:
                return False
        return self.open_audit(Path(path), create=True)

    def open_audit(self, path: Path, *, create: bool = False) -> bool:
        """Open (or create) an audit database; instant, no scan."""
        path = Path(path).expanduser().resolve()
        if self.controller.running:
            self.statusBar().showMessage("Stop the running scan before opening another audit.", 8000)
            return False
        if not create and not path.exists():
            self.report_problem("open", str(path), "no such audit database")
            return False
        try:
            store = Store(path, create=create)
            index = browse.TrackIndex(store)
            index.rebuild()
        except (AuditorError, OSError) as exc:
            self.report_problem("open", str(path), str(exc))
            return False
        except Exception as exc:  # noqa: BLE001 - e.g. sqlite3.DatabaseError on a non-audit file
            self.report_problem("open", str(path), f"not an audit database ({exc})")
            return False
        self.close_audit()
        self.store, self.index, self.db_path = store, index, path
        self.tracks_view.model.set_source(index)
        self.detail.set_store(store)
        self.artists_view.load(store)
        self.findings_view.load(store)
        self.report_view.load(store, self._filtered_ids)
        self.problems.load(store, index)
        self._update_problem_button()
        self.stack.setCurrentWidget(self.splitter)
        self.setWindowTitle(f"{path.name} — {APP_NAME}")
        self._remember_recent(path)
        self._update_counts()
        self._update_actions()
        scan = store.last_scan()
        if scan is None:
            self.statusBar().showMessage("New audit: drop folders or ZIP deliveries here, or use Add folder (Ctrl+E).")
        else:
            self.statusBar().showMessage(
                f"Opened {path.name}: last scan {scan.get('status')} {scan.get('finished_at') or ''}", 8000)
        self.audit_opened.emit(str(path))
        return True

    def close_audit(self) -> None:
        if self.store is None:
            return
        self.tracks_view.model.set_source(None)
        self.detail.set_store(None)
        self.artists_view.load(None)
        self.findings_view.load(None)
        self.report_view.load(None)
        self.problems.load(None)
        try:
            self.store.close()
        except Exception:  # noqa: BLE001
            pass
        self.store = self.index = self.db_path = None
        self.setWindowTitle(APP_NAME)
        self._update_actions()
        self._update_counts()
        self._show_welcome()
        self.audit_closed.emit()

    # --- adding material ----------------------------------------------------------------------

    def choose_folder(self) -> None:
        folder = self.ask.folder(str(Path.home()))
        if folder is not None:
            self.add_paths([folder])

    def choose_zips(self) -> None:
        paths = self.ask.zip_files(str(Path.home()))
        if paths:
            self.add_paths(paths)

    def add_paths(self, paths: Iterable[Path | str]) -> bool:
        """Open an audit file, or scan folders/ZIPs/files into the open (or a new) audit."""
        items = [Path(p).expanduser() for p in paths]
        audits = [p for p in items if p.suffix.lower() in AUDIT_SUFFIXES and is_audit_file(p)]
        if audits:
            return self.open_audit(audits[0])
        roots = []
        for item in items:
            if item.exists():
                roots.append(str(item.resolve()))
            else:
                self.report_problem("add", str(item), "no such file or folder")
        if not roots:
            return False
        if self.store is None:
            folder = default_audit_dir()
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                self.report_problem("add", str(folder), f"cannot create the audits folder ({exc})")
                return False
            if not self.open_audit(folder / audit_name_for([Path(r) for r in roots]), create=True):
                return False
        return self.start_scan(roots)

    # --- scanning -----------------------------------------------------------------------------

    def scan_workers(self) -> int:
        return app_setting(self.settings, "scan/workers", default_workers(), int)

    def start_scan(self, roots: Sequence[str]) -> bool:
        if self.store is None or self.db_path is None:
            return False
        if self.controller.running:
            self.pending_roots.extend(r for r in roots if r not in self.pending_roots)
            self.statusBar().showMessage(f"Queued {len(roots)} item(s); they are scanned when this scan ends.")
            return True
        self.problems.model.clear_messages()
        self._scan_started = time.monotonic()
        started = self.controller.start(
            self.db_path, list(roots), workers=self.scan_workers(),
            file_timeout=app_setting(self.settings, "scan/file_timeout", 30.0, float),
            audio=app_setting(self.settings, "scan/audio", True, bool))
        if started:
            self._set_scanning_widgets(True)
            self.progress_label.setText("Starting scan…")
            self.progress_bar.setRange(0, 0)
            names = ", ".join(Path(r).name for r in roots[:3]) + (" …" if len(roots) > 3 else "")
            self.statusBar().showMessage(display_text(f"Scanning {names} — files are only read, never changed.",
                                                      200))
        return started

    def rescan(self) -> bool:
        if self.store is None:
            return False
        roots = browse.audit_roots(self.store)
        if not roots:
            self.statusBar().showMessage("Nothing to rescan yet: add a folder or a ZIP delivery first.", 8000)
            return False
        return self.start_scan(roots)

    def stop_scan(self) -> None:
        if self.controller.running:
            self.controller.stop()
            self.progress_label.setText("Stopping after the current file…")
            self.actions.stop.setEnabled(False)

    def _set_scanning_widgets(self, scanning: bool) -> None:
        self.progress_bar.setVisible(scanning)
        self.progress_label.setVisible(scanning)
        self.stop_button.setVisible(scanning)

    def _on_progress(self, event: Any) -> None:
        done = int(getattr(event, "files_done", 0) or 0)
        total = int(getattr(event, "files_total", 0) or 0)
        phase = getattr(event, "phase", "")
        failed = int(getattr(event, "failed", 0) or 0)
        message = getattr(event, "message", "") or ""
        if phase == "reading" and total:
            self.progress_bar.setRange(0, max(total, 1))
            self.progress_bar.setValue(min(done, total))
            eta = getattr(event, "eta_seconds", None)
            text = f"Reading {done:,} / {total:,} files"
            if failed:
                text += f" · {failed:,} failed"
            if eta:
                text += f" · ETA {_eta(eta)}"
        else:
            self.progress_bar.setRange(0, 0)  # busy: counting, finishing, detecting
            text = message or phase.capitalize() or "Working…"
        if self.controller.stopping:
            text = "Stopping… " + text
        self.progress_label.setText(display_text(text, 160))

    def refresh_during_scan(self) -> None:
        """A time-boxed tick: show what the scan has written so far, keep the selection."""
        if self.index is None:
            return
        started = time.perf_counter()
        try:
            self.index.append_new()
            self.tracks_view.refresh_keep_selection()
            self._update_counts()
        except Exception as exc:  # noqa: BLE001 - a busy database must not crash the window
            self.statusBar().showMessage(f"Refresh skipped: {exc}", 4000)
        self.controller.note_refresh_cost(time.perf_counter() - started)
        self.models_refreshed.emit()

    def refresh_all(self) -> None:
        """After a scan (and detection): rebuild the index, reload every view in place."""
        if self.store is None or self.index is None:
            return
        self.index.rebuild()
        self.tracks_view.refresh_keep_selection()
        self.artists_view.load(self.store)
        self.findings_view.load(self.store)
        self.report_view.load(self.store, self._filtered_ids)
        self.problems.load(self.store, self.index)
        self.detail.reload()
        self._update_problem_button()
        self._update_counts()
        self.models_refreshed.emit()

    def _on_scan_finished(self, summary: Any) -> None:
        self._set_scanning_widgets(False)
        self.last_summary = summary
        self.refresh_all()
        status = getattr(summary, "status", "done")
        scan = getattr(summary, "scan", summary)
        read = getattr(scan, "read", None)
        failed = getattr(scan, "failed", 0)
        unchanged = getattr(scan, "unchanged", 0)
        if status == "cancelled" or getattr(scan, "status", "") == "cancelled":
            text = f"Scan stopped: {read or 0:,} files read and saved. Rescan (F5) resumes where it stopped."
        else:
            text = (f"Scan complete: {read or 0:,} read, {unchanged or 0:,} unchanged, {failed or 0:,} failed "
                    f"in {time.monotonic() - getattr(self, '_scan_started', time.monotonic()):.1f} s")
        self.statusBar().showMessage(text, 15000)
        self.scan_finished.emit(summary)
        self._start_pending()

    def _on_scan_failed(self, message: str) -> None:
        self._set_scanning_widgets(False)
        self.report_problem("scan", str(self.db_path or ""), message)
        self.refresh_all()
        self.statusBar().showMessage("The scan failed; see Problems. What was read is saved.", 15000)
        self.scan_finished.emit(None)
        self._start_pending()

    def _start_pending(self) -> None:
        if self.pending_roots and self.store is not None:
            roots, self.pending_roots = self.pending_roots, []
            QTimer.singleShot(0, lambda: self.start_scan(roots))

    # --- views --------------------------------------------------------------------------------

    def show_view(self, name: str) -> None:
        widget = {"tracks": self.tracks_view, "artists": self.artists_view, "findings": self.findings_view,
                  "report": self.report_view}[name]
        if self.store is not None:
            self.stack.setCurrentWidget(self.splitter)
        self.tabs.setCurrentWidget(widget)

    def _focus_filter(self) -> None:
        self.show_view("tracks")
        self.tracks_view.filter_edit.setFocus()
        self.tracks_view.filter_edit.selectAll()

    def _track_selected(self, track_id: int | None) -> None:
        self.detail.show_track(track_id)

    def show_track(self, track_id: int) -> None:
        self.show_view("tracks")
        if not self.tracks_view.select_track(track_id):
            self.tracks_view.set_filter_text("status:any")
            self.tracks_view.select_track(track_id)

    @staticmethod
    def _quoted(value: str) -> str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'

    def show_artist_tracks(self, artist: str) -> None:
        self.tracks_view.set_filter_text(f"artist:={self._quoted(artist)}" if artist else "artist:=\"\"")
        self.show_view("tracks")

    def show_tracks_by_id(self, track_ids: list[int]) -> None:
        """A click on a report chart: list exactly those tracks."""
        if not track_ids:
            return
        ids = sorted(set(int(t) for t in track_ids))[: browse.MAX_ID_TERMS]
        self.report_view.follow_filter.setChecked(False)  # keep the chart that was clicked in view
        self.tracks_view.set_filter_text("id:" + ",".join(map(str, ids)))
        self.show_view("tracks")

    def _filtered_ids(self) -> list[int] | None:
        query = self.tracks_view.model.query
        if self.index is None or query.empty:
            return None
        return browse.matching_ids(self.index, query)

    def export_audit(self) -> bool:
        """Export… : the PDF report and/or CSV files of the open audit."""
        if self.store is None or self.db_path is None:
            return False
        choice = self.ask.export(Path(self.db_path))
        if choice is None:
            return False
        from .export_dialog import run_export

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            result = run_export(self.store, choice)
        except (OSError, AuditorError) as exc:
            self.report_problem("export", str(choice.pdf or choice.csv_dir), str(exc))
            self.statusBar().showMessage(f"Export failed: {exc}", 15000)
            return False
        finally:
            QApplication.restoreOverrideCursor()
        parts = []
        if result.pdf_pages is not None:
            parts.append(f"PDF report ({result.pdf_pages} pages) at {choice.pdf}")
        if result.csv_files:
            parts.append(f"{len(result.csv_files)} CSV files in {choice.csv_dir}")
        self.statusBar().showMessage("Exported " + " and ".join(parts), 15000)
        return True

    def show_finding_tracks(self, key: str) -> None:
        self.tracks_view.set_filter_text(f"finding:{self._quoted(key)}")
        self.show_view("tracks")

    def show_finding(self, key: str) -> None:
        self.show_view("findings")
        if not self.findings_view.model.index_of_key(key).isValid():
            self.findings_view.review_combo.setCurrentIndex(0)
            self.findings_view.text_filter.clear()
        self.findings_view.select_keys([key])

    def _palette_changed(self) -> None:
        for view in (self.tracks_view.table, self.artists_view.table, self.findings_view.tree):
            view.viewport().update()
        self.detail.reload()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            QTimer.singleShot(0, self._palette_changed)
        super().changeEvent(event)

    # --- reviews ------------------------------------------------------------------------------

    def review_selected(self, status: str) -> int:
        findings = self.findings_view.selected_findings()
        if not findings:
            self.statusBar().showMessage("Select one or more findings in the Findings view first.", 5000)
            return 0
        if len(findings) > 1 and not self.ask.confirm(
                "Review findings", f"Set {len(findings)} findings to '{status}'?"):
            return 0
        return self._save_reviews([(f["key"], status, f.get("review_note") or "") for f in findings])

    def note_selected(self) -> int:
        findings = self.findings_view.selected_findings()
        if not findings:
            self.statusBar().showMessage("Select one or more findings in the Findings view first.", 5000)
            return 0
        current = findings[0].get("review_note") or "" if len(findings) == 1 else ""
        note = self.ask.note("Review note", f"Note for {len(findings)} finding(s):", current)
        if note is None:
            return 0
        return self._save_reviews([(f["key"], f.get("review_status") or "open", note) for f in findings])

    def verify_selected_writers(self) -> int:
        """Writer findings selected: a reviewer vouches for the writer(s); registry, then re-detect."""
        if self.store is None:
            return 0
        writers = sorted({f["subject"] for f in self.findings_view.selected_findings()
                          if f.get("subject_type") == "writer" and f.get("subject")})
        if not writers:
            self.statusBar().showMessage("Select a finding about a writer first.", 5000)
            return 0
        if not self.ask.confirm("Writer verified",
                                "Add to the writer registry as verified (checked by you):\n\n"
                                + "\n".join(writers) + "\n\nDetection runs again afterwards."):
            return 0
        from auditor.detectors import run_detection
        from auditor.registry import verify_by_name

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            for name in writers:
                verify_by_name(self.store, name)
            run_detection(self.store)
        except AuditorError as exc:
            self.report_problem("registry", ", ".join(writers), str(exc))
            return 0
        finally:
            QApplication.restoreOverrideCursor()
        self.refresh_all()
        self.statusBar().showMessage(f"{len(writers)} writer(s) marked verified; findings re-checked.", 8000)
        return len(writers)

    def _save_reviews(self, decisions: list[tuple[str, str, str]]) -> int:
        """Store decisions through the core (history in review_log), rescore once, refresh views."""
        if self.store is None:
            return 0
        from auditor.review import set_review
        from auditor.scoring import recompute_risk

        saved = 0
        for key, status, note in decisions:
            try:
                set_review(self.store, key, status, note, rescore=False)
                saved += 1
            except (AuditorError, ValueError) as exc:
                self.report_problem("review", key, str(exc))
        if saved:
            try:
                recompute_risk(self.store)
            except AuditorError as exc:
                self.report_problem("review", str(self.db_path), f"risk not recomputed: {exc}")
        if self.index is not None:
            self.index.refresh_risk()
        self.tracks_view.refresh_keep_selection()
        self.artists_view.load(self.store)
        self.findings_view.load(self.store)
        self.detail.reload()
        self._update_counts()
        self.statusBar().showMessage(f"Saved {saved} review decision(s).", 5000)
        return saved

    # --- settings, about ----------------------------------------------------------------------

    def open_settings(self) -> bool:
        dialog = SettingsDialog(self.settings, self.store, self,
                                ask_file=lambda title, filt: self.ask.file(title, filt, str(Path.home())))
        accepted = self.ask.settings(dialog)
        dialog.deleteLater()
        if accepted:
            self.statusBar().showMessage("Settings saved. Thresholds apply to the next scan (F5).", 6000)
        return accepted

    def _about(self) -> None:
        from auditor import __version__

        self.ask.inform(f"About {APP_NAME}", f"{APP_NAME} {__version__}\n\nAudits music catalogs for "
                        "mass-produced (AI-farm) patterns, offline. Files are only ever read.")

    # --- status -------------------------------------------------------------------------------

    def report_problem(self, stage: str, path: str, reason: str) -> None:
        """Errors go to the Problems list and the status bar, never to a modal dialog."""
        self.problems.add_message(stage, path, reason)
        self._update_problem_button()
        self.statusBar().showMessage(display_text(f"{stage}: {reason}", 200), 10000)

    def _update_problem_button(self) -> None:
        count = self.problems.model.rowCount()
        self.problems_button.setText(f"{count:,} problem{'s' if count != 1 else ''}")
        self.problems_button.setVisible(bool(count))

    def _update_counts(self) -> None:
        if self.store is None:
            self.counts_label.setText("")
            return
        try:
            counts = browse.audit_counts(self.store, index=self.index)
        except Exception:  # noqa: BLE001 - busy database: keep the old text
            return
        parts = [f"{counts['tracks']:,} tracks"]
        if counts["missing"]:
            parts.append(f"{counts['missing']:,} missing")
        parts.append(f"{counts['findings']:,} findings")
        if counts["high_risk_tracks"]:
            parts.append(f"{counts['high_risk_tracks']:,} high risk")
        self.counts_label.setText(" · ".join(parts))

    def _update_actions(self) -> None:
        a = self.actions
        has_audit = self.store is not None
        running = self.controller.running
        a.add_folder.setEnabled(True)
        a.add_zip.setEnabled(True)
        a.rescan.setEnabled(has_audit and not running)
        a.stop.setEnabled(running and not self.controller.stopping)
        in_findings = self.tabs.currentWidget() is self.findings_view
        has_selection = bool(self.findings_view.tree.selectionModel().hasSelection()) if has_audit else False
        for action in a.review_actions():
            action.setEnabled(has_audit and in_findings and has_selection)
        writer_selected = has_audit and in_findings and any(
            f.get("subject_type") == "writer" for f in self.findings_view.selected_findings())
        a.verify_writer.setEnabled(writer_selected and not running)
        for action in (a.show_tracks, a.show_artists, a.show_findings, a.find):
            action.setEnabled(has_audit)
        a.export.setEnabled(has_audit and not running)

    # --- drag and drop ------------------------------------------------------------------------

    @staticmethod
    def _local_paths(event: QDragEnterEvent | QDropEvent) -> list[Path]:
        mime = event.mimeData()
        if mime is None or not mime.hasUrls():
            return []
        return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile() and url.toLocalFile()]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._local_paths(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: Any) -> None:
        if self._local_paths(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = self._local_paths(event)
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        QTimer.singleShot(0, lambda: self.add_paths(paths))

    # --- closing ------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.controller.running:
            self.controller.stop()
            self.statusBar().showMessage("Stopping the scan before closing…")
            self.controller.wait()
        self.save_window_state()
        self.close_audit()
        super().closeEvent(event)

