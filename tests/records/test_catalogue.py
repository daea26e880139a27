"""The catalogue of document kinds matches the procedure steps and carries what the seeds require."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from lawtrail.cases.procedures import DOCUMENT_KINDS, PROCEDURES, STAGES
from lawtrail.records import catalogue
from lawtrail.records.catalogue import FIELD_TYPES, KINDS, SIGNERS, DocumentKind, Field, get, steps_using

ALL = list(KINDS.values())
by_kind = pytest.mark.parametrize("kind", ALL, ids=[k.code for k in ALL])
CJK = re.compile(r"[\u4e00-\u9fff]")
SRC = Path(__file__).resolve().parents[2] / "src"

# Kinds no procedure step names: the complaint intake's forms (a complaint that leads to no case
# is decided there, procedures.py); the archive forms are named by every procedure's last step.
INTAKE_KINDS = {"complaint_register", "decline_filing_approval"}
ARCHIVE_KINDS = {"file_catalogue", "file_remarks", "av_evidence_statement"}


@pytest.fixture(autouse=True)
def _own_keys():
    """Replaces tests/conftest.py's fixture of this name: the catalogue needs neither Django nor keys."""
    yield


def labelled(kind: DocumentKind, label: str) -> Field:
    found = [f for f in kind.fields if f.label == label]
    assert len(found) == 1, f"{kind.title} 应有且只有一个栏目“{label}”"
    return found[0]


def assert_required_and_cited(kind: DocumentKind, labels, article: str):
    for label in labels:
        f = labelled(kind, label)
        assert f.required, f"{kind.title}：{label} 应为必填"
        assert article in f.cite, f"{kind.title}：{label} 应引用 {article}（现为“{f.cite}”）"


# --- the catalogue and the procedures agree ------------------------------------------------------

def test_the_catalogue_defines_exactly_the_kinds_the_procedure_steps_name_with_the_same_titles():
    assert set(KINDS) == set(DOCUMENT_KINDS)
    assert {code: k.title for code, k in KINDS.items()} == DOCUMENT_KINDS
    assert all(code == k.code for code, k in KINDS.items())


@by_kind
def test_every_kind_belongs_to_one_of_the_five_stages(kind):
    assert kind.stage in STAGES


def test_the_penalty_decision_is_produced_by_the_general_procedures_decision_step():
    used = steps_using("penalty_decision")
    assert ("penalty_general", "decide_penalty") in used
    assert all(p in PROCEDURES and d for p, d in used)


def test_steps_using_lists_every_step_that_names_the_kind_in_table_order():
    expected = [(p.code, s.code) for p in PROCEDURES.values() for s in p.steps if "service_receipt" in s.documents]
    assert steps_using("service_receipt") == expected
    assert ("penalty_general", "serve") in expected and ("licence", "serve") in expected


def test_every_kind_is_used_by_a_procedure_step_or_belongs_to_the_complaint_intake():
    unused = {k.code for k in ALL if not steps_using(k.code)}
    assert unused == INTAKE_KINDS
    assert all(("penalty_general", "archive") in steps_using(code) for code in ARCHIVE_KINDS)


def test_an_unknown_kind_is_refused_in_chinese():
    with pytest.raises(ValueError, match=CJK):
        get("nope")
    with pytest.raises(ValueError, match=CJK):
        steps_using("nope")
    assert get("penalty_decision") is KINDS["penalty_decision"]


# --- the fields are well formed ------------------------------------------------------------------

def test_the_field_types_are_the_fourteen_of_the_design_with_chinese_descriptions():
    assert list(FIELD_TYPES) == ["text", "longtext", "date", "datetime", "money", "integer", "bool", "choice",
                                 "citation", "officers", "party", "person", "items", "file"]
    assert all(CJK.search(d) for d in FIELD_TYPES.values())


@by_kind
def test_every_field_has_a_known_type_and_a_chinese_label(kind):
    assert kind.fields, f"{kind.title} 没有栏目"
    for f in kind.fields:
        assert f.type in FIELD_TYPES, f.name
        assert CJK.search(f.label), f.name


