"""Browsing an audit: the filter language and SQL-backed paging, sorting and filtering.

Qt-free on purpose: the desktop app's table models call this module, and so
can a test or a script.  Nothing here loads a whole catalog into Python; the
tracks table asks for one page at a time (``LIMIT``/``OFFSET``) with the sort
and the filter evaluated by SQLite.

Why a :class:`TrackIndex`: a ``tracks`` row carries every raw tag and alias as
JSON (kilobytes per file), so any query that must look at every row reads
hundreds of megabytes on a 100k-track audit.  The index is a narrow copy, in
the connection's TEMP schema (memory only, never written to the audit file),
of what filtering and sorting need, plus one pre-folded ``haystack`` column
for free text.  It is rebuilt when an audit is opened and after a scan, and
grown with new rows while a scan runs.

The filter language (what users type into the filter box, Mp3tag/puddletag
style)::

    writer:"jane doe" band:high -format:flac bitrate:<=128 error:no moon

* ``key:value`` matches a field containing ``value`` (case-insensitive);
  ``key:=value`` matches it exactly; quotes allow spaces (``artist:"a b"``).
* ``key:>N``, ``>=``, ``<``, ``<=`` compare numbers (``bitrate`` in kbps,
  ``duration`` in seconds or ``m:ss``, ``size`` with ``KB``/``MB``/``GB``).
* ``id:12,40,41`` lists tracks by id (what a click on a report chart selects).
* ``-term`` or ``!term`` negates a term; words without a key must all occur
  somewhere in the common text fields (path, title, artist, album, label, …),
  ignoring case and accents.
* yes/no keys: ``error``, ``conflict``, ``mismatch``, ``art``, ``ipi``.
* audit keys: ``band:low|review|high|none``, ``risk:>=70``,
  ``review:open|confirmed|dismissed|reviewed|unreviewed``, ``finding:``
  (detector or title), ``family:``, ``severity:``; ``status:present|missing|any``.

A term the parser does not understand is never an error: it is searched as
text and explained in :attr:`FilterQuery.problems`, so a typo cannot empty
the table without saying why.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .fields import CREDIT_ROLES, WRITER_ROLES
from .names import normalize_name
from .store import Store

PAGE_SIZE = 256
BANDS = ("low", "review", "high")
REVIEW_STATUSES = ("open", "confirmed", "dismissed")
SEVERITY_ORDER = ("conclusive", "critical", "high", "medium", "low", "info")
INDEX_TABLE = "temp.track_index"
MAX_ID_TERMS = 5000  # an "id:" term lists at most this many tracks


def fold(text: str) -> str:
    """Case- and accent-insensitive comparison form (the haystack and the needles)."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _fold_sql(text: Any) -> str | None:
    return None if text is None else fold(str(text))


def _ca_contains(haystack: Any, needle: str) -> int:
    if haystack is None:
        return 0
    return int(needle in fold(str(haystack)))


def _file_name(path: Any) -> str | None:
    if path is None:
        return None
    text = str(path)
    return text.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]


def prepare_connection(store: Store) -> None:
    """Register the SQL functions browsing uses on the store's connection (idempotent)."""
    conn: sqlite3.Connection = store.db.conn
    conn.create_function("ca_contains", 2, _ca_contains, deterministic=True)
    conn.create_function("file_name", 1, _file_name, deterministic=True)
    conn.create_function("fold", 1, _fold_sql, deterministic=True)
    conn.execute("PRAGMA temp_store = MEMORY")


# --- optional tables -----------------------------------------------------------------------


@dataclass(slots=True)
class Schema:
    """Which optional tables (added by later migrations) this audit has, with their columns."""

    tables: frozenset[str]
    columns: dict[str, frozenset[str]] = field(default_factory=dict)

    def has(self, table: str, *columns: str) -> bool:
        return table in self.tables and set(columns) <= self.columns.get(table, frozenset())


def schema_of(store: Store) -> Schema:
    tables = frozenset(row[0] for row in store.db.execute(
        "SELECT name FROM main.sqlite_master WHERE type = 'table'"))
    columns = {}
    for table in ("track_risk", "artist_risk", "findings", "reviews", "finding_tracks"):
        if table in tables:
            columns[table] = frozenset(r[1] for r in store.db.execute(f"PRAGMA main.table_info([{table}])"))
    return Schema(tables, columns)


def has_risk(schema: Schema) -> bool:
    return schema.has("track_risk", "track_id", "risk", "band")


def has_findings(schema: Schema) -> bool:
    return schema.has("findings", "key") and schema.has("finding_tracks", "finding_key", "track_id")


# --- the narrow index -------------------------------------------------------------------------

#: index column -> expression over ``x`` (main.tracks), in storage order: what every filter
#: reads comes first, so SQLite decodes as little of each row as possible.
_INDEX_FROM_TRACKS: dict[str, str] = {
    "id": "x.id", "status": "x.status",
    **{name: f"x.{name}" for name in (
        "path", "title", "artist", "album", "album_artist", "label", "publisher", "isrc", "upc",
        "catalog_number", "release_date", "genre", "codec", "format", "extension", "bitrate",
        "duration", "size", "format_mismatch", "error", "artists")},
    "encoder": "coalesce(x.encoder, x.encoder_tag)",
    "has_conflicts": "(x.conflicts IS NOT NULL AND x.conflicts != '[]')",
}
FREE_TEXT_FIELDS: tuple[str, ...] = (
    "path", "title", "artist", "album", "album_artist", "label", "publisher", "isrc",
    "catalog_number", "upc", "genre", "encoder",
)
_INDEX_FIRST = ("id", "status", "risk", "band", "findings", "haystack")
_INDEX_ORDER: tuple[str, ...] = (*_INDEX_FIRST, *(n for n in _INDEX_FROM_TRACKS if n not in _INDEX_FIRST))
INDEX_COLUMNS: frozenset[str] = frozenset(_INDEX_ORDER)
#: tracks columns copied into the index (others are filtered and sorted against main.tracks)
_EXACT_IN_INDEX: frozenset[str] = frozenset(_INDEX_FROM_TRACKS) - {"encoder"}
_SEPARATOR = " | "  # between fields in the haystack (ASCII, so plain rows stay on the fast path)


