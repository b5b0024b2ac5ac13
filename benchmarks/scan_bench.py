"""Scan throughput and memory, as ratios against peers measured in the same run.

    python benchmarks/scan_bench.py [--files 10000] [--workers N] [--memory-check]

Generates N small tagged files (MP3, FLAC, Ogg Vorbis, M4A, WAV in equal parts)
and times, on the same files:

  (a) a bare ``mutagen.File`` + tags loop in one process (the parse limit),
  (b) ``exiftool -json -r`` when installed (Debian: libimage-exiftool-perl),
  (c) our cold scan into SQLite (``catalog-auditor scan``),
  (d) our rescan of the unchanged tree.

Targets (issue #2): cold scan >= 5x exiftool and >= 60 % of (a) x workers;
rescan <= 3 % of the cold scan; with --memory-check, peak parent memory of a
cold scan at N and 10N within 20 %.  Each measurement runs in its own process
so peak RSS is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FORMATS = ("mp3", "flac", "ogg", "m4a", "wav")
TOKEN = b"#########"  # 9-byte placeholder replaced by each file's number


def make_templates(directory: Path) -> dict[str, bytes]:
    """One tagged file per format whose tag text contains a fixed-width placeholder."""
    import numpy as np
    import soundfile as sf
    from mutagen.flac import FLAC
    from mutagen.id3 import COMM, ID3, TALB, TCOM, TDRC, TIT2, TPE1, TSRC
    from mutagen.mp4 import MP4, MP4FreeForm
    from mutagen.oggvorbis import OggVorbis
    from mutagen.wave import WAVE

    from tests.builders import mpeg_frames, pyav_audio

    token = TOKEN.decode()
    text = {
        "title": f"Title {token}", "artist": f"Artist {token[:3]}", "album": f"Album {token[:4]}",
        "composer": f"Writer {token[:4]}", "isrc": f"QZABC{token}"[:12], "date": "2024-05-01",
        "comment": f"comment {token}",
    }
    directory.mkdir(parents=True, exist_ok=True)
    samples = (np.random.default_rng(0).standard_normal((4410, 2)) * 0.1).astype("float32")
    paths = {
        "mp3": mpeg_frames(directory / "t.mp3", frames=12),
        "flac": directory / "t.flac", "ogg": directory / "t.ogg", "wav": directory / "t.wav",
        "m4a": pyav_audio(directory / "t.m4a", "ipod", "aac", seconds=0.1),
    }
    sf.write(paths["flac"], samples, 44100, format="FLAC")
    sf.write(paths["ogg"], samples, 44100, format="OGG", subtype="VORBIS")
    sf.write(paths["wav"], samples, 44100, format="WAV")

    def id3_frames(tags) -> None:
        tags.add(TIT2(encoding=3, text=text["title"]))
        tags.add(TPE1(encoding=3, text=text["artist"]))
        tags.add(TALB(encoding=3, text=text["album"]))
        tags.add(TCOM(encoding=3, text=text["composer"]))
        tags.add(TSRC(encoding=3, text=text["isrc"]))
        tags.add(TDRC(encoding=3, text=text["date"]))
        tags.add(COMM(encoding=3, lang="eng", desc="", text=text["comment"]))

    tags = ID3()
    id3_frames(tags)
    tags.save(paths["mp3"])
    wave = WAVE(paths["wav"])
    wave.add_tags()
    id3_frames(wave.tags)
    wave.save()
    for cls, key in ((FLAC, "flac"), (OggVorbis, "ogg")):
        f = cls(paths[key])
        for name, value in text.items():
            f[name.upper() if name != "date" else "DATE"] = value
        f.save()
    mp4 = MP4(paths["m4a"])
    mp4["\xa9nam"], mp4["\xa9ART"], mp4["\xa9alb"] = text["title"], text["artist"], text["album"]
    mp4["\xa9wrt"], mp4["\xa9day"], mp4["\xa9cmt"] = text["composer"], text["date"], text["comment"]
    mp4["----:com.apple.iTunes:ISRC"] = [MP4FreeForm(text["isrc"].encode())]
    mp4.save()
    return {fmt: paths[fmt].read_bytes() for fmt in FORMATS}


def generate(directory: Path, count: int) -> int:
    """N files in folders of 500, each a template with its own number in the tags."""
    templates = make_templates(directory / "_templates")
    total = 0
    for i in range(count):
        fmt = FORMATS[i % len(FORMATS)]
        folder = directory / "catalog" / f"d{i // 500:04d}"
        if i % 500 == 0:
            folder.mkdir(parents=True, exist_ok=True)
        data = templates[fmt].replace(TOKEN, f"{i:09d}".encode())
        (folder / f"f{i:07d}.{fmt}").write_bytes(data)
        total += len(data)
    shutil.rmtree(directory / "_templates")
    return total


# --- measurements, each in a child process -----------------------------------------------

_MUTAGEN_LOOP = """
import os, sys, time, resource, json, mutagen
root = sys.argv[1]
start = time.perf_counter(); n = 0
for dirpath, _, files in os.walk(root):
    for name in files:
        f = mutagen.File(os.path.join(dirpath, name))
        if f is not None and f.tags is not None:
            list(f.tags.keys())
        n += 1
