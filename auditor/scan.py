"""The scan pipeline: discover -> skip unchanged -> read in worker processes -> store.

Shared by the CLI and the GUI (which runs it on a worker thread).  Properties:

* **Incremental.**  A file whose fingerprint (size, mtime_ns, ctime_ns, inode; for
  ZIP members size, CRC and date) matches the store is not opened at all.
* **Bounded memory.**  Discovery is a generator consumed in chunks; at most a
  fixed number of read tasks are in flight; results are written in batches.
* **Cancellable.**  ``cancel`` (a ``threading.Event``) is checked between chunks
  and forwarded to the workers, which stop between files.  What was written
  stays written; the next scan reads the rest.
* **Robust.**  A per-file time limit (SIGALRM in the worker) stops pathological
  files; a crashed worker is replaced and the files it held are retried one by
  one so that only the culprit is recorded as failed.
"""

from __future__ import annotations

import multiprocessing
from array import array
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .archive import ArchiveExtractor
from .discover import count_candidates, discover
from .errors import AuditorError, ReadTimeout
from .model import Candidate, DiscoveryProblem, TrackRecord
from .reader import failed_record, read_track
from .store import PreparedTrack, Store, prepare_track

DEFAULT_FILE_TIMEOUT = 30.0
DISCOVERY_CHUNK = 256
TASK_SIZE = 16
WRITE_BATCH = 256
WRITE_INTERVAL = 1.0
PROGRESS_INTERVAL = 0.1


@dataclass(frozen=True, slots=True)
class ScanProgress:
    """One progress event; the GUI and the CLI render the same events."""

    phase: str  # "counting", "reading", "finishing", "done"
    files_done: int
    files_total: int
    bytes_read: int
    elapsed: float
    eta_seconds: float | None
    current: str = ""
    failed: int = 0
    message: str = ""


@dataclass(slots=True)
class ScanSummary:
    scan_id: int
    status: str  # "completed" or "cancelled"
    seen: int = 0
    read: int = 0
    unchanged: int = 0
    missing: int = 0
    failed: int = 0
    problems: int = 0
    elapsed: float = 0.0
    workers: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # first few (path, reason)

    def counts(self) -> dict[str, Any]:
        return {"seen": self.seen, "read": self.read, "unchanged": self.unchanged,
                "missing": self.missing, "failed": self.failed, "problems": self.problems,
                "elapsed": round(self.elapsed, 3), "workers": self.workers}


ProgressCallback = Callable[[ScanProgress], None]


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def normalize_roots(roots: Iterable[str | os.PathLike[str]]) -> list[str]:
    """Absolute roots with nested duplicates removed (scanning a/ and a/b/ reads b once)."""
    absolute = sorted({os.path.abspath(os.fspath(r)) for r in roots})
    kept: list[str] = []
    for root in absolute:
        if not any(root == k or root.startswith(k.rstrip(os.sep) + os.sep) for k in kept):
            kept.append(root)
    return kept


def run_scan(
    store: Store,
    roots: Iterable[str | os.PathLike[str]],
    *,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    file_timeout: float = DEFAULT_FILE_TIMEOUT,
    audio: bool = False,
) -> ScanSummary:
    """Scan ``roots`` into ``store``; ``workers=0`` reads in this process (tests, tiny jobs).

    With ``audio`` the workers also decode each new or changed file and store its
    audio features (:mod:`auditor.audio`); files analysed before with the current
    analysis version are not decoded again, and an unchanged file without
    features is re-read once so that turning audio on later completes the audit.
    """
    workers = default_workers() if workers is None else max(0, workers)
    root_list = normalize_roots(roots)
    cancel = cancel or threading.Event()
    scan_id = store.begin_scan(root_list, workers)
    summary = ScanSummary(scan_id=scan_id, status="running", workers=workers)
    run = _ScanRun(store, summary, progress, cancel, file_timeout, audio)
    try:
        previous = store.previous_total(root_list)
        if previous is None:  # first scan of these roots: count, so progress has a real total
            run.emit("counting", message="Counting files…", force=True)
            run.total = count_candidates(root_list)
        else:  # rescan: last time's count is a good estimate, and saves a second walk
            run.total = previous
        run.emit("reading", message=f"{run.total:,} files to check", force=True)
        with ArchiveExtractor() as extractor, _make_reader(workers, file_timeout, audio) as reader:
            run.execute(discover(root_list, on_problem=run.problem), extractor, reader)
        run.flush(force=True)
        if cancel.is_set():
            summary.status = "cancelled"
        else:
            run.emit("finishing", message="Marking vanished files…", force=True)
            summary.missing = store.mark_missing(scan_id, root_list, sorted(run.seen_unchanged),
                                                 seen_count=summary.seen)
            summary.status = "completed"
    except BaseException:
        summary.status = "failed"
        summary.elapsed = time.monotonic() - run.started
        try:  # keep what was read if the store still works; never mask the original error
            run.flush(force=True)
        except BaseException:
            pass
        try:
            store.finish_scan(scan_id, summary.status, summary.counts())
        except BaseException:
            pass  # the next scan marks this run 'interrupted'
        raise
    summary.elapsed = time.monotonic() - run.started
    store.finish_scan(scan_id, summary.status, summary.counts())
    run.emit("done", message=summary.status, force=True)
    return summary


