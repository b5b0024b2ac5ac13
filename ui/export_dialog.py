"""Export… : the same PDF and CSVs as ``catalog-auditor export``, from the open audit."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout,
                               QLineEdit, QPushButton, QWidget)

from auditor.report.build import build_report
from auditor.report.csv_export import export_csv
from auditor.store import Store

from .report_pdf import write_pdf


@dataclass(frozen=True, slots=True)
class ExportChoice:
    pdf: Path | None
    csv_dir: Path | None
    title: str


@dataclass(frozen=True, slots=True)
class ExportResult:
    pdf_pages: int | None
    csv_files: tuple[Path, ...]


def run_export(store: Store, choice: ExportChoice) -> ExportResult:
    """Write what was chosen; shared by the dialog and the tests."""
    pages = None
    if choice.pdf is not None:
        pages = write_pdf(build_report(store, title=choice.title), choice.pdf)
    files = tuple(export_csv(store, choice.csv_dir)) if choice.csv_dir is not None else ()
    return ExportResult(pages, files)


class ExportDialog(QDialog):
    def __init__(self, audit_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export audit")
        stem = audit_path.with_suffix("")
        self.title = QLineEdit(f"Catalog audit — {audit_path.stem}", self)
        self.pdf_on = QCheckBox("PDF report", self)
        self.pdf_on.setChecked(True)
        self.pdf_path = QLineEdit(str(stem) + "-report.pdf", self)
        self.csv_on = QCheckBox("CSV files (tracks, artists, findings)", self)
        self.csv_on.setChecked(True)
        self.csv_dir = QLineEdit(str(stem) + "-csv", self)
        form = QFormLayout(self)
        form.addRow("Report title", self.title)
        form.addRow(self.pdf_on, self._with_browse(self.pdf_path, folder=False))
        form.addRow(self.csv_on, self._with_browse(self.csv_dir, folder=True))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                   Qt.Orientation.Horizontal, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _with_browse(self, edit: QLineEdit, *, folder: bool) -> QWidget:
        host = QWidget(self)
        row = QHBoxLayout(host)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(edit, 1)
        button = QPushButton("Browse…", host)

        def browse() -> None:
            if folder:
                chosen = QFileDialog.getExistingDirectory(self, "CSV folder", edit.text())
            else:
                chosen, _ = QFileDialog.getSaveFileName(self, "PDF report", edit.text(), "PDF (*.pdf)")
            if chosen:
                edit.setText(chosen)

        button.clicked.connect(browse)
        row.addWidget(button)
        return host

    def choice(self) -> ExportChoice:
        return ExportChoice(
            pdf=Path(self.pdf_path.text()) if self.pdf_on.isChecked() and self.pdf_path.text() else None,
            csv_dir=Path(self.csv_dir.text()) if self.csv_on.isChecked() and self.csv_dir.text() else None,
            title=self.title.text().strip() or "Catalog audit",
        )
