"""Thumbnails, poster frames and playback copies (issue #5, "Playback and derivatives")."""

import hashlib
import os
from decimal import Decimal
from fractions import Fraction

import av
import pytest
from PIL import Image

from lawtrail.media import derivatives
from lawtrail.media.derivatives import playback_copy, poster_frame, thumbnail
from lawtrail.media.probe import ProbeError, probe

from .samples import png_bomb, samples, top_level_boxes, write_jpeg  # noqa: F401


def digest(path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), os.stat(path).st_mtime_ns


def white(im: Image.Image, xy) -> bool:
    return sum(im.convert("RGB").getpixel(xy)) > 600


def black(im: Image.Image, xy) -> bool:
    return sum(im.convert("RGB").getpixel(xy)) < 150


def leftovers(directory) -> list[str]:
    return [n for n in os.listdir(directory) if n.endswith(".part")]


# --- photos ---------------------------------------------------------------------------------

def test_thumbnail_is_small_upright_and_leaves_the_original_alone(samples, tmp_path):
    before = digest(samples.photo_rotated)
    out = thumbnail(samples.photo_rotated, tmp_path / "thumb.jpg")
    assert digest(samples.photo_rotated) == before
    assert (out.mime, out.width, out.height) == ("image/jpeg", 48, 64)  # never enlarged
    assert out.size == (tmp_path / "thumb.jpg").stat().st_size
    with Image.open(tmp_path / "thumb.jpg") as im:
        assert (im.format, im.size) == ("JPEG", (48, 64))
        # Orientation 6 turns the picture 90° clockwise: the white left half is now on top.
        assert white(im, (24, 8)) and black(im, (24, 56))
        assert not im.getexif()  # no GPS or device details copied into the thumbnail


def test_thumbnail_of_a_large_photo_fits_max_side(tmp_path):
    big = write_jpeg(tmp_path / "big.jpg", size=(2000, 1200))
    out = thumbnail(big, tmp_path / "t.jpg", max_side=320)
    assert (out.width, out.height) == (320, 192)
    with Image.open(tmp_path / "t.jpg") as im:
        assert im.size == (320, 192) and white(im, (40, 96)) and black(im, (280, 96))


def test_thumbnail_flattens_transparency_on_white(tmp_path):
    Image.new("RGBA", (40, 40), (0, 0, 0, 0)).save(tmp_path / "clear.png")
    thumbnail(tmp_path / "clear.png", tmp_path / "t.jpg")
    with Image.open(tmp_path / "t.jpg") as im:
        assert white(im, (20, 20))


def test_thumbnail_refuses_a_bomb_and_leaves_nothing(tmp_path):
    with pytest.raises(ProbeError, match="解压炸弹"):
        thumbnail(png_bomb(tmp_path / "bomb.png"), tmp_path / "t.jpg")
    assert not (tmp_path / "t.jpg").exists() and leftovers(tmp_path) == []


def test_thumbnail_refuses_a_video(samples, tmp_path):
    with pytest.raises(ProbeError):
        thumbnail(samples.video, tmp_path / "t.jpg")


def test_derivative_never_overwrites_its_original(samples, tmp_path):
    before = digest(samples.photo)
    with pytest.raises(ValueError, match="原始文件永不修改"):
        thumbnail(samples.photo, samples.photo)
    os.link(samples.video, tmp_path / "alias.mp4")  # another name for the same file
    with pytest.raises(ValueError, match="原始文件永不修改"):
        poster_frame(samples.video, tmp_path / "alias.mp4")
    assert digest(samples.photo) == before


# --- poster frames --------------------------------------------------------------------------

def test_poster_frame(samples, tmp_path):
    before = digest(samples.video)
    out = poster_frame(samples.video, tmp_path / "poster.jpg")
    assert digest(samples.video) == before
    assert (out.mime, out.width, out.height) == ("image/jpeg", 320, 240)
    with Image.open(tmp_path / "poster.jpg") as im:
        assert im.size == (320, 240)


def test_poster_frame_is_about_one_second_in(samples, tmp_path):
    """lavfi's testsrc prints a counter of seconds; compare with frames of its own clip."""
    poster_frame(samples.video, tmp_path / "poster.jpg")
    with av.open(str(samples.video)) as c:
        frames = [f.to_image() for f in c.decode(video=0)]
    with Image.open(tmp_path / "poster.jpg") as poster:
        poster = poster.convert("RGB")

        def distance(im):
            return sum(abs(a - b) for a, b in zip(poster.tobytes()[::97], im.tobytes()[::97]))
        nearest = min(range(len(frames)), key=lambda i: distance(frames[i]))
    assert 23 <= nearest <= 27  # frame 25 is t = 1 s at 25 fps


def test_poster_frame_of_a_portrait_phone_video_is_upright(samples, tmp_path):
    out = poster_frame(samples.video_portrait, tmp_path / "poster.jpg")
    assert (out.width, out.height) == (240, 320)
    with Image.open(tmp_path / "poster.jpg") as im:
        # Turned 90° clockwise for display: the white left half is on top.
        assert white(im, (120, 40)) and black(im, (120, 280))


def test_poster_frame_refuses_audio(samples, tmp_path):
    with pytest.raises(ProbeError, match="没有视频画面"):
        poster_frame(samples.audio_m4a, tmp_path / "poster.jpg")


# --- playback copies ------------------------------------------------------------------------

