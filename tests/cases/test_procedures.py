"""The procedure tables are well formed, follow the five stages, and `available()` walks them."""

import re
import subprocess
import sys

import pytest
from hypothesis import given, strategies as st

from lawtrail.cases import procedures
from lawtrail.cases.procedures import (
    ACT_TYPES, DOCUMENT_KINDS, PROCEDURES, ROLES, STAGES, Procedure, Step, get, stage_index)

ALL = list(PROCEDURES.values())
by_code = pytest.mark.parametrize("proc", ALL, ids=[p.code for p in ALL])
CJK = re.compile(r"[\u4e00-\u9fff]")

# Documents that only an act of gathering evidence in front of the party produces: interview,
# on-site inspection, sampling, evidence preservation (and the on-site record of a measure).
EVIDENCE_DOCUMENTS = {"interview_record", "inspection_record", "on_site_record", "sampling_list",
                      "provisional_registration_notice"}

# The titles the brief asks the first catalogue to cover.
REQUIRED_TITLES = """立案审批表 不予立案审批表 程序启动审批表 投诉举报登记表 受理通知书 不予受理通知书 补正材料告知书
询问(调查)笔录 现场检查(勘验)笔录 调取证据通知书 证据登记保存清单 先行登记保存证据通知书 抽样清单 权利告知书
陈述申辩笔录 听证告知书 听证通知书 听证笔录 听证报告 鉴定意见书 专家论证意见 集体讨论记录 调查终结报告
行政处罚事先告知书 行政处罚决定审批表 重大行政执法决定法制审核意见表 行政处罚决定书 不予处罚决定书
违法事实不成立通知书 移送书 查封(扣押)决定书 查封(扣押)清单 责令改正通知书 送达回证 催告书 强制执行申请书
结案报告 监督检查通知书 督查立案审批表 交办函 监督检查报告 督查通报 物品处理记录 卷内目录 备考表
行政许可决定书 不予行政许可决定书""".split()


@pytest.fixture(autouse=True)
def _own_keys():
    """Replaces tests/conftest.py's fixture of this name: these tables need neither Django nor keys,
    so the module also runs with ``-p no:django``."""
    yield


def reachable(proc: Procedure, start: str, skip: str = "") -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for n in proc.step(todo.pop()).next:
            if n not in seen and n != skip:
                seen.add(n)
                todo.append(n)
    return seen


# --- the vocabularies ------------------------------------------------------------------------

def test_the_five_stages_are_in_the_order_of_the_regulations():
    assert list(STAGES.items()) == [("initiation", "程序启动"), ("investigation", "调查取证"),
                                    ("decision", "审查决定"), ("service", "送达执行"), ("archiving", "归档管理")]
    assert [stage_index(s) for s in STAGES] == [0, 1, 2, 3, 4]


def test_an_unknown_stage_has_no_index():
    with pytest.raises(ValueError, match=CJK):
        stage_index("appeal")


def test_the_procedures_are_exactly_the_seven_named_in_the_design():
    assert list(PROCEDURES) == ["penalty_general", "penalty_simple", "inspection", "licence",
                                "coercive_measure", "compulsory_execution", "expropriation"]
    assert all(code == p.code for code, p in PROCEDURES.items())


def test_every_act_type_is_used_by_at_least_one_procedure():
    assert {p.act_type for p in ALL} == set(ACT_TYPES)


def test_the_document_catalogue_covers_every_title_the_first_version_needs():
    titles = set(DOCUMENT_KINDS.values())
    assert [t for t in REQUIRED_TITLES if t not in titles] == []


def test_every_document_kind_is_named_by_a_step_or_belongs_to_the_complaint_intake():
    named = {d for p in ALL for s in p.steps for d in s.documents}
    assert set(DOCUMENT_KINDS) - named == {"complaint_register", "decline_filing_approval"}


def test_roles_are_the_access_apps_roles():
    from lawtrail.access import roles
    assert ROLES is roles.ROLES


def test_document_codes_are_snake_case_and_titles_are_unique_chinese():
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", code) for code in DOCUMENT_KINDS)
    assert all(CJK.search(t) for t in DOCUMENT_KINDS.values())
    assert len(set(DOCUMENT_KINDS.values())) == len(DOCUMENT_KINDS)


