"""LAWTRAIL_MEDIA_STORE and LAWTRAIL_S3_*: parsed strictly like every setting (tests/test_config.py),
and the keys never appear in a message or a repr."""

import os
import subprocess
import sys

import pytest

from lawtrail.config import ConfigError, load

S3 = {
    "LAWTRAIL_MEDIA_STORE": "s3",
    "LAWTRAIL_S3_ENDPOINT": "https://s3.example.gov.cn:9000/",
    "LAWTRAIL_S3_BUCKET": "jinpu-wenlv-media",
    "LAWTRAIL_S3_ACCESS_KEY": "AKIDEXAMPLE0001",
    "LAWTRAIL_S3_SECRET_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYzEXAMPLEKEY",
}


def test_media_defaults_to_the_filesystem():
    c = load({})
    assert c.media_store == "filesystem" and c.s3 is None


def test_s3_settings_are_parsed_and_the_keys_stay_out_of_repr():
    c = load(S3)
    assert c.media_store == "s3"
    assert (c.s3.endpoint, c.s3.bucket, c.s3.region) == ("https://s3.example.gov.cn:9000", "jinpu-wenlv-media",
                                                         "us-east-1")
    assert (c.s3.access_key, c.s3.secret_key) == (S3["LAWTRAIL_S3_ACCESS_KEY"], S3["LAWTRAIL_S3_SECRET_KEY"])
    assert load({**S3, "LAWTRAIL_S3_REGION": "cn-north-1", "LAWTRAIL_MEDIA_STORE": " S3 "}).s3.region == "cn-north-1"
    for shown in (repr(c), repr(c.s3), str(c)):
        assert S3["LAWTRAIL_S3_SECRET_KEY"] not in shown and S3["LAWTRAIL_S3_ACCESS_KEY"] not in shown


@pytest.mark.parametrize("name, value, words", [
    ("LAWTRAIL_MEDIA_STORE", "ftp", "filesystem"),
    ("LAWTRAIL_MEDIA_STORE", "", "filesystem"),
    ("LAWTRAIL_S3_ENDPOINT", "", "未设置"),
    ("LAWTRAIL_S3_ENDPOINT", "s3.example.gov.cn", "http(s)://"),
    ("LAWTRAIL_S3_ENDPOINT", "ftp://s3.example.gov.cn", "http(s)://"),
    ("LAWTRAIL_S3_ENDPOINT", "https://s3.example.gov.cn/bucket", "http(s)://"),
    ("LAWTRAIL_S3_ENDPOINT", "https://s3.example.gov.cn:port", "http(s)://"),
    ("LAWTRAIL_S3_BUCKET", "", "未设置"),
    ("LAWTRAIL_S3_BUCKET", "Media", "小写"),
    ("LAWTRAIL_S3_BUCKET", "ab", "3–63"),
    ("LAWTRAIL_S3_BUCKET", "media..2026", "3–63"),
    ("LAWTRAIL_S3_BUCKET", "192.168.1.10", "3–63"),
    ("LAWTRAIL_S3_BUCKET", "media_2026", "3–63"),
    ("LAWTRAIL_S3_REGION", "us east 1", "区域名"),
    ("LAWTRAIL_S3_ACCESS_KEY", "", "未设置"),
    ("LAWTRAIL_S3_SECRET_KEY", "   ", "未设置"),
])
def test_a_bad_s3_value_is_refused_naming_the_variable(name, value, words):
    with pytest.raises(ConfigError, match=words.replace("(", r"\(").replace(")", r"\)")) as e:
        load({**S3, name: value})
    assert name in str(e.value)


@pytest.mark.parametrize("name, value", [
    ("LAWTRAIL_S3_ACCESS_KEY", "AKID EXAMPLE"),
    ("LAWTRAIL_S3_SECRET_KEY", "s3cr3t-with-trailing-newline\n"),
    ("LAWTRAIL_S3_SECRET_KEY", "x" * 300),
    ("LAWTRAIL_S3_ENDPOINT", "https://admin:hunter2-password@s3.example.gov.cn"),
])
def test_a_bad_credential_is_refused_without_showing_it(name, value):
    with pytest.raises(ConfigError) as e:
        load({**S3, name: value})
    message = str(e.value)
    assert name in message and ("不显示" in message or "用户名或密码" in message)
    assert value.strip() not in message and "hunter2" not in message


def test_s3_variables_without_the_s3_store_are_refused():
    """Evidence must not quietly land on the local disk while the operator believes it is in S3."""
    with pytest.raises(ConfigError, match="LAWTRAIL_MEDIA_STORE 不是 s3") as e:
        load({"LAWTRAIL_S3_BUCKET": "jinpu-wenlv-media"})
    assert "LAWTRAIL_S3_BUCKET" in str(e.value)
    assert load({"LAWTRAIL_S3_BUCKET": " "}).media_store == "filesystem"  # empty counts as unset


def test_settings_expose_the_media_store(tmp_path):
    env = {**os.environ, **S3, "LAWTRAIL_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "lawtrail.settings",
           "LAWTRAIL_DATABASE_URL": ""}
    code = ("import django; django.setup(); from django.conf import settings as s; "
            "from lawtrail.media.storage import get_store; "
            "print(s.LAWTRAIL_MEDIA_STORE, s.LAWTRAIL_S3_ENDPOINT, s.LAWTRAIL_S3_BUCKET, s.LAWTRAIL_S3_REGION, "
            "s.LAWTRAIL_S3_ACCESS_KEY == %r, s.LAWTRAIL_S3_SECRET_KEY == %r, get_store())"
            % (S3["LAWTRAIL_S3_ACCESS_KEY"], S3["LAWTRAIL_S3_SECRET_KEY"]))
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    store = "S3Store(endpoint='https://s3.example.gov.cn:9000', bucket='jinpu-wenlv-media')\n"
    assert run.stdout.split(" ", 6) == ["s3", "https://s3.example.gov.cn:9000", "jinpu-wenlv-media", "us-east-1",
                                        "True", "True", store]


def test_the_command_refuses_to_start_on_a_bad_media_setting(tmp_path):
    env = {**os.environ, "LAWTRAIL_DATA_DIR": str(tmp_path), "LAWTRAIL_MEDIA_STORE": "nas"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    run = subprocess.run([sys.executable, "-m", "lawtrail.cli", "check"], capture_output=True, text=True, env=env)
    assert run.returncode == 2
    assert "配置错误" in run.stderr and "LAWTRAIL_MEDIA_STORE='nas'" in run.stderr
