"""Every Qt model passes pytest-qt's model tester; the tracks model pages lazily."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt

from auditor import browse
from auditor.store import Store
from tests.ui_support import HOSTILE_TITLE, sample_store
from ui.models.artists import ArtistsModel
from ui.models.findings import FINDING_KEY_ROLE, FindingsModel
from ui.models.problems import ProblemsModel
from ui.models.tracks import TRACK_ID_ROLE, TracksModel


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with sample_store(tmp_path / "audit.sqlite") as s:
        yield s


@pytest.fixture
def index(store: Store) -> browse.TrackIndex:
    idx = browse.TrackIndex(store)
    idx.rebuild()
    return idx


def test_tracks_model_passes_the_model_tester(qtmodeltester, index: browse.TrackIndex) -> None:
    model = TracksModel(page_size=5)
    model.set_loaded_columns([c.key for c in browse.COLUMNS])
    model.set_source(index)
    qtmodeltester.check(model)
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    qtmodeltester.check(model)
    model.set_filter(browse.parse_filter("band:high"))
    qtmodeltester.check(model)


def test_empty_tracks_model_passes_the_model_tester(qtmodeltester) -> None:
    qtmodeltester.check(TracksModel())


def test_tracks_model_fetches_pages_only_when_asked(index: browse.TrackIndex) -> None:
    model = TracksModel(page_size=5)
    model.set_source(index)
    assert (model.rowCount(), model.total, model.canFetchMore(QModelIndex())) == (5, 12, True)
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 10
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 12 and not model.canFetchMore(QModelIndex())


def test_tracks_model_sorts_in_sql_and_shows_risk_in_band_colours(index: browse.TrackIndex) -> None:
    model = TracksModel(page_size=50)
    model.set_source(index)
    risk = model.column_index("risk")
    title = model.column_index("title")
    model.sort(risk, Qt.SortOrder.DescendingOrder)
    assert [model.index(r, risk).data() for r in range(5)] == ["100", "100", "100", "100", "45"]
    assert model.index(0, risk).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert model.index(0, title).data(Qt.ItemDataRole.BackgroundRole) is None
    model.sort(title, Qt.SortOrder.AscendingOrder)
    titles = [model.index(r, title).data() for r in range(model.rowCount())]
    assert titles[0] == HOSTILE_TITLE and titles[-1] == ""  # empty titles last
    assert model.index(0, 0).data(TRACK_ID_ROLE) == model.track_id(0)


def test_soft_refresh_keeps_rows_and_appends_new_ones(index: browse.TrackIndex, store: Store) -> None:
    from tests.ui_support import record

    model = TracksModel(page_size=50)
    model.sort(model.column_index("path"), Qt.SortOrder.AscendingOrder)
    model.set_source(index)
    inserted = []
    model.rowsInserted.connect(lambda *args: inserted.append(args[1:]))
    resets = []
    model.modelReset.connect(lambda: resets.append(1))
    scan = store.begin_scan(["/cat"], 0)
    store.write_tracks(scan, [record(50, artist="Zed")], {})
    index.append_new()
    model.refresh()
    assert model.rowCount() == 13 and inserted == [(12, 12)] and resets == []


def test_artists_model_passes_the_model_tester_and_sorts_stably(qtmodeltester, store: Store) -> None:
    model = ArtistsModel()
    model.load(store)
    qtmodeltester.check(model)
    assert model.artist(0) == "Lyra Solenne"
    model.sort(2, Qt.SortOrder.AscendingOrder)
    assert [model.artist(r) for r in range(model.rowCount())] == ["Edith Marlowe", "Émile SStrange", "Lyra Solenne"]
    qtmodeltester.check(model)


def test_findings_model_groups_by_family_then_severity(qtmodeltester, store: Store) -> None:
    model = FindingsModel()
    model.load(store)
    qtmodeltester.check(model)
    families = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert families == ["AI provenance markers  (1)", "Mass-produced catalog  (1)", "Untraceable writers  (2)"]
    writers = model.index(2, 0)
    severities = [model.index(r, 0, writers).data() for r in range(model.rowCount(writers))]
    assert severities == ["High  (1)", "Medium  (1)"]
    high = model.index(0, 0, writers)
    leaf = model.index(0, 0, high)
    assert leaf.data(FINDING_KEY_ROLE) == "f-writer"
    assert model.parent(leaf) == high and model.parent(high) == writers
    assert [f["key"] for f in model.findings_under(writers)] == ["f-writer", "f-ipi"]


def test_findings_model_filters_by_review_status(qtmodeltester, store: Store) -> None:
    store.save_review("f-ipi", "dismissed", "")
    model = FindingsModel()
    model.load(store)
    model.set_review_filter("dismissed")
    qtmodeltester.check(model)
    assert model.finding_count() == 1 and model.index_of_key("f-ipi").isValid()
    model.set_review_filter("open")
    assert model.finding_count() == 3 and not model.index_of_key("f-ipi").isValid()
    model.set_review_filter("all")
    model.set_text_filter("kessel")
    assert model.finding_count() == 2


def test_problems_model_passes_the_model_tester(qtmodeltester, store: Store) -> None:
    model = ProblemsModel()
    model.load(store)
    model.add_message("scan", "/x", "<b>failed</b>")
    qtmodeltester.check(model)
    assert model.rowCount() == 2 and model.index(1, 2).data() == "<b>failed</b>"