class _ScanRun:
    """Mutable state of one scan; keeps :func:`run_scan` readable."""

    def __init__(self, store: Store, summary: ScanSummary, progress: ProgressCallback | None,
                 cancel: threading.Event, file_timeout: float, audio: bool = False) -> None:
        self.store, self.summary, self.progress, self.cancel = store, summary, progress, cancel
        self.audio = audio
        self.audio_version = _analysis_version() if audio else None
        self.file_timeout = file_timeout
        self.started = time.monotonic()
        self.total = 0
        self.done = 0
        self.bytes_read = 0
        self.pending_records: list[PreparedTrack] = []
        self.extracted: dict[str, Path] = {}
        self.extractor: ArchiveExtractor | None = None
        self.pending_problems: list[DiscoveryProblem] = []
        self.seen_unchanged = array("q")  # ids of unchanged files: 8 bytes each, not a row write
        self.reappeared: list[int] = []
        self.known_ids: dict[str, int] = {}
        self.last_write = time.monotonic()
        self.last_emit = 0.0
        self.current = ""

    # --- events ---------------------------------------------------------------------

    def emit(self, phase: str, *, message: str = "", force: bool = False) -> None:
        if self.progress is None:
            return
        now = time.monotonic()
        if not force and now - self.last_emit < PROGRESS_INTERVAL:
            return
        self.last_emit = now
        elapsed = now - self.started
        total = max(self.total, self.done)
        eta = None
        if phase == "reading" and self.done and total > self.done:
            eta = elapsed / self.done * (total - self.done)
        self.progress(ScanProgress(phase, self.done, total, self.bytes_read, elapsed, eta,
                                   self.current, self.summary.failed, message))

    def problem(self, problem: DiscoveryProblem) -> None:
        self.pending_problems.append(problem)
        self.summary.problems += 1

    # --- the loop ---------------------------------------------------------------------

    def execute(self, candidates: Iterator[Candidate], extractor: ArchiveExtractor, reader: _Reader) -> None:
        self.extractor = extractor
        for chunk in _chunks(candidates, DISCOVERY_CHUNK):
            if self.cancel.is_set():
                break
            self.summary.seen += len(chunk)
            to_read = self._skip_unchanged(chunk)
            items = []
            for candidate in to_read:
                self.current = candidate.display_path
                if candidate.read_path is None and candidate.archive:
                    try:
                        extracted = extractor.extract(candidate)
                        self.extracted[candidate.display_path] = extracted
                        items.append((candidate, str(extracted)))
                    except AuditorError as exc:
                        reason = getattr(exc, "reason", str(exc))
                        self.accept([failed_record(candidate, f"refused from archive: {reason}")])
                        continue
                else:
                    items.append((candidate, None))
            reader.submit(items, self.accept, self.cancel)
            self.flush()
            self.emit("reading")
        reader.drain(self.accept, self.cancel)

    def _skip_unchanged(self, chunk: list[Candidate]) -> list[Candidate]:
        known = self.store.known([c.display_path for c in chunk], with_audio=self.audio)
        to_read = []
        for candidate in chunk:
            entry = known.get(candidate.display_path)
            if entry is not None:
                self.known_ids[candidate.display_path] = entry[0]
                audio_current = not self.audio or entry[3] == self.audio_version
                if entry[1] == candidate.fingerprint and audio_current:
                    self.seen_unchanged.append(entry[0])
                    if entry[2] != "present":
                        self.reappeared.append(entry[0])
                    self.summary.unchanged += 1
                    self.done += 1
                    continue
            to_read.append(candidate)
        return to_read

    def accept(self, records: Sequence[PreparedTrack | TrackRecord]) -> None:
        for record in records:
            if isinstance(record, TrackRecord):  # a failure decided here (e.g. refused from an archive)
                record = _prepare(record, None, self.audio)
            self.done += 1
            self.bytes_read += record.size
            self.summary.read += 1
            if record.error:
                self.summary.failed += 1
                if len(self.summary.failures) < 50:
                    self.summary.failures.append((record.path, record.error))
            extracted = self.extracted.pop(record.path, None)
            if extracted is not None and self.extractor is not None:
                self.extractor.discard(extracted)  # keep the temp area's disk use flat
            self.pending_records.append(record)
        self.flush()
        self.emit("reading")

    def flush(self, *, force: bool = False) -> None:
        due = time.monotonic() - self.last_write >= WRITE_INTERVAL
        if not force and not due and len(self.pending_records) < WRITE_BATCH:
            return
        scan_id = self.summary.scan_id
        if self.pending_records:
            ids = {r.path: self.known_ids[r.path] for r in self.pending_records if r.path in self.known_ids}
            self.store.write_tracks(scan_id, self.pending_records, ids)
            for record in self.pending_records:
                self.known_ids.pop(record.path, None)
            self.pending_records = []
        if self.reappeared:
            self.store.mark_present(self.reappeared)
            self.reappeared = []
        if self.pending_problems:
            self.store.record_problems(scan_id, self.pending_problems)
            self.pending_problems = []
        self.last_write = time.monotonic()


