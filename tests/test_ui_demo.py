"""The issue's "done when", on the demo catalog, and screenshots of the main views.

A new user drops the demo folder on the window, watches it scan, finds the
farm personas at the top of the Artists view with readable reasons, reviews
a finding, closes and reopens the audit and sees the review kept — also
after a rescan re-ran detection.

Screenshots: set ``CATALOG_AUDITOR_SCREENSHOTS`` to a folder and the PNGs of
the tracks, artists, findings and detail views are saved there; without it
the views are still rendered (so drawing them is tested) but nothing is
written.  ``CATALOG_AUDITOR_DEMO_DIR`` reuses an already built demo catalog.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget

from tests.ui_support import FakeAsk
from ui.main_window import MainWindow

demo = pytest.importorskip("auditor.demo")
pytestmark = pytest.mark.slow
SCAN_TIMEOUT = int(os.environ.get("H4_TIMEOUT", "300000"))


@pytest.fixture(scope="module")
def demo_catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = Path(os.environ.get("CATALOG_AUDITOR_DEMO_DIR") or tmp_path_factory.mktemp("demo") / "catalog")
    demo.build_demo_catalog(target)
    return target


@pytest.fixture
def window(qtbot, tmp_path: Path, monkeypatch) -> MainWindow:
    monkeypatch.setenv("CATALOG_AUDITOR_DATA_DIR", str(tmp_path / "audits"))
    monkeypatch.setenv("CATALOG_AUDITOR_THRESHOLDS", str(tmp_path / "thresholds.toml"))
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("scan/workers", 0)
    win = MainWindow(settings=settings, ask=FakeAsk())
    qtbot.addWidget(win)
    win.resize(1500, 900)
    win.show()
    return win


def drop(win: MainWindow, path: Path) -> None:
    """What a file manager does: drag enters (and is accepted), then the drop."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    enter = QDragEnterEvent(QPoint(300, 300), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(win, enter)
    assert enter.isAccepted()
    event = QDropEvent(QPointF(300, 300), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(win, event)


def test_new_user_drops_the_demo_finds_the_farm_and_keeps_a_review(qtbot, window: MainWindow,
                                                                   demo_catalog: Path) -> None:
    with qtbot.waitSignal(window.scan_finished, timeout=SCAN_TIMEOUT) as blocker:
        drop(window, demo_catalog)
    assert blocker.args[0].status == "completed"

    window.show_view("artists")
    artists = window.artists_view.model
    top = {artists.artist(r) for r in range(len(demo.FARM_PERSONAS))}
    assert top == set(demo.FARM_PERSONAS)
    for row in range(len(demo.FARM_PERSONAS)):
        item = artists.row_dict(row)
        assert item["band"] == "high" and item["reasons"] and all(isinstance(r, str) for r in item["reasons"])

    window.show_view("findings")
    model = window.findings_view.model
    farm_writer = next(f for f in model._all if f.get("subject") == demo.FARM_WRITER)
    window.findings_view.select_keys([farm_writer["key"]])
    window.actions.confirm.trigger()
    audit = window.db_path
    window.close_audit()

    window.open_audit(audit)
    reopened = {f["key"]: f for f in window.findings_view.model._all}
    assert reopened[farm_writer["key"]]["review_status"] == "confirmed"

    with qtbot.waitSignal(window.scan_finished, timeout=SCAN_TIMEOUT):
        window.actions.rescan.trigger()
    after_rescan = {f["key"]: f for f in window.findings_view.model._all}
    assert after_rescan[farm_writer["key"]]["review_status"] == "confirmed"


def save(widget: QWidget, name: str) -> None:
    """Render always; write the PNG only when a screenshot folder is given."""
    image = widget.grab()
    assert not image.isNull() and image.width() > 100
    folder = os.environ.get("CATALOG_AUDITOR_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        assert image.save(str(Path(folder) / f"{name}.png"))


def test_screenshots_of_the_main_views(qtbot, window: MainWindow, demo_catalog: Path, tmp_path: Path) -> None:
    from auditor.audit import run_audit
    from auditor.store import Store

    save(window, "welcome")
    audit = tmp_path / "demo.sqlite"
    with Store(audit) as store:
        run_audit(store, [demo_catalog], workers=0)
    window.open_audit(audit)
    QApplication.processEvents()

    tracks = window.tracks_view
    persona = demo.FARM_PERSONAS[0]
    row = next(r for r in range(tracks.model.rowCount())
               if tracks.model.raw_value(r, "artist") == persona and tracks.model.raw_value(r, "risk"))
    tracks.select_track(tracks.model.track_id(row))
    QApplication.processEvents()
    save(window, "tracks")
    save(window.detail, "detail")

    window.show_view("artists")
    window.artists_view.table.selectRow(0)
    QApplication.processEvents()
    save(window, "artists")

    window.show_view("findings")
    findings = window.findings_view
    first = next(f for f in findings.model._all if f.get("subject") == demo.FARM_WRITER)
    findings.select_keys([first["key"]])
    QApplication.processEvents()
    save(window, "findings")

    tracks.set_filter_text('writer:"' + demo.FARM_WRITER + '" bitrate:<=192')
    window.show_view("tracks")
    QApplication.processEvents()
    save(window, "tracks-filtered")


def test_screenshots_in_dark_mode_and_while_scanning(qtbot, window: MainWindow, demo_catalog: Path,
                                                     monkeypatch) -> None:
    import threading

    from PySide6.QtGui import QColor, QPalette

    import auditor.scan as scan_module

    reached, gate = threading.Event(), threading.Event()
    original, seen = scan_module.read_track, [0]

    def paused(candidate, read_path=None):  # noqa: ANN001, ANN202
        seen[0] += 1
        if seen[0] == 30:
            reached.set()
            gate.wait(60)
        return original(candidate, read_path)

    monkeypatch.setattr(scan_module, "read_track", paused)
    monkeypatch.setattr(scan_module, "WRITE_INTERVAL", 0.0)
    app = QApplication.instance()
    original_palette = app.palette()
    dark = QPalette()
    for role, color in ((QPalette.ColorRole.Window, "#2b2b2b"), (QPalette.ColorRole.WindowText, "#e6e6e6"),
                        (QPalette.ColorRole.Base, "#1e1e1e"), (QPalette.ColorRole.AlternateBase, "#262626"),
                        (QPalette.ColorRole.Text, "#e6e6e6"), (QPalette.ColorRole.Button, "#353535"),
                        (QPalette.ColorRole.ButtonText, "#e6e6e6"), (QPalette.ColorRole.Highlight, "#3d6fb4"),
                        (QPalette.ColorRole.HighlightedText, "#ffffff"), (QPalette.ColorRole.ToolTipBase, "#333333"),
                        (QPalette.ColorRole.ToolTipText, "#e6e6e6"), (QPalette.ColorRole.PlaceholderText, "#9a9a9a")):
        dark.setColor(role, QColor(color))
    app.setPalette(dark)
    try:
        window.add_paths([demo_catalog])
        qtbot.waitUntil(reached.is_set, timeout=SCAN_TIMEOUT)
        qtbot.waitUntil(lambda: window.tracks_view.model.total >= 29 and "Reading" in window.progress_label.text(),
                        timeout=SCAN_TIMEOUT)
        save(window, "scanning-dark")
        with qtbot.waitSignal(window.scan_finished, timeout=SCAN_TIMEOUT):
            gate.set()
        window.tracks_view.select_track(window.tracks_view.model.track_id(0))
        QApplication.processEvents()
        save(window, "tracks-dark")
    finally:
        gate.set()
        app.setPalette(original_palette)
