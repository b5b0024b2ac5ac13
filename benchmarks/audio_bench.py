"""Audio analysis throughput, measured in the same run against two peers on the same files.

    python benchmarks/audio_bench.py [--files 20] [--seconds 30] [--dir DIR] [--no-peers]

What is measured, each tool in its own fresh process, one core, files in turn:

* **ours** - ``auditor.audio.analyze`` (decode + loudness + true peak + LTAS +
  cutoff + periodic peaks + fingerprint) on FLAC files, and again on MP3 copies;
  plus the like-for-like subsets: decode + cutoff + periodic peaks (what
  spectralaudit does) and decode + fingerprint (what fpcalc does);
* **spectralaudit** (PyPI, if installed) - its ``analyze(path)`` with default
  modules: spectral forensics including a persistent-peak ("comb") search;
* **fpcalc** (Chromaprint, Debian ``libchromaprint-tools``, if on PATH) - one
  invocation per file, ``-length 60`` (our excerpt length), start-up included.

Reported per tool: audio seconds analysed per CPU second ("x realtime per
core"), wall time and peak resident memory of the process (including the
interpreter and libraries).  Ratios > 1 mean ours is faster.  The Python tools get one untimed warm-up call
(imports happen once per worker process; the time is printed separately);
fpcalc's process start-up is inside its time, as that is how it runs.  CPU
time, not wall time, is the figure: on a shared machine wall time also counts
other people's work.  Ratios are ours / peer: > 1 means we are faster.
The peers do different amounts of work (fpcalc only fingerprints; spectralaudit
does no loudness or fingerprint), so the ratios say what enabling our whole
audio stage costs relative to a single-purpose tool, not which DSP is better.

The corpus is synthesized (auditor.demo.synth, varied styles), written once
into ``--dir`` (default: a folder under the system temp dir) and reused.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STYLES = ("pop", "rock", "folk", "electronic", "ambient", "farm")


def make_corpus(folder: Path, files: int, seconds: float) -> tuple[list[Path], list[Path]]:
    """FLAC (44.1 kHz, 16 bit, stereo) and MP3 (128 kbit/s) copies of ``files`` songs; cached."""
    sys.path.insert(0, str(ROOT))
    from auditor.audio.simulate import simulate_neural_decoder
    from auditor.demo.encode import encode_audio
    from auditor.demo.synth import render_song

    folder.mkdir(parents=True, exist_ok=True)
    stamp = folder / "corpus.json"
    wanted = {"files": files, "seconds": seconds, "version": 1}
    flac = [folder / f"song{i:02d}.flac" for i in range(files)]
    mp3 = [folder / f"song{i:02d}.mp3" for i in range(files)]
    if stamp.is_file() and json.loads(stamp.read_text()) == wanted and all(p.is_file() for p in flac + mp3):
        return flac, mp3
    for i in range(files):
        style = STYLES[i % len(STYLES)]
        samples = render_song(1000 + i, seconds, 44100, style=style)
        if i % 4 == 3:  # a quarter carries the simulated decoder artifact
            samples = simulate_neural_decoder(samples, 44100, level_db=-20.0, seed=i)
        encode_audio(samples, 44100, flac[i], "flac")
        encode_audio(samples, 44100, mp3[i], "mp3", bitrate=128_000)
    stamp.write_text(json.dumps(wanted))
    return flac, mp3


def _peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024.0  # Linux reports KiB


def worker(tool: str, paths: list[str]) -> dict:
    """Runs inside a fresh interpreter; prints one JSON line."""
    started_imports = time.perf_counter()
    if tool == "ours":
        sys.path.insert(0, str(ROOT))
        from auditor.audio import analyze as run
    elif tool in ("ours-fingerprint", "ours-spectral"):
        sys.path.insert(0, str(ROOT))
        from auditor.audio.decode import decode_excerpt
        from auditor.audio.fingerprint import encode_fingerprint, fingerprint_words
        from auditor.audio.spectrum import compute_spectrogram, periodic_peaks, spectral_cutoff

        def run(path: str):  # the like-for-like subsets: what fpcalc / spectralaudit do
            excerpt = decode_excerpt(path)
            spec = compute_spectrogram(excerpt.samples, excerpt.rate)
            if tool == "ours-fingerprint":
                encode_fingerprint(fingerprint_words(spec), spec.frame_seconds)
            else:
                periodic_peaks(spec, spectral_cutoff(spec).cutoff_hz)
            return excerpt
    elif tool == "spectralaudit":
        from spectralaudit import analyze as run
    else:
        raise SystemExit(f"unknown tool {tool}")
    run(paths[0])  # warm-up: lazy imports (scipy.signal, FFmpeg) happen once per worker process
    imports = time.perf_counter() - started_imports
    rss_after_imports = _peak_rss_mb()
    seconds = 0.0
    wall = time.perf_counter()
    cpu = time.process_time()
    for path in paths:
        result = run(path)
        if tool == "ours":
            seconds += result.excerpt_seconds
        elif tool.startswith("ours-"):
            seconds += result.duration_read
    cpu = time.process_time() - cpu
    wall = time.perf_counter() - wall
    return {"tool": tool, "files": len(paths), "cpu_s": cpu, "wall_s": wall, "imports_s": imports,
            "rss_mb": _peak_rss_mb(), "rss_after_imports_mb": rss_after_imports, "audio_s": seconds or None}


def run_worker(tool: str, paths: list[Path]) -> dict:
    cmd = [sys.executable, __file__, "--worker", tool, *map(str, paths)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_fpcalc(paths: list[Path]) -> dict | None:
    """fpcalc once per file (as it is normally used; chromaprint 1.5 stops a multi-file run at
    the first FFmpeg "End of file" warning).  Process start-up is included in its time."""
    exe = shutil.which("fpcalc")
    if exe is None:
        return None
    code = ("import json, resource, subprocess, sys, time\n"
            "t = time.perf_counter()\n"
            "done = 0\n"
            "for path in sys.argv[2:]:\n"
            "    out = subprocess.run([sys.argv[1], '-length', '60', '-json', path], stdout=subprocess.PIPE,\n"
            "                         stderr=subprocess.DEVNULL, text=True)\n"
            "    done += 'fingerprint' in out.stdout\n"
            "wall = time.perf_counter() - t\n"
            "ru = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
            "print(json.dumps({'wall_s': wall, 'cpu_s': ru.ru_utime + ru.ru_stime, 'rss_mb': ru.ru_maxrss / 1024,"
            " 'done': done}))\n")
    out = subprocess.run([sys.executable, "-c", code, exe, *map(str, paths)], capture_output=True, text=True,
                         check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if result.pop("done") != len(paths):
        print("fpcalc: did not fingerprint every file - skipped")
        return None
    result.update(tool="fpcalc", files=len(paths), imports_s=0.0, rss_after_imports_mb=None, audio_s=None)
    return result


def spectralaudit_available() -> bool:
    probe = subprocess.run([sys.executable, "-c", "import spectralaudit"], capture_output=True)
    return probe.returncode == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "catalog-auditor-audio-bench")
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, rest)))
        return 0

    t = time.perf_counter()
    flac, mp3 = make_corpus(args.dir, args.files, args.seconds)
    print(f"corpus: {len(flac)} songs x {args.seconds:g} s (FLAC + MP3 128k) in {args.dir} "
          f"({time.perf_counter() - t:.1f} s to prepare)")
    audio_s = len(flac) * args.seconds

    rows = [("ours: analyze (FLAC)", run_worker("ours", flac)), ("ours: analyze (MP3)", run_worker("ours", mp3))]
    pairs: list[tuple[str, str]] = []  # (peer row, our like-for-like row)
    if not args.no_peers:
        if spectralaudit_available():
            rows.append(("ours: decode+cutoff+peaks only", run_worker("ours-spectral", flac)))
            rows.append(("spectralaudit analyze", run_worker("spectralaudit", flac)))
            pairs.append((rows[-1][0], rows[-2][0]))
        else:
            print("spectralaudit: not installed (pip install spectralaudit) - skipped")
        if shutil.which("fpcalc") is None:
            print("fpcalc: not on PATH (apt-get install libchromaprint-tools) - skipped")
        else:
            fp = run_fpcalc(flac)
            if fp is not None:
                rows.append(("ours: decode+fingerprint only", run_worker("ours-fingerprint", flac)))
                rows.append(("fpcalc -length 60", fp))
                pairs.append((rows[-1][0], rows[-2][0]))

    ours_x = audio_s / rows[0][1]["cpu_s"]
    speed = {name: audio_s / r["cpu_s"] for name, r in rows}
    print()
    print(f"{'tool (same FLAC files unless noted)':34s} {'cpu s':>7s} {'wall s':>7s} {'x realtime/core':>16s} "
          f"{'peak RSS MB':>12s} {'full analyze / tool':>20s}")
    for name, r in rows:
        print(f"{name:34s} {r['cpu_s']:7.2f} {r['wall_s']:7.2f} {speed[name]:16.0f} {r['rss_mb']:12.0f} "
              f"{ours_x / speed[name]:20.2f}")
    print()
    for peer, ours in pairs:
        print(f"like for like: {ours} is {speed[ours] / speed[peer]:.2f}x the speed of {peer}")
    base = rows[0][1]
    print()
    print(f"ours: {base['imports_s']:.2f} s to import and warm up (once per worker process), "
          f"{base['rss_after_imports_mb']:.0f} MB after that; "
          f"per file {1000 * base['cpu_s'] / len(flac):.0f} ms CPU for {args.seconds:g} s of audio")
    target = 150.0
    print(f"target >= {target:.0f}x realtime per core: {'met' if ours_x >= target else 'NOT met'} ({ours_x:.0f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
