"""The Report tab and Export…: charts built offscreen, click-to-select, the same files as the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from auditor import browse
from auditor.demo import FARM_PERSONAS
from tests.ui_support import FakeAsk
from ui.export_dialog import ExportChoice
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, tmp_path: Path, monkeypatch, demo_audit_copy: Path) -> MainWindow:
    monkeypatch.setenv("CATALOG_AUDITOR_DATA_DIR", str(tmp_path / "audits"))
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(settings=settings, ask=FakeAsk())
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    assert win.open_audit(demo_audit_copy)
    return win


def test_report_tab_builds_every_chart_from_the_audit(window: MainWindow) -> None:
    window.show_view("report")
    charts = window.report_view.chart_widgets()
    assert len(charts) == 8
    assert "9 artists" in window.report_view.summary.text() and "3 artist(s) to look at" in window.report_view.summary.text()


def test_clicking_a_chart_lists_its_tracks(window: MainWindow) -> None:
    window.show_view("report")
    report = window.report_view.report
    farm_ids = list(report.charts.signatures[0].track_ids)
    signatures_chart = window.report_view.chart_widgets()[3]
    signatures_chart.signals.tracksClicked.emit(farm_ids)
    assert window.tabs.currentWidget() is window.tracks_view
    assert window.tracks_view.model.rowCount() == len(farm_ids) == 24
    assert window.tracks_view.filter_edit.text().startswith("id:")
    assert sorted(browse.matching_ids(window.index, window.tracks_view.model.query)) == sorted(farm_ids)


def test_charts_follow_the_tracks_filter(window: MainWindow) -> None:
    window.tracks_view.set_filter_text(f'artist:"{FARM_PERSONAS[0]}"')
    window.show_view("report")
    report = window.report_view.report
    assert report.totals["tracks"] == 8 and [a.artist for a in report.flagged] == [FARM_PERSONAS[0]]
    window.report_view.follow_filter.setChecked(False)
    assert window.report_view.report.totals["tracks"] == 73


def test_export_writes_the_pdf_and_csvs(window: MainWindow, tmp_path: Path) -> None:
    choice = ExportChoice(pdf=tmp_path / "out.pdf", csv_dir=tmp_path / "csv", title="Demo audit")
    window.ask.replies["export"] = [choice]
    assert window.export_audit()
    assert (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == ["artists.csv", "findings.csv", "tracks.csv"]
    assert "Exported PDF report" in window.statusBar().currentMessage()


def test_export_cancelled_writes_nothing(window: MainWindow, tmp_path: Path) -> None:
    assert not window.export_audit()
    assert list(tmp_path.glob("*.pdf")) == []


def test_marking_a_writer_verified_from_a_finding_clears_its_registry_finding(window: MainWindow) -> None:
    from auditor.registry import list_writers

    window.show_view("findings")
    view = window.findings_view
    keys = [r[0] for r in window.store.db.execute(
        "SELECT key FROM findings WHERE active = 1 AND subject_type = 'writer' AND subject = 'Adrian Kessel'")]
    view.select_keys(keys[:1])
    window._update_actions()
    assert window.actions.verify_writer.isEnabled()
    assert window.verify_selected_writers() == 1
    (writer,) = [w for w in list_writers(window.store) if w.name == "Adrian Kessel"]
    assert writer.verified and writer.source == "verified in review"
