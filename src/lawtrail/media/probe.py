"""What a photo, audio or video file says about itself (issue #5, "What is known about each AV
record"). Pure: no Django, no database; the file is only read.

``probe(path)`` opens the file to find its kind (the extension is never trusted): Pillow for
photos, PyAV (FFmpeg) for audio and video. Anything it cannot read raises ``ProbeError`` with a
Chinese message. Values are ledger-safe: ``duration`` is a ``Decimal`` of seconds with
millisecond precision, GPS degrees are ``Decimal`` (7 places, about 1 cm), times are aware
datetimes; ``Probe.payload()`` gives them as a dict for a ledger entry.

Time zones. EXIF ``DateTimeOriginal`` is local time without a zone; ``OffsetTimeOriginal`` gives
the zone when the camera wrote it, otherwise China Standard Time (UTC+8) is assumed and
``capture_time_assumed_zone`` says so. QuickTime/MP4 ``creation_time`` is read as UTC, as the
format recommends; Apple's ``com.apple.quicktime.creationdate`` carries its own offset and is
preferred. QuickTime's own specification admits that common practice is local time, and
cameras without a notion of time zone (GoPro, by its users' reports) write their clock as if it
were UTC: such a clip from a camera set to Beijing time reads 8 hours late. Compare a camera's
clips with its docking time (the device registry's clock offset) before trusting the zone.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import Any, NamedTuple

import av
from PIL import ExifTags, Image, UnidentifiedImageError

from lawtrail.images import load_strictly

CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")
# A clock that says earlier than this was never set (cameras reset to 1970 or 2000-01-01).
EARLIEST = datetime(2001, 1, 1, tzinfo=timezone.utc)
# Only formats that cameras and phones write; Pillow's looser plugins (TGA, ICO…) would claim
# random bytes. MPO is how Pillow names a JPEG with a second embedded picture (many phones).
Image.init()
PHOTO_FORMATS = tuple(f for f in ("JPEG", "MPO", "PNG", "TIFF", "WEBP", "AVIF", "HEIF", "BMP",
                                  "GIF") if f in Image.OPEN)  # HEIF needs pillow-heif
DEGREE = Decimal("0.0000001")
METRE = Decimal("0.01")
MILLISECOND = Decimal("0.001")
# ISO BMFF brands of still pictures (iPhone photos are "heic"); Pillow reads AVIF itself.
HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1")
# Packets read to decode the first frame before a stream is declared undecodable.
FIRST_FRAME_PACKETS = 300


class ProbeError(ValueError):
    """The file cannot be read as a photo, audio or video; the message says why, in Chinese."""


class Gps(NamedTuple):
    lat: Decimal
    lon: Decimal
    alt: Decimal | None = None  # metres above sea level


@dataclass(frozen=True)
class Probe:
    kind: str  # "photo" | "audio" | "video"
    mime: str
    container: str  # short name: "jpeg", "png", "mp4", "mov", "3gp", "m4a", "wav", "mpegts"…
    capture_start: datetime | None = None
    capture_end: datetime | None = None  # a photo's end is its start; AV: start + duration
    capture_time_source: str | None = None  # "exif" | "container" | None
    capture_time_assumed_zone: bool = False  # True: the file had no zone, UTC+8 was assumed
    gps: Gps | None = None
    duration: Decimal | None = None  # seconds, millisecond precision (audio and video)
    video_codec: str | None = None  # FFmpeg codec names: "h264", "hevc", "mpeg4"…
    audio_codec: str | None = None  # "aac", "pcm_s16le", "amrnb"…
    width: int | None = None  # as displayed (EXIF orientation / display matrix applied)
    height: int | None = None
    frame_rate: str | None = None  # exact fraction, "25/1", "30000/1001"
    device_make: str | None = None
    device_model: str | None = None
    device_serial: str | None = None
    notes: tuple[str, ...] = field(default=())  # what was found and set aside, in Chinese

    def payload(self) -> dict[str, Any]:
        """The facts as plain values for a ledger entry (no floats, aware datetimes)."""
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        out["gps"] = self.gps._asdict() if self.gps else None
        out["notes"] = list(self.notes)
        return out


def probe(path: str | os.PathLike) -> Probe:
    path = os.fspath(path)
    try:
        st = os.stat(path)
    except OSError as e:
        raise ProbeError(f"无法读取文件：{e.strerror}") from None
    if not os.path.isfile(path):
        raise ProbeError("不是普通文件")
    if st.st_size == 0:
        raise ProbeError("文件为空（0 字节）")
    photo = _probe_photo(path)
    if photo is not None:
        return photo
    with open(path, "rb") as f:
        head = f.read(12)
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        # An MP4 relative that holds still pictures; FFmpeg would call it a broken video.
        raise ProbeError(f"暂不支持 HEIF/HEIC 图片（{head[8:12].decode('latin-1')}），"
                         "请在设备上设为“兼容性最佳”或转换为 JPEG 后上传")
    return _probe_av(path, st.st_size)


# --- photos ---------------------------------------------------------------------------------

def _probe_photo(path: str) -> Probe | None:
    """A Probe if Pillow recognises the file as a photo, None if it is not a picture at all."""
    try:
        im = Image.open(path, formats=PHOTO_FORMATS)
    except Image.DecompressionBombError as e:  # over twice the limit: Pillow refuses itself
        n = re.search(r"\((\d+) pixels\)", str(e))
        raise ProbeError(f"图片像素数过大（{n.group(1) if n else '超过上限'} 像素，上限 "
                         f"{Image.MAX_IMAGE_PIXELS} 像素），疑为解压炸弹，拒绝处理") from None
    except UnidentifiedImageError:
        return None
    except (OSError, SyntaxError, ValueError) as e:
        raise ProbeError(f"图片文件不完整或已损坏：{e}") from None
    with im:  # EXIF of a TIFF is read from the open file: stay inside
        w, h = im.size
        check_pixels(w, h)
        _decode_check(im)
        fmt = "JPEG" if im.format == "MPO" else im.format
        exif = im.getexif()
        ifd = exif.get_ifd(ExifTags.IFD.Exif)
        notes: list[str] = []
        start, assumed = _photo_time(ifd, notes)
        gps = _exif_gps(exif.get_ifd(ExifTags.IFD.GPSInfo), notes)
        if exif.get(ExifTags.Base.Orientation) in (5, 6, 7, 8):
            w, h = h, w  # stored sideways, shown upright
        return Probe(
            kind="photo", mime=Image.MIME.get(fmt, f"image/{fmt.lower()}"),
            container=fmt.lower(), capture_start=start, capture_end=start,
            capture_time_source="exif" if start else None,
            capture_time_assumed_zone=assumed, gps=gps, width=w, height=h,
            device_make=_clean(exif.get(ExifTags.Base.Make)),
            device_model=_clean(exif.get(ExifTags.Base.Model)),
            device_serial=_clean(ifd.get(ExifTags.Base.BodySerialNumber)),
            notes=tuple(notes),
        )


def _photo_time(ifd, notes: list[str]) -> tuple[datetime | None, bool]:
    """DateTimeOriginal (when the shutter fired), else DateTimeDigitized; never DateTime, which
    editors rewrite on every save."""
    for when, offset, subsec in (
            (ExifTags.Base.DateTimeOriginal, ExifTags.Base.OffsetTimeOriginal,
             ExifTags.Base.SubsecTimeOriginal),
            (ExifTags.Base.DateTimeDigitized, ExifTags.Base.OffsetTimeDigitized,
             ExifTags.Base.SubsecTimeDigitized)):
        start, assumed = _exif_time(ifd.get(when), ifd.get(offset), ifd.get(subsec))
        if start is None:
            continue
        if start < EARLIEST:
            notes.append(f"EXIF 拍摄时间 {start.isoformat()} 早于 2001 年，设备时钟可能未设置，未采用")
            return None, False
        if assumed:
            notes.append("EXIF 未记录时区，按北京时间（UTC+8）理解")
        return start, assumed
    return None, False


def check_pixels(w: int, h: int) -> None:
    """Refuse pictures over Pillow's limit. Pillow itself only warns between 1× and 2× it."""
    if w * h > Image.MAX_IMAGE_PIXELS:
        raise ProbeError(f"图片像素数过大（{w}×{h}，上限 {Image.MAX_IMAGE_PIXELS} 像素），"
                         "疑为解压炸弹，拒绝处理")


