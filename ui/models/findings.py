"""Findings grouped by family, then severity, with their review state.

A three-level tree (family -> severity -> finding).  Nodes are addressed by
integer ids (``internalId``), not Python object pointers, so no index can
outlive the object it points to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from auditor import browse
from auditor.detectors.base import FAMILY_TITLES
from auditor.store import Store

from .. import theme
from ..safety import display_text, plain_tooltip

FINDING_KEY_ROLE = Qt.ItemDataRole.UserRole + 1
NODE_KIND_ROLE = Qt.ItemDataRole.UserRole + 2
Index = QModelIndex | QPersistentModelIndex
HEADERS = ("Finding", "Severity", "Score", "Subject", "Tracks", "Review", "Note", "Detector")
REVIEW_FILTERS = ("all", "open", "confirmed", "dismissed", "reviewed")

def subject_text(finding: dict[str, Any]) -> str:
    """Tracks are named by their file (the path is in the tooltip); other subjects as they are."""
    subject = str(finding.get("subject") or "")
    if finding.get("subject_type") == "track" and "/" in subject:
        return subject.rsplit("/", 1)[-1]
    return subject


def family_title(family: str | None) -> str:
    if not family:
        return "Other"
    return FAMILY_TITLES.get(family) or family.replace("_", " ").capitalize()


@dataclass(slots=True)
class _Node:
    id: int
    parent: int  # 0 = root
    kind: str  # family, severity, finding
    label: str
    row: int = 0
    children: list[int] = field(default_factory=list)
    finding: dict[str, Any] | None = None
    open_count: int = 0
    total: int = 0


class FindingsModel(QAbstractItemModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._all: list[dict[str, Any]] = []
        self._nodes: dict[int, _Node] = {0: _Node(0, -1, "root", "")}
        self._review_filter = "all"
        self._text_filter = ""

    # --- loading and filtering ---------------------------------------------------------------

    def load(self, store: Store | None) -> None:
        self._all = browse.finding_rows(store) if store is not None else []
        self._rebuild()

    def set_review_filter(self, status: str) -> None:
        self._review_filter = status if status in REVIEW_FILTERS else "all"
        self._rebuild()

    def set_text_filter(self, text: str) -> None:
        self._text_filter = browse.fold(text.strip())
        self._rebuild()

    @property
    def review_filter(self) -> str:
        return self._review_filter

    def finding_count(self) -> int:
        return sum(1 for n in self._nodes.values() if n.kind == "finding")

    def _visible(self, finding: dict[str, Any]) -> bool:
        status = finding.get("review_status") or "open"
        wanted = self._review_filter
        if wanted == "reviewed" and status == "open":
            return False
        if wanted not in ("all", "reviewed") and status != wanted:
            return False
        if self._text_filter:
            haystack = browse.fold(" ".join(str(finding.get(k) or "") for k in (
                "title", "subject", "detector", "family", "explanation", "review_note")))
            return self._text_filter in haystack
        return True

    def _rebuild(self) -> None:
        self.beginResetModel()
        nodes: dict[int, _Node] = {0: _Node(0, -1, "root", "")}
        next_id = 1
        families: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for finding in self._all:
            if self._visible(finding):
                severity = (finding.get("severity") or "info").lower()
                families.setdefault(finding.get("family") or "", {}).setdefault(severity, []).append(finding)
        for family in sorted(families, key=lambda f: family_title(f).casefold()):
            fam = _Node(next_id, 0, "family", family_title(family), row=len(nodes[0].children))
            nodes[fam.id] = fam
            nodes[0].children.append(fam.id)
            next_id += 1
            for severity in sorted(families[family], key=browse.severity_rank):
                sev = _Node(next_id, fam.id, "severity", severity.capitalize(), row=len(fam.children))
                nodes[sev.id] = sev
                fam.children.append(sev.id)
                next_id += 1
                items = sorted(families[family][severity],
                               key=lambda f: (-(f.get("score") or 0), str(f.get("title") or ""), f["key"]))
                for finding in items:
                    leaf = _Node(next_id, sev.id, "finding", str(finding.get("title") or finding["key"]),
                                 row=len(sev.children), finding=finding)
                    nodes[leaf.id] = leaf
                    sev.children.append(leaf.id)
                    next_id += 1
                    is_open = (finding.get("review_status") or "open") == "open"
                    for group in (sev, fam):
                        group.total += 1
                        group.open_count += int(is_open)
        self._nodes = nodes
        self.endResetModel()

    # --- lookups ----------------------------------------------------------------------------

    def node(self, index: Index) -> _Node:
        if not index.isValid():
            return self._nodes[0]
        return self._nodes[int(index.internalId())]

    def finding(self, index: Index) -> dict[str, Any] | None:
        if not index.isValid():
            return None
        return self.node(index).finding

    def findings_under(self, index: Index) -> list[dict[str, Any]]:
        """The finding itself, or every finding in a group."""
        node = self.node(index)
        out: list[dict[str, Any]] = []
        stack = [node.id]
        while stack:
            current = self._nodes[stack.pop()]
            if current.finding is not None:
                out.append(current.finding)
            stack.extend(reversed(current.children))
        return out

    def index_of_key(self, key: str) -> QModelIndex:
        for node in self._nodes.values():
            if node.finding is not None and node.finding["key"] == key:
                return self.createIndex(node.row, 0, node.id)
        return QModelIndex()

    # --- Qt model interface ------------------------------------------------------------------

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column < 0 or column >= len(HEADERS) or row < 0:
            return QModelIndex()
        if parent.isValid() and parent.column() != 0:
            return QModelIndex()
        parent_node = self.node(parent)
        if row >= len(parent_node.children):
            return QModelIndex()
        return self.createIndex(row, column, parent_node.children[row])

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        node = self._nodes.get(int(index.internalId()))
        if node is None or node.parent <= 0:
            return QModelIndex()
        parent = self._nodes[node.parent]
        return self.createIndex(parent.row, 0, parent.id)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self.node(parent).children)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(HEADERS)

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return self.rowCount(parent) > 0

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(HEADERS):
            return HEADERS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.node(index).kind == "finding":
            flags |= Qt.ItemFlag.ItemNeverHasChildren
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = self._nodes.get(int(index.internalId()))
        if node is None:
            return None
        column = index.column()
        if node.finding is None:
            return self._group_data(node, column, role)
        finding = node.finding
        status = finding.get("review_status") or "open"
        if role == Qt.ItemDataRole.DisplayRole:
            values = (finding.get("title") or finding["key"], (finding.get("severity") or "").capitalize(),
                      "" if finding.get("score") is None else f"{float(finding['score']):g}",
                      subject_text(finding), "" if not finding.get("tracks") else f"{finding['tracks']:,}",
                      status, finding.get("review_note") or "", finding.get("detector"))
            return display_text(values[column], 200)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 0:
                return plain_tooltip(finding.get("explanation") or finding.get("title") or "")
            if column == 6 and finding.get("review_note"):
                return plain_tooltip(finding["review_note"])
            if column == 3 and finding.get("subject"):
                return plain_tooltip(finding["subject"])
            return None
        if role == Qt.ItemDataRole.ForegroundRole and column in (0, 5):
            return theme.review_color(status)
        if role == Qt.ItemDataRole.FontRole and status == "dismissed":
            font = QFont()
            font.setStrikeOut(column == 0)
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (2, 4):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == FINDING_KEY_ROLE:
            return finding["key"]
        if role == NODE_KIND_ROLE:
            return "finding"
        return None

    def _group_data(self, node: _Node, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return f"{node.label}  ({node.total:,})"
            if column == 5:
                return f"{node.open_count:,} open" if node.open_count else "all reviewed"
            return ""
        if role == Qt.ItemDataRole.FontRole and column == 0:
            font = QFont()
            font.setBold(True)
            return font
        if role == NODE_KIND_ROLE:
            return node.kind
        return None
