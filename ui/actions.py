"""Every command of the window as a QAction: one place for labels, shortcuts and icons.

Shortcuts follow what Picard and Mp3tag users already type: Ctrl+O opens,
Ctrl+E adds a folder (Picard), F5 rescans (Mp3tag's refresh), Esc stops
(Picard's cancel), Ctrl+F jumps to the filter.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from . import theme


def _action(parent: QWidget, text: str, shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
            icon: str | None = None, tip: str = "", name: str = "") -> QAction:
    action = QAction(text, parent)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if icon:
        action.setIcon(theme.icon(icon))
    if tip:
        shortcut_text = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{tip} ({shortcut_text})" if shortcut_text else tip)
        action.setStatusTip(tip)
    action.setObjectName(name or text.lower().replace("…", "").replace(" ", "_"))
    return action


class Actions:
    """The window's actions, created once and shared by menus, toolbar and views."""

    def __init__(self, parent: QWidget) -> None:
        a = _action
        self.new_audit = a(parent, "&New audit…", QKeySequence.StandardKey.New, "new",
                           "Start a new, empty audit database", "new_audit")
        self.open_audit = a(parent, "&Open audit…", QKeySequence.StandardKey.Open, "open",
                            "Open an existing audit (.sqlite) — instant, no rescan", "open_audit")
        self.add_folder = a(parent, "Add &folder…", "Ctrl+E", "folder-add",
                            "Add a folder of audio files to this audit and scan it", "add_folder")
        self.add_zip = a(parent, "Add &ZIP delivery…", "Ctrl+Shift+E", "zip",
                         "Add a ZIP delivery (read in place, never extracted next to it)", "add_zip")
        self.rescan = a(parent, "&Rescan", "F5", "rescan",
                        "Scan every folder of this audit again (only changed files are read)", "rescan")
        self.stop = a(parent, "&Stop", "Esc", "stop",
                      "Stop the scan; what was read is kept and the next scan resumes", "stop")
        self.export = a(parent, "&Export…", "Ctrl+Shift+S", "export", "", "export")
        self.export.setToolTip("Export the audit as a PDF report and CSV files")
        self.export.setStatusTip("Export the audit as a PDF report and CSV files")
        self.settings = a(parent, "&Settings…", QKeySequence.StandardKey.Preferences, "settings",
                          "Scanning, detector thresholds and the writer registry", "settings")
        if self.settings.shortcut().isEmpty():
            self.settings.setShortcut(QKeySequence("Ctrl+,"))
        self.quit = a(parent, "&Quit", QKeySequence.StandardKey.Quit, "quit", "Quit Catalog Auditor", "quit")
        if self.quit.shortcut().isEmpty():
            self.quit.setShortcut(QKeySequence("Ctrl+Q"))

        self.find = a(parent, "&Filter tracks", QKeySequence.StandardKey.Find, None,
                      "Jump to the tracks filter", "find")
        self.show_tracks = a(parent, "&Tracks", "Ctrl+1", None, "Show the tracks table", "show_tracks")
        self.show_artists = a(parent, "&Artists", "Ctrl+2", None, "Show artists ranked by risk", "show_artists")
        self.show_findings = a(parent, "F&indings", "Ctrl+3", None, "Show findings to review", "show_findings")
        self.toggle_detail = a(parent, "&Detail pane", "F6", None, "Show or hide the track detail pane",
                               "toggle_detail")
        self.toggle_detail.setCheckable(True)
        self.toggle_detail.setChecked(True)

        self.confirm = a(parent, "&Confirm", "Ctrl+Shift+C", "confirm",
                         "Confirm the selected finding(s): a person agrees it is a problem", "confirm")
        self.dismiss = a(parent, "&Dismiss", "Ctrl+Shift+X", "dismiss",
                         "Dismiss the selected finding(s): reviewed and not a problem", "dismiss")
        self.reopen = a(parent, "&Reopen", "Ctrl+Shift+O", "reopen",
                        "Set the selected finding(s) back to open", "reopen")
        self.note = a(parent, "&Note…", "Ctrl+Shift+M", "note", "Add or edit a note on the selected finding(s)",
                      "note")
        self.verify_writer = a(parent, "Writer &verified", "Ctrl+Shift+V", "confirm",
                               "Add the selected finding's writer to the registry as verified, then re-check",
                               "verify_writer")
        self.about = a(parent, "&About Catalog Auditor", None, None, "", "about")
        self.filter_help = a(parent, "Filter &syntax", None, None, "How to write filters", "filter_help")

    def review_actions(self) -> list[QAction]:
        return [self.confirm, self.dismiss, self.reopen, self.note]