def _decode_check(im: Image.Image) -> None:
    """Decode the picture once, so a truncated or corrupt file is refused now, not later.
    A JPEG decodes at 1/8 scale (draft mode): every byte is still read, at little cost."""
    if im.format in ("JPEG", "MPO"):
        im.draft("RGB", (max(1, im.width // 8), max(1, im.height // 8)))
    try:
        load_strictly(im)  # strict even after WeasyPrint made Pillow lenient (lawtrail/images.py)
    except (OSError, SyntaxError, ValueError) as e:
        raise ProbeError(f"图片文件不完整或已损坏：{e}") from None


_EXIF_TIME = re.compile(r"(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})")
_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})")


def _exif_time(value, offset, subsec) -> tuple[datetime | None, bool]:
    """EXIF "YYYY:MM:DD HH:MM:SS" (+ "+08:00"); blank or all-zero values mean unknown."""
    m = _EXIF_TIME.match(_clean(value) or "")
    if not m:
        return None, False
    try:
        t = datetime(*map(int, m.groups()))
    except ValueError:  # "0000:00:00 00:00:00" and other impossible dates
        return None, False
    digits = re.match(r"\d+", _clean(subsec) or "")
    if digits:
        t = t.replace(microsecond=int(digits.group()[:6].ljust(6, "0")))
    zone = _zone(_clean(offset))
    return (t.replace(tzinfo=zone), False) if zone else (t.replace(tzinfo=CHINA), True)


def _zone(text: str | None) -> timezone | None:
    m = _OFFSET.fullmatch(text or "")
    if not m:
        return None
    minutes = int(m.group(2)) * 60 + int(m.group(3))
    if minutes > 14 * 60:
        return None
    return timezone(timedelta(minutes=-minutes if m.group(1) == "-" else minutes))


def _exif_gps(g, notes: list[str]) -> Gps | None:
    if not g:
        return None
    try:
        lat = _dms(g.get(ExifTags.GPS.GPSLatitude), g.get(ExifTags.GPS.GPSLatitudeRef), "SN")
        lon = _dms(g.get(ExifTags.GPS.GPSLongitude), g.get(ExifTags.GPS.GPSLongitudeRef), "WE")
    except (TypeError, ValueError, ArithmeticError):  # 0/0 rationals, missing or odd refs
        notes.append("EXIF GPS 数据格式无法识别，未采用")
        return None
    if lat is None or lon is None:
        return None
    alt = None
    raw = g.get(ExifTags.GPS.GPSAltitude)
    if raw is not None:
        try:
            alt = _rational(raw).quantize(METRE)
            if g.get(ExifTags.GPS.GPSAltitudeRef) in (1, b"\x01"):
                alt = -alt
        except (TypeError, ValueError, ArithmeticError):
            alt = None
    return _gps(lat, lon, alt, notes, "EXIF")


def _rational(r) -> Decimal:
    """An EXIF rational (Pillow's IFDRational, or a (num, den) pair) as an exact Decimal."""
    num, den = (r.numerator, r.denominator) if hasattr(r, "numerator") else r
    return Decimal(num) / Decimal(den)


def _dms(parts, ref, signs: str) -> Decimal | None:
    if parts is None:
        return None
    d, m, s = (list(parts) + [0, 0, 0])[:3]
    value = _rational(d) + _rational(m) / 60 + _rational(s) / 3600
    ref = _clean(ref)
    if ref not in (signs[0], signs[1]):
        raise ValueError(ref)
    return -value if ref == signs[0] else value


# ISO 6709: ±DD[MM[SS]][.f]±DDD[MM[SS]][.f][±alt][CRS…]/ (phones write ±DD.dddd±DDD.dddd+AAA.aaa/)
_ISO6709 = re.compile(r"([+-])(\d{2,6})(\.\d+)?([+-])(\d{3,7})(\.\d+)?(?:([+-]\d+(?:\.\d+)?))?")


def parse_iso6709(text: str | None) -> tuple[Decimal, Decimal, Decimal | None] | None:
    m = _ISO6709.match((text or "").strip())
    if not m:
        return None
    lat = _iso_angle(m.group(1), m.group(2), m.group(3), 2)
    lon = _iso_angle(m.group(4), m.group(5), m.group(6), 3)
    if lat is None or lon is None:
        return None
    alt = Decimal(m.group(7)).quantize(METRE) if m.group(7) else None
    return lat, lon, alt


def _iso_angle(sign: str, digits: str, frac: str | None, deg_digits: int) -> Decimal | None:
    extra = len(digits) - deg_digits  # 0: degrees, 2: + minutes, 4: + seconds
    if extra not in (0, 2, 4):
        return None
    number = Decimal(digits + (frac or ""))
    if extra == 0:
        value = number
    elif extra == 2:
        value = Decimal(digits[:deg_digits]) + (number - Decimal(digits[:deg_digits]) * 100) / 60
    else:
        deg, mins = Decimal(digits[:deg_digits]), Decimal(digits[deg_digits:deg_digits + 2])
        value = deg + mins / 60 + (number - deg * 10000 - mins * 100) / 3600
    return -value if sign == "-" else value


def _gps(lat: Decimal, lon: Decimal, alt: Decimal | None, notes: list[str], where: str) -> Gps | None:
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        notes.append(f"{where} GPS 坐标超出范围（{lat}, {lon}），未采用")
        return None
    if lat == 0 and lon == 0:
        notes.append(f"{where} GPS 坐标为 (0, 0)，通常表示未定位，未采用")
        return None
    q = lambda v: v.quantize(DEGREE, rounding=ROUND_HALF_EVEN)  # noqa: E731
    return Gps(q(lat), q(lon), alt)


def _clean(v) -> str | None:
    """EXIF and tag text: bytes decoded, NULs and padding removed, empty as None."""
    if v is None:
        return None
    if isinstance(v, bytes):
        v = _decode(v)
    v = str(v).replace("\x00", " ").strip()
    return v or None


def _decode(raw: bytes) -> str:
    """UTF-8, else GB 18030: Chinese devices often write tags in GBK."""
    for enc in ("utf-8", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            pass
    return raw.decode("utf-8", "replace")


# --- audio and video ------------------------------------------------------------------------

def open_av(path: str) -> av.container.InputContainer:
    """Open with PyAV for reading; FFmpeg's refusal becomes a ProbeError."""
    try:
        # surrogateescape keeps undecodable tag bytes, so _tag can retry them as GB 18030.
        return av.open(path, "r", metadata_errors="surrogateescape")
    except av.FFmpegError as e:
        with open(path, "rb") as f:
            head = f.read(12)
        if head[4:8] == b"ftyp":  # an MP4/MOV that FFmpeg cannot open: say why if we can
            if "moov" in _check_boxes(path, os.path.getsize(path)):
                raise ProbeError(f"MP4/MOV 文件的索引（moov）已损坏（FFmpeg：{_ffmpeg_reason(e)}）"
                                 ) from None
            raise ProbeError("MP4/MOV 文件缺少索引（moov），通常是录制中断（如记录仪断电）或复制"
                             f"不完整，无法播放（FFmpeg：{_ffmpeg_reason(e)}）") from None
        raise ProbeError("无法识别的文件格式：不是受支持的照片、音频或视频"
                         f"（FFmpeg：{_ffmpeg_reason(e)}）") from None
    except (OSError, UnicodeError) as e:
        raise ProbeError(f"无法读取文件：{e}") from None


def _ffmpeg_reason(e: av.FFmpegError) -> str:
    return e.strerror or str(e)


def av_streams(c) -> tuple[Any, Any]:
    """The first real video stream (cover art does not count) and the first audio stream."""
    video = next((s for s in c.streams.video
                  if not s.disposition & av.stream.Disposition.attached_pic), None)
    audio = next(iter(c.streams.audio), None)
    return video, audio


def first_frame(c, stream):
    """Decode the stream's first frame (never the whole file); ProbeError if none decodes."""
    reason = "未读到数据"
    try:
        for n, packet in enumerate(c.demux(stream)):
            if n >= FIRST_FRAME_PACKETS:
                break
            try:
                frames = packet.decode()
            except av.FFmpegError as e:  # a damaged packet; the next one may decode
                reason = _ffmpeg_reason(e)
                continue
            if frames:
                return frames[0]
    except av.FFmpegError as e:
        reason = _ffmpeg_reason(e)
    raise ProbeError(f"无法解码{'视频' if stream.type == 'video' else '音频'}数据，"
                     f"文件可能已损坏或不完整：{reason}")


def _probe_av(path: str, size: int) -> Probe:
    with open_av(path) as c:
        fmt = c.format.name
        if fmt.endswith("_pipe") or fmt == "image2":
            raise ProbeError(f"不支持的图片格式或图片已损坏（{fmt}）")
        meta = {k: _tag(v) for k, v in c.metadata.items()}
        brand = (meta.get("major_brand") or "").strip().lower()
        video, audio = av_streams(c)
        if video is None and audio is None:
            raise ProbeError("文件中没有音频或视频数据")
        if fmt.startswith("mov,"):
            _check_boxes(path, size)
        kind = "video" if video is not None else "audio"
        frame = first_frame(c, video or audio)
        for s in (video, audio):
            if s is not None:
                meta.update({k: _tag(v) for k, v in s.metadata.items() if k not in meta})
        notes: list[str] = []
        duration = _duration(c, video or audio)
        start, assumed = _av_time(meta, notes)
        gps = None
        for key in ("com.apple.quicktime.location.ISO6709", "location"):
            found = parse_iso6709(meta.get(key))
            if found:
                gps = _gps(*found, notes, "容器")
                break
        width = height = rate = None
        if video is not None:
            width, height = frame.width, frame.height
            sar = video.sample_aspect_ratio
            if sar and sar != 1:  # anamorphic: pixels are not square
                width = round(width * sar)
            if frame.rotation in (90, -90):
                width, height = height, width
            r = video.average_rate or video.guessed_rate
            rate = f"{r.numerator}/{r.denominator}" if r else None
        container, mime = _container_mime(fmt, brand, kind)
        end = (start + timedelta(milliseconds=int(duration * 1000))
               if start is not None and duration is not None else None)
        return Probe(
            kind=kind, mime=mime, container=container,
            capture_start=start, capture_end=end,
            capture_time_source="container" if start else None,
            capture_time_assumed_zone=assumed, gps=gps, duration=duration,
            video_codec=video.codec_context.name if video is not None else None,
            audio_codec=audio.codec_context.name if audio is not None else None,
            width=width, height=height, frame_rate=rate,
            device_make=_first(meta, "com.apple.quicktime.make", "make", "com.android.manufacturer"),
            device_model=_first(meta, "com.apple.quicktime.model", "model", "com.android.model"),
            device_serial=next((v for k, v in meta.items()
                                if re.search(r"serial", k, re.I) and v), None),
            notes=tuple(notes),
        )


def _tag(v: str) -> str | None:
    if isinstance(v, str) and any("\udc80" <= ch <= "\udcff" for ch in v):
        v = _decode(v.encode("utf-8", "surrogateescape"))
    return _clean(v)


def _first(meta: dict, *keys: str) -> str | None:
    return next((meta[k] for k in keys if meta.get(k)), None)


def _duration(c, stream) -> Decimal | None:
    """The container's duration (what players show), else the main stream's; exact Decimal."""
    if c.duration is not None and c.duration > 0:
        seconds = Fraction(c.duration, av.time_base)
    elif stream.duration is not None and stream.time_base:
        seconds = stream.duration * stream.time_base
    else:
        return None
    return (Decimal(seconds.numerator) / Decimal(seconds.denominator)).quantize(MILLISECOND)


def _av_time(meta: dict, notes: list[str]) -> tuple[datetime | None, bool]:
    """Apple's creationdate carries the device's own offset; FFmpeg writes MP4's creation_time
    with a "Z". A time with no zone at all (AVI's IDIT, WAV dates) is local: UTC+8 assumed."""
    for key in ("com.apple.quicktime.creationdate", "creation_time", "date"):
        text = meta.get(key)
        if not text:
            continue
        t = _parse_time(text)
        if t is None:
            notes.append(f"无法理解容器时间 {key}={text!r}，未采用")
            continue
        assumed = t.tzinfo is None
        t = t.replace(tzinfo=CHINA) if assumed else t
        if t < EARLIEST:
            notes.append(f"容器时间 {key}={text} 早于 2001 年，设备时钟可能未设置，未采用")
            continue
        if assumed:
            notes.append(f"容器时间 {key} 未记录时区，按北京时间（UTC+8）理解")
        return t, assumed
    return None, False


def _parse_time(text: str) -> datetime | None:
    text = text.strip()
    if not re.search(r"\d{2}:\d{2}", text):  # a bare date or year (ID3): not a moment
        return None
    text = re.sub(r"Z$", "+00:00", text)
    text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text)  # +0800 → +08:00
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _check_boxes(path: str, size: int) -> list[str]:
    """MP4/MOV is a list of boxes, each giving its length: a box that runs past the end of the
    file means the file was cut short (an interrupted copy or a camera that lost power).
    Returns the names of the top-level boxes."""
    names: list[str] = []
    with open(path, "rb") as f:
        offset = 0
        while size - offset >= 8:
            f.seek(offset)
            head = f.read(16)
            length = int.from_bytes(head[:4], "big")
            names.append(head[4:8].decode("latin-1"))
            if length == 1 and len(head) >= 16:
                length = int.from_bytes(head[8:16], "big")
            elif length == 0:  # "to the end of the file"
                break
            if length < 8:
                raise ProbeError(f"文件结构损坏：偏移 {offset} 处的数据块长度无效")
            if offset + length > size:
                raise ProbeError(f"文件不完整：数据块 {head[4:8].decode('latin-1')!r} 应延伸到"
                                 f" {offset + length} 字节，而文件只有 {size} 字节")
            offset += length
    return names


_AV_MIME = {
    "avi": "video/x-msvideo", "mpegts": "video/mp2t", "mpeg": "video/mpeg", "flv": "video/x-flv",
    "asf": "video/x-ms-asf", "h264": "video/h264", "hevc": "video/h265",
    "wav": "audio/wav", "mp3": "audio/mpeg", "aac": "audio/aac", "amr": "audio/amr",
    "flac": "audio/flac", "caf": "audio/x-caf", "w64": "audio/x-w64",
}


def _container_mime(fmt: str, brand: str, kind: str) -> tuple[str, str]:
    """FFmpeg names demuxers by family ("mov,mp4,m4a,3gp,3g2,mj2"); the brand says which."""
    if fmt.startswith("mov,"):
        if brand == "qt":
            return "mov", "video/quicktime"
        if brand.startswith(("3gp", "3ge", "3g2")):
            return "3gp", f"{kind}/3gpp"
        if kind == "audio":
            return "m4a", "audio/mp4"
        return "mp4", "video/mp4"
    if fmt == "matroska,webm":
        return "matroska", f"{kind}/x-matroska"
    if fmt == "ogg":
        return "ogg", f"{kind}/ogg"
    name = fmt.split(",")[0]
    return name, _AV_MIME.get(name, "application/octet-stream")


# --- what a damaged file still is ---------------------------------------------------------------

# (offset, magic, kind, mime, container): the signatures of the formats cameras, recorders and
# phones write. A file that starts like one of them but cannot be read is damaged evidence —
# kept and flagged (ingest.probe) rather than refused, because it cannot be recorded again.
SIGNATURES = (
    (4, b"ftyp", "video", "video/mp4", "mp4"), (4, b"moov", "video", "video/quicktime", "mov"),
    (4, b"mdat", "video", "video/quicktime", "mov"), (4, b"wide", "video", "video/quicktime", "mov"),
    (0, b"\x1aE\xdf\xa3", "video", "video/x-matroska", "matroska"), (0, b"FLV", "video", "video/x-flv", "flv"),
    (0, b"0&\xb2u\x8ef\xcf\x11", "video", "video/x-ms-asf", "asf"), (8, b"AVI ", "video", "video/x-msvideo", "avi"),
    (8, b"WAVE", "audio", "audio/wav", "wav"), (0, b"ID3", "audio", "audio/mpeg", "mp3"),
    (0, b"#!AMR", "audio", "audio/amr", "amr"), (0, b"\xff\xd8\xff", "photo", "image/jpeg", "jpeg"),
    (0, b"\x89PNG\r\n\x1a\n", "photo", "image/png", "png"),
)


def recognise(path: str | os.PathLike) -> tuple[str, str, str] | None:
    """(kind, mime, container) from the file's first bytes alone, or None: for a file ``probe``
    could not read. MPEG-TS is recognised by its sync byte every 188 bytes."""
    with open(path, "rb") as f:
        head = f.read(4 + 188 * 2)
    for offset, magic, kind, mime, container in SIGNATURES:
        if head[offset:offset + len(magic)] == magic:
            return kind, mime, container
    if len(head) > 376 and head[0] == head[188] == head[376] == 0x47:
        return "video", "video/mp2t", "mpegts"
    return None