def _haystack_sql() -> str:
    """Folded search text (one call of :func:`fold` per track; ASCII rows take its fast path)."""
    joined = f" || '{_SEPARATOR}' || ".join(f"coalesce({_INDEX_FROM_TRACKS[n]}, '')" for n in FREE_TEXT_FIELDS)
    return f"fold({joined})"


class TrackIndex:
    """The narrow, memory-only copy of ``tracks`` that filtering and sorting run on."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.max_id = 0
        self.schema = schema_of(store)
        self._sort_indexes: set[tuple[str, bool]] = set()
        prepare_connection(store)

    def rebuild(self) -> None:
        """Drop and rebuild from the audit (open, after a scan, after re-detection)."""
        db = self.store.db
        self.schema = schema_of(self.store)
        column_defs = ", ".join("id INTEGER PRIMARY KEY" if n == "id" else n for n in _INDEX_ORDER)
        with db.conn:
            db.execute(f"DROP TABLE IF EXISTS {INDEX_TABLE}")
            db.execute(f"CREATE TABLE {INDEX_TABLE} ({column_defs})")
            self._sort_indexes.clear()
            self.max_id = 0
            self._insert_from(0)
        self.ensure_sort_index("risk", True)  # the default order; others are built when first used

    def ensure_sort_index(self, key: str, descending: bool) -> None:
        """An index matching :func:`order_by` exactly, so the first page needs no full sort.

        Built the first time a column is sorted on (about 0.1 s per 100k tracks).
        """
        column = COLUMN_BY_KEY.get(key)
        if column is None or (key, descending) in self._sort_indexes:
            return
        expr = column.sql[2:] if column.sql.startswith("t.") else None
        if expr is None or not re.fullmatch(r"\w+", expr) or expr not in INDEX_COLUMNS:
            return
        direction = "DESC" if descending else "ASC"
        if key == "path":
            terms = f"path COLLATE NOCASE {direction}, id {direction}"
        else:
            collate = "" if column.numeric else " COLLATE NOCASE"
            terms = f"{expr} IS NULL, {expr}{collate} {direction}, id ASC"
        name = f"track_index_{key}_{direction.lower()}"
        with self.store.db.conn:
            self.store.db.execute(f"CREATE INDEX IF NOT EXISTS temp.{name} ON track_index ({terms})")
        self._sort_indexes.add((key, descending))

    @property
    def sort_indexes(self) -> frozenset[tuple[str, bool]]:
        return frozenset(self._sort_indexes)

    def append_new(self) -> int:
        """Add tracks written since the last build (during a scan); returns how many."""
        self.schema = schema_of(self.store)
        with self.store.db.conn:
            return self._insert_from(self.max_id)

    def refresh_risk(self) -> None:
        """Copy new risk scores in (after a review decision rescored the audit)."""
        self.schema = schema_of(self.store)
        if not has_risk(self.schema):
            return
        with self.store.db.conn:
            self.store.db.execute(f"UPDATE {INDEX_TABLE} SET risk = NULL, band = NULL")
            self.store.db.execute(
                f"UPDATE {INDEX_TABLE} AS t SET risk = r.risk, band = r.band "
                "FROM main.track_risk AS r WHERE r.track_id = t.id")

    def _insert_from(self, after_id: int) -> int:
        db, schema = self.store.db, self.schema
        values = {name: expr for name, expr in _INDEX_FROM_TRACKS.items()}
        values["haystack"] = _haystack_sql()
        joins = []
        if has_findings(schema):
            active = " AND coalesce(f.active, 1) = 1" if schema.has("findings", "active") else ""
            joins.append(
                "LEFT JOIN (SELECT ft.track_id, count(*) AS n FROM main.finding_tracks ft "
                f"JOIN main.findings f ON f.key = ft.finding_key WHERE ft.track_id > :after{active} "
                "GROUP BY ft.track_id) fc ON fc.track_id = x.id")
            values["findings"] = "coalesce(fc.n, 0)"
        else:
            values["findings"] = "0"
        if has_risk(schema):
            joins.append("LEFT JOIN main.track_risk r ON r.track_id = x.id")
            values["risk"], values["band"] = "r.risk", "r.band"
        else:
            values["risk"] = values["band"] = "NULL"
        selects = ", ".join(values[name] for name in _INDEX_ORDER)
        sql = (f"INSERT OR REPLACE INTO {INDEX_TABLE} SELECT {selects} "
               f"FROM main.tracks x {' '.join(joins)} WHERE x.id > :after")
        cursor = db.execute(sql, {"after": after_id})
        added = cursor.rowcount if cursor.rowcount is not None else 0
        top = db.execute(f"SELECT max(id) FROM {INDEX_TABLE}").fetchone()[0]
        self.max_id = int(top or 0)
        return max(0, added)

    def count(self) -> int:
        return int(self.store.db.execute(f"SELECT count(*) FROM {INDEX_TABLE}").fetchone()[0])


# --- columns of the tracks table -----------------------------------------------------------

_WRITERS_SQL = ("(SELECT group_concat(name, '; ') FROM (SELECT DISTINCT c.name AS name FROM main.credits c "
                "WHERE c.track_id = t.id AND c.role IN ('composer', 'lyricist', 'writer') ORDER BY c.id))")


@dataclass(frozen=True, slots=True)
class Column:
    """One column the tracks table can show.

    ``sql`` reads the index (alias ``t``) or, for columns kept out of it, the
    full row (alias ``x``, joined for the displayed page only).
    """

    key: str
    title: str
    sql: str
    kind: str = "text"  # text, int, duration, bitrate, size, risk, band, flag, samplerate
    visible: bool = False  # shown by default
    group: str = "tags"  # tags, technical, audit, file

    @property
    def numeric(self) -> bool:
        return self.kind not in ("text", "band")

    @property
    def needs_row(self) -> bool:
        return "x." in self.sql

    @property
    def sort_sql(self) -> str:
        """The expression to order by, over the index alone."""
        if self.needs_row:
            return f"(SELECT {self.sql} FROM main.tracks x WHERE x.id = t.id)"
        return self.sql


COLUMNS: tuple[Column, ...] = (
    Column("risk", "Risk", "t.risk", "risk", True, "audit"),
    Column("band", "Band", "t.band", "band", False, "audit"),
    Column("findings", "Findings", "t.findings", "int", False, "audit"),
    Column("title", "Title", "t.title", visible=True),
    Column("artist", "Artist", "t.artist", visible=True),
    Column("album", "Album", "t.album", visible=True),
    Column("writers", "Writers", _WRITERS_SQL, visible=True),
    Column("label", "Label", "t.label", visible=True),
    Column("isrc", "ISRC", "t.isrc", visible=True),
    Column("album_artist", "Album artist", "t.album_artist"),
    Column("publisher", "Publisher", "t.publisher"),
    Column("upc", "UPC/EAN", "t.upc"),
    Column("catalog_number", "Catalog #", "t.catalog_number"),
    Column("iswc", "ISWC", "x.iswc"),
    Column("release_date", "Date", "t.release_date"),
    Column("genre", "Genre", "t.genre"),
    Column("track_number", "Track", "x.track_no", "int"),
    Column("disc_number", "Disc", "x.disc_no", "int"),
    Column("copyright", "Copyright", "x.copyright"),
    Column("comment", "Comment", "x.comment"),
    Column("format", "Format", "t.format", visible=True, group="technical"),
    Column("codec", "Codec", "t.codec", group="technical"),
    Column("duration", "Length", "t.duration", "duration", True, "technical"),
    Column("bitrate", "Bitrate", "t.bitrate", "bitrate", True, "technical"),
    Column("bitrate_mode", "Mode", "x.bitrate_mode", group="technical"),
    Column("sample_rate", "Sample rate", "x.sample_rate", "samplerate", group="technical"),
    Column("channels", "Ch", "x.channels", "int", group="technical"),
    Column("bits_per_sample", "Bits", "x.bits_per_sample", "int", group="technical"),
    Column("encoder", "Encoder", "t.encoder", visible=True, group="technical"),
    Column("encoder_settings", "Encoder settings", "coalesce(x.encoder_settings_stream, x.encoder_settings)",
           group="technical"),
    Column("tag_containers", "Tags", "x.tag_containers", group="technical"),
    Column("layout_signature", "Tag layout", "x.layout_signature", group="technical"),
    Column("mismatch", "Ext≠content", "t.format_mismatch", "flag", group="technical"),
    Column("conflicts", "Conflicts", "t.has_conflicts", "flag", group="technical"),
    Column("art", "Artwork", "EXISTS (SELECT 1 FROM main.artworks a WHERE a.track_id = t.id)", "flag",
           group="technical"),
    Column("size", "Size", "t.size", "size", group="file"),
    Column("sha256", "SHA-256", "x.sha256", group="file"),
    Column("status", "Status", "t.status", group="file"),
    Column("filename", "File", "file_name(t.path)", visible=True, group="file"),
    Column("path", "Path", "t.path", visible=True, group="file"),
    Column("error", "Read error", "t.error", visible=True, group="file"),
)
COLUMN_BY_KEY: dict[str, Column] = {c.key: c for c in COLUMNS}
DEFAULT_SORT: tuple[str, bool] = ("path", False)

# --- the filter language ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Term:
    """One filter term; ``key`` is None for free text."""

    key: str | None
    value: str
    op: str = ":"  # ":", "=", ">", ">=", "<", "<="
    negate: bool = False


@dataclass(frozen=True, slots=True)
class FilterQuery:
    terms: tuple[Term, ...] = ()
    problems: tuple[str, ...] = ()
    text: str = ""

    @property
    def empty(self) -> bool:
        return not self.terms


@dataclass(frozen=True, slots=True)
class _Key:
    kind: str  # text, number, bool, error, ipi, credit, band, risk, review, finding, family, severity, status
    columns: tuple[str, ...] = ()  # tracks columns (text) or an index expression (number, bool)
    scale: float = 1.0  # number: stored units per user unit (bitrate: users type kbps)
    roles: tuple[str, ...] = ()


_TEXT_KEYS: dict[str, tuple[str, ...]] = {
    "title": ("title",), "subtitle": ("subtitle",), "artist": ("artist", "artists"),
    "album": ("album",), "albumartist": ("album_artist",), "label": ("label",),
    "publisher": ("publisher",), "isrc": ("isrc",), "upc": ("upc",),
    "catalog": ("catalog_number",), "iswc": ("iswc",), "date": ("release_date",),
    "originaldate": ("original_date",), "genre": ("genre",), "comment": ("comment",),
    "copyright": ("copyright",), "encoder": ("encoder", "encoder_tag", "encoded_by"),
    "encodersettings": ("encoder_settings_stream", "encoder_settings"),
    "codec": ("codec",), "format": ("format",), "ext": ("extension",), "path": ("path",),
    "sha256": ("sha256",), "filename": ("filename",), "layout": ("layout_signature",), "tags": ("tag_containers",),
    "mode": ("bitrate_mode",), "mood": ("mood",), "language": ("language",),
    "key": ("key",), "url": ("url",), "lyrics": ("lyrics",), "raw": ("raw_tags",),
    "marker": ("markers",), "issue": ("parse_issues",), "bpm": ("bpm",),
}
_ALIASES = {
    "album_artist": "albumartist", "aa": "albumartist", "pub": "publisher", "ean": "upc",
    "barcode": "upc", "catno": "catalog", "catalognumber": "catalog", "catalog_number": "catalog",
    "year": "date", "file": "filename", "extension": "ext", "sha": "sha256",
    "container": "tags", "tag": "tags", "sr": "samplerate", "sample_rate": "samplerate",
    "length": "duration", "time": "duration", "ch": "channels", "conflicts": "conflict",
    "artwork": "art", "cover": "art", "detector": "finding", "reviewed": "review",
    "people": "credit", "person": "credit", "markers": "marker", "issues": "issue",
    "tracknumber": "track", "discnumber": "disc", "writers": "writer", "songwriter": "writer",
}
KEYS: dict[str, _Key] = {name: _Key("text", cols) for name, cols in _TEXT_KEYS.items()}
KEYS.update({
    "bitrate": _Key("number", ("bitrate",), 1000.0),
    "duration": _Key("number", ("duration",)),
    "samplerate": _Key("number", ("sample_rate",)),
    "channels": _Key("number", ("channels",)),
    "bits": _Key("number", ("bits_per_sample",)),
    "size": _Key("number", ("size",)),
    "track": _Key("number", ("track_no",)),
    "disc": _Key("number", ("disc_no",)),
    "findings": _Key("number", ("findings",)),
    "risk": _Key("risk"),
    "band": _Key("band"),
    "error": _Key("error"),
    "conflict": _Key("bool", ("t.has_conflicts",)),
    "mismatch": _Key("bool", ("t.format_mismatch = 1",)),
    "art": _Key("bool", ("t.id IN (SELECT track_id FROM main.artworks)",)),
    "ipi": _Key("ipi"),
    "writer": _Key("credit", roles=tuple(sorted(WRITER_ROLES))),
    "credit": _Key("credit"),
    "review": _Key("review"),
    "finding": _Key("finding"),
    "family": _Key("family"),
    "severity": _Key("severity"),
    "status": _Key("status"),
    "id": _Key("ids"),
})
KEYS.update({role: _Key("credit", roles=(role,)) for role in CREDIT_ROLES if role not in KEYS})
KNOWN_KEYS: tuple[str, ...] = tuple(sorted(KEYS))

_TOKEN = re.compile(
    r"""(?P<neg>[-!])?
        (?:(?P<key>[A-Za-z_][A-Za-z0-9_]*):(?P<op>>=|<=|>|<|=)?)?
        (?:"(?P<quoted>(?:[^"\\]|\\.)*)"?|(?P<bare>\S*))""",
    re.VERBOSE,
)
_YES = frozenset({"yes", "y", "true", "1", "on"})
_NO = frozenset({"no", "n", "false", "0", "off", "none"})
_STATUS = ("present", "missing", "any", "all")