def test_playback_copy_is_seekable_h264_aac_and_leaves_the_original_alone(samples, tmp_path):
    before = digest(samples.video)
    calls = []
    out = playback_copy(samples.video, tmp_path / "play.mp4", height=120,
                        progress=lambda done, total: calls.append((done, total)))
    assert digest(samples.video) == before
    assert (out.mime, out.width, out.height) == ("video/mp4", 160, 120)  # 4:3 kept
    assert out.size == (tmp_path / "play.mp4").stat().st_size
    # +faststart: the index comes before the media data, so a browser can seek at once.
    boxes = top_level_boxes(tmp_path / "play.mp4")
    assert boxes[0] == "ftyp" and boxes.index("moov") < boxes.index("mdat")
    assert top_level_boxes(samples.video).index("moov") > top_level_boxes(samples.video).index("mdat")

    p = probe(tmp_path / "play.mp4")
    assert (p.kind, p.mime, p.video_codec, p.audio_codec) == ("video", "video/mp4", "h264", "aac")
    assert abs(p.duration - probe(samples.video).duration) <= Decimal("0.1")
    assert p.gps is None and p.capture_start is None  # nothing of the original's metadata

    total = probe(samples.video).duration
    assert all(t == total for _, t in calls) and calls[-1] == (total, total)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls) and len(calls) >= 3
    assert all(isinstance(d, Decimal) for d, _ in calls)


def test_playback_copy_seeks_to_the_middle(samples, tmp_path):
    playback_copy(samples.video, tmp_path / "play.mp4", height=120)
    with av.open(str(tmp_path / "play.mp4")) as c:
        v = c.streams.video[0]
        c.seek(int(1 / v.time_base), stream=v)
        frame = next(c.decode(v))
        assert 0 <= frame.pts * v.time_base <= 1  # the keyframe at or before 1 s
        assert sum(1 for _ in c.decode(v)) > 0


def test_playback_copy_does_not_enlarge(samples, tmp_path):
    out = playback_copy(samples.video, tmp_path / "play.mp4")  # 360 asked, 240 there
    assert (out.width, out.height) == (320, 240)


def test_playback_copy_keeps_a_portrait_video_portrait(samples, tmp_path):
    out = playback_copy(samples.video_portrait, tmp_path / "play.mp4", height=120)
    assert (out.width, out.height) == (120, 160)
    poster_frame(tmp_path / "play.mp4", tmp_path / "poster.jpg")
    with Image.open(tmp_path / "poster.jpg") as im:
        assert white(im, (60, 20)) and black(im, (60, 140))


@pytest.mark.parametrize("encoder, codec", [("libx264", "h264"), ("mpeg4", "mpeg4")])
def test_playback_copy_of_a_dvr_export(samples, tmp_path, monkeypatch, encoder, codec):
    """MPEG-TS: a 90 kHz clock (too fine for MPEG-4 Part 2) and a timeline starting at 10 s."""
    monkeypatch.setattr(derivatives, "VIDEO_ENCODER", encoder)  # mpeg4: builds without libx264
    original = probe(samples.video_ts)
    assert (original.mime, original.container) == ("video/mp2t", "mpegts")
    calls = []
    playback_copy(samples.video_ts, tmp_path / "play.mp4", height=120,
                  progress=lambda done, total: calls.append(done))
    # Counted from the file's start (AAC's priming puts it 64 ms before the first picture).
    assert calls[0] < Decimal("0.1") and calls[-1] == original.duration
    p = probe(tmp_path / "play.mp4")
    assert (p.video_codec, p.audio_codec, p.width, p.height) == (codec, "aac", 160, 120)
    assert abs(p.duration - original.duration) <= Decimal("0.15")
    with av.open(str(tmp_path / "play.mp4")) as c:
        first = next(c.decode(video=0))
        assert first.pts * first.time_base < Fraction(1, 10)  # starts at 0, not at 10 s


def test_bundled_ffmpeg_has_libx264():
    """The wheel this project pins ships libx264; if a future one drops it, copies fall back to
    mpeg4, which browsers will not play: this test says so before users do."""
    assert derivatives.VIDEO_ENCODER == "libx264"


def test_playback_copy_of_audio_is_refused(samples, tmp_path):
    with pytest.raises(ProbeError, match="没有视频画面"):
        playback_copy(samples.audio_wav, tmp_path / "play.mp4")
    assert not (tmp_path / "play.mp4").exists() and leftovers(tmp_path) == []


def test_playback_copy_of_a_broken_file_leaves_nothing(samples, tmp_path):
    data = samples.video.read_bytes()
    (tmp_path / "cut.mp4").write_bytes(data[: len(data) // 2])
    with pytest.raises(ProbeError):
        playback_copy(tmp_path / "cut.mp4", tmp_path / "play.mp4")
    assert not (tmp_path / "play.mp4").exists() and leftovers(tmp_path) == []


def test_playback_copy_of_undecodable_video_leaves_nothing(samples, tmp_path):
    data = bytearray(samples.video_apple.read_bytes())
    start = data.index(b"mdat") + 4
    size = int.from_bytes(data[start - 8:start - 4], "big") - 8
    data[start:start + size] = bytes(size)  # every frame wiped, the index intact
    (tmp_path / "wiped.mov").write_bytes(bytes(data))
    with pytest.raises(ProbeError):
        playback_copy(tmp_path / "wiped.mov", tmp_path / "play.mp4")
    assert not (tmp_path / "play.mp4").exists() and leftovers(tmp_path) == []
