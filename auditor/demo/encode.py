"""Encode synthesized audio into real files and tag them the way real tools do.

The auditor is only as good as the files it is shown, so the demo writes every
container with the library a real pipeline would use: libsndfile (through
soundfile) for WAV/AIFF/FLAC/Ogg Vorbis, FFmpeg's encoders (through PyAV) for
MP3/AAC/ALAC/Opus/WMA, and mutagen for tags in each container's native style.

Determinism: FFmpeg muxers run with ``fflags=+bitexact`` (no ``Lavf`` version
tag, no creation times, fixed Ogg serials) and libsndfile's random Ogg serial
number is rewritten afterwards, so the same samples and tags give the same
bytes.  Encoder self-identification that we do not choose is stripped: the
only tool strings in the output are the ones the catalog declares.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from auditor.demo.catalog import DemoTags
from auditor.errors import UsageError

if TYPE_CHECKING:
    from av.audio.stream import AudioStream

__all__ = ["CODECS", "EXTENSIONS", "encode_audio", "tag_file", "stamp_lame_header", "write_riff_info"]

# codec -> file extension the demo uses for it
EXTENSIONS: dict[str, str] = {
    "mp3": ".mp3", "flac": ".flac", "vorbis": ".ogg", "opus": ".opus", "aac": ".m4a",
    "alac": ".m4a", "wav": ".wav", "aiff": ".aiff", "wma": ".wma",
}
CODECS: tuple[str, ...] = tuple(EXTENSIONS)

_SOUNDFILE = {"wav": "WAV", "aiff": "AIFF", "flac": "FLAC", "vorbis": "OGG"}
# codec -> (PyAV encoder, FFmpeg muxer, extra muxer options)
_PYAV = {
    "mp3": ("libmp3lame", "mp3", {"id3v2_version": "0", "write_xing": "1"}),
    "aac": ("aac", "ipod", {"movflags": "+faststart"}),
    "alac": ("alac", "ipod", {"movflags": "+faststart"}),
    "opus": ("libopus", "ogg", {}),
    "wma": ("wmav2", "asf", {}),
}
# LAME -q used for every MP3: fast enough for the demo budget, and recorded honestly
# in the LAME header's quality field.
LAME_QUALITY = 7


def encode_audio(samples: np.ndarray, sample_rate: int, path: Path, codec: str, *,
                 bitrate: int | None = None, vbr_quality: int | None = None,
                 bits_per_sample: int = 16) -> Path:
    """Write ``samples`` (float, ``(n, 2)`` or ``(n,)``) to ``path`` as ``codec``; returns ``path``.

    ``bitrate`` is in bits per second (CBR/ABR target for lossy codecs);
    ``vbr_quality`` selects VBR instead (LAME ``-V`` 0..9, Vorbis 0..10).
    ``bits_per_sample`` (16 or 24) applies to WAV, AIFF, FLAC and ALAC.
    """
    if codec not in EXTENSIONS:
        raise UsageError(f"{path}: unknown codec {codec!r}; expected one of {', '.join(CODECS)}")
    if bits_per_sample not in (16, 24):
        raise UsageError(f"{path}: bits_per_sample must be 16 or 24, not {bits_per_sample}")
    audio = np.asarray(samples, dtype=np.float32)
    if audio.ndim == 1:
        audio = audio[:, None]
    if audio.ndim != 2 or audio.shape[1] not in (1, 2) or audio.shape[0] == 0:
        raise UsageError(f"{path}: expected (n, 1|2) samples, got shape {audio.shape}")
    audio = np.clip(audio, -1.0, 1.0)
    path = Path(path)
    if codec in _SOUNDFILE:
        _encode_soundfile(audio, sample_rate, path, codec, vbr_quality, bits_per_sample)
    else:
        _encode_pyav(audio, sample_rate, path, codec, bitrate, vbr_quality, bits_per_sample)
    return path


def _encode_soundfile(audio: np.ndarray, sample_rate: int, path: Path, codec: str,
                      vbr_quality: int | None, bits: int) -> None:
    import soundfile

    subtype = "VORBIS" if codec == "vorbis" else f"PCM_{bits}"
    kwargs: dict[str, object] = {}
    if codec == "vorbis":
        # soundfile's compression level is 0 (best) .. 1 (smallest); Vorbis -q is 10 .. 0
        quality = 4 if vbr_quality is None else vbr_quality
        kwargs["compression_level"] = float(np.clip(1.0 - quality / 10.0, 0.0, 1.0))
    elif codec == "flac":
        kwargs["compression_level"] = 0.6
    with soundfile.SoundFile(path, "w", samplerate=sample_rate, channels=audio.shape[1],
                             format=_SOUNDFILE[codec], subtype=subtype, **kwargs) as out:
        out.write(audio)
    if codec == "vorbis":
        from mutagen.oggvorbis import OggVorbis

        stream = OggVorbis(path)  # libsndfile adds ENCODER=libsndfile; we declare our own
        if stream.tags:
            stream.tags.clear()
            stream.save()
        _fix_ogg_serial(path)


def _fix_ogg_serial(path: Path) -> None:
    """libsndfile picks a random Ogg stream serial; derive it from the content instead."""
    from mutagen.ogg import OggPage

    data = path.read_bytes()
    pages = []
    with io.BytesIO(data) as src:
        while src.tell() < len(data):
            pages.append(OggPage(src))
    serial = zlib.crc32(b"".join(b"".join(p.packets) for p in pages[:3])) & 0x7FFFFFFF
    for page in pages:
        page.serial = serial
    path.write_bytes(b"".join(page.write() for page in pages))


def _encode_pyav(audio: np.ndarray, sample_rate: int, path: Path, codec: str,
                 bitrate: int | None, vbr_quality: int | None, bits: int) -> None:
    import av

    encoder, muxer, muxer_options = _PYAV[codec]
    layout = "stereo" if audio.shape[1] == 2 else "mono"
    out_rate = 48000 if codec == "opus" and sample_rate not in (8000, 12000, 16000, 24000, 48000) else sample_rate
    options = {"fflags": "+bitexact", **muxer_options}
    with av.open(str(path), "w", format=muxer, options=options) as container:
        stream = cast("AudioStream", container.add_stream(encoder, rate=out_rate, layout=layout))
        ctx = stream.codec_context
        ctx.flags |= av.codec.context.Flags.bitexact
        codec_options: dict[str, str] = {}
        if codec == "mp3":
            codec_options["compression_level"] = str(LAME_QUALITY)
            if vbr_quality is not None:
                # as FFmpeg's "-q:a": the flag and quality must go in as options to take effect
                codec_options["flags"] = "+qscale"
                codec_options["global_quality"] = str(int(vbr_quality) * 118)  # FF_QP2LAMBDA
            else:
                ctx.bit_rate = bitrate or 192_000
        elif codec in ("aac", "opus", "wma"):
            ctx.bit_rate = bitrate or {"aac": 256_000, "opus": 96_000, "wma": 128_000}[codec]
            if codec == "aac":
                codec_options["aac_coder"] = "fast"
        elif codec == "alac":
            ctx.format = "s32p" if bits == 24 else "s16p"
            if bits == 24:
                codec_options["bits_per_raw_sample"] = "24"
        if codec_options:
            ctx.options = codec_options
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(audio.T), format="fltp", layout=layout)
        frame.sample_rate = sample_rate
        frame.pts = 0
        resampler = av.AudioResampler(format=ctx.format or "fltp", layout=layout, rate=out_rate,
                                      frame_size=ctx.frame_size or None)
        for chunk in (frame, None):
            for resampled in resampler.resample(chunk):
                for packet in stream.encode(resampled):
                    container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    if codec == "mp3":
        stamp_lame_header(path, vbr_quality=vbr_quality, bitrate=bitrate or 192_000)


# --- MP3: the LAME info tag ---------------------------------------------------------------
# FFmpeg writes a LAME-style info tag naming itself ("Lavf"/"Lavc"); readers such
# as mutagen only report an encoder for tags that start with "LAME".  The audio is
# produced by libmp3lame, so the tag is completed the way the LAME frontend
# writes it: version string, VBR method, lowpass, preset, quality and CRC.

_LAME_LOWPASS = {96: 15100, 112: 15600, 128: 17000, 160: 17500, 192: 18600, 224: 19400,
                 256: 19700, 320: 20500}
_VBR_LOWPASS = {0: 19500, 1: 19200, 2: 18700, 3: 18200, 4: 17500, 5: 16900, 6: 15600,
                7: 14500, 8: 12300, 9: 11200}


def _crc16_arc(data: bytes) -> int:
    """CRC-16 (polynomial 0x8005, reflected), as used by the LAME info tag."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