def _canonical_key(key: str) -> str:
    lowered = key.lower()
    return _ALIASES.get(lowered, lowered)


def parse_filter(text: str) -> FilterQuery:
    """Parse what a user typed into terms; never raises (see the module doc)."""
    terms: list[Term] = []
    problems: list[str] = []
    text = text or ""
    pos = 0
    while pos < len(text):
        if text[pos].isspace():
            pos += 1
            continue
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:  # a lone "-" or '"': take the rest as text
            rest = text[pos:].strip().strip('"-!')
            if rest:
                terms.append(Term(None, rest))
            break
        pos = match.end()
        negate = bool(match.group("neg"))
        raw_key, op = match.group("key"), match.group("op") or ":"
        quoted = match.group("quoted")
        value = (re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else match.group("bare") or "")
        if raw_key is None:
            if value:
                terms.append(Term(None, value, negate=negate))
            continue
        key = _canonical_key(raw_key)
        if key not in KEYS:
            problems.append(f"unknown field '{raw_key}': searched as text")
            terms.append(Term(None, f"{raw_key}:{'' if op == ':' else op}{value}", negate=negate))
            continue
        if not value:
            continue  # "artist:" while typing: no constraint yet
        term = _checked_term(key, raw_key, value, op, negate, problems)
        if term is not None:
            terms.append(term)
    return FilterQuery(tuple(terms), tuple(problems), text)


