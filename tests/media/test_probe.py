"""probe(): the facts a file's own metadata gives (issue #5, "What is known about each AV record")."""

import random
import shutil
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from PIL import Image

from lawtrail.ledger.canonical import normalise
from lawtrail.media.probe import Gps, ProbeError, parse_iso6709, probe

from .samples import (FIVE_DECIMALS, png_bomb, samples, write_audio,  # noqa: F401
                      write_jpeg, write_video)

BEIJING = timezone(timedelta(hours=8))


def five(gps: Gps) -> tuple[str, str]:
    return f"{gps.lat:.5f}", f"{gps.lon:.5f}"


# --- video and audio ------------------------------------------------------------------------

def test_body_camera_clip(samples):
    p = probe(samples.video)
    assert (p.kind, p.mime, p.container) == ("video", "video/mp4", "mp4")
    assert (p.video_codec, p.audio_codec) == ("h264", "aac")
    assert (p.width, p.height, p.frame_rate) == (320, 240, "25/1")
    # creation_time is UTC: 00:30Z is 08:30 in Beijing.
    assert p.capture_start == datetime(2024, 5, 1, 8, 30, tzinfo=BEIJING)
    assert p.capture_start.utcoffset() is not None
    assert (p.capture_time_source, p.capture_time_assumed_zone) == ("container", False)
    assert p.duration == Decimal("2.000")
    assert p.capture_end == datetime(2024, 5, 1, 8, 30, 2, tzinfo=BEIJING)
    assert five(p.gps) == FIVE_DECIMALS and p.gps.alt == Decimal("10.00")
    assert p.notes == ()


def test_apple_keys_give_zone_place_and_device(samples):
    p = probe(samples.video_apple)
    assert (p.mime, p.container, p.audio_codec) == ("video/quicktime", "mov", None)
    assert p.capture_start == datetime(2024, 5, 1, 0, 30, tzinfo=timezone.utc)
    assert p.capture_start.utcoffset() == timedelta(hours=8)  # the device's own offset, kept
    assert five(p.gps) == ("39.90420", "116.40740")
    assert (p.device_make, p.device_model) == ("Apple", "iPhone 15")
    assert p.duration == Decimal("2.000")


def test_portrait_phone_video_reports_its_displayed_size(samples):
    p = probe(samples.video_portrait)
    assert (p.width, p.height) == (240, 320)


def test_m4a_is_audio_with_duration_and_time(samples):
    p = probe(samples.audio_m4a)
    assert (p.kind, p.mime, p.container) == ("audio", "audio/mp4", "m4a")
    assert (p.audio_codec, p.video_codec, p.width, p.frame_rate) == ("aac", None, None, None)
    assert p.capture_start == datetime(2024, 5, 1, 9, 0, tzinfo=BEIJING)
    assert p.duration == Decimal("3.000")
    assert p.capture_end == datetime(2024, 5, 1, 9, 0, 3, tzinfo=BEIJING)


def test_wav_without_a_time_has_none(samples):
    p = probe(samples.audio_wav)
    assert (p.kind, p.mime, p.audio_codec) == ("audio", "audio/wav", "pcm_s16le")
    assert p.duration == Decimal("3.000")
    assert (p.capture_start, p.capture_end, p.capture_time_source) == (None, None, None)


def test_a_time_without_zone_is_taken_as_beijing_and_says_so(tmp_path):
    wav = write_audio(tmp_path / "r.wav", seconds=1, fmt="wav", codec="pcm_s16le",
                      metadata={"date": "2024-05-01 08:30:00"})  # RIFF ICRD: local, no zone
    p = probe(wav)
    assert p.capture_start == datetime(2024, 5, 1, 8, 30, tzinfo=BEIJING)
    assert p.capture_end == datetime(2024, 5, 1, 8, 30, 1, tzinfo=BEIJING)
    assert p.capture_time_assumed_zone is True
    assert any("UTC+8" in n for n in p.notes)


def test_an_unset_camera_clock_is_not_a_capture_time(tmp_path):
    clip = write_video(tmp_path / "reset.mp4", seconds=1, audio=False,
                       metadata={"creation_time": "2000-01-01T00:00:00.000000Z"})
    p = probe(clip)
    assert p.capture_start is None and p.capture_time_source is None
    assert any("时钟" in n for n in p.notes)


def test_gbk_tags_from_chinese_devices_are_read(tmp_path):
    clip = write_video(tmp_path / "gbk.mov", seconds=1, audio=False, fmt="mov",
                       options={"movflags": "use_metadata_tags"},
                       metadata={"com.apple.quicktime.make": "QZQZ"})
    data = clip.read_bytes()
    assert data.count(b"QZQZ") == 1
    clip.write_bytes(data.replace(b"QZQZ", "海康".encode("gbk")))  # same length: 4 bytes
    assert probe(clip).device_make == "海康"