# --- each table is well formed -----------------------------------------------------------------

@by_code
def test_step_codes_are_unique_snake_case_within_a_procedure(proc):
    codes = [s.code for s in proc.steps]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", c) for c in codes)


@by_code
def test_every_next_names_an_existing_step_of_the_same_procedure(proc):
    codes = {s.code for s in proc.steps}
    assert {(s.code, n) for s in proc.steps for n in s.next if n not in codes} == set()


@by_code
def test_every_document_is_a_known_kind_and_every_approver_a_known_role(proc):
    assert {d for s in proc.steps for d in s.documents} <= set(DOCUMENT_KINDS)
    assert {s.approver for s in proc.steps if s.approver} <= {"unit_head", "legal_reviewer", "agency_head"}
    assert {s.approver for s in proc.steps if s.approver} <= set(ROLES)


@by_code
def test_every_step_has_a_chinese_title_a_stage_and_a_citation(proc):
    for s in proc.steps:
        assert CJK.search(s.title), s.code
        assert s.stage in STAGES, s.code
        assert re.search(r"(00[0-4]|法|宪法|民法典) 第[一二三四五六七八九十百]+条", s.cite), (s.code, s.cite)


@by_code
def test_the_table_is_compact_and_listed_stage_by_stage(proc):
    assert 5 <= len(proc.steps) <= 18
    indices = [stage_index(s.stage) for s in proc.steps]
    assert indices == sorted(indices)


@by_code
def test_the_first_step_is_a_required_initiation_step(proc):
    assert proc.first is proc.steps[0]
    assert proc.first.stage == "initiation"
    assert not proc.first.optional


@by_code
def test_the_final_steps_are_in_archiving_and_produce_the_file_catalogue(proc):
    assert proc.finals
    for s in proc.finals:
        assert s.stage == "archiving"
        assert {"file_catalogue", "file_remarks"} <= set(s.documents)


@by_code
def test_every_step_is_reachable_from_the_first(proc):
    assert {s.code for s in proc.steps} - reachable(proc, proc.first.code) == set()


@by_code
def test_from_every_step_an_archiving_step_is_reachable(proc):
    for s in proc.steps:
        assert any(proc.step(c).stage == "archiving" for c in reachable(proc, s.code)), s.code


@by_code
def test_stage_order_never_goes_backwards_along_next(proc):
    for s in proc.steps:
        for n in s.next:
            assert stage_index(proc.step(n).stage) >= stage_index(s.stage), (s.code, n)


@by_code
def test_steps_that_gather_evidence_need_at_least_two_officers(proc):
    for s in proc.steps:
        if EVIDENCE_DOCUMENTS & set(s.documents):
            assert s.handlers >= 2, s.code


def test_investigation_steps_of_each_kind_exist_and_need_two_officers():
    gathering = [s for p in ALL for s in p.steps if s.stage == "investigation"]
    for kind in ("interview_record", "inspection_record", "sampling_list", "provisional_registration_notice"):
        steps = [s for s in gathering if kind in s.documents]
        assert steps, kind
        assert all(s.handlers >= 2 for s in steps), kind


@by_code
def test_skipping_an_optional_step_still_leads_everywhere_it_would_have_led(proc):
    for o in (s for s in proc.steps if s.optional):
        assert set(o.next) <= reachable(proc, proc.first.code, skip=o.code), o.code


def test_filing_starts_a_general_penalty_case_with_the_agency_heads_approval():
    first = get("penalty_general").first
    assert (first.code, first.documents, first.approver) == ("file_case", ("filing_approval",), "agency_head")


@by_code
def test_a_step_that_acts_on_its_own_authority_or_decides_is_approved_by_the_agency_head(proc):
    """Starting a procedure, and every decision document, carry the agency head's signature
    (000 第九条、第十八条第四款; 003 第十一条; 行政强制法 第十八条第一项)."""
    decisions = {"filing_approval", "initiation_approval", "penalty_decision", "no_penalty_decision",
                 "referral_letter", "licence_decision", "licence_refusal", "release_decision",
                 "extension_decision", "execution_decision", "court_enforcement_application",
                 "expropriation_decision", "assignment_letter", "inspection_filing_approval"}
    for s in proc.steps:
        if decisions & set(s.documents):
            assert s.approver == "agency_head", s.code


