"""Running the core's scan (and detection) off the UI thread.

A :class:`ScanWorker` (a QObject moved to a QThread) opens its *own* Store on
the audit file (SQLite connections belong to one thread; WAL lets the UI keep
reading while the worker writes) and calls the core with a
``threading.Event`` for Stop.  Progress events cross to the UI thread as
queued signals.

The UI must never redraw per file: :class:`ScanController` turns the stream of
progress events into *time-boxed* refresh ticks (``refresh_due``), at most one
every ``REFRESH_MS`` and never more often than four times the cost of the last
refresh, so even a 100k-file scan leaves the window responsive.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from auditor.errors import AuditorError
from auditor.store import Store

REFRESH_MS = 250


def audit_function() -> Callable[..., Any]:
    """The core entry point for a scan: :func:`auditor.audit.run_audit` (scan + detection).

    Looked up at call time so tests can substitute it.
    """
    from auditor import audit

    return audit.run_audit


class ScanWorker(QObject):
    """Runs one audit of ``roots`` into the database at ``db_path`` (in its own thread)."""

    progress = Signal(object)  # auditor.scan.ScanProgress (or the audit's own progress events)
    finished = Signal(object)  # the core's summary
    failed = Signal(str)

    def __init__(self, db_path: Path, roots: Sequence[str], *, workers: int | None,
                 cancel: threading.Event, file_timeout: float = 30.0, audio: bool = True) -> None:
        super().__init__()
        self.audio = audio
        self.db_path = Path(db_path)
        self.roots = list(roots)
        self.workers = workers
        self.cancel = cancel
        self.file_timeout = file_timeout

    @Slot()
    def run(self) -> None:
        try:
            store = Store(self.db_path)
        except AuditorError as exc:
            self.failed.emit(str(exc))
            return
        try:
            summary = audit_function()(
                store, self.roots, workers=self.workers, progress=self.progress.emit,
                cancel=self.cancel, file_timeout=self.file_timeout, audio=self.audio)
        except Exception as exc:  # noqa: BLE001 - a failed scan is reported, never a crash
            self.failed.emit(f"{type(exc).__name__}: {exc}")
        else:
            self.finished.emit(summary)
        finally:
            try:
                store.close()
            except Exception:  # noqa: BLE001
                pass


class ScanController(QObject):
    """Owns the scan thread; the main window talks only to this object."""

    started = Signal(list)  # roots
    progress = Signal(object)
    refresh_due = Signal()
    finished = Signal(object)  # summary
    failed = Signal(str)
    running_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: QThread | None = None
        self._worker: ScanWorker | None = None
        self._cancel = threading.Event()
        self._last_done = -1
        self._refresh_cost = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._emit_refresh)
        self.stopping = False

    # --- state ---------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._thread is not None

    @property
    def cancel_event(self) -> threading.Event:
        return self._cancel

    def note_refresh_cost(self, seconds: float) -> None:
        """The window reports how long a refresh took; the next tick waits at least 4x that."""
        self._refresh_cost = max(0.0, seconds)

    def interval_ms(self) -> int:
        return max(REFRESH_MS, int(self._refresh_cost * 4000))

    # --- control -------------------------------------------------------------------------------

    def start(self, db_path: Path, roots: Sequence[str], *, workers: int | None,
              file_timeout: float = 30.0, audio: bool = True) -> bool:
        if self.running:
            return False
        self._cancel = threading.Event()
        self.stopping = False
        self._last_done = -1
        thread = QThread()
        thread.setObjectName("scan")
        worker = ScanWorker(db_path, roots, workers=workers, cancel=self._cancel, file_timeout=file_timeout,
                            audio=audio)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.progress.connect(self._on_progress)
        worker.finished.connect(self._on_finished)
        worker.failed.connect(self._on_failed)
        self._thread, self._worker = thread, worker
        thread.start()
        self.running_changed.emit(True)
        self.started.emit(list(roots))
        return True

    def stop(self) -> None:
        """Ask the core to stop between files; what was read stays saved."""
        if self.running:
            self.stopping = True
            self._cancel.set()

    def wait(self, timeout_ms: int = 60_000) -> bool:
        """Block until the worker has returned (closing the window mid-scan)."""
        thread = self._thread
        if thread is None:
            return True
        deadline = time.monotonic() + timeout_ms / 1000
        while self._thread is not None and time.monotonic() < deadline:
            thread.wait(50)
            from PySide6.QtCore import QCoreApplication

            QCoreApplication.processEvents()
        return self._thread is None

    # --- worker events -------------------------------------------------------------------------

    @Slot(object)
    def _on_progress(self, event: Any) -> None:
        self.progress.emit(event)
        done = getattr(event, "files_done", None)
        if done is not None and done != self._last_done:
            self._last_done = done
            if not self._timer.isActive():
                self._timer.start(self.interval_ms())

    def _emit_refresh(self) -> None:
        if self.running:
            self.refresh_due.emit()

    @Slot(object)
    def _on_finished(self, summary: Any) -> None:
        self._teardown()
        self.finished.emit(summary)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._teardown()
        self.failed.emit(message)

    def _teardown(self) -> None:
        self._timer.stop()
        thread, worker = self._thread, self._worker
        self._thread = self._worker = None
        if thread is not None:
            thread.quit()
            thread.wait()
            thread.deleteLater()
        if worker is not None:
            worker.deleteLater()
        self.stopping = False
        self.running_changed.emit(False)