def _checked_term(key: str, raw_key: str, value: str, op: str, negate: bool,
                  problems: list[str]) -> Term | None:
    spec = KEYS[key]
    lowered = value.lower()
    if op in (">", ">=", "<", "<=") and spec.kind not in ("number", "risk"):
        problems.append(f"'{raw_key}' is not a number field: '{op}' ignored")
        op = ":"
    if spec.kind in ("number", "risk"):
        if _number(key, value) is None:
            problems.append(f"'{raw_key}:{value}' is not a number: term ignored")
            return None
        return Term(key, value, "=" if op == ":" else op, negate)
    allowed: tuple[str, ...] | None = {
        "bool": tuple(sorted(_YES | _NO)),
        "band": (*BANDS, "none", "unscored"),
        "review": (*REVIEW_STATUSES, "reviewed", "unreviewed"),
        "status": _STATUS,
    }.get(spec.kind)
    if allowed is not None and lowered not in allowed:
        shown = "yes or no" if spec.kind == "bool" else ", ".join(allowed)
        problems.append(f"'{raw_key}' takes {shown}: '{value}' ignored")
        return None
    return Term(key, value, op, negate)


_SIZE_UNITS = {"": 1.0, "b": 1.0, "k": 1e3, "kb": 1e3, "m": 1e6, "mb": 1e6, "g": 1e9, "gb": 1e9,
               "kib": 1024.0, "mib": 1024.0 ** 2, "gib": 1024.0 ** 3}


