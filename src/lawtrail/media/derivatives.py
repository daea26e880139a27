"""Derivatives of an original (issue #5, "Playback and derivatives"): a photo's thumbnail, a
video's poster frame, and a small playback copy that browsers can seek in.

Pure: no Django, no database. The original is only opened for reading, and an output path that
is the original itself is refused. Each output is written under a temporary name beside
``out_path`` and renamed into place, so a crash never leaves half a file under the real name;
storing it (content-addressed, naming its original's hash) is the caller's job.
Unreadable inputs raise ``probe.ProbeError`` with a Chinese message.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import av
from PIL import Image, ImageOps, UnidentifiedImageError

from .probe import (MILLISECOND, PHOTO_FORMATS, ProbeError, av_streams, check_pixels,
                    first_frame, open_av, probe)

JPEG_QUALITY = 85


def _encoder_available(name: str) -> bool:
    try:
        av.codec.Codec(name, "w")
        return True
    except (av.FFmpegError, ValueError):
        return False


# PyAV's wheels bundle FFmpeg with libx264 (checked for av 18.1); mpeg4 is the fallback for
# builds without it. Browsers play H.264 in MP4 everywhere, MPEG-4 Part 2 hardly anywhere.
VIDEO_ENCODER = "libx264" if _encoder_available("libx264") else "mpeg4"


@dataclass(frozen=True)
class Derivative:
    mime: str
    width: int  # as displayed
    height: int
    size: int  # bytes
    duration: Decimal | None = None  # seconds, playback copies only


Progress = Callable[[Decimal, Decimal | None], None]


def thumbnail(path, out_path, max_side: int = 320) -> Derivative:
    """A JPEG no larger than max_side on either side, upright (EXIF orientation applied), with
    no metadata copied: a thumbnail shown in lists must not carry the GPS of the original."""
    try:
        im = Image.open(os.fspath(path), formats=PHOTO_FORMATS)
    except Image.DecompressionBombError:
        raise ProbeError("图片像素数过大，疑为解压炸弹，拒绝处理") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as e:
        raise ProbeError(f"无法读取图片：{e}") from None
    with im:
        check_pixels(*im.size)
        im.draft("RGB", (max_side, max_side))  # JPEG: decode at 1/2…1/8 scale, far less work
        try:
            upright = ImageOps.exif_transpose(im)
        except (OSError, SyntaxError, ValueError) as e:
            raise ProbeError(f"图片文件不完整或已损坏：{e}") from None
    return _save_jpeg(_rgb(upright), out_path, path, max_side)


def poster_frame(path, out_path, max_side: int = 1280) -> Derivative:
    """A JPEG of the frame about 1 s in (or halfway through a shorter clip), upright."""
    with open_av(os.fspath(path)) as c:
        video, _ = av_streams(c)
        if video is None:
            raise ProbeError("文件中没有视频画面，无法生成封面")
        video.thread_type = "AUTO"
        frame = _frame_near(c, video, Fraction(1))
        image = frame.to_image()
        sar = video.sample_aspect_ratio
        if sar and sar != 1:
            image = image.resize((round(image.width * sar), image.height))
        image = _rotate(image, frame.rotation)
    return _save_jpeg(image, out_path, path, max_side)


def playback_copy(path, out_path, height: int = 360,
                  progress: Progress | None = None) -> Derivative:
    """An MP4 for the browser: H.264 (libx264; mpeg4 without it) at most ``height`` lines, aspect
    ratio and rotation kept, audio as AAC, and the index (moov) at the front (``+faststart``), so
    playback can start and seek with HTTP range requests before the whole file has arrived.
    ``progress(seconds_done, total_seconds)`` is called about once per second of video (total is
    None when the original does not say its duration), and once more at the end."""
    path = os.fspath(path)
    with open_av(path) as src, _replacing(out_path, path) as tmp:
        vin, ain = av_streams(src)
        if vin is None:
            raise ProbeError("文件中没有视频画面，无法生成播放副本")
        vin.thread_type = "AUTO"
        total = _seconds(Fraction(src.duration, av.time_base)) if src.duration else None
        # A cut from a longer recording (DVR exports) keeps its timestamps: count from its start.
        t0 = Fraction(src.start_time or 0, av.time_base)
        with av.open(tmp, "w", format="mp4", options={"movflags": "+faststart"}) as out:
            video = _VideoOut(out, vin, height, t0)
            audio = _AudioOut(out, ain, t0) if ain is not None else None
            reported = Decimal(-1)
            for packet in src.demux(*(s for s in (vin, ain) if s is not None)):
                try:
                    frames = packet.decode()
                except av.FFmpegError:
                    continue  # a damaged packet: keep what decodes, as a player would
                for frame in frames:
                    if packet.stream is vin:
                        video.add(frame)
                        at = _when(frame)
                        done = _seconds(at - t0) if at is not None else None
                        if progress and done is not None and done - reported >= 1:
                            progress(done, total)
                            reported = done
                    else:
                        audio.add(frame)
            if not video.frames:
                raise ProbeError("视频数据无法解码，文件可能已损坏，无法生成播放副本")
            video.finish()
            if audio is not None:
                audio.finish()
    made = probe(out_path)  # also proves the copy opens and decodes
    if progress:
        progress(total, total) if total is not None else progress(made.duration, made.duration)
    return Derivative("video/mp4", made.width, made.height, os.path.getsize(out_path),
                      made.duration)


class _VideoOut:
    def __init__(self, out, vin, height: int, t0: Fraction):
        cc = vin.codec_context
        if not (cc.width and cc.height):
            raise ProbeError("无法确定视频画面尺寸，无法生成播放副本")
        sar = vin.sample_aspect_ratio if vin.sample_aspect_ratio else Fraction(1)
        self.height = min(height, cc.height) // 2 * 2  # never enlarge; 4:2:0 needs even sizes
        self.width = max(2, round(cc.width * sar * self.height / cc.height / 2) * 2)
        rate = vin.average_rate or vin.guessed_rate or Fraction(25)
        if VIDEO_ENCODER == "libx264":
            options = {"preset": "veryfast", "crf": "28"}
        else:
            options = {"qscale": "6"}
        self.stream = out.add_stream(VIDEO_ENCODER, rate=rate, options=options)
        self.stream.width, self.stream.height, self.stream.pix_fmt = (
            self.width, self.height, "yuv420p")
        # A keyframe every 2 s: a seek lands at most 2 s before where the user asked.
        self.stream.codec_context.gop_size = max(1, round(rate * 2))
        # Keep the original's clock; MPEG-4 Part 2 allows time-base denominators up to 65535 only.
        tb = vin.time_base
        if VIDEO_ENCODER == "mpeg4" and tb.denominator > 65535:
            tb = Fraction(1, 1000)
        self.stream.codec_context.time_base = tb
        self.tb, self.offset = tb, t0
        self.frames, self.last_pts = 0, None

    def add(self, frame) -> None:
        at = _when(frame)
        if at is None:
            return
        pts = round((at - self.offset) / self.tb)
        if pts < 0 or (self.last_pts is not None and pts <= self.last_pts):
            return  # before the start, or a duplicate timestamp the encoder would refuse
        if self.frames == 0 and frame.rotation:
            # Phones store portrait video sideways with a display matrix: carry it over.
            self.stream.set_display_rotation(frame.rotation)
        scaled = frame.reformat(self.width, self.height, "yuv420p", interpolation="BILINEAR")
        scaled.pts, scaled.time_base = pts, self.tb
        _encode(self.stream, scaled)
        self.frames += 1
        self.last_pts = pts

    def finish(self) -> None:
        _encode(self.stream, None)


class _AudioOut:
    def __init__(self, out, ain, t0: Fraction):
        cc = ain.codec_context
        rates = av.codec.Codec("aac", "w").audio_rates or ()
        self.rate = cc.sample_rate if cc.sample_rate in rates and cc.sample_rate <= 48000 else 48000
        layout = "mono" if cc.channels == 1 else "stereo"
        self.stream = out.add_stream("aac", rate=self.rate, layout=layout)
        self.stream.codec_context.bit_rate = 64000 if layout == "mono" else 128000
        self.resampler = av.AudioResampler(format="fltp", layout=layout, rate=self.rate,
                                           frame_size=1024)
        self.offset = t0
        self.next_pts = None

    def add(self, frame) -> None:
        if self.next_pts is None:
            at = _when(frame)
            if at is None:
                return
            self.next_pts = max(0, round((at - self.offset) * self.rate))
        # Resampled frames are numbered by samples: gapless audio whatever the input's stamps.
        for f in self.resampler.resample(frame):
            self._add_resampled(f)

    def finish(self) -> None:
        if self.next_pts is not None:
            for f in self.resampler.resample(None):
                self._add_resampled(f)
        _encode(self.stream, None)

    def _add_resampled(self, f) -> None:
        f.pts, f.time_base = self.next_pts, Fraction(1, self.rate)
        self.next_pts += f.samples
        _encode(self.stream, f)


def _encode(stream, frame) -> None:
    """Encode a frame (None flushes the encoder) and write its packets."""
    stream.container.mux(stream.encode(frame))


def _frame_near(c, video, seconds: Fraction):
    """The first frame at or after ``seconds`` (capped at half the clip), decoding from the
    keyframe before it; the first frame if seeking does not work for this file."""
    start = Fraction(video.start_time or 0) * video.time_base if video.time_base else Fraction(0)
    if c.duration:
        seconds = min(seconds, Fraction(c.duration, av.time_base) / 2)
    target = start + seconds
    try:
        c.seek(int(target / video.time_base), stream=video, backward=True)
        last = None
        for n, frame in enumerate(c.decode(video)):
            last = frame
            at = _when(frame)
            if at is None or at >= target or n > 600:
                return frame
        if last is not None:
            return last
    except av.FFmpegError:
        pass
    c.seek(0)
    return first_frame(c, video)


def _rotate(image: Image.Image, rotation: int) -> Image.Image:
    """PyAV's rotation is counter-clockwise degrees, like PIL's transposes."""
    turns = {90: Image.Transpose.ROTATE_90, -90: Image.Transpose.ROTATE_270,
             180: Image.Transpose.ROTATE_180, -180: Image.Transpose.ROTATE_180}
    return image.transpose(turns[rotation]) if rotation in turns else image


def _rgb(im: Image.Image) -> Image.Image:
    """JPEG has no transparency: flatten onto white rather than onto black."""
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        im = im.convert("RGBA")
        flat = Image.new("RGB", im.size, "white")
        flat.paste(im, mask=im.getchannel("A"))
        return flat
    return im if im.mode == "RGB" else im.convert("RGB")


def _save_jpeg(image: Image.Image, out_path, original, max_side: int) -> Derivative:
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    with _replacing(out_path, os.fspath(original)) as tmp:
        image.save(tmp, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return Derivative("image/jpeg", image.width, image.height, os.path.getsize(out_path))


@contextmanager
def _replacing(out_path, original: str) -> Iterator[str]:
    """A temporary path beside out_path, renamed onto it if the block succeeds."""
    out_path = os.fspath(out_path)
    if os.path.abspath(out_path) == os.path.abspath(original) or (
            os.path.exists(out_path) and os.path.samefile(out_path, original)):
        raise ValueError("派生文件不能写到原始文件上：原始文件永不修改")
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(out_path)),
                               prefix=".derivative-", suffix=".part")
    os.close(fd)
    try:
        yield tmp
        os.replace(tmp, out_path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _when(frame) -> Fraction | None:
    """A frame's time as an exact fraction (PyAV's ``frame.time`` is a float)."""
    if frame.pts is None or not frame.time_base:
        return None
    return frame.pts * frame.time_base


def _seconds(t: Fraction) -> Decimal:
    return (Decimal(t.numerator) / Decimal(t.denominator)).quantize(MILLISECOND)
