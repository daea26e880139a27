"""``lawtrail check CASE_NO… [--json]`` prints the findings (issue #6); ``lawtrail check`` alone or
with app labels is still Django's system check; ``lawtrail rules-check`` is the same as the first."""

import json
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lawtrail.rules import profiles

from . import helpers

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("check", *args, stdout=out)
    return out.getvalue()


def test_check_with_a_case_number_prints_every_rule_with_status_due_time_citation_words_and_records(org):
    case = org.case()
    helpers.approve(org, case, "file_case")
    text = run(case.number)
    assert text.startswith(f"案件 {case.number}（金普文旅局，规则配置 000，检查时间 ")
    assert text.count("\n[") == len(profiles.get("000").rules)
    assert "[待办] penalty-decision-90-days（严重）  期限 " in text
    assert "行政处罚法 第六十条：“行政机关应当自行政处罚案件立案之日起九十日内作出行政处罚决定。" in text
    step = case.steps.get(step="file_case")
    assert f"记录：环节：立案（" in text and f"[step:{step.pk}]" in text  # the record named, with its reference
    assert run(case.number) == text  # the stored result, read back


def test_check_json_gives_one_object_per_case_and_a_list_for_several(org):
    one, two = org.case(), org.case()
    data = json.loads(run(one.number, "--json"))
    assert data["case"] == one.number and data["profile"] == "000"
    f = next(f for f in data["findings"] if f["rule"] == "penalty-decision-90-days")
    assert f["status"] == "not_applicable" and f["cite"] == "行政处罚法 第六十条" and f["text"].startswith("行政机关应当")
    both = json.loads(run(one.number, two.number, "--json"))
    assert [d["case"] for d in both] == [one.number, two.number]
    rc = StringIO()
    call_command("rules_check", one.number, "--json", stdout=rc)  # the alias
    assert json.loads(rc.getvalue())["findings"] == data["findings"]


def test_check_refuses_an_unknown_case_number_and_mixing_cases_with_app_labels(org):
    case = org.case()
    with pytest.raises(CommandError, match="没有案号为“无此案号”的案件"):
        run("无此案号")
    with pytest.raises(CommandError, match="不能同时给出"):
        run(case.number, "rules")
    with pytest.raises(CommandError, match="只用于检查案件"):
        run("--json")


def test_check_alone_or_with_app_labels_is_still_django_s_system_check():
    assert "System check identified no issues" in run()
    assert "System check identified no issues" in run("rules", "cases")
    assert "System check identified no issues" in run("--tag", "models")


def test_the_lawtrail_command_runs_the_system_check_without_arguments(tmp_path):
    env = {**os.environ, "LAWTRAIL_DATA_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run([sys.executable, "-m", "lawtrail.cli", "check"], capture_output=True, text=True, env=env)
    assert done.returncode == 0 and "System check identified no issues" in done.stdout
