"""Headless commands: ``python -m auditor …`` and ``catalog-auditor …``.

A contract other tools rely on: exit 0 on success, 1 on failure, 2 on
usage errors; failures print one clear line on stderr, never a traceback.
The commands call the same core functions as the desktop app.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from . import __version__
from .errors import AuditorError, StoreError
from .audit import AuditSummary, run_audit
from .detectors.engine import DetectionSummary, run_detection
from .output import write_csv, write_json, write_table
from .queries import (ARTIST_TABLE_COLUMNS, FINDING_TABLE_COLUMNS, TRACK_TABLE_COLUMNS, artist_rows,
                      finding_rows, track_rows, why_text)
from .scan import ScanProgress, ScanSummary
from .store import Store

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


class CliError(Exception):
    """A failure to report as one line with exit code 1."""


def _open_store(path: str, *, create: bool) -> Store:
    db_path = Path(path)
    if create and db_path.parent and not db_path.parent.exists():
        raise CliError(f"cannot create audit database {db_path}: folder {db_path.parent} does not exist")
    if create and db_path.exists() and not os.access(db_path, os.W_OK):
        raise CliError(f"cannot write audit database {db_path}: permission denied")
    if create and not db_path.exists() and not os.access(db_path.parent or Path("."), os.W_OK):
        raise CliError(f"cannot create audit database {db_path}: folder is not writable")
    try:
        return Store(db_path, create=create)
    except StoreError as exc:
        raise CliError(str(exc)) from exc


# --- progress rendering -------------------------------------------------------------

class ProgressPrinter:
    """A one-line bar on a terminal; plain lines (every 10 % or 5 s) otherwise."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.last_line = 0.0
        self.last_percent = -10

    def __call__(self, event: ScanProgress) -> None:
        if event.phase in ("counting", "finishing"):  # no file progress to show in these phases
            return
        if event.phase == "detecting":
            self._detecting(event)
            return
        percent = int(100 * event.files_done / event.files_total) if event.files_total else 100
        eta = f" · ETA {_duration(event.eta_seconds)}" if event.eta_seconds else ""
        text = (f"{percent:3d}% {event.files_done:,}/{event.files_total:,} files"
                f" · {event.bytes_read / 1e6:,.1f} MB read · {event.failed:,} failed{eta}")
        if self.tty:
            bar = "#" * (percent // 4)
            self.stream.write(f"\r[{bar:<25}] {text}\x1b[K")
            if event.phase == "done":
                self.stream.write("\n")
            self.stream.flush()
            return
        now = time.monotonic()
        if event.phase == "done" or percent >= self.last_percent + 10 or now - self.last_line >= 5:
            self.stream.write(f"scan: {text}\n")
            self.stream.flush()
            self.last_line, self.last_percent = now, percent


    def _detecting(self, event: ScanProgress) -> None:
        text = f"detecting {event.files_done}/{event.files_total}: {event.current or 'done'}"
        if self.tty:
            self.stream.write(f"\r{text}\x1b[K")
            if event.files_done >= event.files_total:
                self.stream.write("\n")
        elif event.files_done == 0 or event.files_done >= event.files_total:
            self.stream.write(f"detect: {text}\n")
        self.stream.flush()


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 \
        else f"{seconds // 60}:{seconds % 60:02d}"


def print_summary(summary: ScanSummary, out: TextIO) -> None:
    out.write(
        f"Scan {summary.status}: {summary.seen:,} seen · {summary.read:,} read · "
        f"{summary.unchanged:,} unchanged · {summary.missing:,} missing · "
        f"{summary.failed:,} failed · {summary.problems:,} skipped with a problem · "
        f"{summary.elapsed:.1f} s ({summary.workers} workers)\n")
    for path, reason in summary.failures[:10]:
        out.write(f"  failed: {path}: {reason}\n")
    if len(summary.failures) > 10 or summary.failed > len(summary.failures[:10]):
        out.write(f"  … see `errors --db` for all {summary.failed + summary.problems:,} problems\n")


def print_detection(summary: DetectionSummary | None, out: TextIO) -> None:
    if summary is None:
        out.write("Detection: nothing to audit (no readable tracks)\n")
        return
    if summary.status != "completed":
        out.write("Detection cancelled; the previous findings are kept\n")
        return
    bands = summary.artist_bands
    out.write(
        f"Detection: {summary.findings:,} findings · artists: {bands.get('high', 0):,} high, "
        f"{bands.get('review', 0):,} review, {bands.get('low', 0):,} low · {summary.elapsed:.1f} s\n")


# --- commands ---------------------------------------------------------------------

def _audit(paths: Sequence[str], db: str, workers: int | None, quiet: bool, timeout: float,
           audio: bool = True, manifest_mapping: dict[str, str] | None = None) -> AuditSummary | None:
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        raise CliError(f"path does not exist: {missing[0]}")
    store = _open_store(db, create=True)
    cancel = threading.Event()
    try:
        summary = run_audit(store, paths, workers=workers, cancel=cancel,
                            progress=None if quiet else ProgressPrinter(sys.stderr), file_timeout=timeout,
                            audio=audio, manifest_mapping=manifest_mapping)
    except KeyboardInterrupt:
        cancel.set()
        sys.stderr.write("\nscan interrupted; what was read is saved — run the same command to resume\n")
        return None
    finally:
        store.close()
    print_summary(summary.scan, sys.stdout)
    print_detection(summary.detection, sys.stdout)
    return summary


def cmd_scan(args: argparse.Namespace) -> int:
    summary = _audit(args.paths, args.db, args.workers, args.quiet, args.timeout, audio=args.audio,
                     manifest_mapping=args.manifest_map)
    return EXIT_OK if summary is not None and summary.status == "completed" else EXIT_FAILURE


def cmd_detect(args: argparse.Namespace) -> int:
    store = _open_store(args.db, create=False)
    with store:
        summary = run_detection(store)
    print_detection(summary, sys.stdout)
    return EXIT_OK if summary.status == "completed" else EXIT_FAILURE


def _emit(rows: list[dict[str, Any]], fmt: str, table_columns: Sequence[str]) -> None:
    if fmt == "json":
        write_json(rows, sys.stdout)
    elif fmt == "csv":
        write_csv(rows, sys.stdout)
    else:
        write_table(rows, sys.stdout, table_columns)


def cmd_export(args: argparse.Namespace) -> int:
    """PDF report and/or CSV files; the same output as the desktop app's Export…"""
    if not args.pdf and not args.csv_dir:
        raise CliError("nothing to export: give --pdf FILE and/or --csv-dir DIR")
    if args.pdf and not Path(args.pdf).resolve().parent.is_dir():
        raise CliError(f"cannot write {args.pdf}: folder {Path(args.pdf).resolve().parent} does not exist")
    store = _open_store(args.db, create=False)
    with store:
        if args.csv_dir:
            from .report.csv_export import export_csv

            written = export_csv(store, Path(args.csv_dir))
            print(f"CSV: {', '.join(str(p) for p in written)}")
        if args.pdf:
            from .report.build import build_report

            report = build_report(store, title=args.title or f"Catalog audit — {Path(args.db).stem}")
            try:  # PDF layout and charts are drawn by Qt (offscreen when there is no display)
                from ui.report_pdf import export_pdf_headless
            except ImportError as exc:
                raise CliError(f"PDF export needs the GUI packages (pip install '.[gui]'): {exc}") from exc
            pages = export_pdf_headless(report, Path(args.pdf))
            print(f"PDF: {args.pdf} ({pages} pages)")
    return EXIT_OK


def cmd_tracks(args: argparse.Namespace) -> int:
    store = _open_store(args.db, create=False)
    with store:
        rows = track_rows(store, include_missing=args.include_missing)
    _emit(rows, args.format, TRACK_TABLE_COLUMNS)
    return EXIT_OK


def cmd_errors(args: argparse.Namespace) -> int:
    store = _open_store(args.db, create=False)
    with store:
        scan = store.last_scan()
        rows = [{"path": r["path"], "stage": r["stage"], "reason": r["reason"]}
                for r in store.scan_errors(scan["id"] if scan and not args.all else None)]
        rows += [{"path": t["path"], "stage": "read", "reason": t["error"]}
                 for t in store.db["tracks"].rows_where("error is not null and status = 'present'",
                                                        order_by="path")]
    _emit(rows, args.format, ("path", "stage", "reason"))
    return EXIT_OK


def cmd_findings(args: argparse.Namespace) -> int:
    store = _open_store(args.db, create=False)
    with store:
        rows = finding_rows(store, include_inactive=args.all)
    if args.detector:
        rows = [r for r in rows if r["detector"] == args.detector]
    if args.family:
        rows = [r for r in rows if r["family"] == args.family]
    _emit(rows, args.format, FINDING_TABLE_COLUMNS)
    return EXIT_OK


def _artist_table(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**r, "why": why_text(r)} for r in rows]