def _number(key: str, value: str) -> float | None:
    """A user's number in stored units: ``3:30`` seconds, ``5MB`` bytes, ``44.1khz`` hertz."""
    text = value.strip().lower().replace(",", "")
    if key == "duration" and ":" in text:
        seconds = 0.0
        try:
            for part in text.split(":"):
                seconds = seconds * 60 + float(part)
        except ValueError:
            return None
        return seconds if seconds == seconds else None
    unit = 1.0
    if key == "size":
        match = re.fullmatch(r"([0-9.]+)\s*([a-z]*)", text)
        if not match or match.group(2) not in _SIZE_UNITS:
            return None
        text, unit = match.group(1), _SIZE_UNITS[match.group(2)]
    elif key == "bitrate" and text.endswith("kbps"):
        text = text[:-4]
    elif key == "samplerate" and text.endswith("khz"):
        text, unit = text[:-3], 1000.0
    elif key == "samplerate" and text.endswith("hz"):
        text = text[:-2]
    try:
        number = float(text) * unit
    except ValueError:
        return None
    if number != number or number in (float("inf"), float("-inf")):
        return None
    return number


# --- filter -> SQL over the index ----------------------------------------------------------


def _like(value: str) -> str:
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _contains(columns: Sequence[str], value: str, params: list[Any]) -> str:
    """Case-insensitive substring over columns.

    SQLite's LIKE folds ASCII only; for other needles a registered Python
    function folds case and accents (slower, so used only when needed).
    """
    parts = []
    for column in columns:
        if value.isascii():
            parts.append(f"{column} LIKE ? ESCAPE '\\'")
            params.append(_like(value))
        else:
            parts.append(f"ca_contains({column}, ?)")
            params.append(fold(value))
    return "(" + " OR ".join(parts) + ")"


def _equals(columns: Sequence[str], value: str, params: list[Any]) -> str:
    parts = []
    for column in columns:
        parts.append(f"{column} = ? COLLATE NOCASE")
        params.append(value)
    return "(" + " OR ".join(parts) + ")"


def _compare(expr: str, op: str, number: float, params: list[Any], tolerance: float = 0.5) -> str:
    """``expr op number``; equality allows ``tolerance`` (tags store 180.4 s, users type 180)."""
    if op in ("=", ":"):
        params.extend([number - tolerance, number + tolerance])
        return f"({expr} >= ? AND {expr} < ?)"
    params.append(number)
    return f"{expr} {op} ?"


_INDEX_EXPRESSIONS = {"filename": "file_name(t.path)"}


def _text_sql(columns: Sequence[str], value: str, op: str, params: list[Any]) -> str:
    if all(c in _EXACT_IN_INDEX or c in _INDEX_EXPRESSIONS for c in columns):
        cols = [_INDEX_EXPRESSIONS.get(c, f"t.{c}") for c in columns]
        return _equals(cols, value, params) if op == "=" else _contains(cols, value, params)
    cols = [f"x.{c}" for c in columns]
    cond = _equals(cols, value, params) if op == "=" else _contains(cols, value, params)
    return f"t.id IN (SELECT x.id FROM main.tracks x WHERE {cond})"


def _findings_sql(condition: str, schema: Schema) -> str:
    if not has_findings(schema):
        return "0"
    active = "coalesce(f.active, 1) = 1 AND " if schema.has("findings", "active") else ""
    return ("t.id IN (SELECT ft.track_id FROM main.finding_tracks ft JOIN main.findings f "
            f"ON f.key = ft.finding_key WHERE {active}{condition})")


def _review_sql(value: str, schema: Schema, params: list[Any]) -> str:
    if not schema.has("reviews", "finding_key", "status"):
        return _findings_sql("1", schema) if value in ("open", "unreviewed") else "0"
    status = "coalesce((SELECT rv.status FROM main.reviews rv WHERE rv.finding_key = f.key), 'open')"
    if value == "reviewed":
        return _findings_sql(f"{status} != 'open'", schema)
    if value == "unreviewed":
        return _findings_sql(f"{status} = 'open'", schema)
    params.append(value)
    return _findings_sql(f"{status} = ?", schema)


def _credit_sql(value: str, op: str, roles: Sequence[str], params: list[Any]) -> str:
    normalized = normalize_name(value)
    if op == "=":
        name_sql = "(c.name_normalized = ? OR c.name = ? COLLATE NOCASE)"
        params.extend([normalized, value])
    elif normalized.isascii() and value.isascii():
        name_sql = "(c.name_normalized LIKE ? ESCAPE '\\' OR c.name LIKE ? ESCAPE '\\')"
        params.extend([_like(normalized), _like(value)])
    else:
        name_sql = "(ca_contains(c.name_normalized, ?) OR ca_contains(c.name, ?))"
        params.extend([fold(normalized), fold(value)])
    role_sql = ""
    if roles:
        role_sql = " AND c.role IN (" + ",".join("?" * len(roles)) + ")"
        params.extend(roles)
    return f"t.id IN (SELECT c.track_id FROM main.credits c WHERE {name_sql}{role_sql})"


