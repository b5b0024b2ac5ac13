"""The sink every container module writes into while one file is read.

Container modules only know their own keys; they hand each entry to a
:class:`TagCollector`, which keeps the raw entry as evidence, routes mapped
values to fields and credits, and summarizes binary payloads.  Keeping this
in one place means truncation, hashing and artwork handling behave the same
for ID3, Vorbis, MP4, ASF, APEv2 and RIFF.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from ..fields import Target
from ..model import Artwork, FieldValue, RawTag
from .images import inspect_image

MAX_TEXT = 4096  # characters kept per value; the full length is recorded
MAX_VALUES = 256  # values kept per key (hostile files repeat keys endlessly)


@dataclass(slots=True)
class Mapped:
    """A value routed to a canonical field, credit role or identifier."""

    target: Target
    value: str
    source: str
    detail: str | None = None  # e.g. instrument (TMCL) or TIPL role text


@dataclass(slots=True)
class TagCollector:
    raw: list[RawTag] = field(default_factory=list)
    mapped: list[Mapped] = field(default_factory=list)
    artworks: list[Artwork] = field(default_factory=list)
    encoders: list[FieldValue] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    containers: list[str] = field(default_factory=list)
    layout: list[str] = field(default_factory=list)
    _artwork_seen: set[tuple[str, str]] = field(default_factory=set)

    def container(self, name: str) -> None:
        if name not in self.containers:
            self.containers.append(name)

    def text(
        self,
        container: str,
        key: str,
        values: list[str] | tuple[str, ...],
        target: Target | None,
        *,
        detail: str | None = None,
    ) -> None:
        """Record a text entry and, when it maps somewhere, its values."""
        kept = [self._clip(container, key, str(v)) for v in list(values)[:MAX_VALUES]]
        if len(values) > MAX_VALUES:
            self.problems.append(f"{container}:{key}: {len(values)} values, kept the first {MAX_VALUES}")
        truncated = any(len(str(v)) > MAX_TEXT for v in values[:MAX_VALUES])
        self.raw.append(RawTag(container=container, key=key, values=tuple(kept), truncated=truncated))
        if target is None or target.kind == "raw":
            return
        source = f"{container}:{key}"
        for value in kept:
            if value.strip():
                self.mapped.append(Mapped(target, value.strip(), source, detail))

    def mapped_credit(self, target: Target, name: str, source: str, *, detail: str | None = None) -> None:
        """Route a value that has no raw entry of its own (a TIPL pair, say)."""
        name = self._clip(source, "", name).strip()
        if name:
            self.mapped.append(Mapped(target, name, source, detail))

    def binary(self, container: str, key: str, data: bytes, kind: str, *, note: str = "") -> None:
        """Summarize a binary payload (PRIV, GEOB, C2PA, ...) without storing it."""
        values = (note,) if note else ()
        self.raw.append(
            RawTag(
                container=container,
                key=key,
                values=values,
                binary_kind=kind,
                binary_size=len(data),
                binary_sha256=hashlib.sha256(data).hexdigest(),
            )
        )

    def picture(self, container: str, key: str, data: bytes, mime: str | None, picture_type: int | None) -> None:
        """Hash and measure an embedded picture; never decode more than needed."""
        self.binary(container, key, data, "picture", note=mime or "")
        digest = hashlib.sha256(data).hexdigest()
        source = f"{container}:{key}"
        if (digest, source) in self._artwork_seen:  # same picture reached twice via one key
            return
        self._artwork_seen.add((digest, source))
        info = inspect_image(data)
        if info.problem:
            self.problems.append(f"{source}: picture: {info.problem}")
        self.artworks.append(
            Artwork(
                sha256=digest,
                size=len(data),
                mime=info.mime or (mime or "application/octet-stream"),
                source=source,
                width=info.width,
                height=info.height,
                picture_type=picture_type,
                phash=info.phash,
            )
        )

    def mapped_values(self, field_name: str) -> list[FieldValue]:
        return [FieldValue(m.target.name, m.value, m.source) for m in self.mapped
                if m.target.kind == "field" and m.target.name == field_name]

    def encoder(self, source: str, value: str) -> None:
        value = value.strip()
        if value:
            self.encoders.append(FieldValue("encoder", value[:MAX_TEXT], source))

    def _clip(self, container: str, key: str, value: str) -> str:
        if len(value) <= MAX_TEXT:
            return value
        self.problems.append(f"{container}:{key}: value of {len(value):,} characters truncated to {MAX_TEXT:,}")
        return value[:MAX_TEXT]
