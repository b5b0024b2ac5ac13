"""``python main.py`` starts, shows its window and exits 0, the way pyqtgraph tests its examples."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QSettings

from tests.ui_support import mp3_catalog, sample_store

ROOT = Path(__file__).resolve().parents[1]


def run_main(tmp_path: Path, *args: str, quit_after_ms: int = 800) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "CATALOG_AUDITOR_SETTINGS": str(tmp_path / "settings.ini"),
           "CATALOG_AUDITOR_DATA_DIR": str(tmp_path / "audits"),
           "CATALOG_AUDITOR_THRESHOLDS": str(tmp_path / "thresholds.toml"),
           "CATALOG_AUDITOR_QUIT_AFTER_MS": str(quit_after_ms)}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)


def test_main_starts_and_quits_by_itself_with_exit_status_0(tmp_path: Path) -> None:
    result = run_main(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_main_opens_the_audit_given_on_the_command_line(tmp_path: Path) -> None:
    audit = tmp_path / "given.sqlite"
    sample_store(audit).close()
    result = run_main(tmp_path, str(audit))
    assert result.returncode == 0, result.stderr
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    assert settings.value("app/last_audit") == str(audit.resolve())
    assert settings.value("window/geometry") is not None  # window state saved on the way out


def test_main_with_a_folder_starts_a_new_audit_of_it(tmp_path: Path) -> None:
    mp3_catalog(tmp_path / "catalog", 3)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("scan/workers", 0)
    settings.sync()
    result = run_main(tmp_path, str(tmp_path / "catalog"), quit_after_ms=3000)
    assert result.returncode == 0, result.stderr
    audits = list((tmp_path / "audits").glob("catalog-*.sqlite"))
    assert len(audits) == 1


def test_main_reports_a_missing_path_without_failing(tmp_path: Path) -> None:
    result = run_main(tmp_path, str(tmp_path / "nowhere"))
    assert result.returncode == 0 and "Traceback" not in result.stderr
