"""Sample media made on the spot with PyAV (FFmpeg's lavfi test sources, libx264, AAC) and
Pillow, so the tests need no binary fixtures. Small on purpose: the suite runs on 2 shared
cores. ``samples`` is a session fixture; import it into a test module to use it."""

from __future__ import annotations

import struct
import zlib
from datetime import datetime
from fractions import Fraction
from functools import cached_property
from pathlib import Path

import av
import pytest
from PIL import ExifTags, Image, ImageDraw
from PIL.TiffImagePlugin import IFDRational

# A clip "recorded" at 2024-05-01 08:30:00 Beijing time, which MP4 stores as UTC.
CREATION_UTC = "2024-05-01T00:30:00.000000Z"
# People's Square, Shanghai, 10 m up; ISO 6709 as phones write it.
LOCATION = "+31.2304+121.4737+010.000/"
FIVE_DECIMALS = ("31.23040", "121.47370")


def _rational(x: float | int, den: int = 10000) -> IFDRational:
    return IFDRational(round(x * den), den)


def _dms(deg: int, minutes: int, seconds: float) -> tuple:
    return (IFDRational(deg, 1), IFDRational(minutes, 1), _rational(seconds))


def halves(size=(320, 240)) -> Image.Image:
    """Left half white, right half black: where the white half ends up shows the rotation."""
    im = Image.new("RGB", size, "black")
    ImageDraw.Draw(im).rectangle((0, 0, size[0] // 2 - 1, size[1]), fill="white")
    return im


def write_video(path: Path, *, seconds: int = 2, size=(320, 240), rate: int = 25,
                metadata: dict | None = None, options: dict | None = None,
                audio: bool = True, rotation: int | None = None, still: Image.Image | None = None,
                fmt: str | None = None, start: int = 0) -> Path:
    """An H.264 + AAC clip of lavfi's test pattern (or a still picture) and a 440 Hz tone,
    its timestamps starting at ``start`` seconds."""
    with av.open(str(path), "w", format=fmt, options=options or {}) as out:
        for k, v in (metadata or {}).items():
            out.metadata[k] = v
        video = out.add_stream("libx264", rate=rate, options={"preset": "ultrafast"})
        video.width, video.height, video.pix_fmt = size[0], size[1], "yuv420p"
        if rotation is not None:
            video.set_display_rotation(rotation)
        tone = _tone_stream(out) if audio else None  # every stream before the first packet
        if still is not None:
            picture = av.VideoFrame.from_image(still).reformat(format="yuv420p")
            frames = (picture for _ in range(seconds * rate))
        else:
            src = av.open(f"testsrc=size={size[0]}x{size[1]}:rate={rate}:duration={seconds}",
                          format="lavfi")
            frames = (f.reformat(format="yuv420p") for f in src.decode(video=0))
        for i, f in enumerate(frames):
            f.pts, f.time_base = start * rate + i, Fraction(1, rate)
            out.mux(video.encode(f))
        out.mux(video.encode(None))
        if tone is not None:
            _write_tone(out, tone, seconds, start)
    return path


def _tone_stream(out, codec: str = "aac", rate: int = 16000):
    return out.add_stream(codec, rate=rate, layout="mono")


def _write_tone(out, stream, seconds: int, start: int = 0) -> None:
    rate = stream.codec_context.sample_rate
    pts = start * rate
    with av.open(f"sine=frequency=440:sample_rate={rate}:duration={seconds}", format="lavfi") as src:
        for f in src.decode(audio=0):
            f.pts, f.time_base = pts, Fraction(1, rate)
            pts += f.samples
            out.mux(stream.encode(f))
    out.mux(stream.encode(None))


def write_audio(path: Path, *, seconds: int = 3, fmt: str, codec: str,
                metadata: dict | None = None) -> Path:
    with av.open(str(path), "w", format=fmt) as out:
        for k, v in (metadata or {}).items():
            out.metadata[k] = v
        _write_tone(out, _tone_stream(out, codec), seconds)
    return path


def write_jpeg(path: Path, *, when: str | None = "2024:05:01 08:30:15", offset: str | None = "+08:00",
               gps: bool = True, orientation: int | None = None, size=(64, 48),
               make: str = "Huawei", model: str = "DSJ-V9", serial: str | None = "SN0042") -> Path:
    im = halves(size)
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = make
    exif[ExifTags.Base.Model] = model
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    ifd = exif.get_ifd(ExifTags.IFD.Exif)
    if when:
        ifd[ExifTags.Base.DateTimeOriginal] = when
        ifd[ExifTags.Base.SubsecTimeOriginal] = "25"
    if offset:
        ifd[ExifTags.Base.OffsetTimeOriginal] = offset
    if serial:
        ifd[ExifTags.Base.BodySerialNumber] = serial
    if gps:
        # 31°13'49.44"N 121°28'25.32"E = 31.2304, 121.4737; 12.5 m up.
        g = exif.get_ifd(ExifTags.IFD.GPSInfo)
        g[ExifTags.GPS.GPSLatitudeRef] = "N"
        g[ExifTags.GPS.GPSLatitude] = _dms(31, 13, 49.44)
        g[ExifTags.GPS.GPSLongitudeRef] = "E"
        g[ExifTags.GPS.GPSLongitude] = _dms(121, 28, 25.32)
        g[ExifTags.GPS.GPSAltitudeRef] = b"\x00"
        g[ExifTags.GPS.GPSAltitude] = IFDRational(125, 10)
    im.save(path, "JPEG", exif=exif, quality=90)
    return path


def png_bomb(path: Path, side: int = 100_000) -> Path:
    """A valid PNG header claiming side × side pixels, with almost no data behind it."""
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))
    ihdr = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
                     + chunk(b"IDAT", zlib.compress(b"\0" * 1024)) + chunk(b"IEND", b""))
    return path


