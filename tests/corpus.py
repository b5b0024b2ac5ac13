"""The robustness corpus: mutagen's own test files (~100 real, partly malformed).

Fetched from PyPI (the sdist of mutagen 1.48.1) by ``pip download`` into
``.cache/corpus`` and extracted read-only, so no test data lives in the repo.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

MUTAGEN_SDIST = "mutagen==1.48.1"
CACHE = Path(__file__).resolve().parents[1] / ".cache" / "corpus"


class CorpusUnavailable(RuntimeError):
    pass


def mutagen_test_data() -> Path:
    """Directory holding mutagen's ``tests/data`` files, downloading once if needed."""
    target = CACHE / "mutagen-1.48.1" / "tests" / "data"
    if target.is_dir() and any(target.iterdir()):
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    archive = CACHE / "mutagen-1.48.1.tar.gz"
    if not archive.exists():
        result = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
             "--disable-pip-version-check", "-q", "-d", str(CACHE), MUTAGEN_SDIST],
            capture_output=True, text=True,
        )
        if result.returncode != 0 or not archive.exists():
            raise CorpusUnavailable(f"pip download {MUTAGEN_SDIST} failed: {result.stderr.strip()[-500:]}")
    with tarfile.open(archive) as tar:
        members = [m for m in tar.getmembers()
                   if m.isfile() and m.name.startswith("mutagen-1.48.1/tests/data/")]
        tar.extractall(CACHE, members=members, filter="data")
    for path in target.rglob("*"):
        if path.is_file():
            os.chmod(path, 0o444)
    return target