def cmd_artists(args: argparse.Namespace) -> int:
    store = _open_store(args.db, create=False)
    with store:
        rows = artist_rows(store)
    if args.format == "table":
        _emit(_artist_table(rows), "table", ARTIST_TABLE_COLUMNS)
    else:
        _emit(rows, args.format, ARTIST_TABLE_COLUMNS)
    return EXIT_OK


def cmd_review(args: argparse.Namespace) -> int:
    from .review import set_review

    store = _open_store(args.db, create=False)
    with store:
        review = set_review(store, args.key, args.status, args.note or "")
    print(f"Finding {review.finding_key}: {review.status}")
    return EXIT_OK


def cmd_registry_import(args: argparse.Namespace) -> int:
    from .registry import import_registry

    if not os.path.isfile(args.file):
        raise CliError(f"registry file does not exist: {args.file}")
    store = _open_store(args.db, create=True)
    with store:
        report = import_registry(store, args.file, source=args.source)
    print(f"Registry import from {report.path}: {report.added:,} added · {report.updated:,} updated · "
          f"{report.skipped:,} skipped · {len(report.problems):,} problems")
    for problem in report.problems[:20]:
        print(f"  {problem}")
    if len(report.problems) > 20:
        print(f"  … and {len(report.problems) - 20} more")
    print("Run `detect --db` to re-check writers against the registry.")
    return EXIT_OK


