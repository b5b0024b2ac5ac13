"""Settings: scanning, detector thresholds (the user's TOML) and the writer registry.

Two kinds of configuration are kept apart on purpose: how the *app* behaves
(workers, start-up) lives in QSettings with the window state; what the
*audit* considers suspicious lives in the thresholds TOML, shared with the
CLI and written through :func:`auditor.thresholds.save_user_overrides`.
"""

from __future__ import annotations

import importlib
import json
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from auditor.errors import AuditorError
from auditor.store import Store

from ..safety import display_text, plain_tooltip
from .common import plain_label

PATH_ROLE = Qt.ItemDataRole.UserRole + 1
DEFAULT_ROLE = Qt.ItemDataRole.UserRole + 2


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def app_setting(settings: QSettings, key: str, default: Any, kind: type) -> Any:
    value = settings.value(key, default)
    try:
        if kind is bool:
            return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes")
        return kind(value)
    except (TypeError, ValueError):
        return default


_TABLE = re.compile(r"^\s*\[([^\]]+)\]\s*(?:#.*)?$")
_KEY = re.compile(r'^\s*("[^"]+"|[A-Za-z0-9_-]+)\s*=\s*(.*)$')


def _split_dotted(text: str) -> tuple[str, ...]:
    return tuple(part.strip().strip('"') for part in re.findall(r'"[^"]*"|[^.]+', text.strip()))


def threshold_comments(path: Path) -> dict[tuple[str, ...], str]:
    """What each setting means, from the comments in the shipped defaults file."""
    comments: dict[tuple[str, ...], str] = {}
    table: tuple[str, ...] = ()
    pending: list[str] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return comments
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("#"):
            text = stripped.lstrip("#").strip()
            if text and not text.startswith("---"):
                pending.append(text)
            continue
        header = _TABLE.match(line)
        if header:
            table, pending = _split_dotted(header.group(1)), []
            continue
        key = _KEY.match(line)
        if key:
            name = key.group(1).strip('"')
            inline = key.group(2).split("#", 1)[1].strip() if "#" in key.group(2) and not \
                key.group(2).lstrip().startswith('"') else ""
            text = " ".join(pending + ([inline] if inline else []))
            if text:
                comments[(*table, name)] = text
            pending = []
        elif not stripped:
            pending = []
    return comments


