"""Colours and icons that follow the system's light or dark palette.

Nothing here hard-codes a theme: the application keeps the platform style and
palette, and only the risk bands get colours, chosen for contrast against the
current window colour.  When the system switches between light and dark
(``QStyleHints.colorSchemeChanged``), views ask again.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QStyle

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"

_BANDS_LIGHT = {
    "high": ("#f6cdc8", "#7d1a10"),
    "review": ("#fbe6b3", "#6b4700"),
    "low": ("#d5ecd8", "#1d5627"),
}
_BANDS_DARK = {
    "high": ("#6a2620", "#ffc4bb"),
    "review": ("#5c4813", "#ffe09a"),
    "low": ("#1f4727", "#b5e6bd"),
}
CONFLICT_LIGHT = ("#fde2bd", "#6b3d00")
CONFLICT_DARK = ("#5e3d12", "#ffd79e")


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def band_colors(band: str | None) -> tuple[QColor, QColor] | None:
    """(background, text) for a risk band in the current palette, or None."""
    if not band:
        return None
    table = _BANDS_DARK if is_dark() else _BANDS_LIGHT
    pair = table.get(str(band).lower())
    if pair is None:
        return None
    return QColor(pair[0]), QColor(pair[1])


def conflict_colors() -> tuple[QColor, QColor]:
    pair = CONFLICT_DARK if is_dark() else CONFLICT_LIGHT
    return QColor(pair[0]), QColor(pair[1])


def review_color(status: str | None) -> QColor | None:
    """Text colour for a review status (confirmed = the band's 'high' text, dismissed = muted)."""
    dark = is_dark()
    if status == "confirmed":
        return QColor("#ff9d90" if dark else "#a11d10")
    if status == "dismissed":
        palette = QGuiApplication.palette()
        return palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
    return None


@lru_cache(maxsize=None)
def _file_icon(name: str) -> QIcon:
    path = ICONS / f"{name}.svg"
    return QIcon(str(path)) if path.is_file() else QIcon()


_STANDARD = {
    "new": QStyle.StandardPixmap.SP_FileIcon,
    "open": QStyle.StandardPixmap.SP_DialogOpenButton,
    "rescan": QStyle.StandardPixmap.SP_BrowserReload,
    "stop": QStyle.StandardPixmap.SP_BrowserStop,
    "settings": QStyle.StandardPixmap.SP_FileDialogDetailedView,
    "quit": QStyle.StandardPixmap.SP_DialogCloseButton,
    "export": QStyle.StandardPixmap.SP_DialogSaveButton,
    "warning": QStyle.StandardPixmap.SP_MessageBoxWarning,
    "info": QStyle.StandardPixmap.SP_MessageBoxInformation,
    "folder": QStyle.StandardPixmap.SP_DirIcon,
    "clear": QStyle.StandardPixmap.SP_LineEditClearButton,
}


def icon(name: str) -> QIcon:
    """Our SVG icon when we ship one, else the style's standard icon."""
    found = _file_icon(name)
    if not found.isNull():
        return found
    standard = _STANDARD.get(name)
    app = QApplication.instance()
    if standard is not None and isinstance(app, QApplication):
        return app.style().standardIcon(standard)
    return QIcon()
