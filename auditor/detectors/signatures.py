"""Identical production signatures across acts that claim to be unrelated.

Every pipeline leaves a technical fingerprint: encoder build and settings,
sample rate, channel layout, tag containers and versions, the order in which
frames are written and how much padding follows them.  Unrelated artists
rarely share *all* of it; a farm pushing every persona through one script
always does.  Signatures shared by very many artists are common tools
(a stock LAME build, iTunes), not evidence, and are skipped.
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from collections.abc import Iterator

from .base import Draft, Params, detector, plural, quote_list
from .context import DetectionContext, TrackInfo

FAMILY = "production_signatures"
_PADDING = re.compile(r"pad=([^\s|\]]+)")


def padding_of(layout: str) -> str:
    match = _PADDING.search(layout)
    return match.group(1) if match else ""


def encoding_signature(track: TrackInfo) -> tuple | None:
    """What the encoding pipeline decided, or None when no tool is named (too generic to compare)."""
    if not track.encoder:
        return None
    lossless = track.bitrate_mode == "lossless"
    nominal = None
    if not track.encoder_settings and not lossless and track.bitrate:
        nominal = round(track.bitrate / 16000) * 16  # nominal kbps stands in for unknown settings
    return (track.format, track.codec, track.encoder.casefold(), track.encoder_settings, track.sample_rate,
            track.bitrate_mode, nominal, track.channels, track.bits_per_sample if lossless else None,
            track.tag_containers, padding_of(track.layout_signature))


def describe_signature(signature: tuple, encoder_as_written: str | None = None) -> str:
    fmt, codec, encoder, settings, rate, mode, nominal, channels, bits, containers, padding = signature
    parts = [f"{fmt or codec} from '{encoder_as_written or encoder}'"]
    if settings:
        parts.append(f"settings '{settings}'")
    elif nominal:
        parts.append(f"~{nominal} kbps")
    if rate:
        parts.append(f"{rate / 1000:g} kHz")
    if bits:
        parts.append(f"{bits}-bit")
    if channels:
        parts.append({1: "mono", 2: "stereo"}.get(channels, f"{channels} channels"))
    if mode and mode not in ("unknown", "lossless"):
        parts.append(mode)
    if containers:
        parts.append(" + ".join(containers) + (f" with {padding} padding" if padding else ""))
    return ", ".join(parts)


@detector(
    "signatures.shared_encoding", family=FAMILY,
    description="Tracks of different artists share one exact encoding signature.",
    innocent=(
        "A label's house encoder or mastering chain used for all its acts.",
        "A distributor's or aggregator's processing pipeline re-encoding every delivery.",
    ),
)
def shared_encoding(ctx: DetectionContext, params: Params) -> Iterator[Draft]:
    groups: dict[tuple, list[TrackInfo]] = defaultdict(list)
    for track in ctx.tracks:
        signature = encoding_signature(track)
        if signature is not None and track.artist_key:
            groups[signature].append(track)
    for signature, tracks in groups.items():
        artists: dict[str, int] = defaultdict(int)
        for track in tracks:
            artists[track.artist_key] += 1
        if len(tracks) < params["min_tracks"] or not params["min_artists"] <= len(artists) <= params["max_artists"]:
            continue
        # Only acts with a real body of work in the signature say anything about a shared pipeline:
        # a one-single customer "exclusively" using stock LAME is trivially exclusive.
        substantial = {k: n for k, n in artists.items() if n >= params["min_artist_tracks"]}
        if len(substantial) < params["min_artists"]:
            continue
        exclusive = statistics.median(n / len(ctx.artists[k].track_ids) for k, n in substantial.items())
        if exclusive < params["min_exclusive_share"]:
            continue  # a stock tool used for part of each act's output: ordinary
        # Sharing a stock tool for part of one's output is ordinary; a signature that is (almost)
        # everything several acts ever released is one pipeline.
        if exclusive >= params["exclusive_share"]:
            severity = "high" if len(substantial) >= 3 else "medium"
        else:
            severity = "low"
        ids = tuple(sorted(t.id for t in tracks))
        names = ctx.artist_names(ids)
        labels = sorted({t.label for t in tracks if t.label})
        described = describe_signature(signature, tracks[0].encoder)
        only = (" For these artists it is the only signature they use." if exclusive >= 0.999 else
                f" It covers {exclusive:.0%} of a typical one of these artists' tracks.")
        label_note = (f" All claim the label '{labels[0]}'." if len(labels) == 1 else
                      f" They claim {len(labels)} different labels." if labels else "")
        yield Draft(
            "cluster", f"Signature: {described}", "sig:" + repr(signature), severity,
            f"{len(artists)} artists share one encoding signature",
            f"{plural(len(ids), 'track')} by {len(artists)} different artists ({quote_list(names)}) share one "
            f"technical signature: {described}.{only}{label_note}",
            {"signature": described, "encoder": tracks[0].encoder, "settings": signature[3],
             "sample_rate": signature[4], "channels": signature[7], "containers": list(signature[9]),
             "padding": signature[10], "artists": names, "tracks": len(ids),
             "tracks_per_artist": {ctx.artist_name(k): n for k, n in sorted(artists.items())},
             "exclusive_share": round(exclusive, 3), "labels": labels},
            ids,
        )


def _claimed_label(track: TrackInfo) -> str:
    return (track.label or track.publisher).strip().casefold()


@detector(
    "signatures.shared_layout_across_labels", family=FAMILY,
    description="The same tag layout (frame order and padding) across acts that claim different labels.",
    innocent=(
        "A distributor or aggregator that re-tags every delivery with its own tool.",
        "A popular tagging tool writing the same set of fields in its fixed order.",
    ),
)
def shared_layout_across_labels(ctx: DetectionContext, params: Params) -> Iterator[Draft]:
    groups: dict[str, list[TrackInfo]] = defaultdict(list)
    for track in ctx.tracks:
        layout = track.layout_signature
        if layout and track.artist_key and layout.count(",") + 1 >= params["min_layout_fields"]:
            groups[layout].append(track)
    for layout, tracks in groups.items():
        artists = {t.artist_key for t in tracks}
        labels = {_claimed_label(t) for t in tracks} - {""}
        if (len(tracks) < params["min_tracks"] or len(labels) < params["min_labels"]
                or not params["min_artists"] <= len(artists) <= params["max_artists"]):
            continue
        ids = tuple(sorted(t.id for t in tracks))
        names = ctx.artist_names(ids)
        shown_labels = sorted({t.label or t.publisher for t in tracks if t.label or t.publisher})
        tools = sorted({t.encoded_by or t.encoder for t in tracks if t.encoded_by or t.encoder})
        yield Draft(
            "cluster", f"Tag layout shared by {quote_list(names, limit=3)}", "layout:" + layout,
            "medium" if len(labels) >= 3 else "low",
            f"One tag layout across {len(labels)} labels",
            f"{plural(len(ids), 'track')} by {len(artists)} artists ({quote_list(names)}) that claim "
            f"{len(labels)} different labels ({quote_list(shown_labels)}) carry the identical tag layout "
            f"(the same frames in the same order, the same padding)"
            + (f", written by {quote_list(tools, limit=3)}." if tools else "."),
            {"layout": layout[:2000], "artists": names, "labels": shown_labels, "tools": tools, "tracks": len(ids)},
            ids,
        )