def test_no_location_zero_zero_is_no_fix(tmp_path):
    clip = write_video(tmp_path / "nofix.mp4", seconds=1, audio=False,
                       metadata={"location": "+00.0000+000.0000/"})
    p = probe(clip)
    assert p.gps is None and any("未定位" in n for n in p.notes)


@pytest.mark.parametrize("text, expected", [
    ("+31.2304+121.4737+010.000/", ("31.23040", "121.47370", Decimal("10.00"))),
    ("-33.8688+151.2093/", ("-33.86880", "151.20930", None)),
    ("+3113.824+12128.422/", ("31.23040", "121.47370", None)),      # ±DDMM.mmm±DDDMM.mmm
    ("+311349.44+1212825.32/", ("31.23040", "121.47370", None)),    # ±DDMMSS±DDDMMSS
    ("+40.7484-073.9857-001.5CRSWGS_84/", ("40.74840", "-73.98570", Decimal("-1.50"))),
])
def test_iso6709(text, expected):
    lat, lon, alt = parse_iso6709(text)
    assert (f"{lat:.5f}", f"{lon:.5f}", alt) == expected


@pytest.mark.parametrize("text", ["", "somewhere", "+31.2304/", "+123.4+121.4737/"])
def test_iso6709_refuses_what_it_cannot_read(text):
    assert parse_iso6709(text) is None


# --- photos ---------------------------------------------------------------------------------

def test_photo_exif(samples):
    p = probe(samples.photo)
    assert (p.kind, p.mime, p.container) == ("photo", "image/jpeg", "jpeg")
    assert p.capture_start == datetime(2024, 5, 1, 8, 30, 15, 250000, tzinfo=BEIJING)
    assert p.capture_start.utcoffset() == timedelta(hours=8)
    assert p.capture_end == p.capture_start
    assert (p.capture_time_source, p.capture_time_assumed_zone) == ("exif", False)
    assert five(p.gps) == FIVE_DECIMALS and p.gps.alt == Decimal("12.50")
    assert (p.device_make, p.device_model, p.device_serial) == ("Huawei", "DSJ-V9", "SN0042")
    assert (p.width, p.height, p.duration, p.video_codec) == (64, 48, None, None)


def test_photo_offset_elsewhere_is_kept(tmp_path):
    p = probe(write_jpeg(tmp_path / "x.jpg", offset="-05:00"))
    assert p.capture_start == datetime(2024, 5, 1, 13, 30, 15, 250000, tzinfo=timezone.utc)
    assert p.capture_time_assumed_zone is False


def test_photo_without_offset_assumes_beijing_and_says_so(samples):
    p = probe(samples.photo_no_offset)
    assert p.capture_start == datetime(2024, 5, 1, 8, 30, 15, 250000, tzinfo=BEIJING)
    assert p.capture_time_assumed_zone is True
    assert p.gps is None and p.device_serial is None
    assert p.notes == ("EXIF 未记录时区，按北京时间（UTC+8）理解",)


def test_photo_southern_western_hemisphere(tmp_path):
    from PIL import ExifTags
    path = write_jpeg(tmp_path / "sw.jpg")
    im = Image.open(path)
    exif = im.getexif()
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef], gps[ExifTags.GPS.GPSLongitudeRef] = "S", "W"
    gps[ExifTags.GPS.GPSAltitudeRef] = b"\x01"  # below sea level
    im.save(tmp_path / "sw2.jpg", exif=exif)
    p = probe(tmp_path / "sw2.jpg")
    assert five(p.gps) == ("-31.23040", "-121.47370") and p.gps.alt == Decimal("-12.50")


def test_photo_without_exif_has_no_time(tmp_path):
    Image.new("RGB", (10, 10)).save(tmp_path / "plain.png")
    p = probe(tmp_path / "plain.png")
    assert (p.kind, p.mime, p.container, p.width) == ("photo", "image/png", "png", 10)
    assert (p.capture_start, p.capture_time_source, p.gps) == (None, None, None)


def test_rotated_photo_reports_its_displayed_size(samples):
    assert (probe(samples.photo_rotated).width, probe(samples.photo_rotated).height) == (48, 64)


def test_payload_is_ledger_safe(samples):
    for path in (samples.video, samples.photo):
        payload = normalise(probe(path).payload())  # refuses floats and naive datetimes
        assert payload["gps"]["lat"] == "31.2304000"
    assert normalise(probe(samples.video).payload())["capture_start"] == "2024-05-01T00:30:00.000000Z"
    assert normalise(probe(samples.video).payload())["duration"] == "2.000"


