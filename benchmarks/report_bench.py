"""Report speed: the PDF of a 10,000-track audit and the report view of a 100,000-track audit.

    python benchmarks/report_bench.py [--pdf-tracks 10000] [--view-tracks 100000]

Builds synthetic audits with ``benchmarks/detect_bench.build_store`` (human acts plus farms),
runs detection, then times (offscreen Qt):

  * the PDF export of the smaller audit (target < 20 s), next to the time to build its
    report model alone (the peer: the same data without layout and charts);
  * building the report view of the larger audit: report model plus every chart widget
    (target < 2 s).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def audit(path: Path, tracks: int) -> float:
    from detect_bench import build_store

    from auditor.detectors import run_detection
    from auditor.store import Store

    build_store(path, tracks)
    started = time.perf_counter()
    with Store(path) as store:
        run_detection(store)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pdf-tracks", type=int, default=10_000)
    parser.add_argument("--view-tracks", type=int, default=100_000)
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    from auditor.report.build import build_report
    from auditor.store import Store
    from ui import charts
    from ui.report_pdf import write_pdf

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory(prefix="report-bench-") as tmp:
        small, large = Path(tmp) / "small.sqlite", Path(tmp) / "large.sqlite"
        audit(small, args.pdf_tracks)
        with Store(small) as store:
            started = time.perf_counter()
            model = build_report(store)
            model_s = time.perf_counter() - started
            started = time.perf_counter()
            pages = write_pdf(build_report(store), Path(tmp) / "report.pdf")
            pdf_s = time.perf_counter() - started
        print(f"PDF, {args.pdf_tracks:,} tracks: {pdf_s:.1f} s for {pages} pages "
              f"({len(model.flagged)} flagged artists, {len(model.findings)} findings); "
              f"report model alone {model_s:.2f} s -> layout and charts {pdf_s / max(model_s, 1e-9):.1f}x the model; "
              f"target < 20 s: {'OK' if pdf_s < 20 else 'MISS'}")
        audit(large, args.view_tracks)
        with Store(large) as store:
            started = time.perf_counter()
            model = build_report(store, evidence=False)  # what the report view builds
            model_s = time.perf_counter() - started
            widgets = charts.all_charts(model.charts)
            app.processEvents()
            view_s = time.perf_counter() - started
        print(f"Report view, {args.view_tracks:,} tracks: {view_s:.2f} s (model {model_s:.2f} s, "
              f"{len(widgets)} charts {view_s - model_s:.2f} s); target < 2 s: {'OK' if view_s < 2 else 'MISS'}")
        for _, widget in widgets:
            widget.deleteLater()
        app.processEvents()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
