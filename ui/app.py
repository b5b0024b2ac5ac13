"""Application start-up: QApplication, settings, command line, the main window.

``python main.py [PATH_OR_DB]``: an audit database is opened; a folder, ZIP
or audio file starts a new audit of it.  Without an argument the last audit
is reopened (instantly: no rescan at start-up) unless Settings says not to.

Environment (for tests and automation):

* ``CATALOG_AUDITOR_SETTINGS``: an INI file used instead of the platform's
  settings store (window state, recent audits, workers);
* ``CATALOG_AUDITOR_DATA_DIR``: where audits started by dropping folders are
  created;
* ``CATALOG_AUDITOR_QUIT_AFTER_MS``: close the window after this many
  milliseconds (the smoke test starts ``main.py`` this way).
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from . import theme

ORGANIZATION = "CatalogAuditor"
APPLICATION = "Catalog Auditor"


def create_application(argv: Sequence[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QGuiApplication.setApplicationName(APPLICATION)
    QGuiApplication.setOrganizationName(ORGANIZATION)
    QGuiApplication.setApplicationDisplayName(APPLICATION)
    app = QApplication(list(argv or [sys.argv[0] if sys.argv else "catalog-auditor"]))
    if QGuiApplication.platformName() in ("offscreen", "minimal"):
        app.setStyle("Fusion")  # deterministic look for screenshots; real desktops keep their style
    app.setWindowIcon(theme.icon("app"))
    return app


def make_settings() -> QSettings:
    """Window state and app preferences (never the audit thresholds, which live in TOML)."""
    override = os.environ.get("CATALOG_AUDITOR_SETTINGS")
    if override:
        return QSettings(override, QSettings.Format.IniFormat)
    return QSettings(ORGANIZATION, APPLICATION)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="catalog-auditor-gui", description="Catalog Auditor desktop app")
    parser.add_argument("path", nargs="?", help="an audit database to open, or a folder/ZIP to audit")
    known, _qt_args = parser.parse_known_args(list(argv))
    return known


def _install_excepthook(window: object) -> None:
    """An unexpected error in a slot is reported in the Problems list instead of killing the app."""
    previous = sys.excepthook

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        traceback.print_exception(kind, value, tb)
        try:
            window.report_problem("internal", "", f"{kind.__name__}: {value}")  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001
            previous(kind, value, tb)

    sys.excepthook = hook


def run(argv: Sequence[str] | None = None) -> int:
    from .main_window import MainWindow
    from .views.settings import app_setting

    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    app = create_application([sys.argv[0] if sys.argv else "catalog-auditor", *argv])
    window = MainWindow(settings=make_settings())
    _install_excepthook(window)
    window.show()
    if args.path:
        target = Path(args.path).expanduser()
        if not target.exists():
            window.report_problem("open", str(target), "no such file or folder")
        else:
            window.add_paths([target])
    elif app_setting(window.settings, "app/reopen_last", True, bool):
        last = window.settings.value("app/last_audit")
        if last and Path(str(last)).is_file():
            window.open_audit(Path(str(last)))
    quit_after = os.environ.get("CATALOG_AUDITOR_QUIT_AFTER_MS")
    if quit_after:
        try:
            QTimer.singleShot(max(0, int(quit_after)), window.close)
        except ValueError:
            pass
    return app.exec()
