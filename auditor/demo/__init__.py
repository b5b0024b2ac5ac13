"""Build the demo catalog: synthesized songs in real containers with real tags.

Why: label staff (and our tests) need a catalog that exercises every detector
without shipping anyone's music.  :func:`build_demo_catalog` writes it from the
declarative plan in :mod:`auditor.demo.catalog`; the same code always writes
the same bytes, so a demo scan is reproducible evidence.

Safety: the builder only writes into an empty directory or into a directory
carrying its own marker file (``.catalog-auditor-demo``), and on a re-run over
an intact demo it writes nothing at all.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from auditor.demo.catalog import (
    ACTS,
    FARM_LABEL,
    FARM_PERSONAS,
    FARM_REGISTRANT,
    FARM_WINDOW,
    FARM_WRITER,
    HOUSE_ENCODER_ACTS,
    HUMAN_ACTS,
    LIBRARY_COMPOSER,
    NO_CREDIT_ACT,
    SHARED_WRITER,
    DemoAct,
    DemoTags,
    PlannedFile,
    plan_catalog,
)
from auditor.errors import UsageError

__all__ = [
    "ACTS", "BROKEN_FILE", "DEMO_VERSION", "DemoSummary", "FARM_LABEL", "FARM_PERSONAS", "FARM_REGISTRANT",
    "FARM_WINDOW", "FARM_WRITER", "HOUSE_ENCODER_ACTS", "HUMAN_ACTS", "LIBRARY_COMPOSER", "MARKER",
    "NO_CREDIT_ACT", "SHARED_WRITER", "DemoAct", "DemoTags", "PlannedFile", "build_demo_catalog",
    "plan_catalog", "plan_fingerprint", "produce_file",
]

MARKER = ".catalog-auditor-demo"
DEMO_VERSION = 2  # 2: farm audio carries a simulated neural-decoder artifact
BROKEN_FILE = "broken/truncated.mp3"
_STAGING = ".demo-staging"
# fixed timestamp for ZIP members, so the archive is byte-identical across runs
_ZIP_TIME = (2025, 3, 14, 12, 0, 0)

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """What was built (or found intact): counts for the UI and paths tests rely on."""

    root: Path
    tracks: int  # audio tracks, including ZIP members and the mismatched file
    human_tracks: int
    farm_tracks: int
    files: int  # files on disk, excluding the marker
    total_bytes: int
    acts: tuple[str, ...]
    farm_personas: tuple[str, ...]
    farm_writer: str
    formats: tuple[tuple[str, int], ...]  # (codec, track count), sorted by codec
    deliveries: tuple[str, ...]  # ZIP deliveries, relative to root
    expected_failures: tuple[str, ...]  # files a reader must report as unreadable
    expected_mismatches: tuple[str, ...]  # files whose extension lies about their content
    reused: bool  # True when an intact demo was found and nothing was written
    seconds: float


# --- producing one file ------------------------------------------------------------------------


def produce_file(planned: PlannedFile, artwork: bytes, path: Path) -> Path:
    """Render, encode and tag one planned file at ``path`` (written atomically)."""
    from auditor.demo.encode import encode_audio, stamp_lame_header, tag_file
    from auditor.demo.synth import render_song

    profile = planned.profile
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    samples = render_song(planned.seed, planned.seconds, profile.sample_rate, style=planned.style)
    if planned.kind == "farm":  # what a neural decoder's upsampling leaves: a faint periodic comb
        from auditor.audio.simulate import simulate_neural_decoder

        samples = simulate_neural_decoder(samples, profile.sample_rate, level_db=-20.0, seed=planned.seed)
    encode_audio(samples, profile.sample_rate, part, profile.codec, bitrate=profile.bitrate,
                 vbr_quality=profile.vbr_quality, bits_per_sample=profile.bits_per_sample)
    if profile.codec == "mp3" and profile.lame_version != "3.100":
        stamp_lame_header(part, version=profile.lame_version, vbr_quality=profile.vbr_quality,
                          bitrate=profile.bitrate or 192_000)
    tag_file(part, profile.codec, replace(planned.tags, artwork=artwork))
    os.replace(part, path)
    return path


def _produce_task(args: tuple[PlannedFile, bytes, str]) -> str:
    planned, artwork, path = args
    produce_file(planned, artwork, Path(path))
    return planned.relpath


# --- the marker and manifest -------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_marker(marker: Path) -> dict:
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def plan_fingerprint(plan: tuple[PlannedFile, ...]) -> str:
    """Digest of the plan and of the generator's own source: any change means "rebuild"."""
    digest = hashlib.sha256(f"v{DEMO_VERSION}\n".encode())
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    for planned in plan:
        digest.update(repr(planned).encode() + repr(planned.tags.c2pa_manifest).encode())
    return digest.hexdigest()