@by_kind
def test_field_names_are_unique_snake_case_within_a_kind(kind):
    names = [f.name for f in kind.fields]
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", n) for n in names)


@by_kind
def test_choice_fields_have_choices_and_other_fields_have_none(kind):
    for f in kind.fields:
        if f.type == "choice":
            codes = [c for c, _ in f.choices]
            assert len(codes) >= 2 and len(codes) == len(set(codes)), f.name
            assert all(re.fullmatch(r"[a-z][a-z0-9_]*", c) and CJK.search(label) for c, label in f.choices), f.name
        else:
            assert f.choices == (), f.name


@by_kind
def test_amounts_of_money_are_money_fields(kind):
    for f in kind.fields:
        if "金额" in f.label or "（元）" in f.label:
            assert f.type == "money", f"{kind.title}：{f.label}"


def test_a_malformed_field_or_kind_is_refused_in_chinese():
    with pytest.raises(ValueError, match=CJK):
        Field("x", "某栏目", "colour")
    with pytest.raises(ValueError, match=CJK):
        Field("x", "某栏目", "choice")
    with pytest.raises(ValueError, match=CJK):
        Field("x", "某栏目", "text", choices=(("a", "甲"), ("b", "乙")))
    with pytest.raises(ValueError, match=CJK):
        DocumentKind("x", "某文书", "appeal", (), numbered=False)
    with pytest.raises(ValueError, match=CJK):
        DocumentKind("x", "某文书", "decision", (Field("a", "甲", "text"), Field("a", "乙", "text")), numbered=False)
    with pytest.raises(ValueError, match=CJK):
        DocumentKind("x", "某文书", "decision", (), served=True, numbered=False)


def test_every_cite_names_a_seed_file_or_a_statute():
    sources = re.compile(r"(00[0-4]|行政处罚法|行政强制法|行政许可法|行政复议法|行政诉讼法|宪法|民法典) 第")
    cites = [(k.code, k.cite) for k in ALL] + [(f"{k.code}.{f.name}", f.cite) for k in ALL for f in k.fields if f.cite]
    for where, cite in cites:
        assert cite, where
        for part in cite.split("；"):
            assert sources.match(part), f"{where}: {part}"


# --- signatures, service and numbers ---------------------------------------------------------------

@by_kind
def test_signers_are_known_roles_and_whoever_gives_an_opinion_signs(kind):
    assert set(kind.signers) <= set(SIGNERS)
    assert len(kind.signers) == len(set(kind.signers))
    names = {f.name for f in kind.fields}
    if "unit_opinion" in names:
        assert {"handlers", "unit_head"} <= set(kind.signers)
    if "head_opinion" in names:
        assert "agency_head" in kind.signers


def test_every_record_made_in_front_of_the_party_shows_the_officers_and_is_signed_by_the_party():
    records = [k for k in ALL if "笔录" in k.title]
    assert {k.code for k in records} == {"interview_record", "inspection_record", "on_site_record",
                                         "statement_defence_record", "hearing_record"}
    for k in records:
        f = k.field("officers")
        assert f.type == "officers" and f.required and "000 第十一条" in f.cite and "002 第十一条(二)" in f.cite
        assert k.party_signs, k.title
        assert "recorder" in k.signers and "handlers" in k.signers


def test_lists_handed_to_the_party_are_signed_by_the_party():
    for code in ("evidence_register", "sampling_list", "seal_seizure_list", "return_list", "requisition_list",
                 "service_receipt"):
        assert KINDS[code].party_signs, code


@by_kind
def test_every_served_kind_is_numbered_and_only_numbered_kinds_have_a_number_word(kind):
    if kind.served:
        assert kind.numbered
    assert kind.numbered == bool(kind.number_word)
    if kind.number_word:
        assert CJK.fullmatch(kind.number_word[0]) and len(kind.number_word) <= 3


def test_number_words_are_unique_and_the_penalty_decision_is_fa_jue():
    words = [k.number_word for k in ALL if k.numbered]
    assert len(words) == len(set(words))
    assert get("penalty_decision").number_word == "罚决"