# --- the kind comes from the content, not the name ------------------------------------------

def test_extension_is_not_trusted(samples, tmp_path):
    shutil.copy(samples.photo, tmp_path / "photo.mp4")
    shutil.copy(samples.video, tmp_path / "clip.jpg")
    shutil.copy(samples.audio_m4a, tmp_path / "voice.mp4")
    assert probe(tmp_path / "photo.mp4").kind == "photo"
    assert probe(tmp_path / "clip.jpg").kind == "video"
    assert probe(tmp_path / "voice.mp4").mime == "audio/mp4"


# --- bad input ------------------------------------------------------------------------------

def refused(path) -> str:
    with pytest.raises(ProbeError) as e:
        probe(path)
    return str(e.value)


def test_empty_file(tmp_path):
    (tmp_path / "empty.mp4").write_bytes(b"")
    assert refused(tmp_path / "empty.mp4") == "文件为空（0 字节）"


def test_missing_file_and_directory(tmp_path):
    assert "无法读取文件" in refused(tmp_path / "nothing.mp4")
    assert refused(tmp_path) == "不是普通文件"


@pytest.mark.parametrize("seed", range(8))
def test_random_bytes(tmp_path, seed):
    r = random.Random(seed)
    (tmp_path / "noise.mp4").write_bytes(r.randbytes(r.choice([16, 4096, 200_000])))
    assert refused(tmp_path / "noise.mp4")


def test_text_renamed_mp4(tmp_path):
    (tmp_path / "notes.mp4").write_text("询问笔录\n时间：2024年5月1日\n" * 40, encoding="utf-8")
    assert refused(tmp_path / "notes.mp4").startswith("无法识别的文件格式")


def test_mp4_cut_before_its_index(samples, tmp_path):
    """A camera that loses power mid-recording never writes the index (moov, at the end)."""
    data = samples.video.read_bytes()
    (tmp_path / "cut.mp4").write_bytes(data[: len(data) // 2])
    message = refused(tmp_path / "cut.mp4")
    assert "不完整" in message and "mdat" in message


def test_mp4_with_index_first_cut_short(samples, tmp_path):
    """With the index first FFmpeg opens it happily; the box lengths give the cut away."""
    data = samples.video_faststart.read_bytes()
    (tmp_path / "cut.mp4").write_bytes(data[:-1000])
    assert "文件不完整" in refused(tmp_path / "cut.mp4")


def test_mp4_missing_its_index(samples, tmp_path):
    data = samples.video.read_bytes()
    moov = data.index(b"moov") - 4
    (tmp_path / "noindex.mp4").write_bytes(data[:moov])  # every box whole, no moov
    assert "缺少索引（moov）" in refused(tmp_path / "noindex.mp4")


def test_heic_photo_is_named_not_called_a_broken_video(tmp_path):
    # Pillow has no HEIF reader here (no pillow-heif); FFmpeg would fail on a missing moov.
    (tmp_path / "IMG_0001.HEIC").write_bytes(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + bytes(64))
    assert "暂不支持 HEIF/HEIC 图片（heic）" in refused(tmp_path / "IMG_0001.HEIC")


@pytest.mark.parametrize("keep", [0.1, 0.9])  # cut in the headers, cut in the picture data
def test_truncated_photo(tmp_path, keep, monkeypatch):
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)  # as after WeasyPrint is imported
    data = write_jpeg(tmp_path / "whole.jpg", size=(640, 480)).read_bytes()
    (tmp_path / "cut.jpg").write_bytes(data[: int(len(data) * keep)])
    assert "图片文件不完整或已损坏" in refused(tmp_path / "cut.jpg")


def test_png_decompression_bomb_is_refused_before_decoding(tmp_path):
    message = refused(png_bomb(tmp_path / "bomb.png"))  # claims 10¹⁰ pixels, 100 bytes long
    assert "解压炸弹" in message and "10000000000" in message


def test_picture_just_over_the_limit_is_refused_too(samples, monkeypatch):
    """Between 1× and 2× the limit Pillow only warns; probe refuses."""
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 64 * 48 - 1)
    with pytest.warns(Image.DecompressionBombWarning):
        assert "解压炸弹" in refused(samples.photo)


def test_video_whose_frames_do_not_decode(samples, tmp_path):
    """Header and index intact, the picture data wiped: refused at once, not a crash later."""
    data = bytearray(samples.video_apple.read_bytes())  # video only
    start = data.index(b"mdat") + 4
    size = int.from_bytes(data[start - 8:start - 4], "big") - 8
    data[start:start + size] = bytes(size)
    (tmp_path / "wiped.mov").write_bytes(bytes(data))
    assert "无法解码视频数据" in refused(tmp_path / "wiped.mov")