def _leaves(data: Mapping[str, Any], prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    out = []
    for key, value in data.items():
        if isinstance(value, Mapping):
            out.extend(_leaves(value, (*prefix, key)))
        else:
            out.append(((*prefix, key), value))
    return out


def _nest(path: tuple[str, ...], value: Any, into: dict[str, Any]) -> None:
    node = into
    for part in path[:-1]:
        node = node.setdefault(part, {})
    node[path[-1]] = value


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return ""
    if isinstance(value, (list, tuple)):
        return json.dumps(list(value), ensure_ascii=False)
    return str(value)


def _parse(text: str, default: Any) -> Any:
    """The edited text as the default's type; raises ValueError with a readable reason."""
    if isinstance(default, bool):
        raise ValueError("use the check box")
    if isinstance(default, int):
        return int(text.strip())
    if isinstance(default, float):
        return float(text.strip())
    if isinstance(default, (list, tuple)):
        value = json.loads(text)
        if not isinstance(value, list):
            raise ValueError("expected a list like [1, 2]")
        return value
    return text


class SettingsDialog(QDialog):
    def __init__(self, settings: QSettings, store: Store | None, parent: QWidget | None = None, *,
                 ask_file: Callable[[str, str], Path | None] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setObjectName("settingsDialog")
        self.resize(720, 560)
        self.settings = settings
        self.store = store
        self.ask_file = ask_file
        self.thresholds_error: str | None = None
        self._loaded: dict[tuple[str, ...], Any] = {}
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._scanning_tab(), "Scanning")
        self.tabs.addTab(self._thresholds_tab(), "Thresholds")
        self.tabs.addTab(self._registry_tab(), "Writer registry")
        self.message = plain_label("", self, wrap=True)
        self.message.setObjectName("settingsMessage")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self._ok)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    # --- scanning -----------------------------------------------------------------------------

    def _scanning_tab(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        self.workers = QSpinBox(page)
        self.workers.setRange(0, 256)
        self.workers.setValue(app_setting(self.settings, "scan/workers", default_workers(), int))
        self.workers.setToolTip(plain_tooltip(
            "Reader processes used by a scan. 0 reads inside the app itself (slower; for tiny jobs)."))
        self.timeout = QDoubleSpinBox(page)
        self.timeout.setRange(1.0, 600.0)
        self.timeout.setSuffix(" s")
        self.timeout.setValue(app_setting(self.settings, "scan/file_timeout", 30.0, float))
        self.audio = QCheckBox("Analyse the audio (loudness, spectral artifacts, near-duplicates)", page)
        self.audio.setChecked(app_setting(self.settings, "scan/audio", True, bool))
        self.audio.setToolTip(plain_tooltip(
            "Decodes a bounded excerpt of every new or changed file. Off: tags only (faster)."))
        self.reopen = QCheckBox("Reopen the last audit at start-up", page)
        self.reopen.setChecked(app_setting(self.settings, "app/reopen_last", True, bool))
        form.addRow("Workers", self.workers)
        form.addRow("Per-file time limit", self.timeout)
        form.addRow("", self.audio)
        form.addRow("", self.reopen)
        form.addRow("", plain_label(f"This computer has {default_workers()} processor(s).", page))
        return page

    # --- thresholds ---------------------------------------------------------------------------

    def _thresholds_tab(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        self.threshold_tree = QTreeWidget(page)
        self.threshold_tree.setObjectName("thresholdTree")
        self.threshold_tree.setHeaderLabels(["Setting", "Value", "Default", "What it means"])
        self.threshold_tree.header().resizeSection(0, 250)
        self.threshold_tree.header().resizeSection(1, 90)
        self.threshold_tree.header().resizeSection(2, 70)
        self.threshold_path = plain_label("", page, wrap=True, selectable=True)
        reset = QPushButton("Reset all to defaults", page)
        reset.clicked.connect(self._reset_thresholds)
        row = QHBoxLayout()
        row.addWidget(self.threshold_path, 1)
        row.addWidget(reset)
        layout.addWidget(plain_label(
            "How sensitive each detector is. Changes are saved to your own thresholds file "
            "(only what differs from the defaults) and apply to the next scan.", page, wrap=True))
        layout.addWidget(self.threshold_tree, 1)
        layout.addLayout(row)
        self._load_thresholds()
        return page

    def _load_thresholds(self) -> None:
        self.threshold_tree.clear()
        self._loaded = {}
        try:
            thresholds = importlib.import_module("auditor.thresholds")
            current = thresholds.load_thresholds()
            defaults = thresholds.load_thresholds(include_user=False)
            self.threshold_path.setText(f"Your file: {thresholds.user_path()}")
        except (ImportError, AuditorError, OSError) as exc:
            self.thresholds_error = str(exc)
            self.threshold_path.setText(f"Thresholds unavailable: {exc}")
            self.threshold_tree.setEnabled(False)
            return
        default_values = dict(_leaves(defaults.data))
        comments = threshold_comments(thresholds.DEFAULTS_FILE)
        try:  # a detector's own description explains its section
            from auditor.detectors import all_detectors

            comments.update({("detectors", d.id): d.description for d in all_detectors()})
        except ImportError:
            pass
        groups: dict[tuple[str, ...], QTreeWidgetItem] = {}
        for path, value in _leaves(current.data):
            parent: QTreeWidgetItem | QTreeWidget = self.threshold_tree
            for depth in range(1, len(path)):
                key = path[:depth]
                if key not in groups:
                    node = QTreeWidgetItem(parent, [display_text(path[depth - 1], 120), "", "",
                                                    display_text(comments.get(key, ""), 300)])
                    node.setExpanded(depth == 1)
                    node.setFlags(node.flags() & ~Qt.ItemFlag.ItemIsSelectable)
                    groups[key] = node
                parent = groups[key]
            default = default_values.get(path, value)
            meaning = comments.get(path) or ("Run this detector at all." if path[-1] == "enabled" else "")
            item = QTreeWidgetItem(parent, [display_text(path[-1], 120), _text(value), _text(default),
                                            display_text(meaning, 300)])
            if meaning:
                for column in (0, 3):
                    item.setToolTip(column, plain_tooltip(meaning))
            item.setData(0, PATH_ROLE, list(path))
            item.setData(0, DEFAULT_ROLE, default)
            if isinstance(value, bool):
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(1, Qt.CheckState.Checked if value else Qt.CheckState.Unchecked)
                item.setText(2, "on" if default else "off")
            else:
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            self._loaded[path] = value
        self.threshold_tree.setEnabled(True)

    def threshold_item(self, *path: str) -> QTreeWidgetItem | None:
        stack = [self.threshold_tree.topLevelItem(i) for i in range(self.threshold_tree.topLevelItemCount())]
        while stack:
            item = stack.pop()
            if item.data(0, PATH_ROLE) == list(path):
                return item
            stack.extend(item.child(i) for i in range(item.childCount()))
        return None

    def _items(self) -> list[QTreeWidgetItem]:
        out = []
        stack = [self.threshold_tree.topLevelItem(i) for i in range(self.threshold_tree.topLevelItemCount())]
        while stack:
            item = stack.pop()
            if item.data(0, PATH_ROLE):
                out.append(item)
            stack.extend(item.child(i) for i in range(item.childCount()))
        return out

    def _reset_thresholds(self) -> None:
        for item in self._items():
            default = item.data(0, DEFAULT_ROLE)
            if isinstance(default, bool):
                item.setCheckState(1, Qt.CheckState.Checked if default else Qt.CheckState.Unchecked)
            else:
                item.setText(1, _text(default))

    def threshold_changes(self) -> dict[str, Any]:
        """Edited values that differ from what was loaded, nested like the TOML; raises ValueError."""
        changes: dict[str, Any] = {}
        for item in self._items():
            path = tuple(item.data(0, PATH_ROLE))
            old = self._loaded.get(path)
            if isinstance(old, bool):
                new: Any = item.checkState(1) == Qt.CheckState.Checked
            else:
                try:
                    new = _parse(item.text(1), old)
                except (ValueError, TypeError) as exc:
                    raise ValueError(f"{'.'.join(path)}: '{item.text(1)}' is not valid ({exc})") from exc
            if (list(new) if isinstance(new, tuple) else new) != (list(old) if isinstance(old, tuple) else old):
                _nest(path, new, changes)
        return changes

    # --- registry -------------------------------------------------------------------------------

    def _registry_tab(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.addWidget(plain_label(
            "Writers your label knows (name, IPI/ISNI). A credited writer found in the registry is "
            "not reported as untraceable. Import a CSV with columns such as name, ipi, isni, aliases; "
            "double-click a value to edit it, tick Verified once a person has checked the writer.",
            page, wrap=True))
        self.registry_status = plain_label("", page, wrap=True)
        self.registry_status.setObjectName("registryStatus")
        self.registry_list = QTreeWidget(page)
        self.registry_list.setObjectName("registryList")
        self.registry_list.setRootIsDecorated(False)
        self.registry_list.setHeaderLabels(["Writer", "IPI", "ISNI", "Verified", "Aliases"])
        self.registry_list.header().resizeSection(0, 200)
        self.registry_list.header().resizeSection(1, 110)
        self.registry_list.header().resizeSection(2, 150)
        self.registry_list.setToolTip(plain_tooltip(
            "Double-click a name, IPI, ISNI or aliases (separated by ;) to edit; tick Verified once a "
            "person has checked the writer."))
        self.registry_list.itemChanged.connect(self._registry_item_changed)
        self._filling_registry = False
        self.imported = False
        self.import_button = QPushButton("Import CSV…", page)
        self.import_button.clicked.connect(self._import_registry)
        self.remove_button = QPushButton("Remove", page)
        self.remove_button.clicked.connect(self._remove_registry_writers)
        row = QHBoxLayout()
        row.addWidget(self.import_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        layout.addWidget(self.registry_status)
        layout.addWidget(self.registry_list, 1)
        layout.addLayout(row)
        self._update_registry_status()
        return page

    def _registry(self) -> Any | None:
        try:
            return importlib.import_module("auditor.registry")
        except ImportError:
            return None

    def _update_registry_status(self) -> None:
        registry = self._registry()
        if self.store is None:
            self.registry_status.setText("Open an audit to manage its writer registry.")
            self.import_button.setEnabled(False)
            self.remove_button.setEnabled(False)
            return
        if registry is None:
            self.registry_status.setText("The writer registry is not available in this build.")
            self.import_button.setEnabled(False)
            return
        writers = registry.list_writers(self.store)
        verified = sum(1 for w in writers if w.verified)
        self.registry_status.setText(f"{len(writers):,} writer(s) in this audit's registry, {verified:,} verified.")
        self._filling_registry = True
        try:
            self.registry_list.clear()
            for writer in writers[:5000]:
                item = QTreeWidgetItem(self.registry_list, [display_text(writer.name, 200), writer.ipi or "",
                                                            writer.isni or "", "",
                                                            display_text("; ".join(writer.aliases), 200)])
                item.setData(0, Qt.ItemDataRole.UserRole, writer.id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(3, Qt.CheckState.Checked if writer.verified else Qt.CheckState.Unchecked)
                item.setToolTip(0, plain_tooltip(writer.name))
        finally:
            self._filling_registry = False
        self.import_button.setEnabled(True)
        self.remove_button.setEnabled(bool(writers))

    def _registry_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        """An edit in the list goes straight to the registry (validated there)."""
        registry = self._registry()
        if self._filling_registry or registry is None or self.store is None:
            return
        writer_id = int(item.data(0, Qt.ItemDataRole.UserRole))
        try:
            if column == 3:
                registry.set_verified(self.store, writer_id, item.checkState(3) == Qt.CheckState.Checked)
            elif column in (0, 1, 2, 4):
                field = {0: "name", 1: "ipi", 2: "isni"}.get(column)
                if field is not None:
                    registry.update_writer(self.store, writer_id, **{field: item.text(column).strip()})
                else:
                    registry.update_writer(self.store, writer_id,
                                           aliases=[a for a in item.text(4).split(";") if a.strip()])
            self.message.setText("Registry updated. Rescan (F5) or re-run detection to apply it.")
            self.imported = True
        except (AuditorError, ValueError) as exc:
            self.message.setText(f"Registry not changed: {exc}")
        self._update_registry_status()

    def _remove_registry_writers(self) -> None:
        registry = self._registry()
        if registry is None or self.store is None:
            return
        for item in self.registry_list.selectedItems():
            registry.remove_writer(self.store, int(item.data(0, Qt.ItemDataRole.UserRole)))
        self.imported = True
        self._update_registry_status()

    def _import_registry(self) -> None:
        registry = self._registry()
        if registry is None or self.store is None or self.ask_file is None:
            return
        path = self.ask_file("Import writer registry", "CSV files (*.csv *.tsv);;All files (*)")
        if path is None:
            return
        self.import_registry_file(path)

    def import_registry_file(self, path: Path) -> None:
        registry = self._registry()
        if registry is None or self.store is None:
            return
        try:
            report = registry.import_registry(self.store, path)
        except (AuditorError, OSError, ValueError) as exc:
            self.message.setText(f"Registry import failed: {exc}")
            return
        text = (f"Imported {path.name}: {report.added} added, {report.updated} updated, "
                f"{report.skipped} skipped.")
        if report.problems:
            text += " " + "; ".join(display_text(p, 200) for p in report.problems[:5])
            if len(report.problems) > 5:
                text += f" (+{len(report.problems) - 5} more)"
        self.message.setText(text + " Rescan (F5) to check the audit's writers against it.")
        self.imported = True
        self._update_registry_status()

    # --- saving -------------------------------------------------------------------------------

    def apply(self) -> bool:
        """Save both kinds of settings; False (with a message) when a threshold is invalid."""
        try:
            changes = self.threshold_changes()
        except ValueError as exc:
            self.message.setText(str(exc))
            self.tabs.setCurrentIndex(1)
            return False
        if changes:
            try:
                thresholds = importlib.import_module("auditor.thresholds")
                thresholds.save_user_overrides(changes)
            except (ImportError, AuditorError, OSError) as exc:
                self.message.setText(f"Thresholds not saved: {exc}")
                self.tabs.setCurrentIndex(1)
                return False
        self.settings.setValue("scan/workers", self.workers.value())
        self.settings.setValue("scan/file_timeout", self.timeout.value())
        self.settings.setValue("scan/audio", self.audio.isChecked())
        self.settings.setValue("app/reopen_last", self.reopen.isChecked())
        self.settings.sync()
        return True

    def _ok(self) -> None:
        if self.apply():
            self.accept()
