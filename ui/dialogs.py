"""Every question the app asks a person goes through one :class:`Ask` object.

Why: modal dialogs block tests.  The window holds ``self.ask``; tests replace
it with a scripted stand-in (see ``tests/test_ui_*.py``) that answers
immediately, so no test ever opens a real file dialog or message box.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

AUDIT_FILTER = "Audit databases (*.sqlite *.db *.sqlite3);;All files (*)"
ZIP_FILTER = "ZIP deliveries (*.zip);;All files (*)"


class Ask:
    """Real dialogs, parented to ``parent``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.parent = parent

    def open_audit(self, start: str = "") -> Path | None:
        path, _ = QFileDialog.getOpenFileName(self.parent, "Open audit", start, AUDIT_FILTER)
        return Path(path) if path else None

    def new_audit(self, start: str = "") -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self.parent, "New audit", start, AUDIT_FILTER)
        if not path:
            return None
        chosen = Path(path)
        return chosen if chosen.suffix else chosen.with_suffix(".sqlite")

    def folder(self, start: str = "") -> Path | None:
        path = QFileDialog.getExistingDirectory(self.parent, "Add folder to the audit", start)
        return Path(path) if path else None

    def zip_files(self, start: str = "") -> list[Path]:
        paths, _ = QFileDialog.getOpenFileNames(self.parent, "Add ZIP delivery", start, ZIP_FILTER)
        return [Path(p) for p in paths]

    def file(self, title: str, file_filter: str, start: str = "") -> Path | None:
        path, _ = QFileDialog.getOpenFileName(self.parent, title, start, file_filter)
        return Path(path) if path else None

    def note(self, title: str, label: str, text: str = "") -> str | None:
        value, ok = QInputDialog.getMultiLineText(self.parent, title, label, text)
        return value if ok else None

    def confirm(self, title: str, text: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, title, text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self.parent)
        box.setTextFormat(Qt.TextFormat.PlainText)
        return box.exec() == QMessageBox.StandardButton.Yes

    def inform(self, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, self.parent)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.exec()

    def export(self, audit_path: Path):  # noqa: ANN201 - ExportChoice | None
        """What to export and where (tests answer with an ExportChoice directly)."""
        from .export_dialog import ExportDialog

        dialog = ExportDialog(audit_path, self.parent)
        return dialog.choice() if dialog.exec() else None

    def settings(self, dialog: QWidget) -> bool:
        """Run the settings dialog; tests accept or reject it without showing it."""
        return bool(dialog.exec())  # type: ignore[attr-defined]
