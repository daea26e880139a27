"""Settings from the environment are parsed strictly: a bad value stops the start with a clear message."""

import os
import subprocess
import sys

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
