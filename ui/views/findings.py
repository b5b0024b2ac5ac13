"""Findings by family and severity, the explanation of the selected one, and review buttons."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QSplitter,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from auditor.store import Store

from ..models.findings import HEADERS, FindingsModel, family_title
from ..safety import display_text
from .common import install_copy, plain_label, rows_as_tsv, visible_columns

REVIEW_CHOICES = (("All findings", "all"), ("Open", "open"), ("Confirmed", "confirmed"),
                  ("Dismissed", "dismissed"), ("Reviewed", "reviewed"))
EVIDENCE_LIMIT = 6_000


def explanation_text(finding: dict[str, Any] | None, count: int = 0) -> str:
    """The plain-text explanation panel for one finding (or a hint)."""
    if finding is None:
        if count:
            return f"{count} findings selected. Confirm, dismiss or add a note to all of them at once."
        return "Select a finding to read why it was raised and what could explain it innocently."
    lines = [display_text(finding.get("title") or finding["key"], 400), ""]
    meta = [f"Family: {family_title(finding.get('family'))}",
            f"Severity: {(finding.get('severity') or '').capitalize()}",
            f"Score: {finding.get('score')}" if finding.get("score") is not None else "",
            f"Detector: {finding.get('detector') or ''}",
            f"Subject: {finding.get('subject_type') or ''} {display_text(finding.get('subject') or '', 200)}",
            f"Tracks: {finding.get('tracks') or 0}"]
    lines.append(" · ".join(m for m in meta if m))
    lines.append("")
    if finding.get("explanation"):
        lines += [display_text(finding["explanation"], 4000, multiline=True), ""]
    innocent = finding.get("innocent_explanations") or []
    if innocent:
        lines.append("Could also be innocent:")
        lines += [f"  • {display_text(item, 400)}" for item in innocent]
        lines.append("")
    status = finding.get("review_status") or "open"
    review = f"Review: {status}"
    if finding.get("reviewed_at"):
        review += f" ({finding['reviewed_at']})"
    lines.append(review)
    if finding.get("review_note"):
        lines.append(f"Note: {display_text(finding['review_note'], 2000, multiline=True)}")
    evidence = finding.get("evidence")
    if evidence:
        text = evidence if isinstance(evidence, str) else json.dumps(evidence, indent=2, ensure_ascii=False)
        lines += ["", "Evidence:", display_text(text, EVIDENCE_LIMIT, multiline=True)]
    return "\n".join(lines)


class FindingsView(QWidget):
    selection_changed = Signal()
    show_tracks_requested = Signal(str)  # finding key

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = FindingsModel(self)
        self.review_combo = QComboBox(self)
        self.review_combo.setObjectName("reviewFilter")
        for label, value in REVIEW_CHOICES:
            self.review_combo.addItem(label, value)
        self.review_combo.currentIndexChanged.connect(
            lambda _i: self.model.set_review_filter(self.review_combo.currentData()))
        self.text_filter = QLineEdit(self)
        self.text_filter.setPlaceholderText("Filter findings by title, subject, detector or note")
        self.text_filter.setClearButtonEnabled(True)
        self.text_filter.textChanged.connect(self.model.set_text_filter)
        self.count_label = plain_label("", self)
        self.review_buttons: list[QToolButton] = []

        self.tree = QTreeView(self)
        self.tree.setObjectName("findingsTree")
        self.tree.setModel(self.model)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setWordWrap(False)
        header = self.tree.header()
        header.setSectionsMovable(True)
        header.setStretchLastSection(False)
        for section, width in enumerate((380, 80, 55, 180, 55, 85, 180, 150)):
            header.resizeSection(section, width)
        self.tree.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.tree.doubleClicked.connect(self._double_clicked)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.copy_action = install_copy(self.tree, self.selection_as_tsv)
        self.model.modelReset.connect(self._after_reset)

        self.explanation = QPlainTextEdit(self)
        self.explanation.setObjectName("findingExplanation")
        self.explanation.setReadOnly(True)
        self.explanation.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(plain_label("Show:", self))
        top.addWidget(self.review_combo)
        top.addWidget(self.text_filter, 1)
        self.button_row = QHBoxLayout()
        self.button_row.setContentsMargins(0, 0, 0, 0)
        top.addLayout(self.button_row)
        top.addWidget(self.count_label)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("findingsSplitter")
        self.splitter.addWidget(self.tree)
        self.splitter.addWidget(self.explanation)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)
        self._selection_changed()

    def add_review_actions(self, actions: list[Any]) -> None:
        for action in actions:
            button = QToolButton(self)
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setAutoRaise(True)
            self.button_row.addWidget(button)
            self.review_buttons.append(button)

    def load(self, store: Store | None) -> None:
        keys = self.selected_keys()
        self.model.load(store)
        self.select_keys(keys)

    def _after_reset(self) -> None:
        self.tree.expandAll()
        count = self.model.finding_count()
        self.count_label.setText(f"{count:,} finding{'s' if count != 1 else ''}")
        self._selection_changed()

    # --- selection ----------------------------------------------------------------------------

    def selected_findings(self) -> list[dict[str, Any]]:
        seen: dict[str, dict[str, Any]] = {}
        for index in self.tree.selectionModel().selectedRows(0):
            for finding in self.model.findings_under(index):
                seen.setdefault(finding["key"], finding)
        return list(seen.values())

    def selected_keys(self) -> list[str]:
        return [f["key"] for f in self.selected_findings()]

    def select_keys(self, keys: list[str]) -> None:
        selection = self.tree.selectionModel()
        first = True
        for key in keys:
            index = self.model.index_of_key(key)
            if not index.isValid():
                continue
            flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
            if first:
                selection.setCurrentIndex(index, flags | QItemSelectionModel.SelectionFlag.Clear)
                self.tree.scrollTo(index)
                first = False
            else:
                selection.select(index, flags)

    def _selection_changed(self) -> None:
        findings = self.selected_findings()
        shown = findings[0] if len(findings) == 1 else None
        self.explanation.setPlainText(explanation_text(shown, len(findings)))
        self.selection_changed.emit()

    def _double_clicked(self, index: Any) -> None:
        finding = self.model.finding(index)
        if finding is not None:
            self.show_tracks_requested.emit(finding["key"])

    def selection_as_tsv(self) -> str:
        columns = visible_columns(self.tree)
        rows = []
        for finding in self.selected_findings():
            values = (finding.get("title"), finding.get("severity"), finding.get("score"), finding.get("subject"),
                      finding.get("tracks"), finding.get("review_status"), finding.get("review_note"),
                      finding.get("detector"))
            rows.append([values[c] for c in columns])
        return rows_as_tsv([HEADERS[c] for c in columns], rows)