_BITRATES_L3 = {3: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
                2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)}
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def stamp_lame_header(path: Path, *, version: str = "3.100", vbr_quality: int | None = None,
                      bitrate: int = 192_000) -> None:
    """Fill the first frame's LAME tag as the LAME frontend would for these settings.

    ``version`` is written as the 9-byte short version ("LAME3.100",
    "LAME3.99r", "LAME3.98r"): the demo uses it to show catalogs made with
    different LAME generations.  LAME also writes its version into the
    ancillary padding of audio frames; those copies are changed to match and
    the tag's music CRC and tag CRC are recomputed, so the file stays
    self-consistent.
    """
    data = bytearray(Path(path).read_bytes())
    start = 0
    if data[:3] == b"ID3":  # tolerate a tag written before us
        size = data[6] << 21 | data[7] << 14 | data[8] << 7 | data[9]
        start = 10 + size
    header = struct.unpack(">I", data[start:start + 4])[0]
    version_id = (header >> 19) & 3
    if header >> 21 != 0x7FF or (header >> 17) & 3 != 1 or version_id == 1:
        raise UsageError(f"{path}: first frame is not MPEG audio layer III")
    mpeg1 = version_id == 3
    mono = (header >> 6) & 3 == 3
    side = (17 if mono else 32) if mpeg1 else (9 if mono else 17)
    xing = start + 4 + side
    if data[xing:xing + 4] not in (b"Xing", b"Info"):
        raise UsageError(f"{path}: no Xing/Info frame to complete")
    flags = struct.unpack(">I", data[xing + 4:xing + 8])[0]
    if flags != 0x0F:
        raise UsageError(f"{path}: unexpected Xing flags {flags:#x}")
    short = ("LAME" + version).encode("ascii")
    if not (version.startswith("3.") and len(short) <= 9):
        raise UsageError(f"{path}: LAME version {version!r} does not fit the 9-byte field")
    short = short.ljust(9, b"\x00")
    hz = _RATES[version_id][min((header >> 10) & 3, 2)]
    frame_kbps = _BITRATES_L3[3 if mpeg1 else 2][(header >> 12) & 15]
    info_len = (144 if mpeg1 else 72) * frame_kbps * 1000 // hz + ((header >> 9) & 1)
    tag = xing + 120  # after magic, flags, frames, bytes, 100-byte TOC, VBR scale
    music_len = struct.unpack(">I", data[tag + 28:tag + 32])[0]
    music = slice(start + info_len, min(len(data), start + music_len))
    if short != b"LAME3.100":
        data[music] = bytes(data[music]).replace(b"LAME3.100", short)

    vbr = vbr_quality is not None
    kbps = bitrate // 1000
    if vbr:
        quality = int(vbr_quality)  # type: ignore[arg-type]
        vbr_method, lowpass, min_bitrate, preset = 4, _VBR_LOWPASS[quality], 32, 500 - 10 * quality
        vbr_scale = 100 - (10 * quality + LAME_QUALITY)
    else:
        vbr_method, lowpass, min_bitrate, preset = 1, _LAME_LOWPASS.get(kbps, 19000), min(kbps, 255), kbps
        vbr_scale = 100 - (10 * 4 + LAME_QUALITY)  # LAME reports -V 4 in CBR mode
    source_freq = 0 if hz <= 32000 else 1 if hz == 44100 else 2 if hz == 48000 else 3
    stereo_mode = 0 if mono else 3  # joint stereo, LAME's default for stereo input
    struct.pack_into(">I", data, xing + 116, vbr_scale)
    data[tag:tag + 9] = short
    data[tag + 9] = vbr_method  # revision 0 in the high nibble
    data[tag + 10] = min(255, lowpass // 100)
    data[tag + 19] = 0x15  # nspsytune | ATH type 5, as LAME 3.9x+ writes
    data[tag + 20] = min_bitrate
    data[tag + 24] = (source_freq << 6) | (stereo_mode << 2) | 1  # noise shaping 1
    data[tag + 25] = 0  # MP3 gain
    struct.pack_into(">H", data, tag + 26, preset & 0x7FF)
    struct.pack_into(">H", data, tag + 32, _crc16_arc(bytes(data[music])))
    struct.pack_into(">H", data, tag + 34, _crc16_arc(bytes(data[start:tag + 34])))
    Path(path).write_bytes(bytes(data))


# --- tags --------------------------------------------------------------------------------


def tag_file(path: Path, codec: str, tags: DemoTags) -> None:
    """Replace all tags of a demo file with ``tags``, in the container's native style."""
    path = Path(path)
    if codec in ("mp3", "aiff", "wav"):
        _tag_id3(path, codec, tags)
        if codec == "wav":
            write_riff_info(path, _riff_info_items(tags))
    elif codec in ("flac", "vorbis", "opus"):
        _tag_vorbis(path, codec, tags)
    elif codec in ("aac", "alac"):
        _tag_mp4(path, tags)
    elif codec == "wma":
        _tag_asf(path, tags)
    else:
        raise UsageError(f"{path}: unknown codec {codec!r}")


def _number(n: int, total: int) -> str:
    if not n:
        return ""
    return f"{n}/{total}" if total else str(n)


def _image_size(data: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as img:
        return img.size


def _tag_id3(path: Path, codec: str, tags: DemoTags) -> None:
    from mutagen import id3
    from mutagen.aiff import AIFF
    from mutagen.mp3 import MP3
    from mutagen.wave import WAVE

    container: type[Any] = {"mp3": MP3, "aiff": AIFF, "wav": WAVE}[codec]
    audio = container(path)
    if audio.tags is not None:
        audio.delete()
        audio = container(path)
    audio.add_tags()
    frames = audio.tags
    assert frames is not None
    enc = id3.Encoding.UTF8 if tags.id3_version == 4 else id3.Encoding.UTF16

    def text(frame_cls: type, *values: str) -> None:
        values = tuple(v for v in values if v)
        if values:
            frames.add(frame_cls(encoding=enc, text=list(values)))

    def txxx(desc: str, *values: str) -> None:
        values = tuple(v for v in values if v)
        if values:
            frames.add(id3.TXXX(encoding=enc, desc=desc, text=list(values)))

    text(id3.TIT2, tags.title)
    text(id3.TPE1, tags.artist)
    text(id3.TALB, tags.album)
    text(id3.TPE2, tags.album_artist)
    text(id3.TRCK, _number(tags.track_number, tags.track_total))
    text(id3.TPOS, _number(tags.disc_number, tags.disc_total))
    if tags.date:
        frames.add(id3.TDRC(encoding=enc, text=[id3.ID3TimeStamp(tags.date)]))
    if tags.original_date:
        frames.add(id3.TDOR(encoding=enc, text=[id3.ID3TimeStamp(tags.original_date)]))
    text(id3.TCON, tags.genre)
    text(id3.TPUB, tags.label)
    text(id3.TSRC, tags.isrc)
    text(id3.TCOP, tags.copyright)
    text(id3.TCOM, *tags.composers)
    text(id3.TEXT, *tags.lyricists)
    if tags.producers:
        frames.add(id3.TIPL(encoding=enc, people=[["producer", p] for p in tags.producers]))
    txxx("PUBLISHER", tags.publisher)
    txxx("BARCODE", tags.barcode)
    txxx("CATALOGNUMBER", tags.catalog_number)
    txxx(tags.ipi_key, *tags.composer_ipis)
    for desc, value in tags.extra:
        txxx(desc, value)
    text(id3.TSSE, tags.encoder)
    if tags.comment:
        frames.add(id3.COMM(encoding=enc, lang="eng", desc="", text=[tags.comment]))
    if tags.source_url:
        frames.add(id3.WOAS(url=tags.source_url))
    if tags.c2pa_manifest:
        frames.add(id3.GEOB(encoding=id3.Encoding.LATIN1, mime="application/c2pa",
                            filename="manifest.c2pa", desc="c2pa manifest", data=tags.c2pa_manifest))
    if tags.artwork:
        frames.add(id3.APIC(encoding=id3.Encoding.LATIN1, mime=tags.artwork_mime,
                            type=id3.PictureType.COVER_FRONT, desc="", data=tags.artwork))
    options: dict[str, object] = {"v2_version": tags.id3_version}
    if tags.id3_version == 3:  # v2.3 frames: TDRC -> TYER/TDAT, TDOR -> TORY, TIPL -> IPLS
        frames.update_to_v23()
        options["v23_sep"] = " / "
    if codec == "mp3":  # ID3v1 only exists at the end of MP3 streams
        options["v1"] = 2 if tags.id3v1 else 0
    audio.save(**options)


def _tag_vorbis(path: Path, codec: str, tags: DemoTags) -> None:
    import base64

    from mutagen.flac import FLAC, Picture

    audio: Any
    if codec == "flac":
        audio = FLAC(path)
        audio.clear_pictures()
    elif codec == "vorbis":
        from mutagen.oggvorbis import OggVorbis

        audio = OggVorbis(path)
    else:
        from mutagen.oggopus import OggOpus

        audio = OggOpus(path)
    if audio.tags is None:
        audio.add_tags()
    comments = audio.tags
    assert comments is not None
    comments.clear()
    if codec == "opus" and comments.vendor == "ffmpeg":
        comments.vendor = "libopus"  # FFmpeg's bitexact muxer names itself; libopus did the encoding
    items: list[tuple[str, str]] = [
        ("TITLE", tags.title), ("ARTIST", tags.artist), ("ALBUM", tags.album),
        ("ALBUMARTIST", tags.album_artist), ("DATE", tags.date), ("ORIGINALDATE", tags.original_date),
        ("GENRE", tags.genre), ("TRACKNUMBER", str(tags.track_number or "")),
        ("TRACKTOTAL", str(tags.track_total or "")), ("DISCNUMBER", str(tags.disc_number or "")),
        ("DISCTOTAL", str(tags.disc_total or "")), ("LABEL", tags.label), ("PUBLISHER", tags.publisher),
        ("ISRC", tags.isrc), ("BARCODE", tags.barcode), ("CATALOGNUMBER", tags.catalog_number),
        ("COPYRIGHT", tags.copyright),
    ]
    items += [("COMPOSER", c) for c in tags.composers]
    items += [("LYRICIST", c) for c in tags.lyricists]
    items += [("PRODUCER", c) for c in tags.producers]
    items += [(tags.ipi_key, c) for c in tags.composer_ipis]
    items += list(tags.extra)
    items += [("COMMENT", tags.comment), ("ENCODER", tags.encoder)]
    for key, value in items:
        if value:
            comments.append((key, value))
    if tags.artwork:
        width, height = _image_size(tags.artwork)
        picture = Picture()
        picture.type = 3
        picture.mime = tags.artwork_mime
        picture.desc = ""
        picture.width, picture.height, picture.depth = width, height, 24
        picture.data = tags.artwork
        if codec == "flac":
            audio.add_picture(picture)
        else:
            comments.append(("METADATA_BLOCK_PICTURE", base64.b64encode(picture.write()).decode("ascii")))
    audio.save()


def _tag_mp4(path: Path, tags: DemoTags) -> None:
    from mutagen.mp4 import MP4, AtomDataType, MP4Cover, MP4FreeForm

    audio = MP4(path)
    if audio.tags is None:
        audio.add_tags()
    atoms = audio.tags
    assert atoms is not None
    atoms.clear()

    def put(key: str, value: str) -> None:
        if value:
            atoms[key] = [value]

    def free(name: str, *values: str) -> None:
        values = tuple(v for v in values if v)
        if values:
            atoms[f"----:com.apple.iTunes:{name}"] = [
                MP4FreeForm(v.encode("utf-8"), dataformat=AtomDataType.UTF8) for v in values]

    put("\xa9nam", tags.title)
    put("\xa9ART", tags.artist)
    put("\xa9alb", tags.album)
    put("aART", tags.album_artist)
    put("\xa9day", tags.date)
    put("\xa9gen", tags.genre)
    if tags.track_number:
        atoms["trkn"] = [(tags.track_number, tags.track_total)]
    if tags.disc_number:
        atoms["disk"] = [(tags.disc_number, tags.disc_total)]
    put("cprt", tags.copyright)
    put("\xa9cmt", tags.comment)
    if tags.composers:
        atoms["\xa9wrt"] = list(tags.composers)
    put("\xa9too", tags.encoder)
    free("ISRC", tags.isrc)
    free("LABEL", tags.label)
    free("PUBLISHER", tags.publisher)
    free("BARCODE", tags.barcode)
    free("CATALOGNUMBER", tags.catalog_number)
    free("ORIGINALDATE", tags.original_date)
    free("LYRICIST", *tags.lyricists)
    free("PRODUCER", *tags.producers)
    free(tags.ipi_key, *tags.composer_ipis)
    for name, value in tags.extra:
        free(name, value)
    if tags.artwork:
        kind = MP4Cover.FORMAT_PNG if tags.artwork_mime == "image/png" else MP4Cover.FORMAT_JPEG
        atoms["covr"] = [MP4Cover(tags.artwork, imageformat=kind)]
    audio.save()


def _tag_asf(path: Path, tags: DemoTags) -> None:
    from mutagen.asf import (
        ASF,
        ASFByteArrayAttribute,
        ASFDWordAttribute,
        ASFUnicodeAttribute,
    )

    audio = ASF(path)
    attrs = audio.tags
    assert attrs is not None
    attrs.clear()

    def put(key: str, *values: str) -> None:
        values = tuple(v for v in values if v)
        if values:
            attrs[key] = [ASFUnicodeAttribute(v) for v in values]

    put("Title", tags.title)
    put("Author", tags.artist)
    put("WM/AlbumTitle", tags.album)
    put("WM/AlbumArtist", tags.album_artist)
    put("WM/Year", tags.date[:4])
    put("WM/OriginalReleaseTime", tags.original_date)
    put("WM/Genre", tags.genre)
    if tags.track_number:
        attrs["WM/TrackNumber"] = [ASFDWordAttribute(tags.track_number)]
    put("WM/PartOfSet", _number(tags.disc_number, tags.disc_total))
    put("WM/Publisher", tags.label)
    put("WM/ISRC", tags.isrc)
    put("WM/Barcode", tags.barcode)
    put("WM/CatalogNo", tags.catalog_number)
    put("Copyright", tags.copyright)
    put("Description", tags.comment)
    put("WM/Composer", *tags.composers)
    put("WM/Writer", *tags.lyricists)
    put("WM/Producer", *tags.producers)
    put("WM/MusicPublisher", tags.publisher)
    put(tags.ipi_key, *tags.composer_ipis)
    for name, value in tags.extra:
        put(name, value)
    put("WM/ToolName", tags.encoder)
    if tags.artwork:
        mime = tags.artwork_mime.encode("utf-16-le") + b"\x00\x00"
        blob = struct.pack("<BI", 3, len(tags.artwork)) + mime + b"\x00\x00" + tags.artwork
        attrs["WM/Picture"] = [ASFByteArrayAttribute(blob)]
    audio.save()


# --- WAV: RIFF LIST/INFO ---------------------------------------------------------------------


def _riff_info_items(tags: DemoTags) -> list[tuple[str, str]]:
    return [("INAM", tags.title), ("IART", tags.artist), ("IPRD", tags.album), ("ICMT", tags.comment),
            ("ICRD", tags.date), ("IGNR", tags.genre), ("ICOP", tags.copyright), ("ISFT", tags.encoder)]


def write_riff_info(path: Path, items: list[tuple[str, str]]) -> None:
    """Put a LIST/INFO chunk into a WAV file (mutagen writes ID3 only).

    Any existing LIST/INFO chunk is replaced; the new one goes right after the
    ``data`` chunk; every chunk is padded to an even size and the RIFF size is
    rewritten, so strict readers accept the file.
    """
    path = Path(path)
    data = path.read_bytes()
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise UsageError(f"{path}: not a RIFF/WAVE file")
    chunks: list[tuple[bytes, bytes]] = []
    offset = 12
    while offset + 8 <= len(data):
        cid = data[offset:offset + 4]
        size = struct.unpack("<I", data[offset + 4:offset + 8])[0]
        body = data[offset + 8:offset + 8 + size]
        if len(body) != size:
            raise UsageError(f"{path}: chunk {cid!r} runs past the end of the file")
        offset += 8 + size + (size & 1)
        if cid == b"LIST" and body[:4] == b"INFO":
            continue
        chunks.append((cid, body))
    info = bytearray(b"INFO")
    for key, value in items:
        if not value:
            continue
        raw = value.encode("utf-8") + b"\x00"
        info += key.encode("ascii") + struct.pack("<I", len(raw)) + raw + (b"\x00" if len(raw) & 1 else b"")
    position = next((i + 1 for i, (cid, _) in enumerate(chunks) if cid == b"data"), len(chunks))
    if len(info) > 4:
        chunks.insert(position, (b"LIST", bytes(info)))
    payload = bytearray(b"WAVE")
    for cid, body in chunks:
        payload += cid + struct.pack("<I", len(body)) + body + (b"\x00" if len(body) & 1 else b"")
    path.write_bytes(b"RIFF" + struct.pack("<I", len(payload)) + bytes(payload))
