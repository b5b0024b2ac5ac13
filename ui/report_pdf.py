"""The PDF report: an executive can read it without the app.

Layout: executive summary, the charts (drawn by :mod:`ui.charts`, the same
code as the report view), one section per flagged artist with its evidence,
member tracks and review decisions, an appendix of every finding, and a
methodology page saying what each signal can and cannot prove.

Rendering uses a ``QTextDocument`` paginated to the page body, painted page by
page onto a ``QPdfWriter`` with our own header and footer (audit name, page
N of M), so tables break between rows and repeat their header rows.  Every
value from the catalog is HTML-escaped before it enters the document.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument
from PySide6.QtWidgets import QApplication

from auditor.report.model import ArtistSection, FindingItem, ReportModel

from . import charts

DPI = 96
HEADER_PX = 28
FOOTER_PX = 28
BAND_HEX = {"low": "#5b9a4a", "review": "#e0a21b", "high": "#c23b22"}
SEVERITY_LABEL = {"conclusive": "Conclusive", "high": "High", "medium": "Medium", "low": "Low", "info": "Info"}


def e(value: object) -> str:
    """Escape a catalog value for the document (tags are never markup)."""
    return html.escape("" if value is None else str(value), quote=True)


def _band(band: str, risk: float | None = None) -> str:
    text = band if risk is None else f"{band} · {risk:.0f}"
    return f'<span style="color:{BAND_HEX.get(band, "#555")}; font-weight:600">{e(text)}</span>'


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _duration(seconds: float | None) -> str:
    if not seconds:
        return ""
    return f"{int(seconds // 60)}:{seconds % 60:04.1f}"


STYLE = """
<style>
body { font-family: 'DejaVu Sans', sans-serif; font-size: 9pt; color: #222; }
h1 { font-size: 18pt; margin: 0 0 4px 0; }
h2 { font-size: 13pt; margin: 14px 0 4px 0; color: #1d3557; }
h3 { font-size: 10.5pt; margin: 10px 0 2px 0; }
p { margin: 2px 0 6px 0; }
.muted { color: #666; }
.note { background-color: #f4f1e8; padding: 4px; }
th { background-color: #e8edf3; text-align: left; font-weight: 600; }
td, th { padding: 3px; }
</style>
"""


def _table(headers: list[str], rows: list[list[str]], widths: list[int] | None = None) -> str:
    cols = "".join(f'<th width="{w}%">{h}</th>' if widths else f"<th>{h}</th>"
                   for h, w in zip(headers, widths or [0] * len(headers)))
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return (f'<table border="0.5" cellspacing="0" cellpadding="3" width="100%" style="border-color:#bbb">'
            f"<thead><tr>{cols}</tr></thead>{body}</table>")


def _summary(report: ReportModel) -> str:
    t = report.totals
    parts = [f"<h1>{e(report.title)}</h1>",
             f'<p class="muted">Audit file {e(report.audit_path)} · generated {e(report.generated_at)}'
             + (f" · last scan {e(report.last_scan)}" if report.last_scan else "") + "</p>"]
    if report.roots:
        parts.append(f'<p class="muted">Audited: {e(", ".join(report.roots))}</p>')
    parts.append("<h2>Executive summary</h2>")
    flagged_high = t.get("high_artists", 0)
    parts.append(
        f"<p>{t['tracks']:,} files from {t['artists']:,} artists and {t['writers']:,} credited writers were "
        f"audited. {t['findings']:,} findings were raised; <b>{t['flagged_artists']:,} artist(s) need a closer "
        f"look</b>, {flagged_high:,} of them with high risk. {t['failed']:,} file(s) could not be read"
        + (f" and {t['missing']:,} previously seen file(s) are missing" if t.get("missing") else "") + ".</p>")
    parts.append('<p class="note">A flag is a reason to look, never a verdict. Every finding below names its '
                 "evidence and the innocent explanations that can produce the same pattern; the methodology "
                 "page states what each signal can and cannot prove.</p>")
    if report.flagged:
        rows = []
        for artist in report.flagged[:15]:
            reasons = "<br>".join(f"{e(r.title)} <span class='muted'>(+{r.weight:g})</span>"
                                  for r in artist.reasons[:3])
            rows.append([f"<b>{e(artist.artist)}</b>", _band(artist.band, artist.risk), str(artist.tracks), reasons])
        parts.append("<h3>Highest-risk artists</h3>")
        parts.append(_table(["Artist", "Risk", "Tracks", "Top reasons"], rows, [22, 12, 8, 58]))
    else:
        parts.append("<p><b>No artist reached the review band.</b></p>")
    if report.low_artists:
        shown = report.low_artists[:25]
        rows = [[e(name), _band("low", risk), str(count)] for name, risk, count in shown]
        more = len(report.low_artists) - len(shown)
        parts.append("<h3>Artists with low risk</h3>"
                     + _table(["Artist", "Risk", "Tracks"], rows, [60, 25, 15])
                     + (f'<p class="muted">… and {more:,} more low-risk artists (see artists.csv).</p>' if more else ""))
    if report.findings_by_family:
        rows = [[e(family), f"{count:,}"] for family, count in sorted(report.findings_by_family.items())]
        parts.append("<h3>Findings by family</h3>" + _table(["Family", "Findings"], rows, [80, 20]))
    return "".join(parts)


def _finding_block(item: FindingItem) -> str:
    review = {"open": "not reviewed yet", "confirmed": "confirmed by a reviewer",
              "dismissed": "dismissed by a reviewer"}.get(item.review_status, item.review_status)
    note = f" — “{e(item.review_note)}”" if item.review_note else ""
    innocent = " ".join(e(_sentence(x)) for x in item.innocent_explanations)
    return (f"<h3>{e(item.title)}</h3>"
            f'<p class="muted">{e(item.family_title)} · severity {e(SEVERITY_LABEL.get(item.severity, item.severity))}'
            f" · {e(review)}{note}</p>"
            f"<p>{e(item.explanation)}</p>"
            + (f'<p class="muted"><i>Could also be:</i> {innocent}</p>' if innocent else ""))


def _artist_section(section: ArtistSection) -> str:
    parts = [f'<h2 style="page-break-before: always">{e(section.artist)} — {_band(section.band, section.risk)}</h2>',
             f"<p>{section.tracks} track(s). Risk points by reason:</p>"]
    parts.append(_table(["Reason", "Points"], [[e(r.title), f"+{r.weight:g}"] for r in section.reasons], [85, 15]))
    parts.append("<h3>Evidence</h3>")
    parts.extend(_finding_block(item) for item in section.findings)
    rows = [[e(t.title or Path(t.path).name), e(t.release_date), e(t.isrc), _duration(t.duration),
             _band(t.band, t.risk) if t.band else ""] for t in section.member_tracks]
    parts.append("<h3>Member tracks</h3>")
    parts.append(_table(["Title", "Released", "ISRC", "Length", "Track risk"], rows, [38, 16, 20, 10, 16]))
    return "".join(parts)


def _appendix(report: ReportModel) -> str:
    rows = [[e(SEVERITY_LABEL.get(f.severity, f.severity)), e(f.family_title), e(f.subject), e(f.title),
             e(f.review_status) + (f"<br><span class='muted'>{e(f.review_note)}</span>" if f.review_note else "")]
            for f in report.findings]
    return ('<h2 style="page-break-before: always">Appendix: all findings</h2>'
            + (_table(["Severity", "Family", "Subject", "Finding", "Review"], rows, [10, 18, 18, 40, 14])
               if rows else "<p>No findings.</p>"))


def _methodology(report: ReportModel) -> str:
    parts = ['<h2 style="page-break-before: always">Methodology</h2>',
             "<p>Catalog Auditor reads every tag and credit of every file (read-only), stores them in an audit "
             "database and runs small detectors over it. Each finding carries a weight; a track's and an "
             "artist's risk (0–100) is the sum of the weights of their findings, in bands <b>low</b> below 40, "
             "<b>review</b> 40–69 and <b>high</b> from 70. <b>Corroboration rule:</b> no single weak signal can "
             "make an artist high; without a generator's own provenance marker an artist needs evidence from at "
             "least two independent families to pass the review band. Findings a reviewer dismissed count zero.</p>"]
    for family in report.methodology:
        if not family.detectors:
            continue
        parts.append(f"<h3>{e(family.title)}</h3>")
        parts.append(f"<p><b>Can show:</b> {e(family.can_show)}<br><b>Cannot prove:</b> {e(family.cannot_prove)}</p>")
        rows = [[e(d.id), e(d.description), " ".join(e(_sentence(x)) for x in d.innocent_explanations)]
                for d in family.detectors]
        parts.append(_table(["Detector", "What it looks for", "Known innocent explanations"], rows, [18, 42, 40]))
    return "".join(parts)


def build_document(report: ReportModel, chart_width: int = 660) -> tuple[QTextDocument, list]:
    """The whole report as one document; returns it with the chart widgets (kept alive while painting)."""
    doc = QTextDocument()
    doc.setDefaultFont(QFont("DejaVu Sans", 9))
    widgets = charts.all_charts(report.charts)
    images = []
    for index, (name, widget) in enumerate(widgets):
        doc.addResource(QTextDocument.ImageResource, QUrl(f"chart:{index}"), charts.render_png(widget))
        images.append(f'<p><img src="chart:{index}" width="{chart_width}"></p>')
    body = [_summary(report), '<h2 style="page-break-before: always">The catalog at a glance</h2>',
            "<p>Farm-like acts show as dense bursts on the timeline, one writer node linking several artist "
            "squares, one production signature spanning several artists, and tight duration clusters.</p>",
            *images]
    body.extend(_artist_section(section) for section in report.flagged)
    body.append(_appendix(report))
    body.append(_methodology(report))
    doc.setHtml(f"<html><head>{STYLE}</head><body>{''.join(body)}</body></html>")
    return doc, [w for _, w in widgets]


def write_pdf(report: ReportModel, path: Path) -> int:
    """Write the report to ``path``; returns the number of pages."""
    writer = QPdfWriter(str(path))
    writer.setResolution(DPI)
    writer.setPageSize(QPageSize(QPageSize.A4))
    writer.setPageMargins(QMarginsF(15, 12, 15, 12), QPageLayout.Millimeter)
    writer.setTitle(report.title)
    writer.setCreator("Catalog Auditor")
    doc, widgets = build_document(report)
    doc.documentLayout().setPaintDevice(writer)
    width, height = writer.width(), writer.height()
    body_height = height - HEADER_PX - FOOTER_PX
    doc.setPageSize(QSizeF(width, body_height))
    pages = doc.pageCount()
    painter = QPainter(writer)
    try:
        small = QFont("DejaVu Sans", 7)
        for page in range(pages):
            if page:
                writer.newPage()
            painter.setFont(small)
            painter.setPen(Qt.darkGray)
            painter.drawText(QRectF(0, 0, width, HEADER_PX - 8), Qt.AlignLeft | Qt.AlignVCenter,
                             f"Catalog Auditor — {report.title}")
            painter.drawText(QRectF(0, 0, width, HEADER_PX - 8), Qt.AlignRight | Qt.AlignVCenter, report.generated_at)
            painter.drawLine(0, HEADER_PX - 6, width, HEADER_PX - 6)
            painter.drawText(QRectF(0, height - FOOTER_PX + 6, width, FOOTER_PX - 6), Qt.AlignLeft | Qt.AlignVCenter,
                             "A flag is a reason to look, never a verdict.")
            painter.drawText(QRectF(0, height - FOOTER_PX + 6, width, FOOTER_PX - 6), Qt.AlignRight | Qt.AlignVCenter,
                             f"Page {page + 1} of {pages}")
            painter.save()
            painter.translate(0, HEADER_PX - page * body_height)
            doc.drawContents(painter, QRectF(0, page * body_height, width, body_height))
            painter.restore()
    finally:
        painter.end()
    for widget in widgets:
        widget.deleteLater()
    return pages


def export_pdf_headless(report: ReportModel, path: Path) -> int:
    """For the CLI: make sure a (offscreen, when there is no display) QApplication exists."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication([])
    pages = write_pdf(report, path)
    app.processEvents()
    return pages
