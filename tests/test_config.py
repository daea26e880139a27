"""Settings from the environment are parsed strictly: a bad value stops the start with a clear message."""

import os
import subprocess
import sys

from pathlib import Path

import pytest

from lawtrail.config import ConfigError, load


def test_defaults_are_embedded_sqlite_under_var_with_full_durability():
    c = load({})
    assert c.database is None and c.data_dir.name == "var" and c.sqlite_synchronous == "FULL" and not c.sm2


def test_a_postgres_url_switches_the_database():
    c = load({"LAWTRAIL_DATABASE_URL": "postgres://lt:p%40ss@db.local:5433/lawtrail"})
    assert c.database == {"ENGINE": "django.db.backends.postgresql", "NAME": "lawtrail", "USER": "lt",
                          "PASSWORD": "p@ss", "HOST": "db.local", "PORT": "5433"}


def test_the_digest_hour_defaults_to_8_and_can_be_switched_off():
    assert load({}).digest_hour == 8
    assert load({"LAWTRAIL_DIGEST_HOUR": "0"}).digest_hour == 0 and load({"LAWTRAIL_DIGEST_HOUR": "off"}).digest_hour is None


def test_checkpoints_are_witnessed_in_the_data_dir_unless_told_otherwise(tmp_path):
    assert load({"LAWTRAIL_DATA_DIR": str(tmp_path)}).witness_dir == tmp_path / "witness"
    assert load({"LAWTRAIL_WITNESS_DIR": "/mnt/witness/lawtrail"}).witness_dir == Path("/mnt/witness/lawtrail")
    assert load({}).witness_s3 is None


WITNESS_S3 = {"LAWTRAIL_WITNESS_S3_BUCKET": "lawtrail-witness", "LAWTRAIL_WITNESS_S3_ENDPOINT": "https://s3.other.gov.cn",
              "LAWTRAIL_WITNESS_S3_ACCESS_KEY": "AKWITNESS", "LAWTRAIL_WITNESS_S3_SECRET_KEY": "s3cr3t-witness"}
MEDIA_S3 = {"LAWTRAIL_MEDIA_STORE": "s3", "LAWTRAIL_S3_ENDPOINT": "https://s3.example.gov.cn",
            "LAWTRAIL_S3_BUCKET": "lawtrail-media", "LAWTRAIL_S3_ACCESS_KEY": "AKMEDIA", "LAWTRAIL_S3_SECRET_KEY": "s3cr3t"}


def test_a_witness_bucket_with_its_own_endpoint_and_keys_can_replace_the_witness_directory():
    c = load({**WITNESS_S3, "LAWTRAIL_WITNESS_DIR": "off"})
    assert c.witness_dir is None
    assert (c.witness_s3.endpoint, c.witness_s3.bucket, c.witness_s3.access_key) == (
        "https://s3.other.gov.cn", "lawtrail-witness", "AKWITNESS")
    assert "s3cr3t" not in repr(c)


def test_a_witness_bucket_takes_what_it_does_not_set_from_the_media_store():
    c = load({**MEDIA_S3, "LAWTRAIL_WITNESS_S3_BUCKET": "lawtrail-witness"})
    assert (c.witness_s3.endpoint, c.witness_s3.access_key, c.witness_s3.secret_key) == (
        "https://s3.example.gov.cn", "AKMEDIA", "s3cr3t")
    assert c.witness_dir is not None, "the directory stays on beside the bucket"


@pytest.mark.parametrize("env, words", [
    ({"LAWTRAIL_WITNESS_DIR": "off"}, "至少写入一个数据库以外的见证位置"),
    ({"LAWTRAIL_WITNESS_DIR": " /mnt/w"}, "首尾不能有空白"),
    ({"LAWTRAIL_WITNESS_S3_ENDPOINT": "https://s3.other.gov.cn"}, "没有设置 LAWTRAIL_WITNESS_S3_BUCKET"),
    ({"LAWTRAIL_WITNESS_S3_BUCKET": "Bad_Bucket"}, "存储桶名"),
    ({"LAWTRAIL_WITNESS_S3_BUCKET": "lawtrail-witness"}, "LAWTRAIL_WITNESS_S3_ENDPOINT 未设置"),
    ({**WITNESS_S3, "LAWTRAIL_WITNESS_S3_ENDPOINT": "ftp://x"}, "http(s)://"),
    ({**WITNESS_S3, "LAWTRAIL_WITNESS_S3_SECRET_KEY": ""}, "LAWTRAIL_WITNESS_S3_SECRET_KEY 未设置"),
    ({**WITNESS_S3, "LAWTRAIL_WITNESS_S3_SECRET_KEY": "has space"}, "出于安全不显示其值"),
    ({**WITNESS_S3, "LAWTRAIL_WITNESS_S3_REGION": "Not A Region"}, "区域名"),
    ({**MEDIA_S3, "LAWTRAIL_WITNESS_S3_BUCKET": "lawtrail-media"}, "不能与音像文件的存储桶相同"),
])
def test_a_bad_witness_setting_is_refused_with_a_reason(env, words):
    with pytest.raises(ConfigError, match=words) as e:
        load(env)
    assert "has space" not in str(e.value), "a secret is never echoed"


@pytest.mark.parametrize("name, value, words", [
    ("LAWTRAIL_DATABASE_URL", "mysql://x/y", "只支持 postgres"),
    ("LAWTRAIL_DATABASE_URL", "postgres://host/", "缺少数据库名"),
    ("LAWTRAIL_DEBUG", "maybe", "true/false"),
    ("LAWTRAIL_SM2", "2", "true/false"),
    ("LAWTRAIL_CHECKPOINT_INTERVAL", "1", "5–86400"),
    ("LAWTRAIL_CHECKPOINT_INTERVAL", "60s", "整数"),
    ("LAWTRAIL_SQLITE_SYNCHRONOUS", "OFF", "FULL"),
    ("LAWTRAIL_LOG_ORIGIN", "has space", "不含空格"),
    ("LAWTRAIL_SECRET_KEY", "short", "至少 32"),
    ("LAWTRAIL_SESSION_IDLE_MINUTES", "0", "5–720"),
    ("LAWTRAIL_SESSION_IDLE_MINUTES", "half an hour", "整数"),
    ("LAWTRAIL_DIGEST_HOUR", "24", "0–23"),
    ("LAWTRAIL_DIGEST_HOUR", "8am", "off"),
    ("LAWTRAIL_HTTPS", "https", "true/false"),
    ("LAWTRAIL_HTTPS", "", "true/false"),
])
def test_a_bad_value_is_refused_naming_the_variable(name, value, words):
    with pytest.raises(ConfigError, match=words) as e:
        load({name: value})
    assert name in str(e.value)


def test_the_command_refuses_to_start_on_a_bad_setting(tmp_path):
    env = {**os.environ, "LAWTRAIL_DATA_DIR": str(tmp_path), "LAWTRAIL_SM2": "perhaps"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    run = subprocess.run([sys.executable, "-m", "lawtrail.cli", "check"], capture_output=True, text=True, env=env)
    assert run.returncode == 2
    assert "配置错误" in run.stderr and "LAWTRAIL_SM2='perhaps'" in run.stderr


def test_https_mode_is_off_unless_switched_on():
    assert load({}).https is False
    assert load({"LAWTRAIL_HTTPS": "true"}).https is True and load({"LAWTRAIL_HTTPS": "0"}).https is False