def top_level_boxes(path: Path) -> list[str]:
    """The names of an MP4's top-level boxes, in file order."""
    data, names, offset = path.read_bytes(), [], 0
    while offset + 8 <= len(data):
        size = int.from_bytes(data[offset:offset + 4], "big")
        if size == 1:
            size = int.from_bytes(data[offset + 8:offset + 16], "big")
        names.append(data[offset + 4:offset + 8].decode("latin-1"))
        if size < 8:
            break
        offset += size
    return names


class Samples:
    """Each sample is made the first time a test asks for it."""

    def __init__(self, root: Path):
        self.root = root

    @cached_property
    def video(self) -> Path:
        """Body-camera-like: 2 s 320×240 at 25 fps, AAC audio, creation_time, ISO 6709 place."""
        return write_video(self.root / "clip.mp4",
                           metadata={"creation_time": CREATION_UTC, "location": LOCATION})

    @cached_property
    def video_apple(self) -> Path:
        """Apple keys: a creation date with its own offset, the place, the make and model."""
        return write_video(self.root / "iphone.mov", audio=False, fmt="mov",
                           options={"movflags": "use_metadata_tags"},
                           metadata={"com.apple.quicktime.creationdate": "2024-05-01T08:30:00+0800",
                                     "com.apple.quicktime.location.ISO6709": "+39.9042+116.4074+050.000/",
                                     "com.apple.quicktime.make": "Apple",
                                     "com.apple.quicktime.model": "iPhone 15"})

    @cached_property
    def video_faststart(self) -> Path:
        return write_video(self.root / "faststart.mp4", options={"movflags": "+faststart"},
                           metadata={"creation_time": CREATION_UTC})

    @cached_property
    def video_ts(self) -> Path:
        """MPEG-TS, as DVRs and surveillance platforms export: a 90 kHz clock, and timestamps
        that start where the cut was made in the recording (here 10 s), not at 0."""
        return write_video(self.root / "dvr.ts", fmt="mpegts", start=10)

    @cached_property
    def video_portrait(self) -> Path:
        """Stored 320×240 with a display matrix turning it 90° clockwise, as phones do."""
        return write_video(self.root / "portrait.mp4", rotation=-90, still=halves(),
                           seconds=1, audio=False)

    @cached_property
    def audio_m4a(self) -> Path:
        return write_audio(self.root / "interview.m4a", fmt="ipod", codec="aac",
                           metadata={"creation_time": "2024-05-01T01:00:00.000000Z"})

    @cached_property
    def audio_wav(self) -> Path:
        return write_audio(self.root / "recorder.wav", fmt="wav", codec="pcm_s16le")

    @cached_property
    def photo(self) -> Path:
        return write_jpeg(self.root / "photo.jpg")

    @cached_property
    def photo_no_offset(self) -> Path:
        return write_jpeg(self.root / "no-offset.jpg", offset=None, gps=False, serial=None)

    @cached_property
    def photo_rotated(self) -> Path:
        """Stored 64×48, Orientation 6: shown turned 90° clockwise, i.e. 48×64."""
        return write_jpeg(self.root / "rotated.jpg", orientation=6)


@pytest.fixture(scope="session")
def samples(tmp_path_factory) -> Samples:
    return Samples(tmp_path_factory.mktemp("media-samples"))


def parse_utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


__all__ = ["Samples", "samples", "write_video", "write_audio", "write_jpeg", "png_bomb",
           "top_level_boxes", "halves", "parse_utc", "CREATION_UTC", "LOCATION", "FIVE_DECIMALS"]


@pytest.fixture
def local_media(settings, tmp_path):
    """AV kept in the test's own folder on the filesystem store (use with pytest.mark.usefixtures)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LAWTRAIL_MEDIA_STORE = "filesystem"
