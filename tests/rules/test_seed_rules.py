"""The seed profiles' rules of the new kinds and their required documents: every required_document
rule of every seed pending, broken once the case is closed, met with its document, on a case of a
procedure that has the step, walked there through the real actions; the loader refusing a bad
parameter of every new kind with its line."""

from collections import deque

import pytest

from lawtrail.cases.procedures import PROCEDURES
from lawtrail.rules import facts as facts_mod
from lawtrail.rules import profiles
from lawtrail.rules.profiles import PROFILES_DIR, ProfileError

from . import helpers

SEEDS = ("000", "001", "002", "003", "004")


def path_to(procedure, target: str) -> list[str]:
    """The shortest order of steps from the procedure's first step to ``target`` (by ``next``)."""
    first = procedure.first.code
    seen, queue = {first: [first]}, deque([first])
    while queue:
        code = queue.popleft()
        if code == target:
            return seen[code]
        for n in procedure.step(code).next:
            if n not in seen:
                seen[n] = seen[code] + [n]
                queue.append(n)
    raise AssertionError(f"{target} unreachable in {procedure.code}")


def walk(org, procedure: str, target: str):
    case = org.case(procedure=procedure)
    for code in path_to(PROCEDURES[procedure], target):
        if code == PROCEDURES[procedure].first.code and case.steps.filter(step=code).exists():
            if case.steps.get(step=code).approval == "pending":
                helpers.approve(org, case, code)
            continue
        helpers.step(org, case, code)
    return case


def required_document_rules():
    out, seen = [], set()
    for name in SEEDS:
        for rule in profiles.load_all(PROFILES_DIR)[name].rules:
            if rule.kind.code == "required_document" and rule.cite["file"] == profiles.SEEDS[name] \
                    and (name, rule.id) not in seen:
                seen.add((name, rule.id))
                out.append(pytest.param(name, rule.id, id=f"{name}-{rule.id}"))
    return out


@pytest.mark.django_db
@pytest.mark.parametrize("profile, rule_id", required_document_rules())
def test_each_required_document_of_a_seed_is_pending_broken_when_closed_and_met_with_its_document(org, profile, rule_id):
    rule = profiles.get(profile).rule(rule_id)
    procedure = next(p for p in (rule.procedures or PROCEDURES)
                     if any(s.code in rule.kind.steps for s in PROCEDURES[p].steps))
    target = next(s.code for s in PROCEDURES[procedure].steps if s.code in rule.kind.steps)
    case = walk(org, procedure, target)
    f = rule.evaluate(facts_mod.load(case))
    assert f.status == "pending" and f.cite.startswith(profile) and f.text, (f.status, f.message)
    closed = facts_mod.load(case)
    closed.case.status = "closed"  # as if closed without it (the facts only)
    assert rule.evaluate(closed).status == "broken"
    helpers.document(org, case, rule.kind.kinds[0])
    f = rule.evaluate(facts_mod.load(case))
    assert f.status == "met" and any(r.startswith("document:") for r in f.records), f.message


def test_the_seeds_make_their_differences_explicit():
    loaded = profiles.load_all(PROFILES_DIR)
    kinds = {name: {r.id: r.kind.code for r in loaded[name].rules} for name in SEEDS}
    assert loaded["000"].rule("av-inspection-sampling-hearing").kind.reason is True  # or a written reason
    assert loaded["004"].rule("av-interview").kind.reason is False                    # every interview, no excuse
    assert kinds["002"]["body-camera-conduct"] == "body_camera_conduct"
    assert "body-camera-conduct" not in kinds["000"]
    assert loaded["003"].rule("counter-video-surveillance").kind.sources == ("surveillance",)
    assert loaded["001"].rule("av-removal-restoration").kind.only_if[0].code == "execution_decision"
    assert "av-removal-restoration" not in kinds["000"]
    for name in SEEDS:
        assert kinds[name]["archived-within-30-days"] == "deadline"
        assert loaded[name].rule("archived-within-30-days").cite["file"] == profiles.SEEDS[name]
        assert loaded[name].rules[0].id == "simple-procedure-limits"  # national's first rule, inherited
    assert loaded["004"].rule("archived-within-30-days").procedures == ("penalty_general", "penalty_simple")


RULE = """
  - id: x
    kind: {kind}
    cite: {{file: 001_d71ef44a47a117ae.txt, article: 第十二条}}
    text: 应同时进行音像记录
{params}"""


@pytest.mark.parametrize("kind, params, key, reason", [
    ("required_fields", "document: service_receipt\nfields: [served_at]", "fields", "已是必填"),
    ("required_fields", "document: service_receipt\nfields: [no_such]", "fields", "没有栏目“no_such”"),
    ("required_fields", "document: [service_receipt, interview_record]\nfields: [witness]", "document", "只能指定一种"),
    ("required_fields", "document: service_receipt\nfields: [witness]\nwhere: {method: pigeon}", "where", "没有取值“pigeon”"),
    ("required_fields", "document: service_receipt\nfields: [witness]\nwhere: {place: x}", "where", "不能作为条件"),
    ("required_av", "step: no_such_step", "step", "未知的环节"),
    ("required_av", "step: interview\nreason: yes please", "reason", "true 或 false"),
    ("required_av", "step: issue_demand\nreason: true", "reason", "没有“未进行音像记录的原因”栏目"),
    ("required_av", "step: apply\nsources: drone", "sources", "未知的音像记录来源“drone”"),
    ("required_av", "step: enforce\nonly_if: {document: execution_decision, method: fly}", "only_if", "没有取值“fly”"),
    ("required_av", "step: enforce\nonly_if: {method: remove}", "only_if", "应为"),
    ("service_av", "methods: [carrier_pigeon]", "methods", "未知的送达方式"),
    ("body_camera_conduct", "max_gap_minutes: 0", "max_gap_minutes", "1 至 1440"),
    ("on_spot_penalty_limits", "person: two hundred\norganisation: \"3000\"", "person", "应为金额"),
    ("on_spot_penalty_limits", "person: \"200\"", "organisation", "缺少参数"),
    ("deadline", "from: act.ended\nto: step:archive.occurred_at\nwithin: 30 days", "from", "act.ended_at"),
])
def test_the_loader_refuses_a_bad_parameter_of_each_new_kind_naming_it_and_its_line(tmp_path, kind, params, key, reason):
    import shutil

    d = tmp_path / "profiles"
    shutil.copytree(PROFILES_DIR, d)
    body = "".join(f"    {line}\n" for line in params.splitlines())
    text = 'profile: "001"\ntitle: t\nextends: national\nrules:' + RULE.format(kind=kind, params=body)
    (d / "001.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError) as e:
        profiles.load_all(d)
    lines = text.splitlines()
    want = next((i + 1 for i, line in enumerate(lines) if line.strip().startswith(f"{key}:")), 5)
    assert e.value.line == want and reason in str(e.value), str(e.value)