def _term_sql(term: Term, schema: Schema, params: list[Any]) -> str | None:
    if term.key is None:  # the haystack is folded already, so LIKE only has to match bytes
        params.append(_like(fold(term.value)))
        return "t.haystack LIKE ? ESCAPE '\\'"
    spec = KEYS[term.key]
    value, lowered = term.value, term.value.lower()
    kind = spec.kind
    if kind == "text":
        return _text_sql(spec.columns, value, term.op, params)
    if kind in ("number", "risk"):
        number = _number(term.key, value)
        if number is None:
            return None
        if kind == "risk":
            return _compare("t.risk", term.op, number, params)
        name = spec.columns[0]
        if name in INDEX_COLUMNS:
            return _compare(f"t.{name}", term.op, number * spec.scale, params, 0.5 * spec.scale)
        condition = _compare(f"x.{name}", term.op, number * spec.scale, params, 0.5 * spec.scale)
        return f"t.id IN (SELECT x.id FROM main.tracks x WHERE {condition})"
    if kind == "ids":  # "id:12,40,41" — what a click on a report chart selects
        ids = [int(part) for part in re.split(r"[,\s]+", value) if part.isdigit()][:MAX_ID_TERMS]
        if not ids:
            return None
        params.extend(ids)
        return f"t.id IN ({','.join('?' * len(ids))})"
    if kind == "bool":
        return spec.columns[0] if lowered in _YES else f"NOT coalesce({spec.columns[0]}, 0)"
    if kind == "error":
        if lowered in _YES:
            return "t.error IS NOT NULL"
        if lowered in _NO:
            return "t.error IS NULL"
        return _contains(("t.error",), value, params)
    if kind == "ipi":
        with_ipi = "t.id IN (SELECT track_id FROM main.credits WHERE ipi IS NOT NULL)"
        if lowered in _YES:
            return with_ipi
        if lowered in _NO:
            return f"NOT ({with_ipi})"
        params.append(_like(re.sub(r"\D", "", value) or value))
        return "t.id IN (SELECT track_id FROM main.credits WHERE ipi LIKE ? ESCAPE '\\')"
    if kind == "credit":
        return _credit_sql(value, term.op, spec.roles, params)
    if kind == "band":
        if lowered in ("none", "unscored"):
            return "t.band IS NULL"
        params.append(lowered)
        return "t.band = ?"
    if kind in ("review", "finding", "family", "severity") and not has_findings(schema):
        return "0"
    if kind == "review":
        return _review_sql(lowered, schema, params)
    if kind == "finding":
        return _findings_sql(_contains(("f.detector", "f.title", "f.key"), value, params), schema)
    if kind == "family":
        return _findings_sql(_contains(("f.family",), value, params), schema)
    if kind == "severity":
        params.append(lowered)
        return _findings_sql("lower(f.severity) = ?", schema)
    return None  # status: handled by track_where


def track_where(query: FilterQuery, schema: Schema) -> tuple[str, list[Any]]:
    """The WHERE clause over the index (alias ``t``) for a parsed filter."""
    params: list[Any] = []
    clauses: list[str] = []
    status = "present"
    for term in query.terms:
        if term.key == "status":
            status = term.value.lower()
            if term.negate and status in ("present", "missing"):
                status = "missing" if status == "present" else "present"
            continue
        sql = _term_sql(term, schema, params)
        if sql is not None:
            clauses.append(f"NOT coalesce({sql}, 0)" if term.negate else sql)
    if status in ("present", "missing"):
        clauses.insert(0, f"t.status = '{status}'")
    return (" AND ".join(clauses) if clauses else "1"), params


def order_by(sort_key: str | None, descending: bool) -> str:
    """Stable order: empty values last in either direction, ties in id (scan) order."""
    column = COLUMN_BY_KEY.get(sort_key or "") or COLUMN_BY_KEY[DEFAULT_SORT[0]]
    direction = "DESC" if descending else "ASC"
    if column.key == "path":
        return f"t.path COLLATE NOCASE {direction}, t.id {direction}"
    expr = column.sort_sql
    collate = "" if column.numeric else " COLLATE NOCASE"
    return f"{expr} IS NULL, {expr}{collate} {direction}, t.id ASC"


def count_tracks(index: TrackIndex, query: FilterQuery) -> int:
    where, params = track_where(query, index.schema)
    return int(index.store.db.execute(
        f"SELECT count(*) FROM {INDEX_TABLE} t WHERE {where}", params).fetchone()[0])


WALK_BUDGET = 0.008  # seconds an index walk may take before a scan is the better bet


def _page_ids(index: TrackIndex, where: str, params: list[Any], key: str, descending: bool,
              offset: int, limit: int, *, filtered: bool) -> list[int]:
    """Ids of one page, in order.

    Walking the sort index and stopping after ``limit`` matches is instant when
    many rows match, but visits every row through a lookup when few do (0.2 s
    at 100k).  A scan with a bounded sort costs the same whatever matches
    (~40 ms at 100k).  So a filtered page first walks the index for a few
    milliseconds and falls back to the scan when that was not enough.
    """
    conn = index.store.db.conn
    order = order_by(key, descending)
    args = [*params, int(limit), int(offset)]
    walk = f"SELECT t.id FROM {INDEX_TABLE} t WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?"
    if not filtered or (key, descending) not in index.sort_indexes:
        return [row[0] for row in conn.execute(walk, args)]
    deadline = time.perf_counter() + WALK_BUDGET

    def budget() -> int:
        return int(time.perf_counter() > deadline)

    conn.set_progress_handler(budget, 2000)
    try:
        return [row[0] for row in conn.execute(walk, args)]
    except sqlite3.OperationalError as exc:
        if "interrupt" not in str(exc):
            raise
    finally:
        conn.set_progress_handler(None, 0)
    scan = f"SELECT t.id FROM {INDEX_TABLE} t NOT INDEXED WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?"
    return [row[0] for row in conn.execute(scan, args)]


def matching_ids(index: TrackIndex, query: FilterQuery) -> list[int]:
    """Every track id the filter matches (the report view's charts follow the filter)."""
    where, params = track_where(query, index.schema)
    return [row[0] for row in index.store.db.execute(f"SELECT t.id FROM {INDEX_TABLE} t WHERE {where}", params)]


