"""The browse layer: filter syntax, SQL filtering/sorting/paging over the narrow index."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor import browse
from auditor.browse import Term, parse_filter
from auditor.store import Store
from tests.ui_support import HOSTILE_TITLE, build_store, record, sample_store, set_risk, track_ids


# --- parser ------------------------------------------------------------------------------------


def test_parser_reads_keys_quotes_negation_and_free_words() -> None:
    query = parse_filter('writer:"Jane Doe" -format:flac moon !error:yes "two words"')
    assert query.terms == (
        Term("writer", "Jane Doe"), Term("format", "flac", negate=True), Term(None, "moon"),
        Term("error", "yes", negate=True), Term(None, "two words"),
    )
    assert query.problems == ()


def test_parser_understands_comparisons_exact_matches_and_aliases() -> None:
    query = parse_filter("bitrate:>=256 duration:<1:30 title:=Intro catno:ABC-1 year:2024")
    assert query.terms == (
        Term("bitrate", "256", ">="), Term("duration", "1:30", "<"), Term("title", "Intro", "="),
        Term("catalog", "ABC-1"), Term("date", "2024"),
    )


def test_parser_unescapes_quotes_inside_quoted_values() -> None:
    assert parse_filter(r'artist:="Say \"Hi\" Band"').terms == (Term("artist", 'Say "Hi" Band', "="),)


def test_unknown_keys_become_text_and_are_explained_never_raised() -> None:
    query = parse_filter("colour:blue http://example.com")
    assert query.terms == (Term(None, "colour:blue"), Term(None, "http://example.com"))
    assert query.problems == ("unknown field 'colour': searched as text", "unknown field 'http': searched as text")


@pytest.mark.parametrize("text, problem", [
    ("bitrate:fast", "'bitrate:fast' is not a number: term ignored"),
    ("band:purple", "'band' takes low, review, high, none, unscored: 'purple' ignored"),
    ("conflict:maybe", "'conflict' takes yes or no: 'maybe' ignored"),
    ("review:later", "'review' takes open, confirmed, dismissed, reviewed, unreviewed: 'later' ignored"),
])
def test_invalid_values_are_dropped_with_a_reason(text: str, problem: str) -> None:
    query = parse_filter(text)
    assert query.terms == () and query.problems == (problem,)


def test_half_typed_terms_constrain_nothing_and_junk_never_raises() -> None:
    assert parse_filter("artist:").terms == ()
    for junk in ('"', "-", '"unterminated', "::", "a:b:c", "\x00\u202e", "-" * 1000, 'k:"' * 50):
        parse_filter(junk)  # must not raise


def test_numbers_accept_user_units() -> None:
    assert browse._number("duration", "1:30") == 90
    assert browse._number("size", "5MB") == 5_000_000
    assert browse._number("samplerate", "44.1khz") == pytest.approx(44_100)
    assert browse._number("bitrate", "320kbps") == 320
    assert browse._number("size", "nan") is None and browse._number("risk", "inf") is None


# --- SQL over a store ---------------------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with sample_store(tmp_path / "audit.sqlite") as s:
        yield s


@pytest.fixture
def index(store: Store) -> browse.TrackIndex:
    idx = browse.TrackIndex(store)
    idx.rebuild()
    return idx


def titles(index: browse.TrackIndex, text: str, sort: tuple[str, bool] = ("path", False)) -> list[str]:
    rows = browse.track_page(index, parse_filter(text), ["title"], sort=sort, limit=1000)
    assert browse.count_tracks(index, parse_filter(text)) == len(rows)
    return [r[2] for r in rows]


def test_every_present_track_is_listed_without_a_filter(index: browse.TrackIndex) -> None:
    assert len(titles(index, "")) == 12


@pytest.mark.parametrize("text, expected", [
    ('writer:"adrian kessel"', {"Song 000", "Song 001", "Song 002", "Song 003"}),
    ("writer:kessel", {"Song 000", "Song 001", "Song 002", "Song 003"}),
    ("writer:nunez", {HOSTILE_TITLE}),  # accents folded through the normalized name
    ('artist:="Lyra Solenne"', {"Song 000", "Song 001", "Song 002", "Song 003"}),
    ("artist:=lyra", set()),
    ("band:high", {"Song 000", "Song 001", "Song 002", "Song 003"}),
    ("band:review", {HOSTILE_TITLE}),
    ("band:none", {None}),
    ("risk:>=45", {"Song 000", "Song 001", "Song 002", "Song 003", HOSTILE_TITLE}),
    ("error:yes", {None}),
    ("bitrate:<=128", {"Song 000", "Song 001", "Song 002", "Song 003"}),
    ("bitrate:320 format:mp3", {"Song 005", "Song 007", "Song 009"}),
    ("duration:2:05", {"Song 005"}),
    ("emile", {HOSTILE_TITLE}),  # free text ignores case and accents
    ("ÉMILE", {HOSTILE_TITLE}),
    ("artist:émile", {HOSTILE_TITLE}),
    ("comment:href", {HOSTILE_TITLE}),  # a column only the full table has
    ("conflict:yes", {"Song 005"}),
    ("ipi:yes", {f"Song {i:03d}" for i in range(4, 10)}),
    ("art:no", {None}),
    ("finding:writers.test", {"Song 000", "Song 001", "Song 002", "Song 003"}),
    ("family:ai_provenance", {"Song 000"}),
    ("severity:conclusive", {"Song 000"}),
    ("findings:>1", {"Song 000", "Song 001", "Song 002", "Song 003"}),
    ("review:open", {"Song 000", "Song 001", "Song 002", "Song 003"}),
    ("review:confirmed", set()),
    ("-artist:lyra -artist:edith", {HOSTILE_TITLE, None}),
    ("song 00 -band:high", {f"Song {i:03d}" for i in range(4, 10)}),
    ('file:"song 000"', {"Song 000"}),
])
def test_filter_terms_select_the_right_tracks(index: browse.TrackIndex, text: str, expected: set[str]) -> None:
    assert set(titles(index, text)) == expected


def test_review_filter_follows_decisions(store: Store, index: browse.TrackIndex) -> None:
    store.save_review("f-suno", "confirmed", "listened")
    assert set(titles(index, "review:confirmed")) == {"Song 000"}
    assert set(titles(index, "review:reviewed")) == {"Song 000"}


def test_missing_tracks_are_hidden_unless_asked_for(store: Store, index: browse.TrackIndex) -> None:
    store.db.execute("UPDATE tracks SET status = 'missing' WHERE title = 'Song 009'")
    store.db.conn.commit()
    index.rebuild()
    assert "Song 009" not in titles(index, "")
    assert titles(index, "status:missing") == ["Song 009"]
    assert len(titles(index, "status:any")) == 12


def test_sorting_is_stable_with_empty_values_last_in_both_directions(index: browse.TrackIndex) -> None:
    up = browse.track_page(index, parse_filter(""), ["risk", "title"], sort=("risk", False), limit=100)
    down = browse.track_page(index, parse_filter(""), ["risk", "title"], sort=("risk", True), limit=100)
    assert [r[2] for r in up][-1] is None and [r[2] for r in down][-1] is None
    assert [r[2] for r in down][:4] == [100.0] * 4
    # ties broken by path: the four farm tracks keep their path order
    assert [r[3] for r in down][:4] == ["Song 000", "Song 001", "Song 002", "Song 003"]
    again = browse.track_page(index, parse_filter(""), ["risk", "title"], sort=("risk", True), limit=100)
    assert again == down


def test_pages_cover_every_row_once_in_order(index: browse.TrackIndex) -> None:
    query = parse_filter("")
    whole = browse.track_page(index, query, ["title"], sort=("title", False), limit=1000)
    paged = []
    for offset in range(0, 12, 5):
        paged += browse.track_page(index, query, ["title"], sort=("title", False), offset=offset, limit=5)
    assert paged == whole and len({r[0] for r in paged}) == 12


def test_position_of_a_track_in_the_current_order(store: Store, index: browse.TrackIndex) -> None:
    ids = track_ids(store)
    rows = browse.track_page(index, parse_filter(""), ["title"], sort=("title", True), limit=100)
    assert browse.track_position(index, parse_filter(""), ids["Song 004"], sort=("title", True)) == \
        [r[0] for r in rows].index(ids["Song 004"])
    assert browse.track_position(index, parse_filter("band:high"), ids["Song 004"]) is None


def test_index_grows_with_new_rows_and_rebuild_picks_up_risk(tmp_path: Path) -> None:
    with build_store(tmp_path / "a.sqlite", [record(i) for i in range(3)]) as store:
        index = browse.TrackIndex(store)
        index.rebuild()
        scan = store.begin_scan(["/cat"], 0)
        store.write_tracks(scan, [record(i) for i in range(3, 5)], {})
        assert index.append_new() == 2 and index.count() == 5
        set_risk(store, {1: (80.0, "high")})
        assert titles(index, "band:high") == []
        index.refresh_risk()
        assert titles(index, "band:high") == ["Song 000"]


def test_index_works_without_the_optional_risk_and_finding_tables(tmp_path: Path) -> None:
    with build_store(tmp_path / "a.sqlite", [record(i) for i in range(3)]) as store:
        for table in ("track_risk", "artist_risk", "finding_tracks"):
            store.db[table].drop()
        index = browse.TrackIndex(store)
        index.rebuild()
        assert len(titles(index, "band:none")) == 3
        assert titles(index, "band:high") == [] and titles(index, "review:open") == []
        assert browse.artist_rows(store) == [{"artist": "Act", "risk": None, "band": None, "tracks": 3,
                                              "reasons": []}]
        assert browse.finding_rows(store, track_id=1) == []


def test_writers_column_lists_each_writer_once(tmp_path: Path) -> None:
    item = record(0)
    twice = type(item)(**{**{f: getattr(item, f) for f in item.__slots__},
                          "credits": item.credits + (item.credits[0].__class__(
                              "Writer A", "writer a", "lyricist", "ID3v2.4:TEXT"),)})
    with build_store(tmp_path / "a.sqlite", [twice]) as store:
        index = browse.TrackIndex(store)
        index.rebuild()
        assert browse.track_page(index, parse_filter(""), ["writers"])[0][2] == "Writer A"


# --- detail, findings, artists, problems --------------------------------------------------------


def test_track_detail_decodes_everything_the_pane_shows(store: Store) -> None:
    ids = track_ids(store)
    detail = browse.track_detail(store, ids["Song 005"])
    assert detail is not None
    assert detail["conflicts"][0]["field"] == "label"
    assert {v["source"] for v in detail["field_values"]} >= {"ID3v2.4:TXXX:LABEL"}
    assert detail["credits"][0]["ipi"] == "00118034527"
    assert detail["raw_tags"][1]["binary_kind"] == "priv"
    assert detail["risk"]["band"] == "low"
    assert browse.track_detail(store, 10_000) is None
    farm = browse.track_detail(store, ids["Song 000"])
    assert {f["key"] for f in farm["findings"]} == {"f-writer", "f-ipi", "f-burst", "f-suno"}


def test_finding_rows_carry_review_state_and_filter_by_it(store: Store) -> None:
    store.save_review("f-ipi", "dismissed", "has an IPI at PRS")
    rows = {r["key"]: r for r in browse.finding_rows(store)}
    assert rows["f-ipi"]["review_status"] == "dismissed" and rows["f-ipi"]["review_note"] == "has an IPI at PRS"
    assert rows["f-writer"]["tracks"] == 4 and rows["f-writer"]["innocent_explanations"] == ["A new writer."]
    assert [r["key"] for r in browse.finding_rows(store, review="dismissed")] == ["f-ipi"]
    assert "f-ipi" not in {r["key"] for r in browse.finding_rows(store, review="open")}


def test_inactive_findings_are_not_listed(store: Store) -> None:
    store.db.execute("UPDATE findings SET active = 0 WHERE key = 'f-burst'")
    assert "f-burst" not in {r["key"] for r in browse.finding_rows(store)}


def test_artists_come_ranked_with_readable_reasons(store: Store) -> None:
    rows = browse.artist_rows(store)
    assert rows[0]["artist"] == "Lyra Solenne" and rows[0]["band"] == "high"
    assert rows[0]["reasons"] == ["Reason for Lyra Solenne (+100)"]


@pytest.mark.parametrize("reasons, expected", [
    ('[{"finding_key": "a", "title": "One", "weight": 12.5}]', ["One (+12.5)"]),
    ('["plain words"]', ["plain words"]),
    ('{"Hub writer": 20}', ["Hub writer (+20)"]),
    ("not json", ["not json"]),
    (None, []),
])
def test_reason_texts_accept_every_shape(reasons: object, expected: list[str]) -> None:
    assert browse.reason_texts(reasons) == expected


def test_problems_list_unreadable_files_and_skipped_paths(store: Store) -> None:
    from auditor.model import DiscoveryProblem

    scan = store.last_scan()
    store.record_problems(scan["id"], [DiscoveryProblem("/cat/loop", "walk", "symlink loop")])
    rows = browse.problem_rows(store)
    assert [(r["stage"], r["path"]) for r in rows][0] == ("walk", "/cat/loop")
    assert rows[1]["stage"] == "read" and "unexpected end" in rows[1]["reason"] and rows[1]["track_id"]


def test_audit_roots_and_counts(store: Store) -> None:
    assert browse.audit_roots(store) == ["/cat"]
    counts = browse.audit_counts(store)
    assert counts == {"tracks": 12, "missing": 0, "errors": 1, "findings": 4, "high_risk_tracks": 4}


def test_id_term_selects_listed_tracks_and_matching_ids_follows_the_filter(tmp_path) -> None:
    from auditor import browse
    from auditor.store import Store
    from tests.test_scan import make_catalog
    from auditor.scan import run_scan

    make_catalog(tmp_path / "cat", 5)
    with Store(tmp_path / "a.sqlite") as store:
        run_scan(store, [tmp_path / "cat"], workers=0)
        browse.prepare_connection(store)
        index = browse.TrackIndex(store)
        index.rebuild()
        ids = sorted(r["id"] for r in store.db["tracks"].rows)
        query = browse.parse_filter(f"id:{ids[0]},{ids[2]}")
        assert not query.problems
        assert sorted(browse.matching_ids(index, query)) == [ids[0], ids[2]]
        assert browse.count_tracks(index, browse.parse_filter("")) == 5