def cmd_registry_list(args: argparse.Namespace) -> int:
    from .registry import list_writers

    store = _open_store(args.db, create=False)
    with store:
        rows = [w.as_dict() for w in list_writers(store)]
    _emit(rows, args.format, ("id", "name", "ipi", "isni", "aliases", "verified", "source"))
    return EXIT_OK


def cmd_reference_add(args: argparse.Namespace) -> int:
    from .delivery.reference import add_reference

    if not os.path.exists(args.path):
        raise CliError(f"reference does not exist: {args.path}")
    store = _open_store(args.db, create=True)
    with store:
        row = add_reference(store, args.path, audio=args.audio, workers=args.workers)
    print(f"Reference added: {row['path']} ({row['kind']})")
    print("Run `detect --db` to compare the audit with its references.")
    return EXIT_OK


def cmd_reference_remove(args: argparse.Namespace) -> int:
    from .delivery.reference import remove_reference

    store = _open_store(args.db, create=False)
    with store:
        remove_reference(store, args.path)
    print(f"Reference removed: {args.path}")
    return EXIT_OK


def cmd_reference_list(args: argparse.Namespace) -> int:
    from .delivery.reference import list_references

    store = _open_store(args.db, create=False)
    with store:
        rows = list_references(store)
    _emit(rows, args.format, ("path", "kind", "tracks", "database", "added_at"))
    return EXIT_OK