def test_decisions_and_notices_to_the_party_are_served():
    for k in ALL:
        if k.title.endswith(("决定书", "告知书", "通知书")) and k.code != "referral_letter":
            assert k.served, k.title
    assert not get("service_receipt").served and not get("service_receipt").numbered


# --- what the seeds require ------------------------------------------------------------------------

@pytest.mark.parametrize("code", ["initiation_approval", "filing_approval", "inspection_filing_approval"])
def test_start_approval_forms_carry_what_000_article_9_and_001_article_7_require(code):
    kind = get(code)
    labels = ["启动原因", "案件来源", "基本案情", "当事人基本情况", "承办人意见", "承办机构意见", "负责人意见", "时间"]
    assert_required_and_cited(kind, labels, "000 第九条")
    assert_required_and_cited(kind, labels, "001 第七条")
    assert {"handlers", "unit_head", "agency_head"} <= set(kind.signers)
    assert labelled(kind, "案件来源").type == "choice"
    assert labelled(kind, "当事人基本情况").type == "party"
    assert labelled(kind, "时间").type == "datetime"


def test_the_filing_approval_adds_the_place_and_the_reason_004_article_6_requires():
    assert_required_and_cited(get("filing_approval"), ["案发地", "立案理由"], "004 第六条")
    assert_required_and_cited(get("decline_filing_approval"),
                              ["当事人基本情况", "案发地", "案件来源", "不予立案理由"], "004 第六条第二款")


def test_the_investigation_report_carries_what_003_article_10_requires():
    kind = get("investigation_report")
    assert_required_and_cited(kind, ["案件来源", "调查过程", "查明的事实和证据", "处理意见", "法律依据"], "003 第十条")
    assert labelled(kind, "法律依据").type == "citation"
    assert "unit_head" in kind.signers


def test_the_penalty_decision_carries_basis_reasons_evidence_factors_and_remedies():
    kind = get("penalty_decision")
    assert_required_and_cited(kind, ["法律依据", "理由", "证据", "考虑的裁量因素"], "000 第十七条")
    assert_required_and_cited(kind, ["申请行政复议的机关", "申请行政复议期限（日）", "提起行政诉讼的人民法院",
                                     "提起行政诉讼期限（月）"], "003 第十二条")
    assert labelled(kind, "法律依据").type == "citation"
    assert labelled(kind, "罚款金额（元）").type == "money"
    assert "六十日" in kind.field("review_days").help and "六个月" in kind.field("litigation_months").help
    for label in ["违法事实", "处罚内容", "履行方式和期限", "日期"]:
        assert labelled(kind, label).required
    assert kind.served and "agency_head" in kind.signers


@pytest.mark.parametrize("code", ["no_penalty_decision", "on_spot_penalty_decision", "licence_refusal",
                                  "non_acceptance_notice", "seal_seizure_decision", "execution_decision",
                                  "expropriation_decision"])
def test_decisions_the_party_can_challenge_tell_the_remedies(code):
    assert_required_and_cited(get(code), ["申请行政复议期限（日）", "提起行政诉讼期限（月）"], "003 第十二条")


def test_evidence_preservation_records_its_reason_object_and_form():
    kind = get("provisional_registration_notice")
    for article in ("000 第十五条", "004 第八条"):
        assert_required_and_cited(kind, ["保全理由", "保全标的", "保全形式"], article)
    assert {label for _, label in kind.field("preservation_form").choices} == {
        "先行登记保存", "复制", "音像", "鉴定", "勘验", "制作询问笔录"}
    assert "003 第九条" in kind.field("av_recorded").cite


@pytest.mark.parametrize("code", ["rights_notice", "statement_defence_record", "interview_record", "advance_notice",
                                  "hearing_rights_notice", "demand_notice", "on_spot_penalty_decision"])
def test_the_rights_told_and_how_are_recorded(code):
    assert_required_and_cited(get(code), ["告知的权利", "告知方式"], "000 第十二条")


