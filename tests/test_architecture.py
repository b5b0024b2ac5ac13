"""Architecture rules that must not erode: the core never imports Qt."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_core_imports_without_loading_qt() -> None:
    code = (
        "import sys, pkgutil, importlib, auditor\n"
        "for m in pkgutil.walk_packages(auditor.__path__, 'auditor.'):\n"
        "    if m.name != 'auditor.__main__': importlib.import_module(m.name)\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'PyQt5', 'PyQt6', 'shiboken6')]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_core_module_calls_mutagen_save_or_opens_for_writing_audio() -> None:
    offenders = []
    for path in (ROOT / "auditor").rglob("*.py"):
        if "demo" in path.parts:
            continue  # the demo builder writes its own generated files
        text = path.read_text()
        for needle in (".save(", "add_tags(", ".delete(", "\"r+b\"", "'r+b'", "\"wb\"", "'wb'"):
            if needle in text:
                offenders.append(f"{path.relative_to(ROOT)}: {needle}")
    allowed = {"auditor/archive.py: \"wb\"", "auditor/archive.py: 'wb'"}  # writes only into its own temp dir
    assert [o for o in offenders if o not in allowed] == []