def _write_marker(marker: Path, files: dict[str, dict[str, object]], complete: bool, fingerprint: str) -> None:
    payload = {"generator": "Catalog Auditor demo catalog", "version": DEMO_VERSION,
               "fingerprint": fingerprint, "complete": complete, "files": files}
    marker.write_text(json.dumps(payload, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _intact(root: Path, info: dict, fingerprint: str) -> bool:
    """True when the marker says a complete build of this very plan and every file matches."""
    if info.get("fingerprint") != fingerprint or not info.get("complete"):
        return False
    files = info.get("files")
    if not isinstance(files, dict) or not files:
        return False
    for rel, entry in files.items():
        path = root / rel
        try:
            if path.stat().st_size != entry.get("size") or _sha256(path) != entry.get("sha256"):
                return False
        except (OSError, AttributeError):
            return False
    return True


def _check_target(root: Path) -> dict:
    """Refuse foreign directories; return the previous marker's content (or {})."""
    if root.exists() and not root.is_dir():
        raise UsageError(f"{root}: exists and is not a directory")
    if not root.exists():
        return {}
    marker = root / MARKER
    if marker.is_file():
        return _read_marker(marker)
    if any(root.iterdir()):
        raise UsageError(f"{root}: directory is not empty and is not a Catalog Auditor demo "
                         f"(no {MARKER} file); refusing to write into it")
    return {}


def _remove_previous(root: Path, info: dict, keep: set[str]) -> None:
    """Delete files an earlier demo build listed that this build will not rewrite."""
    files = info.get("files")
    if not isinstance(files, dict):
        return
    for rel in files:
        if rel in keep or ".." in Path(rel).parts or Path(rel).is_absolute():
            continue
        path = root / rel
        if path.is_file():
            path.unlink()
            parent = path.parent
            while parent != root and parent.is_dir() and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent


# --- the build ---------------------------------------------------------------------------------


def _zip_delivery(root: Path, zip_rel: str, members: list[tuple[PlannedFile, Path]], cover: bytes) -> None:
    """Pack a label delivery the way a distributor receives one: audio, cover, notes."""
    folder = Path(zip_rel).stem.split(" (")[0]
    first = members[0][0].tags
    cover_name = "cover.png" if members[0][0].art.mime == "image/png" else "cover.jpg"
    notes = (
        f"Delivery: {first.artist} - {first.album}\n"
        f"Label: {first.label}   Catalogue: {first.catalog_number}   UPC: {first.barcode}\n"
        f"Release date: {first.date}\n\nTracks:\n"
        + "".join(f"  {p.tags.track_number:02d}  {p.tags.title}  ISRC {p.tags.isrc}\n" for p, _ in members)
        + f"\nMasters approved by the band. Artwork: {cover_name} (front).\n"
    )
    path = root / zip_rel
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    with zipfile.ZipFile(part, "w") as archive:
        entries: list[tuple[str, bytes, int]] = [
            (f"{folder}/{staged.name}", staged.read_bytes(), zipfile.ZIP_STORED) for _, staged in members]
        entries.append((f"{folder}/{cover_name}", cover, zipfile.ZIP_STORED))
        entries.append((f"{folder}/notes.txt", notes.encode("utf-8"), zipfile.ZIP_DEFLATED))
        for name, data, method in entries:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = method
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, data)
    os.replace(part, path)


def _write_broken(root: Path, source: Path) -> None:
    """A download cut off inside its ID3 tag: the tag claims more bytes than exist."""
    data = source.read_bytes()
    tag_size = data[6] << 21 | data[7] << 14 | data[8] << 7 | data[9] if data[:3] == b"ID3" else 0
    cut = 10 + tag_size // 2 if tag_size else len(data) // 3
    path = root / BROKEN_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data[:cut])