def _manifest_map(text: str) -> dict[str, str]:
    from .delivery.manifest import ManifestError, parse_mapping_option

    try:
        return parse_mapping_option(text)
    except ManifestError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def cmd_demo(args: argparse.Namespace) -> int:
    from .demo import build_demo_catalog

    target = Path(args.dir)
    summary = build_demo_catalog(target)
    print(f"Demo catalog written to {target}: {summary.tracks} tracks, "
          f"{summary.total_bytes / 1e6:.1f} MB")
    if not args.db:
        return EXIT_OK
    audit = _audit([str(target)], args.db, args.workers, False, 30.0, audio=args.audio)
    if audit is None:
        return EXIT_FAILURE
    store = _open_store(args.db, create=False)
    with store:
        rows = artist_rows(store)
    print()
    write_table(_artist_table(rows), sys.stdout, ARTIST_TABLE_COLUMNS)
    print(f"\nDetails: catalog-auditor findings --db {args.db}")
    return EXIT_OK


# --- parser -------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="catalog-auditor",
        description="Audit audio catalogs for mass-produced (AI-farm) patterns, offline.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    scan = sub.add_parser("scan", help="scan folders, files or ZIP deliveries into an audit database")
    scan.add_argument("paths", nargs="+", metavar="PATH")
    scan.add_argument("--db", required=True, help="audit database (.sqlite), created if needed")
    scan.add_argument("--workers", type=int, default=None,
                      help="reader processes (default: CPU count; 0 = read in this process)")
    scan.add_argument("--timeout", type=float, default=30.0, help="per-file time limit in seconds")
    scan.add_argument("--quiet", action="store_true", help="no progress output")
    scan.add_argument("--audio", action=argparse.BooleanOptionalAction, default=True,
                      help="also decode the audio for loudness, spectral artifacts and near-duplicate "
                           "fingerprints (default: on; --no-audio reads tags only)")
    scan.add_argument("--manifest-map", type=_manifest_map, default=None, metavar="MAPPING",
                      help='spreadsheet manifest columns, e.g. "Song Name=title,Writers=writers" '
                           "(overrides the auto-detected headers)")
    scan.set_defaults(func=cmd_scan)

    export = sub.add_parser("export", help="write the PDF report and/or CSV files (tracks, artists, findings)")
    export.add_argument("--db", required=True)
    export.add_argument("--pdf", metavar="FILE", help="PDF report to write")
    export.add_argument("--csv-dir", metavar="DIR", help="folder for tracks.csv, artists.csv, findings.csv")
    export.add_argument("--title", help="report title (default: 'Catalog audit — <db name>')")
    export.set_defaults(func=cmd_export)

    tracks = sub.add_parser("tracks", help="list tracks with tags, credits and technical properties")
    tracks.add_argument("--db", required=True)
    tracks.add_argument("--format", choices=("json", "csv", "table"), default="table")
    tracks.add_argument("--include-missing", action="store_true", help="also list vanished files")
    tracks.set_defaults(func=cmd_tracks)

    errors = sub.add_parser("errors", help="list files that could not be read and why")
    errors.add_argument("--db", required=True)
    errors.add_argument("--format", choices=("json", "csv", "table"), default="table")
    errors.add_argument("--all", action="store_true", help="problems of every scan, not just the last")
    errors.set_defaults(func=cmd_errors)

    detect = sub.add_parser("detect", help="run every detector again on an audit database and rescore")
    detect.add_argument("--db", required=True)
    detect.set_defaults(func=cmd_detect)

    findings = sub.add_parser("findings", help="list findings with evidence, member tracks and review status")
    findings.add_argument("--db", required=True)
    findings.add_argument("--format", choices=("json", "csv", "table"), default="table")
    findings.add_argument("--all", action="store_true", help="also list findings no longer emitted")
    findings.add_argument("--detector", help="only this detector id")
    findings.add_argument("--family", help="only this family")
    findings.set_defaults(func=cmd_findings)

    artists = sub.add_parser("artists", help="list artists by risk, with the reasons behind each score")
    artists.add_argument("--db", required=True)
    artists.add_argument("--format", choices=("json", "csv", "table"), default="table")
    artists.set_defaults(func=cmd_artists)

    review = sub.add_parser("review", help="confirm, dismiss or reopen a finding (kept across re-runs)")
    review.add_argument("key", metavar="FINDING_KEY")
    review.add_argument("--db", required=True)
    review.add_argument("--status", required=True, choices=("open", "confirmed", "dismissed"))
    review.add_argument("--note", default="")
    review.set_defaults(func=cmd_review)

    registry = sub.add_parser("registry", help="the label's writer registry (name, IPI, ISNI, aliases)")
    registry_sub = registry.add_subparsers(dest="registry_command", required=True, metavar="ACTION")
    reg_import = registry_sub.add_parser("import", help="import a registry CSV (re-import updates)")
    reg_import.add_argument("file", metavar="FILE")
    reg_import.add_argument("--db", required=True)
    reg_import.add_argument("--source", help="name of the list (default: the file name)")
    reg_import.set_defaults(func=cmd_registry_import)
    reg_list = registry_sub.add_parser("list", help="list registry entries")
    reg_list.add_argument("--db", required=True)
    reg_list.add_argument("--format", choices=("json", "csv", "table"), default="table")
    reg_list.set_defaults(func=cmd_registry_list)

    reference = sub.add_parser("reference", help="reference catalogs (other audits or folders) to compare with")
    reference_sub = reference.add_subparsers(dest="reference_command", required=True, metavar="ACTION")
    ref_add = reference_sub.add_parser("add", help="add an audit database, or a folder (scanned into an "
                                                   "audit kept in <DB>.references/)")
    ref_add.add_argument("path", metavar="PATH")
    ref_add.add_argument("--db", required=True)
    ref_add.add_argument("--workers", type=int, default=None)
    ref_add.add_argument("--audio", action=argparse.BooleanOptionalAction, default=True,
                         help="analyse a folder's audio too, for fingerprint matches (default: on)")
    ref_add.set_defaults(func=cmd_reference_add)
    ref_remove = reference_sub.add_parser("remove", help="forget a reference catalog")
    ref_remove.add_argument("path", metavar="PATH")
    ref_remove.add_argument("--db", required=True)
    ref_remove.set_defaults(func=cmd_reference_remove)
    ref_list = reference_sub.add_parser("list", help="list reference catalogs")
    ref_list.add_argument("--db", required=True)
    ref_list.add_argument("--format", choices=("json", "csv", "table"), default="table")
    ref_list.set_defaults(func=cmd_reference_list)

    demo = sub.add_parser("demo", help="build the demo catalog (and audit it with --db)")
    demo.add_argument("dir", metavar="DIR")
    demo.add_argument("--db", help="also audit the catalog into this database and print the artists")
    demo.add_argument("--workers", type=int, default=None)
    demo.add_argument("--audio", action=argparse.BooleanOptionalAction, default=True,
                      help="analyse the audio too (default: on)")
    demo.set_defaults(func=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "workers", None) is not None and args.workers < 0:
        parser.error("--workers must be 0 or more")
    try:
        return int(args.func(args))
    except CliError as exc:
        sys.stderr.write(f"catalog-auditor: error: {exc}\n")
        return EXIT_FAILURE
    except AuditorError as exc:
        sys.stderr.write(f"catalog-auditor: error: {exc}\n")
        return EXIT_FAILURE
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:
        sys.stderr.write(f"catalog-auditor: error: {exc.strerror or exc}: {exc.filename or ''}\n")
        return EXIT_FAILURE


if __name__ == "__main__":
    raise SystemExit(main())
