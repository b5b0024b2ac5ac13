"""The PDF report: pages, sections, key findings, charts and escaping."""

from __future__ import annotations

import shutil
import unicodedata
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from auditor.demo import FARM_PERSONAS
from auditor.report.build import build_report
from auditor.store import Store
from ui.report_pdf import build_document, write_pdf


def page_text(page) -> str:  # noqa: ANN001 - pypdf page
    """Extracted text with Qt's per-word positioning and ligatures folded back to plain words."""
    return " ".join(unicodedata.normalize("NFKC", page.extract_text()).split())


def pdf_text(path: Path) -> str:
    return "\n".join(page_text(page) for page in PdfReader(str(path)).pages)


@pytest.fixture(scope="module")
def pdf(demo_audit: Path, tmp_path_factory: pytest.TempPathFactory, qapp) -> tuple[Path, int]:
    path = tmp_path_factory.mktemp("pdf") / "audit.pdf"
    with Store(demo_audit) as store:
        pages = write_pdf(build_report(store, title="Demo audit"), path)
    return path, pages


def test_pdf_has_the_sections_in_order_and_real_pagination(pdf) -> None:
    path, pages = pdf
    reader = PdfReader(str(path))
    assert len(reader.pages) == pages >= 5
    text = pdf_text(path)
    order = [text.index(s) for s in ("Executive summary", "The catalog at a glance", "Risk points by reason",
                                     "Appendix: all findings", "Methodology")]
    assert order == sorted(order)
    assert f"Page 1 of {pages}" in page_text(reader.pages[0])
    assert f"Page {pages} of {pages}" in page_text(reader.pages[-1])


def test_farm_personas_come_first_with_plain_reasons(pdf) -> None:
    first_page = page_text(PdfReader(str(pdf[0])).pages[0])
    positions = [first_page.index(p) for p in FARM_PERSONAS]
    assert max(positions) < first_page.index("Artists with low risk")
    assert "Adrian Kessel" in first_page and "high" in first_page


def test_methodology_states_limits_and_the_corroboration_rule(pdf) -> None:
    text = pdf_text(pdf[0])
    assert "Cannot prove" in text and "Corroboration rule" in text
    assert "Known innocent explanations" in text


def test_charts_are_embedded_as_images(pdf) -> None:
    reader = PdfReader(str(pdf[0]))
    images = sum(len(page.images) for page in reader.pages)
    assert images >= 6


def test_tag_values_are_escaped_not_interpreted(demo_audit_copy: Path, qapp) -> None:
    with Store(demo_audit_copy) as store:
        store.db.execute("UPDATE artist_risk SET artist = ? WHERE band = 'high'",
                         ['<b>Bold</b><img src="x"> & <script>'])
        report = build_report(store)
    doc, widgets = build_document(report)
    assert '<b>Bold</b><img src="x"> & <script>' in doc.toPlainText()
    for widget in widgets:
        widget.deleteLater()


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_pages_render_to_png(pdf, tmp_path: Path) -> None:
    subprocess.run(["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "2", str(pdf[0]), str(tmp_path / "p")], check=True)
    assert len(list(tmp_path.glob("p-*.png"))) == 2