def _default_workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def build_demo_catalog(target: Path, *, progress: Progress | None = None,
                       workers: int | None = None) -> DemoSummary:
    """Write the demo catalog into ``target`` (created if missing) and describe it.

    Refuses a non-empty directory that is not an earlier demo.  Re-running on an
    intact demo writes nothing and returns ``reused=True``; a damaged or older
    demo is rebuilt in place.  ``workers`` > 1 renders files in that many
    processes (spawned, so it is safe to call from a GUI); the output does not
    depend on it.
    """
    from auditor.demo.artwork import render_cover

    started = time.perf_counter()
    root = Path(target)
    previous = _check_target(root)
    plan = plan_catalog()
    report = progress or (lambda done, total, message: None)
    fingerprint = plan_fingerprint(plan)
    if previous and _intact(root, previous, fingerprint):
        report(1, 1, "demo catalog already present and intact")
        return _summary(root, plan, previous["files"], reused=True, seconds=time.perf_counter() - started)

    root.mkdir(parents=True, exist_ok=True)
    marker = root / MARKER
    _write_marker(marker, previous.get("files", {}) if isinstance(previous.get("files"), dict) else {}, False,
                  fingerprint)
    staging = root / _STAGING
    shutil.rmtree(staging, ignore_errors=True)

    covers: dict[object, bytes] = {}
    for planned in plan:
        if planned.art not in covers:
            covers[planned.art] = render_cover(planned.art)
    tasks: list[tuple[PlannedFile, bytes, str]] = []
    for planned in plan:
        out = (staging / Path(planned.delivery).stem / planned.relpath) if planned.delivery else root / planned.relpath
        tasks.append((planned, covers[planned.art], str(out)))

    total = len(tasks) + 2
    done = 0
    count = workers if workers is not None else _default_workers()
    if count > 1:
        import multiprocessing

        with ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("spawn")) as pool:
            for rel in pool.map(_produce_task, tasks, chunksize=1):
                done += 1
                report(done, total, rel)
    else:
        for task in tasks:
            done += 1
            report(done, total, _produce_task(task))

    deliveries: dict[str, list[tuple[PlannedFile, Path]]] = {}
    for planned, _, staged in tasks:
        if planned.delivery:
            deliveries.setdefault(planned.delivery, []).append((planned, Path(staged)))
    for zip_rel, members in deliveries.items():
        _zip_delivery(root, zip_rel, members, covers[members[0][0].art])
    shutil.rmtree(staging, ignore_errors=True)
    done += 1
    report(done, total, "deliveries packed")

    written = [p.relpath for p in plan if not p.delivery] + sorted(deliveries)
    source = next((p for p in plan if p.profile.codec == "mp3" and p.kind == "human" and p.role == "track"
                   and not p.delivery), None)
    if source is not None:
        _write_broken(root, root / source.relpath)
        written.append(BROKEN_FILE)
    manifest = {rel: {"sha256": _sha256(root / rel), "size": (root / rel).stat().st_size} for rel in written}
    _remove_previous(root, previous, set(manifest))
    _write_marker(marker, manifest, True, fingerprint)
    done += 1
    report(done, total, "manifest written")
    return _summary(root, plan, manifest, reused=False, seconds=time.perf_counter() - started)


def _summary(root: Path, plan: tuple[PlannedFile, ...], manifest: dict, *, reused: bool,
             seconds: float) -> DemoSummary:
    formats = Counter(p.profile.codec for p in plan)
    total_bytes = sum(int(entry.get("size", 0)) for entry in manifest.values() if isinstance(entry, dict))
    return DemoSummary(
        root=root,
        tracks=len(plan),
        human_tracks=sum(1 for p in plan if p.kind == "human"),
        farm_tracks=sum(1 for p in plan if p.kind == "farm"),
        files=len(manifest),
        total_bytes=total_bytes,
        acts=HUMAN_ACTS,
        farm_personas=FARM_PERSONAS,
        farm_writer=FARM_WRITER,
        formats=tuple(sorted(formats.items())),
        deliveries=tuple(sorted({p.delivery for p in plan if p.delivery})),
        expected_failures=(BROKEN_FILE,) if BROKEN_FILE in manifest else (),
        expected_mismatches=tuple(p.relpath for p in plan if p.role == "mismatch"),
        reused=reused,
        seconds=seconds,
    )
