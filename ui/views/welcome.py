"""What the window shows before an audit is open: a drop target and recent audits."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from .. import theme
from ..safety import display_text
from .common import plain_label


class WelcomeView(QWidget):
    new_requested = Signal()
    open_requested = Signal()
    recent_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcome")
        box = QFrame(self)
        box.setObjectName("dropTarget")
        box.setFrameShape(QFrame.Shape.StyledPanel)
        box.setMinimumSize(560, 240)
        box.setStyleSheet("#dropTarget { border: 2px dashed palette(mid); border-radius: 14px; }")
        title = plain_label("Drop folders or ZIP deliveries here to start an audit", box)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint = plain_label("Files are only read, never changed. An audit is one .sqlite file you can reopen any time.",
                           box, wrap=True)
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        new_button = QPushButton(theme.icon("new"), "New audit…", box)
        open_button = QPushButton(theme.icon("open"), "Open audit…", box)
        new_button.clicked.connect(self.new_requested)
        open_button.clicked.connect(self.open_requested)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(new_button)
        buttons.addWidget(open_button)
        buttons.addStretch(1)
        inner = QVBoxLayout(box)
        inner.setContentsMargins(32, 32, 32, 32)
        inner.addStretch(1)
        inner.addWidget(title)
        inner.addWidget(hint)
        inner.addSpacing(12)
        inner.addLayout(buttons)
        inner.addStretch(1)
        self.recent_title = plain_label("Recent audits", self)
        self.recent = QListWidget(self)
        self.recent.setObjectName("recentAudits")
        self.recent.setMaximumWidth(640)
        self.recent.itemActivated.connect(lambda item: self.recent_chosen.emit(item.data(Qt.ItemDataRole.UserRole)))
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(16)
        layout.addWidget(self.recent_title, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.recent, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)

    def set_recent(self, paths: list[str]) -> None:
        self.recent.clear()
        for path in paths:
            item = QListWidgetItem(display_text(f"{Path(path).name} — {Path(path).parent}", 200))
            item.setData(Qt.ItemDataRole.UserRole, path)
            self.recent.addItem(item)
        self.recent.setVisible(bool(paths))
        self.recent_title.setVisible(bool(paths))
        self.recent.setFixedHeight(min(8, max(1, len(paths))) * (self.fontMetrics().height() + 8) + 6)