def _chunks(items: Iterator[Candidate], size: int) -> Iterator[list[Candidate]]:
    chunk: list[Candidate] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# --- reading, in process or in a pool ---------------------------------------------------

Item = tuple[Candidate, "str | None"]
Accept = Callable[[Sequence["PreparedTrack | TrackRecord"]], None]

_worker_cancel: Any = None
_worker_timeout: float = DEFAULT_FILE_TIMEOUT
_worker_audio: bool = False


def _analysis_version() -> int:
    from .audio.features import ANALYSIS_VERSION

    return ANALYSIS_VERSION


def _prepare(record: TrackRecord, read_path: str | None, audio: bool) -> PreparedTrack:
    """Rows for one read file, with its audio features when asked (errors kept as data)."""
    prepared = prepare_track(record)
    if not audio:
        return prepared
    base = {"file_fingerprint": record.fingerprint, "analysis_version": _analysis_version()}
    if not record.ok or read_path is None:  # recorded, so rescans do not retry an unreadable file
        prepared.audio = {**base, "error": "not analysed: the file could not be read"}
    else:
        from .audio import analyze
        from .errors import UnreadableFile

        try:
            prepared.audio = {**analyze(read_path, fmt=record.format).to_row(), **base, "error": None}
        except ReadTimeout:
            raise
        except UnreadableFile as exc:
            prepared.audio = {**base, "error": exc.reason}
        except Exception as exc:  # a decoder failure must stay data, like a tag failure
            prepared.audio = {**base, "error": f"audio analysis failed: {type(exc).__name__}: {exc}"[:300]}
    return prepared


def _on_alarm(signum: int, frame: Any) -> None:
    raise ReadTimeout("", f"reading took longer than {_worker_timeout:g} s; skipped (pathological file?)")


def _read_with_limit(candidate: Candidate, read_path: str | None, timeout: float, use_alarm: bool,
                     audio: bool = False) -> PreparedTrack:
    """Read (and analyse) one file within the per-file time limit."""
    path = read_path or candidate.read_path
    if not use_alarm:
        return _prepare(read_track(candidate, read_path), path, audio)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        return _prepare(read_track(candidate, read_path), path, audio)
    except ReadTimeout as exc:  # fired outside reader's own handler (or during analysis)
        return prepare_track(failed_record(candidate, exc.reason))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _init_worker(cancel_event: Any, timeout: float, audio: bool = False) -> None:
    global _worker_cancel, _worker_timeout, _worker_audio
    _worker_cancel, _worker_timeout, _worker_audio = cancel_event, timeout, audio
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    signal.signal(signal.SIGALRM, _on_alarm)


def _read_items(items: list[Item]) -> list[PreparedTrack]:
    """Worker entry point: read files (until done or cancelled) and flatten them into rows."""
    records = []
    for candidate, read_path in items:
        if _worker_cancel is not None and _worker_cancel.is_set():
            break
        records.append(_read_with_limit(candidate, read_path, _worker_timeout, True, _worker_audio))
    return records


