"""Audit thresholds: the shipped defaults merged with the user's own copy.

Why a file and not constants: every number that decides whether an act is
flagged is a judgement call a label may want to tune (a library-music house
sees far more uniform durations than a rock label).  ``resources/thresholds.toml``
holds the defaults with comments explaining each value; a user copy holds only
what the user changed and overrides the defaults key by key.

The user copy is ``$CATALOG_AUDITOR_THRESHOLDS`` when set, otherwise
``$XDG_CONFIG_HOME/catalog-auditor/thresholds.toml`` (``~/.config/...``).
A key in the user copy that the defaults do not know, or a value of the
wrong type, is an error naming the file and the key: a silently ignored typo
would make the audit lie about its own settings.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .errors import AuditorError

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
DEFAULTS_FILE = RESOURCES / "thresholds.toml"
ENV_VAR = "CATALOG_AUDITOR_THRESHOLDS"
SEVERITIES = ("info", "low", "medium", "high", "conclusive")


class ThresholdsError(AuditorError):
    """The thresholds file cannot be read, or holds unknown keys or wrong types."""


def user_path() -> Path:
    """Where the user's overrides live (the file need not exist)."""
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "catalog-auditor" / "thresholds.toml"


def _read(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ThresholdsError(f"{path}: not valid TOML ({exc})") from exc
    except OSError as exc:
        raise ThresholdsError(f"{path}: cannot read thresholds ({exc.strerror or exc})") from exc


def _same_kind(default: Any, value: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, (int, float)):
        return isinstance(value, (int, float)) and math.isfinite(value)
    if isinstance(default, list):
        return isinstance(value, list)
    return isinstance(value, type(default))


_SEVERITY_TABLES = ("weights", "severity_weights")


def _merge(defaults: dict[str, Any], user: Mapping[str, Any], path: Path, prefix: str = "") -> dict[str, Any]:
    merged = dict(defaults)
    table = prefix.rstrip(".").rsplit(".", 1)[-1]
    for key, value in user.items():
        where = f"{prefix}{key}"
        if key not in defaults and table in _SEVERITY_TABLES and key in SEVERITIES:
            if not _same_kind(0.0, value):  # a weight for a severity the defaults leave at the fallback
                raise ThresholdsError(f"{path}: '{where}' must be a number")
            merged[key] = value
            continue
        if key not in defaults:
            raise ThresholdsError(f"{path}: unknown setting '{where}' (see {DEFAULTS_FILE.name} for the names)")
        default = defaults[key]
        if isinstance(default, dict):
            if not isinstance(value, dict):
                raise ThresholdsError(f"{path}: '{where}' must be a table")
            merged[key] = _merge(default, value, path, where + ".")
        elif not _same_kind(default, value):
            raise ThresholdsError(
                f"{path}: '{where}' must be {type(default).__name__}, not {type(value).__name__}")
        else:
            merged[key] = value
    return merged


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Read-only merged settings with helpers for detectors and scoring."""

    data: Mapping[str, Any]
    sources: tuple[Path, ...] = field(default=())

    def detector_section(self, detector_id: str) -> Mapping[str, Any]:
        section = self.data.get("detectors", {}).get(detector_id)
        if section is None:
            raise ThresholdsError(f"{self.sources[0] if self.sources else DEFAULTS_FILE}: "
                                  f"no [detectors.\"{detector_id}\"] section")
        return section

    def params(self, detector_id: str) -> Mapping[str, Any]:
        """A detector's parameters (everything in its section but ``enabled`` and ``weights``)."""
        section = self.detector_section(detector_id)
        return MappingProxyType({k: v for k, v in section.items() if k not in ("enabled", "weights")})

    def enabled(self, detector_id: str) -> bool:
        return bool(self.detector_section(detector_id).get("enabled", True))

    def weight(self, detector_id: str, severity: str) -> float:
        """Points a finding of ``severity`` from ``detector_id`` is worth before caps."""
        section = self.data.get("detectors", {}).get(detector_id, {})
        weights = section.get("weights", {})
        if severity in weights:
            return float(weights[severity])
        return float(self.data["scoring"]["severity_weights"].get(severity, 0.0))

    @property
    def scoring(self) -> Mapping[str, Any]:
        return self.data["scoring"]


def load_thresholds(user: str | os.PathLike[str] | None = None, *, include_user: bool = True) -> Thresholds:
    """Defaults merged with the user copy (``user`` or :func:`user_path`) when it exists."""
    defaults = _read(DEFAULTS_FILE)
    sources = [DEFAULTS_FILE]
    merged = defaults
    if include_user:
        path = Path(user) if user is not None else user_path()
        if path.is_file():
            merged = _merge(defaults, _read(path), path)
            sources.append(path)
    return Thresholds(_freeze(merged), tuple(sources))


def thresholds_from_mapping(overrides: Mapping[str, Any]) -> Thresholds:
    """Defaults merged with in-memory overrides (tests and the GUI's preview)."""
    defaults = _read(DEFAULTS_FILE)
    return Thresholds(_freeze(_merge(defaults, _thaw(overrides), Path("<overrides>"))), (DEFAULTS_FILE,))


def _thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    return value


def _deep_update(base: dict[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in changes.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _deep_update(out[key], value)
        else:
            out[key] = _thaw(value)
    return out


def save_user_overrides(changes: Mapping[str, Any], path: str | os.PathLike[str] | None = None) -> Path:
    """Merge ``changes`` into the user copy and write it; validated against the defaults first.

    Only overrides are written, so a later release's improved defaults still
    apply to everything the user did not change.
    """
    target = Path(path) if path is not None else user_path()
    existing = _read(target) if target.is_file() else {}
    updated = _deep_update(existing, changes)
    _merge(_read(DEFAULTS_FILE), updated, target)  # raises on unknown keys or wrong types
    target.parent.mkdir(parents=True, exist_ok=True)
    text = "# Catalog Auditor: your changes to resources/thresholds.toml (only overrides).\n" + dump_toml(updated)
    part = target.with_name(target.name + ".part")
    with open(part, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(part, target)
    return target


# --- a small TOML writer for our own settings (tables of scalars and lists) ------------------

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else _string(key)


def _string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in escaped)
    return f'"{escaped}"'


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"
    raise ThresholdsError(f"cannot write {type(value).__name__} to TOML")


def dump_toml(data: Mapping[str, Any]) -> str:
    """TOML text for nested tables of scalars, lists and inline tables."""
    lines: list[str] = []

    def emit(table: Mapping[str, Any], path: list[str]) -> None:
        scalars = [(k, v) for k, v in table.items() if not isinstance(v, Mapping)]
        tables = [(k, v) for k, v in table.items() if isinstance(v, Mapping)]
        if path and (scalars or not tables):
            lines.append(f"\n[{'.'.join(_key(p) for p in path)}]")
        for key, value in scalars:
            lines.append(f"{_key(key)} = {_value(value)}")
        for key, value in tables:
            emit(value, [*path, key])

    emit(data, [])
    return "\n".join(lines).lstrip("\n") + "\n"