def test_on_site_inspection_sampling_and_hearing_record_av_or_the_reason_why_not():
    for code in ("inspection_record", "sampling_list", "hearing_record"):
        kind = get(code)
        assert kind.field("av_recorded").required and "000 第十四条" in kind.field("av_recorded").cite
        assert not kind.field("av_not_recorded_reason").required


def test_the_simple_procedure_records_what_000_article_19_lists():
    kind = get("on_spot_penalty_decision")
    assert_required_and_cited(kind, ["适用简易程序的事实依据和法律依据"], "000 第十九条第一项")
    assert_required_and_cited(kind, ["对陈述、申辩的复核及处理，是否采纳的理由"], "000 第十九条第四项")
    assert_required_and_cited(get("on_spot_report"), ["备案日期"], "000 第十九条第五项")
    assert kind.field("officers").type == "officers" and kind.party_signs


def test_the_service_receipt_records_method_carrier_time_addressee_place_and_witness():
    kind = get("service_receipt")
    assert [label for _, label in kind.field("method").choices][:6] == [
        "直接送达", "邮寄送达", "留置送达", "公告送达", "委托送达", "转交送达"]
    # every method a service record can name can be written on its receipt (records.draft_service_receipt)
    from lawtrail.records.models import Service

    assert dict(kind.field("method").choices) == Service.METHODS
    # Only 挂号信/EMS are allowed (000 第二十条第二款); that is a rule of the profiles, so "other" stays a choice.
    assert [c for c, _ in kind.field("carrier").choices] == ["registered_mail", "ems", "other"]
    assert kind.field("served_at").type == "datetime" and kind.field("served_at").required
    assert kind.field("party").label == "受送达人" and kind.field("place").required
    assert kind.field("witness").type == "person" and "000 第二十条第三款" in kind.field("witness").cite
    assert kind.party_signs and kind.signers == ("server",)  # 送达人; the 受送达人 signs or refuses


def test_the_expert_opinion_is_an_external_file_with_institution_matter_and_date():
    kind = get("expert_opinion")
    assert kind.external and not kind.numbered
    assert kind.field("file").type == "file" and kind.field("file").required
    assert [labelled(kind, label).required for label in ("鉴定机构", "鉴定事项", "鉴定日期")] == [True] * 3
    assert [k.code for k in ALL if k.external] == ["expert_opinion"]


def test_the_archive_forms_belong_to_archiving():
    assert get("file_catalogue").stage == get("file_remarks").stage == "archiving"
    remarks = get("file_remarks")
    for label in ("本卷情况说明", "立卷人", "检查人", "立卷时间"):
        assert labelled(remarks, label).required


def test_approval_opinions_are_fields_and_the_legal_review_records_reviewers_and_opinion():
    review = get("legal_review_opinion")
    assert_required_and_cited(review, ["法制机构审查人员", "审查意见"], "000 第十八条第一款")
    assert review.signers == ("legal_reviewer",)
    approval = get("penalty_decision_approval")
    assert_required_and_cited(approval, ["负责人意见"], "000 第十八条第四款")
    assert not approval.field("legal_review").required  # 004 第九条: here or on the separate form


# --- purity --------------------------------------------------------------------------------------

def test_importing_the_catalogue_loads_no_django():
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    code = "import sys, lawtrail.records.catalogue; assert 'django' not in sys.modules"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_the_module_keeps_its_field_groups_reusable():
    assert catalogue.OFFICERS[0].type == "officers"
    assert {f.name for f in catalogue.RIGHTS_TOLD} == {"rights_told", "rights_told_how"}
    assert set(f.name for f in catalogue.REMEDIES) <= {f.name for f in get("penalty_decision").fields}


def test_every_kind_used_by_a_step_of_another_stage_says_why():
    from lawtrail.cases.procedures import PROCEDURES
    from lawtrail.records.catalogue import USED_IN_OTHER_STAGES

    differing = {code for p in PROCEDURES.values() for step in p.steps for code in step.documents
                 if get(code).stage != step.stage}
    assert differing == set(USED_IN_OTHER_STAGES)
    assert all(reason.strip() for reason in USED_IN_OTHER_STAGES.values())