print(json.dumps({"seconds": time.perf_counter() - start, "files": n,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

_OUR_SCAN = """
import sys, time, resource, json
sys.path.insert(0, sys.argv[4])
from auditor.scan import run_scan
from auditor.store import Store
root, db, workers = sys.argv[1], sys.argv[2], int(sys.argv[3])
start = time.perf_counter()
with Store(db) as store:
    summary = run_scan(store, [root], workers=workers)
print(json.dumps({"seconds": time.perf_counter() - start, "files": summary.seen, "read": summary.read,
                  "failed": summary.failed,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "child_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def run_child(code: str, *args: str) -> dict:
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def time_exiftool(root: Path) -> dict | None:
    exiftool = shutil.which("exiftool")
    if exiftool is None:
        return None
    start = time.perf_counter()
    subprocess.run([exiftool, "-json", "-r", "-q", "-q", str(root)], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False)
    return {"seconds": time.perf_counter() - start}


def scan(root: Path, db: Path, workers: int) -> dict:
    return run_child(_OUR_SCAN, str(root), str(db), str(workers), str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--memory-check", action="store_true", help="also scan 10x the files and compare peak memory")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="scan-bench-") as tmp:
        work = Path(tmp)
        started = time.perf_counter()
        size = generate(work, args.files)
        root = work / "catalog"
        print(f"generated {args.files:,} files ({size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s; "
              f"{args.workers} workers")
        subprocess.run(["cat"], input=b"", check=False)  # keep output ordering simple
        mutagen_loop = run_child(_MUTAGEN_LOOP, str(root))
        exif = time_exiftool(root)
        cold = scan(root, work / "audit.sqlite", args.workers)
        rescan = scan(root, work / "audit.sqlite", args.workers)

        n = args.files
        rate = lambda m: n / m["seconds"]  # noqa: E731
        print(f"(a) bare mutagen loop, 1 process : {rate(mutagen_loop):8,.0f} files/s  peak {mutagen_loop['rss_mb']:.0f} MB")
        if exif:
            print(f"(b) exiftool -json -r            : {rate(exif):8,.0f} files/s")
        else:
            print("(b) exiftool                     : not installed (apt-get install libimage-exiftool-perl)")
        print(f"(c) our cold scan into SQLite     : {rate(cold):8,.0f} files/s  peak {cold['rss_mb']:.0f} MB parent, "
              f"{cold['child_rss_mb']:.0f} MB per worker; {cold['failed']} failed")
        print(f"(d) our rescan, nothing changed   : {rate(rescan):8,.0f} files/s  ({rescan['seconds']:.3f} s, read {rescan['read']})")
        print("ratios:")
        if exif:
            ratio = exif["seconds"] / cold["seconds"]
            print(f"  cold scan vs exiftool                 : {ratio:5.1f}x   (target >= 5x)  {'OK' if ratio >= 5 else 'MISS'}")
        parallel = cold["seconds"] and mutagen_loop["seconds"] / cold["seconds"] / args.workers
        print(f"  cold scan vs mutagen loop x {args.workers} workers : {parallel:5.0%}   (target >= 60 %) {'OK' if parallel >= 0.6 else 'MISS'}")
        share = rescan["seconds"] / cold["seconds"]
        print(f"  rescan / cold scan                    : {share:5.1%}   (target <= 3 %)  {'OK' if share <= 0.03 else 'MISS'}")

        if args.memory_check:
            big = work / "big"
            generate(big, args.files * 10)
            large = scan(big / "catalog", big / "audit.sqlite", args.workers)
            growth = large["rss_mb"] / cold["rss_mb"] - 1
            print(f"  peak parent memory {args.files:,} -> {args.files * 10:,} files: {cold['rss_mb']:.0f} MB -> "
                  f"{large['rss_mb']:.0f} MB ({growth:+.0%}; target within 20 %) {'OK' if abs(growth) <= 0.2 else 'MISS'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
