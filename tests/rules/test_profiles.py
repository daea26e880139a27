"""The profiles: what they hold, quotes exact, and every broken profile refused with file and line,
at startup too."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lawtrail.rules import profiles
from lawtrail.rules.profiles import PROFILES_DIR, SEEDS, ProfileError

SEED_DIR = Path(__file__).resolve().parent / "testdata" / "seeds"  # copies of ../shared/seeds


def test_every_profile_loads_and_shows_its_differences():
    loaded = profiles.load_all(PROFILES_DIR)
    assert set(loaded) == {"national", "000", "001", "002", "003", "004"}
    assert loaded["000"].rule("penalty-decision-90-days").cite["file"] == "行政处罚法"  # inherited
    assert str(loaded["003"].rule("emergency-start-report").kind.within) == "2日"
    assert str(loaded["000"].rule("emergency-start-report").kind.within) == "24小时"
    assert "postal-service-carrier" in {r.id for r in loaded["000"].rules}
    assert "postal-service-carrier" not in {r.id for r in loaded["001"].rules}
    for name in ("000", "001", "004"):
        assert "av-stored-within-24-hours" in {r.id for r in loaded[name].rules}
    for name in ("002", "003"):
        assert "av-stored-within-24-hours" not in {r.id for r in loaded[name].rules}


def _article(text: str, article: str) -> str:
    """The text of one article (第X条) of a seed."""
    head = re.match(r"第[一二三四五六七八九十百]+条", article).group(0)
    m = re.search(rf"^{head}(.*?)(?=^第[一二三四五六七八九十百]+条|\Z)", text, re.S | re.M)
    assert m, f"{article} not found"
    return m.group(0)


def test_every_seed_rule_quotes_its_article_word_for_word():
    for profile in profiles.load_all(PROFILES_DIR).values():
        for rule in profile.rules:
            if rule.cite["file"] in SEEDS.values():
                seed = (SEED_DIR / rule.cite["file"]).read_text(encoding="utf-8")
                assert rule.text in _article(seed, rule.cite["article"]), (profile.name, rule.id)


GOOD_RULE = """
  - id: x
    kind: deadline
    cite: {file: 行政处罚法, article: 第六十条}
    text: 九十日
    from: case.started_at
    to: step:decide_penalty.occurred_at
    within: 90 days
"""


@pytest.fixture
def broken_dir(tmp_path):
    d = tmp_path / "profiles"
    shutil.copytree(PROFILES_DIR, d)

    def write(rule_text, name="001.yaml"):
        (d / name).write_text(f'profile: "{name[:-5]}"\ntitle: t\nextends: national\nrules:{rule_text}',
                              encoding="utf-8")
        return d

    return write


@pytest.mark.parametrize("change, line, reason", [
    (("kind: deadline", "kind: deadlines"), 6, "种类“deadlines”不存在"),
    (("    cite: {file: 行政处罚法, article: 第六十条}\n", ""), 5, "缺少出处"),
    (("within: 90 days", "within: 90 fortnights"), 11, "期限“90 fortnights”"),
    (("to: step:decide_penalty.occurred_at", "to: document:penalty_form.finalised_at"), 10, "文书种类“penalty_form”不存在"),
    (("text: 九十日", "text: ''"), 8, "缺少条文原文"),
    (("id: x", "id: penalty-decision-90-days"), 5, "replaces: true"),
])
def test_a_broken_profile_is_refused_with_file_line_and_reason(broken_dir, change, line, reason):
    d = broken_dir(GOOD_RULE.replace(*change))
    with pytest.raises(ProfileError) as e:
        profiles.load_all(d)
    assert e.value.path.name == "001.yaml" and e.value.line == line, str(e.value)
    assert f"001.yaml 第 {line} 行" in str(e.value)
    if reason:
        assert reason in str(e.value)


def _refused_document_rule(broken_dir, params: str) -> ProfileError:
    """The error loading GOOD_RULE made a required_document rule with ``params``."""
    d = broken_dir(GOOD_RULE.replace("kind: deadline", "kind: required_document").replace(
        "    from: case.started_at\n    to: step:decide_penalty.occurred_at\n    within: 90 days\n", params))
    with pytest.raises(ProfileError) as e:
        profiles.load_all(d)
    return e.value


def test_an_unknown_document_code_is_refused(broken_dir):
    e = _refused_document_rule(broken_dir, "    step: interview\n    document: interview_recrod\n")
    assert e.line == 10 and "未知的文书种类“interview_recrod”" in str(e)


def test_a_rule_that_could_never_apply_to_the_procedures_it_names_is_refused(broken_dir):
    # an interview's record required of licences, which have no interview: a rule that never finds anything
    e = _refused_document_rule(broken_dir, "    procedures: [licence]\n    step: interview\n    document: interview_record\n")
    assert e.line == 9 and "不可能适用于任何案件" in str(e)


def test_the_application_does_not_start_on_a_broken_profile(broken_dir, tmp_path, settings):
    d = broken_dir(GOOD_RULE.replace("within: 90 days", "within: ninety days"))
    settings.LAWTRAIL_RULES_PROFILES_DIR = d
    from django.apps import apps

    with pytest.raises(ProfileError):
        apps.get_app_config("rules").ready()
    settings.LAWTRAIL_RULES_PROFILES_DIR = None
    # and for real: a process that starts Django with it fails, naming the file and the line
    (tmp_path / "broken_settings.py").write_text(
        f"from lawtrail.settings import *\nLAWTRAIL_RULES_PROFILES_DIR = {str(d)!r}\n", encoding="utf-8")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "broken_settings", "LAWTRAIL_DATA_DIR": str(tmp_path / "var"),
           "PYTHONPATH": f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}", "LAWTRAIL_DATABASE_URL": ""}
    r = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode != 0 and "001.yaml 第 11 行" in r.stderr and "ninety days" in r.stderr


def test_the_vendored_seeds_are_the_shared_ones_when_those_are_here():
    shared = Path(__file__).resolve().parents[3] / "shared" / "seeds"
    if not shared.exists():  # a checkout without ../shared: the copies are all there is to compare
        assert sorted(p.name for p in SEED_DIR.glob("*.txt")) == sorted(profiles.SEEDS.values())
        return
    for name in profiles.SEEDS.values():
        assert (SEED_DIR / name).read_bytes() == (shared / name).read_bytes(), name
