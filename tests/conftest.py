"""Session fixtures shared by test modules: the demo catalog and its audit, built once.

The demo catalog is deterministic and its builder reuses an intact previous
build, so it lives in the repository's ``.cache/`` (git-ignored) and costs
nothing after the first run; the audit of it is made once per session.
Tests that change an audit work on a copy (``demo_audit_copy``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CACHE = Path(__file__).resolve().parents[1] / ".cache"


@pytest.fixture(scope="session", autouse=True)
def _no_user_thresholds(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never read a developer's own thresholds file (~/.config/catalog-auditor)."""
    import os

    os.environ["CATALOG_AUDITOR_THRESHOLDS"] = str(tmp_path_factory.mktemp("config") / "thresholds.toml")


@pytest.fixture(scope="session")
def demo_catalog() -> Path:
    from auditor.demo import build_demo_catalog

    target = CACHE / "demo-catalog"
    target.parent.mkdir(parents=True, exist_ok=True)
    build_demo_catalog(target)
    return target


@pytest.fixture(scope="session")
def demo_audit(demo_catalog: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An audit database of the demo catalog (scan + detection). Treat as read-only."""
    from auditor.audit import run_audit
    from auditor.store import Store

    db = tmp_path_factory.mktemp("demo-audit") / "demo.sqlite"
    with Store(db) as store:
        summary = run_audit(store, [demo_catalog], workers=2)
        assert summary.status == "completed"
    return db


@pytest.fixture
def demo_audit_copy(demo_audit: Path, tmp_path: Path) -> Path:
    """A private copy of the demo audit for tests that write reviews or settings."""
    copy = tmp_path / "demo.sqlite"
    shutil.copy(demo_audit, copy)
    return copy
