"""Small pieces shared by the views: TSV copy, plain-text labels, elision delegates."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QLabel, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from ..safety import tsv_cell


def plain_label(text: str = "", parent: QWidget | None = None, *, wrap: bool = False,
                selectable: bool = False) -> QLabel:
    """A QLabel that can never interpret its text as HTML."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    label.setWordWrap(wrap)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class ElideMiddleDelegate(QStyledItemDelegate):
    """Paths keep their start and their file name: ``/music/…/01 Song.mp3``."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideMiddle


def selected_rows(view: QAbstractItemView) -> list[int]:
    model = view.selectionModel()
    if model is None:
        return []
    return sorted({index.row() for index in model.selectedRows()} or
                  {index.row() for index in model.selectedIndexes()})


def rows_as_tsv(headers: list[str], rows: list[list[Any]]) -> str:
    lines = ["\t".join(tsv_cell(h) for h in headers)]
    lines.extend("\t".join(tsv_cell(v) for v in row) for row in rows)
    return "\n".join(lines) + "\n"


def copy_text(text: str) -> None:
    clipboard = QGuiApplication.clipboard()
    if clipboard is not None:
        clipboard.setText(text)


def visible_columns(view: QAbstractItemView) -> list[int]:
    """Logical column numbers in the order the user sees them."""
    header = view.horizontalHeader() if hasattr(view, "horizontalHeader") else view.header()  # type: ignore[attr-defined]
    model = view.model()
    columns = [c for c in range(model.columnCount()) if not header.isSectionHidden(c)]
    return sorted(columns, key=header.visualIndex)


def install_copy(view: QAbstractItemView, make_tsv: Callable[[], str]) -> QAction:
    """Ctrl+C on the view (and a context-menu entry) copies the selected rows as TSV."""
    action = QAction("Copy rows as TSV", view)
    action.setShortcut(QKeySequence.StandardKey.Copy)
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    action.triggered.connect(lambda: copy_text(make_tsv()))
    view.addAction(action)
    return action