def track_page(
    index: TrackIndex,
    query: FilterQuery,
    columns: Sequence[str],
    *,
    sort: tuple[str | None, bool] = DEFAULT_SORT,
    offset: int = 0,
    limit: int = PAGE_SIZE,
) -> list[tuple[Any, ...]]:
    """Rows ``(id, band, *columns)`` of one page, sorted and filtered by SQLite.

    Two steps: the ids of the page (filter + order, helped by a sort index),
    then the displayed values of just those rows, so per-row subqueries such
    as the writers list never run for the whole catalog.
    """
    key = sort[0] if sort[0] in COLUMN_BY_KEY else DEFAULT_SORT[0]
    index.ensure_sort_index(key, sort[1])
    where, params = track_where(query, index.schema)
    db = index.store.db
    ids = _page_ids(index, where, params, key, sort[1], offset, limit,
                    filtered=any(term.key != "status" for term in query.terms))
    if not ids:
        return []
    selected = "".join(f", {COLUMN_BY_KEY[k].sql}" for k in columns)
    join = (" JOIN main.tracks x ON x.id = t.id"
            if any(COLUMN_BY_KEY[k].needs_row for k in columns) else "")
    found: dict[int, tuple[Any, ...]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for row in db.execute(f"SELECT t.id, t.band{selected} FROM {INDEX_TABLE} t{join} "
                              f"WHERE t.id IN ({marks})", chunk):
            found[row[0]] = tuple(row)
    return [found[i] for i in ids if i in found]


def track_position(index: TrackIndex, query: FilterQuery, track_id: int, *,
                   sort: tuple[str | None, bool] = DEFAULT_SORT) -> int | None:
    """Row number of a track in the current order (to scroll to it), or None if filtered out."""
    where, params = track_where(query, index.schema)
    sql = (f"SELECT n FROM (SELECT t.id AS id, row_number() OVER (ORDER BY {order_by(*sort)}) - 1 AS n "
           f"FROM {INDEX_TABLE} t WHERE {where}) WHERE id = ?")
    row = index.store.db.execute(sql, [*params, int(track_id)]).fetchone()
    return int(row[0]) if row else None


# --- one track, for the detail pane -----------------------------------------------------------


def _loads(text: Any, default: Any) -> Any:
    if not text:
        return default
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return default


def track_detail(store: Store, track_id: int) -> dict[str, Any] | None:
    """Everything the detail pane shows about one track, JSON columns decoded."""
    rows = list(store.db["tracks"].rows_where("id = ?", [track_id]))
    if not rows:
        return None
    track = rows[0]
    schema = schema_of(store)
    detail: dict[str, Any] = {"track": track}
    for name, default in (("field_values", []), ("conflicts", []), ("raw_tags", []),
                          ("parse_issues", []), ("markers", []), ("tag_containers", []),
                          ("encoder_sources", []), ("artists", [])):
        detail[name] = _loads(track.get(name), default)
    detail["credits"] = list(store.db["credits"].rows_where("track_id = ?", [track_id], order_by="id"))
    detail["artworks"] = list(store.db["artworks"].rows_where("track_id = ?", [track_id], order_by="id"))
    detail["risk"] = None
    if has_risk(schema):
        risk_rows = list(store.db["track_risk"].rows_where("track_id = ?", [track_id]))
        if risk_rows:
            risk = dict(risk_rows[0])
            risk["reasons"] = _loads(risk.get("reasons"), [])
            detail["risk"] = risk
    detail["findings"] = finding_rows(store, track_id=track_id, schema=schema)
    detail["declared"] = store.declared_for_track(track_id) if "declared_recordings" in schema.tables else []
    return detail


# --- findings, artists, problems --------------------------------------------------------------


def finding_rows(store: Store, *, review: str | None = None, track_id: int | None = None,
                 schema: Schema | None = None) -> list[dict[str, Any]]:
    """Active findings with their review state and member-track count."""
    schema = schema or schema_of(store)
    if not schema.has("findings", "key"):
        return []
    cols = schema.columns.get("findings", frozenset())
    has_reviews = schema.has("reviews", "finding_key", "status")
    has_members = schema.has("finding_tracks", "finding_key", "track_id")

    def col(name: str, default: str = "NULL") -> str:
        return f"f.{name}" if name in cols else f"{default} AS {name}"

    review_sql = ("coalesce(rv.status, 'open') AS review_status, rv.note AS review_note, "
                  "rv.updated_at AS reviewed_at") if has_reviews else \
        "'open' AS review_status, NULL AS review_note, NULL AS reviewed_at"
    join = " LEFT JOIN reviews rv ON rv.finding_key = f.key" if has_reviews else ""
    members = ("(SELECT count(*) FROM finding_tracks ft WHERE ft.finding_key = f.key)"
               if has_members else "0")
    where, params = [], []
    if "active" in cols:
        where.append("coalesce(f.active, 1) = 1")
    if review:
        status_expr = "coalesce(rv.status, 'open')" if has_reviews else "'open'"
        if review == "reviewed":
            where.append(f"{status_expr} != 'open'")
        else:
            where.append(f"{status_expr} = ?")
            params.append(review)
    if track_id is not None:
        if not has_members:
            return []
        where.append("f.key IN (SELECT finding_key FROM finding_tracks WHERE track_id = ?)")
        params.append(track_id)
    sql = (f"SELECT f.key AS key, {col('detector')}, {col('family')}, {col('severity')}, "
           f"{col('score')}, {col('subject_type')}, {col('subject')}, {col('title')}, "
           f"{col('explanation')}, {col('evidence')}, {col('innocent_explanations')}, "
           f"{review_sql}, {members} AS tracks FROM findings f{join}"
           + (" WHERE " + " AND ".join(where) if where else "")
           + " ORDER BY f.family, f.score DESC, f.key")
    cursor = store.db.execute(sql, params)
    names = [d[0] for d in cursor.description]
    rows = []
    for values in cursor:
        row = dict(zip(names, values))
        row["evidence"] = _loads(row.get("evidence"), row.get("evidence"))
        row["innocent_explanations"] = _loads(row.get("innocent_explanations"), [])
        rows.append(row)
    return rows


def finding_track_ids(store: Store, finding_key: str, limit: int = 10_000) -> list[int]:
    schema = schema_of(store)
    if not schema.has("finding_tracks", "finding_key", "track_id"):
        return []
    return [r[0] for r in store.db.execute(
        "SELECT track_id FROM finding_tracks WHERE finding_key = ? ORDER BY track_id LIMIT ?",
        [finding_key, limit])]


def severity_rank(severity: str | None) -> int:
    value = (severity or "").lower()
    return SEVERITY_ORDER.index(value) if value in SEVERITY_ORDER else len(SEVERITY_ORDER)


def reason_texts(reasons: Any, limit: int = 3) -> list[str]:
    """Readable lines from a ``reasons`` JSON value, whatever shape the scorer chose."""
    if isinstance(reasons, str):
        reasons = _loads(reasons, reasons)
    if isinstance(reasons, str):
        return [reasons] if reasons else []
    if isinstance(reasons, dict):
        reasons = [{"title": k, "points": v} for k, v in reasons.items()]
    if not isinstance(reasons, list):
        return []
    texts = []
    for reason in reasons[: limit if limit else None]:
        if isinstance(reason, dict):
            label = next((str(reason[k]) for k in ("title", "label", "reason", "explanation", "detector",
                                                   "finding", "key") if reason.get(k)), "")
            points = next((reason[k] for k in ("points", "weight", "contribution", "score")
                           if isinstance(reason.get(k), (int, float))), None)
            texts.append(f"{label} (+{points:g})" if points is not None and label else label or str(reason))
        else:
            texts.append(str(reason))
    return texts


def artist_rows(store: Store, schema: Schema | None = None) -> list[dict[str, Any]]:
    """One row per artist: risk, band, tracks and top reasons (or just counts before scoring)."""
    schema = schema or schema_of(store)
    if schema.has("artist_risk", "artist", "risk"):
        cols = schema.columns["artist_risk"]
        select = ", ".join(name if name in cols else f"NULL AS {name}"
                           for name in ("artist", "risk", "band", "tracks", "reasons"))
        cursor = store.db.execute(
            f"SELECT {select} FROM artist_risk ORDER BY risk DESC, artist COLLATE NOCASE")
        rows = []
        for artist, risk, band, tracks, reasons in cursor:
            rows.append({"artist": artist, "risk": risk, "band": band, "tracks": tracks,
                         "reasons": reason_texts(reasons, 0)})
        if rows:
            return rows
    cursor = store.db.execute(
        "SELECT coalesce(artist, ''), count(*) FROM tracks WHERE status = 'present' "
        "GROUP BY coalesce(artist, '') ORDER BY count(*) DESC, artist COLLATE NOCASE")
    return [{"artist": artist, "risk": None, "band": None, "tracks": n, "reasons": []}
            for artist, n in cursor]


def problem_rows(store: Store, limit: int = 10_000, index: TrackIndex | None = None) -> list[dict[str, Any]]:
    """Paths the last scan skipped, then files that could not be read (from the index when given)."""
    scan = store.last_scan()
    rows: list[dict[str, Any]] = []
    if scan is not None:
        for row in store.db.execute(
                "SELECT path, stage, reason FROM main.scan_errors WHERE scan_id = ? ORDER BY id LIMIT ?",
                [scan["id"], limit]):
            rows.append({"path": row[0], "stage": row[1], "reason": row[2], "track_id": None})
    source = INDEX_TABLE if index is not None else "main.tracks"
    remaining = max(0, limit - len(rows))
    for track_id, path, error in store.db.execute(
            f"SELECT id, path, error FROM {source} WHERE error IS NOT NULL AND status = 'present' "
            "ORDER BY path LIMIT ?", [remaining]):
        rows.append({"path": path, "stage": "read", "reason": error, "track_id": track_id})
    return rows


def audit_roots(store: Store) -> list[str]:
    """Every root ever scanned into this audit (what Rescan scans again)."""
    roots: list[str] = []
    for (text,) in store.db.execute("SELECT roots FROM scans ORDER BY id"):
        for root in _loads(text, []):
            if isinstance(root, str) and root not in roots:
                roots.append(root)
    return roots


def audit_counts(store: Store, schema: Schema | None = None, index: TrackIndex | None = None) -> dict[str, int]:
    """Headline numbers for the status bar (track counts read from the index when given)."""
    schema = schema or schema_of(store)
    source = INDEX_TABLE if index is not None else "main.tracks"
    present, missing, errors = store.db.execute(
        f"SELECT coalesce(sum(status = 'present'), 0), coalesce(sum(status = 'missing'), 0), "
        f"coalesce(sum(status = 'present' AND error IS NOT NULL), 0) FROM {source}").fetchone()
    counts = {"tracks": int(present), "missing": int(missing), "errors": int(errors),
              "findings": 0, "high_risk_tracks": 0}
    if schema.has("findings", "key"):
        active = " WHERE coalesce(active, 1) = 1" if schema.has("findings", "active") else ""
        counts["findings"] = int(store.db.execute(f"SELECT count(*) FROM main.findings{active}").fetchone()[0])
    if has_risk(schema):
        counts["high_risk_tracks"] = int(store.db.execute(
            "SELECT count(*) FROM main.track_risk WHERE band = 'high'").fetchone()[0])
    return counts