def test_after_investigation_a_general_penalty_case_branches_as_the_law_does():
    p = get("penalty_general")
    assert set(p.step("conclude_investigation").next) == {
        "advance_notice", "legal_review", "decide_no_penalty", "refer"}
    assert {"statement_defence", "hearing"} <= set(p.step("advance_notice").next)
    assert p.step("refer").next == ("close_case",)
    assert {"hearing", "legal_review", "deliberate"} <= {s.code for s in p.steps if s.optional}


def test_the_inspection_workflow_can_hand_a_clue_over_with_a_letter():
    p = get("inspection")
    hand_over = p.step("hand_over")
    assert hand_over.documents == ("assignment_letter",) and hand_over.approver == "agency_head"
    assert p.first.next[-1] == "hand_over" and hand_over.next == ("archive",)


# --- lookups -----------------------------------------------------------------------------------

def test_get_returns_the_procedure_and_refuses_unknown_codes_in_chinese():
    assert get("licence") is PROCEDURES["licence"]
    with pytest.raises(ValueError, match=CJK) as e:
        get("nope")
    assert "nope" in str(e.value)


def test_step_refuses_an_unknown_code_in_chinese():
    with pytest.raises(ValueError, match=CJK):
        get("penalty_general").step("nope")
    assert get("penalty_general").stage_of("hearing") == "decision"


def test_a_malformed_table_is_refused_when_it_is_built():
    ok = Step("a", "甲", "initiation", next=("b",))
    with pytest.raises(ValueError, match=CJK):
        Procedure("x", "测试", "penalty", (ok,))  # "b" does not exist
    with pytest.raises(ValueError, match=CJK):
        Procedure("x", "测试", "penalty", (Step("a", "甲", "initiation"), Step("a", "乙", "archiving")))
    with pytest.raises(ValueError, match=CJK):
        Step("a", "甲", "appeal")
    with pytest.raises(ValueError, match=CJK):
        Step("a", "甲", "initiation", documents=("napkin",))
    with pytest.raises(ValueError, match=CJK):
        Step("a", "甲", "initiation", approver="auditor")


# --- available() -------------------------------------------------------------------------------

@by_code
def test_with_nothing_done_only_the_first_step_is_available(proc):
    assert proc.available(set()) == [proc.first]
    assert proc.available(frozenset()) == [proc.first]


@by_code
def test_after_the_first_step_its_successors_are_available_in_table_order(proc):
    offered = proc.available({proc.first.code})
    assert [s.code for s in offered] == [s.code for s in proc.steps if s.code in proc.first.next]


@by_code
def test_walking_any_path_ends_in_archiving_without_offering_a_done_step_again(proc):
    for pick in (0, -1):  # always the first, or always the last, of the offered steps
        done: set[str] = set()
        while offered := proc.available(done):
            assert not {s.code for s in offered} & done
            done.add(offered[pick].code)
        assert any(proc.step(c).stage == "archiving" and not proc.step(c).next for c in done)


@given(data=st.data())
def test_available_offers_only_undone_successors_of_done_steps(data):
    proc = data.draw(st.sampled_from(ALL))
    done = data.draw(st.sets(st.sampled_from([s.code for s in proc.steps]), min_size=1))
    offered = proc.available(done)
    successors = {n for c in done for n in proc.step(c).next}
    assert [s.code for s in offered] == [s.code for s in proc.steps if s.code in successors - done]


def test_available_refuses_an_unknown_done_step():
    with pytest.raises(ValueError, match=CJK):
        get("licence").available({"apply", "nope"})


# --- purity ------------------------------------------------------------------------------------

def test_the_module_imports_without_django():
    code = ("import sys; import lawtrail.cases.procedures; "
            "sys.exit(1 if any(m == 'django' or m.startswith('django.') for m in sys.modules) else 0)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
    assert not re.search(r"^\s*(from|import)\s+django", open(procedures.__file__, encoding="utf-8").read(), re.M)
