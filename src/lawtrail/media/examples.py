"""Sample media for the demo: a photo with EXIF time and place, a short clip with its creation
time, as a body camera or a phone would leave them. Made on the fly with Pillow and PyAV."""

from __future__ import annotations

from datetime import datetime, timezone as tz
from fractions import Fraction
from pathlib import Path

from PIL import ExifTags, Image, ImageDraw
from PIL.TiffImagePlugin import IFDRational


def _dms(value: float) -> tuple:
    d = int(value)
    m = int((value - d) * 60)
    s = round(((value - d) * 60 - m) * 60 * 100)
    return (IFDRational(d, 1), IFDRational(m, 1), IFDRational(s, 100))


def photo(path: Path, when: datetime, text: str, lat: float = 38.9140, lon: float = 121.6147) -> Path:
    """A 640×480 JPEG showing ``text``, its EXIF capture time (with zone) and GPS (Dalian)."""
    im = Image.new("RGB", (640, 480), (230, 236, 242))
    draw = ImageDraw.Draw(im)
    draw.rectangle((20, 20, 620, 460), outline=(155, 28, 28), width=6)
    draw.text((40, 40), text, fill=(20, 20, 20))  # ASCII: the default bitmap font has no CJK
    exif = Image.Exif()
    exif[ExifTags.Base.Make], exif[ExifTags.Base.Model] = "Demo", "DSJ-DEMO"
    ifd = exif.get_ifd(ExifTags.IFD.Exif)
    local = when.astimezone()
    ifd[ExifTags.Base.DateTimeOriginal] = local.strftime("%Y:%m:%d %H:%M:%S")
    ifd[ExifTags.Base.OffsetTimeOriginal] = local.strftime("%z")[:3] + ":" + local.strftime("%z")[3:]
    g = exif.get_ifd(ExifTags.IFD.GPSInfo)
    g[ExifTags.GPS.GPSLatitudeRef], g[ExifTags.GPS.GPSLatitude] = "N", _dms(lat)
    g[ExifTags.GPS.GPSLongitudeRef], g[ExifTags.GPS.GPSLongitude] = "E", _dms(lon)
    im.save(path, "JPEG", exif=exif, quality=85)
    return path


def clip(path: Path, when: datetime, seconds: int = 3) -> Path:
    """A small H.264 clip of a test pattern whose container says when it was recorded (UTC)."""
    import av

    with av.open(str(path), "w", format="mp4") as out:
        out.metadata["creation_time"] = when.astimezone(tz.utc).strftime("%Y-%m-%dT%H:%M:%S.000000Z")
        video = out.add_stream("libx264", rate=15, options={"preset": "ultrafast"})
        video.width, video.height, video.pix_fmt = 320, 240, "yuv420p"
        src = av.open(f"testsrc=size=320x240:rate=15:duration={seconds}", format="lavfi")
        for i, frame in enumerate(src.decode(video=0)):
            f = frame.reformat(format="yuv420p")
            f.pts, f.time_base = i, Fraction(1, 15)
            out.mux(video.encode(f))
        out.mux(video.encode(None))
        src.close()
    return path