class _Reader:
    def submit(self, items: list[Item], accept: Accept, cancel: threading.Event) -> None: ...
    def drain(self, accept: Accept, cancel: threading.Event) -> None: ...
    def __enter__(self) -> _Reader:
        return self
    def __exit__(self, *exc: object) -> None: ...


class _InlineReader(_Reader):
    """Reads in the calling thread; the time limit applies only on the main thread."""

    def __init__(self, timeout: float, audio: bool = False) -> None:
        self.timeout, self.audio = timeout, audio

    def submit(self, items: list[Item], accept: Accept, cancel: threading.Event) -> None:
        global _worker_timeout
        use_alarm = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGALRM, _on_alarm) if use_alarm else None
        _worker_timeout = self.timeout
        try:
            for candidate, read_path in items:
                if cancel.is_set():
                    return
                accept([_read_with_limit(candidate, read_path, self.timeout, use_alarm, self.audio)])
        finally:
            if use_alarm:
                signal.signal(signal.SIGALRM, previous)

    def drain(self, accept: Accept, cancel: threading.Event) -> None:
        return None


class _PoolReader(_Reader):
    """A process pool with bounded in-flight work and crash isolation.

    The pool starts lazily, so a rescan that finds nothing changed never pays
    for worker start-up.  When a worker dies (a segfault in a C extension, the
    OOM killer), every file it may have held is retried alone; only a file
    that kills a worker on its own is recorded as failed.
    """

    def __init__(self, workers: int, timeout: float, audio: bool = False) -> None:
        self.workers, self.timeout, self.audio = workers, timeout, audio
        self.context = multiprocessing.get_context("spawn")  # safe beside Qt threads
        self.cancel_event = self.context.Event()
        self.max_inflight = workers * 4
        self.inflight: dict[Future[list[PreparedTrack]], tuple[list[Item], bool]] = {}
        self.isolate: deque[Item] = deque()
        self.pool: ProcessPoolExecutor | None = None

    def _submit(self, task: list[Item], *, isolated: bool) -> None:
        if self.pool is None:
            # one BLAS thread per worker: the workers are the parallelism, extra threads only contend
            for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
                os.environ.setdefault(variable, "1")
            self.pool = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=self.context,
                initializer=_init_worker, initargs=(self.cancel_event, self.timeout, self.audio),
            )
        self.inflight[self.pool.submit(_read_items, task)] = (task, isolated)

    def submit(self, items: list[Item], accept: Accept, cancel: threading.Event) -> None:
        self._run_isolated(accept, cancel)
        for start in range(0, len(items), TASK_SIZE):
            while len(self.inflight) >= self.max_inflight:
                self._collect(accept, cancel, block=True)
            self._submit(items[start:start + TASK_SIZE], isolated=False)
        self._collect(accept, cancel, block=False)

    def drain(self, accept: Accept, cancel: threading.Event) -> None:
        while self.inflight:
            self._collect(accept, cancel, block=True)
        self._run_isolated(accept, cancel)

    def _run_isolated(self, accept: Accept, cancel: threading.Event) -> None:
        while self.isolate and not cancel.is_set():
            while self.inflight:
                self._collect(accept, cancel, block=True)
            if self.isolate:
                self._submit([self.isolate.popleft()], isolated=True)
            while self.inflight:
                self._collect(accept, cancel, block=True)

    def _collect(self, accept: Accept, cancel: threading.Event, *, block: bool) -> None:
        if cancel.is_set():
            self.cancel_event.set()
        if not self.inflight:
            return
        done, _ = wait(list(self.inflight), timeout=0.2 if block else 0, return_when=FIRST_COMPLETED)
        broken = False
        for future in done:
            items, isolated = self.inflight.pop(future)
            try:
                accept(future.result())
            except BrokenProcessPool:
                broken = True
                if isolated:
                    accept([failed_record(items[0][0], "the reader process crashed on this file; skipped")])
                else:
                    self.isolate.extend(items)
        if broken:
            for items, _isolated in self.inflight.values():
                self.isolate.extend(items)
            self.inflight.clear()
            if self.pool is not None:
                self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None

    def __exit__(self, *exc: object) -> None:
        if exc and exc[0] is not None:
            self.cancel_event.set()
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


def _make_reader(workers: int, timeout: float, audio: bool = False) -> _Reader:
    return _InlineReader(timeout, audio) if workers == 0 else _PoolReader(workers, timeout, audio)
