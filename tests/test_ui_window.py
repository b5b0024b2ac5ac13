"""The main window end to end: scans on the worker thread, filters, drops, reviews, safety."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QApplication

import auditor.scan as scan_module
from auditor import browse
from auditor.store import Store
from tests.ui_support import HOSTILE_TITLE, FakeAsk, mp3_catalog, sample_store
from ui.main_window import MainWindow
from ui.models.tracks import TRACK_ID_ROLE

SCAN_TIMEOUT = 120_000


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    s = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    s.setValue("scan/workers", 0)  # read inside the test process: fast and deterministic
    return s


@pytest.fixture
def ask() -> FakeAsk:
    return FakeAsk()


@pytest.fixture
def window(qtbot, settings: QSettings, ask: FakeAsk, tmp_path: Path, monkeypatch) -> MainWindow:
    monkeypatch.setenv("CATALOG_AUDITOR_DATA_DIR", str(tmp_path / "audits"))
    monkeypatch.setenv("CATALOG_AUDITOR_THRESHOLDS", str(tmp_path / "thresholds.toml"))
    win = MainWindow(settings=settings, ask=ask)
    qtbot.addWidget(win)
    win.resize(1300, 800)
    win.show()
    return win


@pytest.fixture
def audit(tmp_path: Path) -> Path:
    path = tmp_path / "sample.sqlite"
    sample_store(path).close()
    return path


def column(win: MainWindow, key: str) -> list[str]:
    model = win.tracks_view.model
    col = model.column_index(key)
    return [model.index(r, col).data() for r in range(model.rowCount())]


def scan_and_wait(qtbot, win: MainWindow, action) -> object:  # noqa: ANN001
    with qtbot.waitSignal(win.scan_finished, timeout=SCAN_TIMEOUT) as blocker:
        action()
    return blocker.args[0]


# --- scanning through the worker thread ------------------------------------------------------


def test_scanning_a_folder_runs_off_the_ui_thread_and_fills_every_view(qtbot, window: MainWindow,
                                                                       tmp_path: Path, monkeypatch) -> None:
    mp3_catalog(tmp_path / "cat", 9, broken=True)
    threads = []
    original = scan_module.read_track

    def spy(candidate, read_path=None):  # noqa: ANN001, ANN202
        threads.append(threading.current_thread())
        return original(candidate, read_path)

    monkeypatch.setattr(scan_module, "read_track", spy)
    summary = scan_and_wait(qtbot, window, lambda: window.add_paths([tmp_path / "cat"]))
    assert summary.status == "completed"
    assert threads and all(t is not threading.main_thread() for t in threads)
    assert window.db_path is not None and window.db_path.parent == tmp_path / "audits"
    assert window.tracks_view.model.total == 10
    assert "Song 3" in column(window, "title")
    assert window.artists_view.model.rowCount() == 3  # three acts, ranked by the scorer
    # the unreadable file is in the Problems list, not a dialog
    problems = window.problems.model
    assert any(problems.row_dict(r)["path"].endswith("broken.mp3") for r in range(problems.rowCount()))
    assert window.problems_button.isVisible() and window.ask.asked == []
    # progress reached the status bar and the scan widgets are gone again
    assert not window.progress_bar.isVisible() and "10 tracks" in window.counts_label.text()


def test_progress_is_shown_and_rows_appear_while_the_scan_runs(qtbot, window: MainWindow, tmp_path: Path,
                                                                monkeypatch) -> None:
    mp3_catalog(tmp_path / "cat", 30)
    gate, reached = threading.Event(), threading.Event()
    original, seen = scan_module.read_track, [0]

    def slow(candidate, read_path=None):  # noqa: ANN001, ANN202
        seen[0] += 1
        if seen[0] == 12:
            reached.set()
            gate.wait(60)
        return original(candidate, read_path)

    monkeypatch.setattr(scan_module, "read_track", slow)
    monkeypatch.setattr(scan_module, "WRITE_INTERVAL", 0.0)  # the core writes after every file
    refreshes = []
    window.models_refreshed.connect(lambda: refreshes.append(window.tracks_view.model.total))
    try:
        window.add_paths([tmp_path / "cat"])
        qtbot.waitUntil(reached.is_set, timeout=SCAN_TIMEOUT)
        qtbot.waitUntil(lambda: window.tracks_view.model.total == 11, timeout=SCAN_TIMEOUT)  # rows mid-scan
        qtbot.waitUntil(lambda: "Reading" in window.progress_label.text(), timeout=SCAN_TIMEOUT)
        assert window.controller.running and window.progress_bar.isVisible()
        assert "/ 30 files" in window.progress_label.text()
        with qtbot.waitSignal(window.scan_finished, timeout=SCAN_TIMEOUT):
            gate.set()
    finally:
        gate.set()
    assert 11 in refreshes and refreshes[-1] == 30
    assert window.controller.interval_ms() >= 250  # ticks are time-boxed


def test_stop_mid_scan_keeps_what_was_read_and_rescan_resumes(qtbot, window: MainWindow, tmp_path: Path) -> None:
    mp3_catalog(tmp_path / "cat", 30)
    gate, reached = threading.Event(), threading.Event()
    original, seen = scan_module.read_track, [0]

    def gated(candidate, read_path=None):  # noqa: ANN001, ANN202
        seen[0] += 1
        if seen[0] == 5:
            reached.set()
            gate.wait(30)
        return original(candidate, read_path)

    scan_module.read_track = gated
    try:
        window.add_paths([tmp_path / "cat"])
        qtbot.waitUntil(reached.is_set, timeout=SCAN_TIMEOUT)
        assert window.actions.stop.isEnabled() and window.stop_button.isVisible()
        window.actions.stop.trigger()
        with qtbot.waitSignal(window.scan_finished, timeout=SCAN_TIMEOUT) as blocker:
            gate.set()
    finally:
        gate.set()
        scan_module.read_track = original
    stopped = blocker.args[0]
    assert stopped.status == "cancelled" and stopped.scan.read == 5
    assert window.tracks_view.model.total == 5
    assert "Rescan (F5) resumes" in window.statusBar().currentMessage()

    resumed = scan_and_wait(qtbot, window, window.actions.rescan.trigger)
    assert resumed.status == "completed"
    assert (resumed.scan.read, resumed.scan.unchanged) == (25, 5)
    assert window.tracks_view.model.total == 30


def test_dropping_a_folder_starts_an_audit_of_it(qtbot, window: MainWindow, tmp_path: Path) -> None:
    mp3_catalog(tmp_path / "dropped", 4)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / "dropped"))])
    enter = QDragEnterEvent(QPoint(200, 200), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(200, 200), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.scan_finished, timeout=SCAN_TIMEOUT):
        QApplication.sendEvent(window, drop)
    assert window.db_path.name.startswith("dropped-")
    assert window.tracks_view.model.total == 4


def test_drag_without_local_files_is_refused(window: MainWindow) -> None:
    mime = QMimeData()
    mime.setText("just text")
    enter = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert not enter.isAccepted()


def test_dropping_an_audit_file_opens_it_without_scanning(qtbot, window: MainWindow, audit: Path) -> None:
    assert window.add_paths([audit])
    assert window.db_path == audit.resolve() and not window.controller.running
    assert window.tracks_view.model.total == 12


# --- opening audits -----------------------------------------------------------------------------


def test_reopening_an_audit_is_instant_and_remembered(qtbot, window: MainWindow, audit: Path,
                                                      settings: QSettings, ask: FakeAsk) -> None:
    with Store(audit) as store:
        scans = store.count("scans")
    ask.replies["open_audit"] = [audit]
    window.actions.open_audit.trigger()
    assert window.stack.currentWidget() is window.splitter and not window.controller.running
    with Store(audit) as store:
        assert store.count("scans") == scans  # nothing was rescanned
    assert window.recent_audits()[0] == str(audit.resolve())
    assert window.windowTitle().startswith("sample.sqlite")
    window.close_audit()
    assert window.stack.currentWidget() is window.welcome and window.welcome.recent.count() == 1


def test_a_file_that_is_not_an_audit_is_reported_not_raised(window: MainWindow, tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not sqlite" * 100)
    assert not window.open_audit(junk)
    assert window.problems.model.rowCount() == 1 and window.store is None


def test_new_audit_asks_where_and_creates_an_empty_audit(window: MainWindow, ask: FakeAsk, tmp_path: Path) -> None:
    ask.replies["new_audit"] = [tmp_path / "fresh.sqlite"]
    window.actions.new_audit.trigger()
    assert window.db_path == (tmp_path / "fresh.sqlite").resolve() and window.tracks_view.model.total == 0
    assert not window.actions.rescan.isEnabled() or not window.rescan()


# --- filtering, sorting, columns, copy ------------------------------------------------------------


def test_typing_a_filter_updates_the_table_after_a_short_pause(qtbot, window: MainWindow, audit: Path) -> None:
    window.open_audit(audit)
    qtbot.keyClicks(window.tracks_view.filter_edit, "band:high")
    qtbot.waitUntil(lambda: window.tracks_view.model.total == 4, timeout=5000)
    assert window.tracks_view.count_label.text() == "4 tracks match"
    window.tracks_view.filter_edit.clear()
    qtbot.keyClicks(window.tracks_view.filter_edit, "colour:red")
    qtbot.waitUntil(lambda: window.tracks_view.problem_label.isVisible(), timeout=5000)
    assert "unknown field 'colour'" in window.tracks_view.problem_label.text()


def test_artist_double_click_filters_tracks_to_that_artist(window: MainWindow, audit: Path) -> None:
    window.open_audit(audit)
    window.show_artist_tracks('Say "Hi" & <b>Co</b>')  # quoting survives odd names
    assert window.tracks_view.model.total == 0
    window.show_artist_tracks("Lyra Solenne")
    assert window.tracks_view.model.total == 4 and window.tabs.currentWidget() is window.tracks_view


def test_selected_rows_copy_as_tsv_with_formulas_neutralized(window: MainWindow, audit: Path) -> None:
    window.open_audit(audit)
    view = window.tracks_view
    view.set_filter_text("band:high")
    view.table.selectAll()
    view.copy_action.trigger()
    lines = QGuiApplication.clipboard().text().splitlines()
    assert lines[0].split("\t")[:3] == ["Risk", "Title", "Artist"]
    assert len(lines) == 5 and lines[1].split("\t")[1] == "Song 000"
    from ui.safety import tsv_cell

    assert tsv_cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")" and tsv_cell("a\tb\nc") == "a b c"


def test_column_choice_and_sort_are_remembered(qtbot, window: MainWindow, audit: Path, settings: QSettings,
                                               ask: FakeAsk) -> None:
    window.open_audit(audit)
    view = window.tracks_view
    view.set_column_visible("isrc", False)
    view.set_column_visible("codec", True)
    view.table.sortByColumn(view.model.column_index("title"), Qt.SortOrder.AscendingOrder)
    window.close()
    again = MainWindow(settings=settings, ask=ask)
    qtbot.addWidget(again)
    header = again.tracks_view.table.horizontalHeader()
    model = again.tracks_view.model
    assert header.isSectionHidden(model.column_index("isrc"))
    assert not header.isSectionHidden(model.column_index("codec"))
    assert "codec" in model.loaded_keys() and "isrc" not in model.loaded_keys()
    assert model.sort_state == ("title", False)


def test_selecting_a_track_far_down_fetches_pages_up_to_it(qtbot, window: MainWindow, audit: Path) -> None:
    window.open_audit(audit)
    model = window.tracks_view.model
    model.page_size = 3
    model.reload()
    assert model.rowCount() == 3
    ids = [r[0] for r in browse.track_page(window.index, model.query, [], sort=model.sort_state, limit=100)]
    assert window.tracks_view.select_track(ids[-1])
    assert model.rowCount() == 12 and window.detail.track_id == ids[-1] and model.position_of(ids[-1]) == 11


# --- safety ---------------------------------------------------------------------------------------


def test_markup_in_tags_is_shown_literally_everywhere(qtbot, window: MainWindow, tmp_path: Path) -> None:
    mp3_catalog(tmp_path / "cat", 2, titles={0: HOSTILE_TITLE})
    scan_and_wait(qtbot, window, lambda: window.add_paths([tmp_path / "cat"]))
    model = window.tracks_view.model
    title = model.column_index("title")
    row = next(r for r in range(model.rowCount()) if model.index(r, title).data() == HOSTILE_TITLE)
    tooltip = model.index(row, title).data(Qt.ItemDataRole.ToolTipRole)
    assert "&lt;b&gt;bold&lt;/b&gt;&lt;img src=x&gt;" in tooltip and "<img" not in tooltip
    window.tracks_view.select_track(model.index(row, 0).data(TRACK_ID_ROLE))
    pane = window.detail
    assert pane.title_label.text() == HOSTILE_TITLE
    assert pane.title_label.textFormat() == Qt.TextFormat.PlainText
    fields = pane.section_texts()["fields"]
    assert ("Title", HOSTILE_TITLE, "") in fields
    assert any(v == "<script>alert(1)</script>" for _n, v, _s in fields)
    for label in (pane.subtitle_label, pane.path_label, pane.risk_label, window.counts_label,
                  window.progress_label):
        assert label.textFormat() == Qt.TextFormat.PlainText


def test_huge_and_control_character_values_are_elided_not_fatal(window: MainWindow, tmp_path: Path) -> None:
    from tests.ui_support import build_store, record

    huge = "x" * 200_000
    build_store(tmp_path / "h.sqlite", [record(0, title=huge + "\u202e\x00\nend", comment=huge)]).close()
    window.open_audit(tmp_path / "h.sqlite")
    text = column(window, "title")[0]
    assert len(text) < 400 and "200,006 characters" in text
    window.tracks_view.select_track(window.tracks_view.model.track_id(0))
    shown = window.detail.title_label.text()
    assert len(shown) < 400
    assert "\u202e" not in window.detail.section_texts()["fields"][0][1]


# --- review workflow --------------------------------------------------------------------------------


def select_findings(win: MainWindow, *keys: str) -> None:
    win.show_view("findings")
    win.findings_view.select_keys(list(keys))


def test_review_decisions_persist_across_closing_and_reopening(qtbot, window: MainWindow, audit: Path,
                                                               ask: FakeAsk) -> None:
    window.open_audit(audit)
    select_findings(window, "f-writer")
    assert window.actions.confirm.isEnabled()
    window.actions.confirm.trigger()
    ask.replies["note"] = ["Checked with PRS: no such member"]
    window.actions.note.trigger()
    select_findings(window, "f-ipi", "f-burst")
    window.actions.dismiss.trigger()  # a selection of two, confirmed through ask()
    assert ("confirm", ("Set 2 findings to 'dismissed'?",)) in ask.asked
    window.close_audit()

    window.open_audit(audit)
    rows = {f["key"]: f for f in window.findings_view.model._all}
    assert rows["f-writer"]["review_status"] == "confirmed"
    assert rows["f-writer"]["review_note"] == "Checked with PRS: no such member"
    assert rows["f-ipi"]["review_status"] == "dismissed" and rows["f-burst"]["review_status"] == "dismissed"
    assert rows["f-suno"]["review_status"] == "open"
    window.show_view("findings")
    window.findings_view.review_combo.setCurrentIndex(window.findings_view.review_combo.findData("confirmed"))
    assert window.findings_view.model.finding_count() == 1
    with Store(audit) as store:
        history = [r["status"] for r in store.review_log_rows("f-writer")]
    assert history == ["confirmed", "confirmed"]


def test_review_changes_rescore_the_tracks(window: MainWindow, audit: Path) -> None:
    window.open_audit(audit)
    select_findings(window, "f-writer", "f-ipi", "f-burst", "f-suno")
    window.actions.dismiss.trigger()
    window.tracks_view.set_filter_text("band:high")
    assert window.tracks_view.model.total == 0  # every reason dismissed: nothing high any more


def test_reopening_a_finding_and_cancelled_note_change_nothing(window: MainWindow, audit: Path,
                                                               ask: FakeAsk) -> None:
    window.open_audit(audit)
    select_findings(window, "f-suno")
    window.actions.confirm.trigger()
    window.actions.note.trigger()  # FakeAsk answers None: cancelled
    window.actions.reopen.trigger()
    rows = {f["key"]: f for f in window.findings_view.model._all}
    assert rows["f-suno"]["review_status"] == "open" and not rows["f-suno"]["review_note"]


def test_review_commands_need_a_selected_finding(window: MainWindow, audit: Path) -> None:
    window.open_audit(audit)
    window.show_view("tracks")
    assert not window.actions.confirm.isEnabled()
    assert window.review_selected("confirmed") == 0


def test_detail_pane_lists_the_tracks_findings_and_jumps_to_them(qtbot, window: MainWindow, audit: Path) -> None:
    window.open_audit(audit)
    window.tracks_view.set_filter_text("title:=\"Song 000\"")
    window.tracks_view.select_track(window.tracks_view.model.track_id(0))
    sections = window.detail.section_texts()
    assert {v for _n, v, _s in sections["findings"]} >= {"8 releases in 9 days",
                                                        "Suno marker (conclusive) in 'Song 000'"}
    assert ("composer", "Adrian Kessel", "no IPI/ISNI · ID3v2.4:TCOM") in sections["credits"]
    assert ("PRIV:x", "[priv] 20 bytes · sha256 cdcdcdcdcdcdcdcd…", "ID3v2.4") in sections["raw"]
    window.detail.finding_activated.emit("f-suno")
    assert window.tabs.currentWidget() is window.findings_view
    assert window.findings_view.selected_keys() == ["f-suno"]
    assert "Could also be innocent" in window.findings_view.explanation.toPlainText()


def test_conflicting_aliases_are_highlighted(window: MainWindow, audit: Path) -> None:
    window.open_audit(audit)
    window.tracks_view.set_filter_text("conflict:yes")
    window.tracks_view.select_track(window.tracks_view.model.track_id(0))
    tree = window.detail.tree
    values = next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
                  if tree.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole) == "values")
    labels = [values.child(i) for i in range(values.childCount()) if values.child(i).text(0) == "Label"]
    assert {item.text(2) for item in labels} == {"ID3v2.4:LABEL", "ID3v2.4:TXXX:LABEL"}
    assert all(item.background(1).color().isValid() and item.background(1).style() != Qt.BrushStyle.NoBrush
               for item in labels)


# --- settings -----------------------------------------------------------------------------------------


def test_settings_save_workers_to_qsettings_and_thresholds_to_toml(window: MainWindow, ask: FakeAsk,
                                                                   settings: QSettings, tmp_path: Path) -> None:
    changed: dict[str, object] = {}

    def edit(dialog) -> bool:  # noqa: ANN001
        dialog.workers.setValue(3)
        item = next(i for i in dialog._items()
                    if isinstance(dialog._loaded[tuple(i.data(0, dialog_path_role()))], float)
                    and not isinstance(dialog._loaded[tuple(i.data(0, dialog_path_role()))], bool))
        path = tuple(item.data(0, dialog_path_role()))
        item.setText(1, str(dialog._loaded[path] + 1))
        changed["path"], changed["value"] = path, dialog._loaded[path] + 1
        return dialog.apply()

    ask.settings_hook = edit
    assert window.open_settings()
    assert int(settings.value("scan/workers")) == 3
    from auditor.thresholds import load_thresholds

    data = load_thresholds(tmp_path / "thresholds.toml").data
    for part in changed["path"]:
        data = data[part]
    assert data == changed["value"]


def test_settings_refuse_an_invalid_threshold_with_a_message(window: MainWindow, ask: FakeAsk) -> None:
    results = []

    def edit(dialog) -> bool:  # noqa: ANN001
        item = next(i for i in dialog._items() if not isinstance(dialog._loaded[tuple(i.data(0, dialog_path_role()))],
                                                                 (bool, str, list, tuple)))
        item.setText(1, "lots")
        results.append(dialog.apply())
        results.append(dialog.message.text())
        return False

    ask.settings_hook = edit
    assert not window.open_settings()
    assert results[0] is False and "'lots' is not valid" in results[1]


def test_writer_registry_import_from_settings(window: MainWindow, ask: FakeAsk, audit: Path, tmp_path: Path) -> None:
    window.open_audit(audit)
    csv = tmp_path / "registry.csv"
    csv.write_text("name,ipi\nAdrian Kessel,00123456789\nNo Id Person,\n", encoding="utf-8")
    ask.replies["file"] = [csv]
    seen = []

    def run(dialog) -> bool:  # noqa: ANN001
        dialog.import_button.click()
        seen.append(dialog.registry_status.text())
        seen.append(dialog.registry_list.topLevelItemCount())
        return True

    ask.settings_hook = run
    window.open_settings()
    assert seen[0].startswith("2 writer(s)") and seen[1] == 2


def test_registry_entries_are_edited_verified_and_removed_in_settings(window: MainWindow, ask: FakeAsk,
                                                                     audit: Path, tmp_path: Path) -> None:
    from PySide6.QtCore import Qt as QtNS

    from auditor.registry import list_writers

    window.open_audit(audit)
    csv = tmp_path / "registry.csv"
    csv.write_text("name,ipi\nAdrian Kessel,\nNo Id Person,\n", encoding="utf-8")
    ask.replies["file"] = [csv]

    def run(dialog) -> bool:  # noqa: ANN001
        dialog.import_button.click()
        first = dialog.registry_list.topLevelItem(0)
        first.setText(1, "123456789")  # edit the IPI in place
        dialog.registry_list.topLevelItem(0).setCheckState(3, QtNS.CheckState.Checked)
        bad = dialog.registry_list.topLevelItem(1)
        bad.setText(1, "12")  # not an IPI: refused with a message, nothing stored
        assert "Registry not changed" in dialog.message.text()
        dialog.registry_list.topLevelItem(1).setSelected(True)
        dialog.remove_button.click()
        return True

    ask.settings_hook = run
    window.open_settings()
    (writer,) = list_writers(window.store)
    assert (writer.name, writer.ipi, writer.verified) == ("Adrian Kessel", "00123456789", True)


def dialog_path_role() -> int:
    from ui.views.settings import PATH_ROLE

    return PATH_ROLE


# --- closing ------------------------------------------------------------------------------------------


def test_closing_during_a_scan_stops_it_and_saves_window_state(qtbot, window: MainWindow, tmp_path: Path,
                                                               settings: QSettings, monkeypatch) -> None:
    mp3_catalog(tmp_path / "cat", 20)
    reached = threading.Event()
    original, seen = scan_module.read_track, [0]

    def held_until_stop(candidate, read_path=None):  # noqa: ANN001, ANN202
        seen[0] += 1
        if seen[0] == 3:
            reached.set()
            window.controller.cancel_event.wait(30)  # the scan is mid-file when the window closes
        return original(candidate, read_path)

    monkeypatch.setattr(scan_module, "read_track", held_until_stop)
    window.add_paths([tmp_path / "cat"])
    qtbot.waitUntil(reached.is_set, timeout=SCAN_TIMEOUT)
    window.close()
    assert not window.controller.running and window.store is None and seen[0] == 3
    assert settings.value("window/geometry") is not None and settings.value("tracks/header") is not None


def test_dropping_a_zip_delivery_and_a_single_file_scans_both(qtbot, window: MainWindow, tmp_path: Path) -> None:
    import zipfile

    files = mp3_catalog(tmp_path / "src", 3)
    delivery = tmp_path / "delivery.zip"
    with zipfile.ZipFile(delivery, "w") as zf:
        for path in files[:2]:
            zf.write(path, f"release/{path.name}")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(delivery)), QUrl.fromLocalFile(str(files[2]))])
    enter = QDragEnterEvent(QPoint(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    drop = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.scan_finished, timeout=SCAN_TIMEOUT):
        QApplication.sendEvent(window, drop)
    paths = column(window, "path")
    assert sorted(p.rsplit("/", 1)[-1] for p in paths) == ["track000.mp3", "track001.mp3", "track002.mp3"]
    assert sum("delivery.zip!/release/" in p for p in paths) == 2


def test_band_colours_follow_a_dark_palette(qapp) -> None:
    from PySide6.QtGui import QColor, QPalette

    from ui import theme

    light = theme.band_colors("high")
    original = qapp.palette()
    dark = QPalette(original)
    dark.setColor(QPalette.ColorRole.Window, QColor("#202124"))
    dark.setColor(QPalette.ColorRole.WindowText, QColor("#e8eaed"))
    qapp.setPalette(dark)
    try:
        assert theme.is_dark()
        background, text = theme.band_colors("high")
        assert background.lightness() < 128 < text.lightness()
        assert (background, text) != light
    finally:
        qapp.setPalette(original)
    assert theme.band_colors("nonsense") is None and theme.band_colors(None) is None
