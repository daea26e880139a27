"""Rules over AV records: required for a step or excused by a written reason (000 第十四条), required
with no excuse (查封扣押, 004 询问), for some execution methods only (001 第二十一条), from one source
(003 第五条), at services left at the residence (000 第二十条); body-camera conduct (002 第十五条)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lawtrail.media import actions as media
from lawtrail.records import actions as records
from lawtrail.records import catalogue
from lawtrail.records.examples import handwriting_png, sample_values
from lawtrail.rules import facts as facts_mod
from lawtrail.rules import profiles
from lawtrail.rules.kinds import KINDS, ParamError
from tests.factories import Org

from . import helpers
from .test_seed_rules import walk

pytestmark = pytest.mark.django_db


def clip(org, case, tmp_path, name, start, minutes=0, **facts):
    path = tmp_path / name
    path.write_bytes(handwriting_png(64 + len(list(tmp_path.iterdir())), 40))  # different bytes each
    end = start + timedelta(minutes=minutes)
    return media.ingest_file(by=org.zhang, source=path, case=case, facts={
        "source": "camera", "capture_start": start.isoformat(), "capture_end": end.isoformat(),
        "place": "星海广场"} | facts)


def inspection_record(org, case, **values):
    k = catalogue.get("inspection_record")
    doc = records.create_draft(by=org.zhang, case=case, kind=k.code, values=sample_values(k) | values)
    return records.finalise(by=org.zhang, document=doc)


def test_an_inspection_needs_av_or_a_written_reason(org, tmp_path):
    rule = profiles.get("000").rule("av-inspection-sampling-hearing")
    case = walk(org, "penalty_general", "inspect_site")
    f = rule.evaluate(facts_mod.load(case))
    assert f.status == "pending" and "没有关联的音像记录" in f.message
    closed = facts_mod.load(case)
    closed.case.status = "closed"
    assert rule.evaluate(closed).status == "broken"
    step = case.steps.get(step="inspect_site")
    av = clip(org, case, tmp_path, "site.png", timezone.now() - timedelta(hours=1), step=step.pk)
    f = rule.evaluate(facts_mod.load(case))
    assert f.status == "met" and f"av:{av.pk}" in f.records and f"step:{step.pk}" in f.records

    excused = walk(org, "penalty_general", "inspect_site")
    v = inspection_record(org, excused, av_recorded=False, av_not_recorded_reason="涉及个人隐私，不适宜录像")
    f = rule.evaluate(facts_mod.load(excused))
    assert f.status == "met" and "已书面记录原因" in f.message and f"version:{v.pk}" in f.records

    no_reason = walk(org, "penalty_general", "inspect_site")
    v = inspection_record(org, no_reason, av_recorded=False)
    f = rule.evaluate(facts_mod.load(no_reason))
    assert f.status == "broken" and "未写明不适宜音像记录的原因" in f.message and f.records == (f"version:{v.pk}",)


def test_av_linked_to_the_step_s_document_counts_and_a_document_claiming_av_without_it_is_pending(org, tmp_path):
    rule = profiles.get("000").rule("av-inspection-sampling-hearing")
    case = walk(org, "penalty_general", "inspect_site")
    v = inspection_record(org, case)  # 是否同步进行音像记录: 是
    f = rule.evaluate(facts_mod.load(case))
    assert f.status == "pending" and "文书写明已同步音像记录" in f.message
    clip(org, case, tmp_path, "site.png", timezone.now() - timedelta(hours=1), document=v.document_id)
    assert rule.evaluate(facts_mod.load(case)).status == "met"


def test_a_seizure_needs_av_and_a_reason_does_not_excuse_it(org, tmp_path):
    rule = profiles.get("000").rule("av-seal-seizure")
    case = walk(org, "coercive_measure", "enforce_measure")
    assert rule.evaluate(facts_mod.load(case)).status == "pending"
    k = catalogue.get("on_site_record")
    doc = records.create_draft(by=org.zhang, case=case, kind=k.code, values=sample_values(k) | {
        "av_recorded": False, "av_not_recorded_reason": "设备故障"})
    v = records.finalise(by=org.zhang, document=doc)
    f = rule.evaluate(facts_mod.load(case))
    assert f.status == "broken" and "不能以原因代替" in f.message and f.records == (f"version:{v.pk}",)
    good = walk(org, "coercive_measure", "enforce_measure")
    clip(org, good, tmp_path, "seize.png", timezone.now() - timedelta(hours=1),
         step=good.steps.get(step="enforce_measure").pk)
    assert rule.evaluate(facts_mod.load(good)).status == "met"


def test_every_interview_of_a_004_penalty_case_is_recorded(org, tmp_path):
    rule = profiles.get("004").rule("av-interview")
    case = walk(org, "penalty_general", "interview")
    first = case.steps.get(step="interview")
    clip(org, case, tmp_path, "q1.png", timezone.now() - timedelta(hours=1), step=first.pk)
    assert rule.evaluate(facts_mod.load(case)).status == "met"
    inspection = walk(org, "inspection", "interview")  # 004 第七条 is the penalty procedure's
    assert rule.evaluate(facts_mod.load(inspection)).status == "not_applicable"


def execution(org, method):
    case = walk(org, "compulsory_execution", "enforce")
    k = catalogue.get("execution_decision")
    doc = records.create_draft(by=org.zhang, case=case, kind=k.code, values=sample_values(k) | {"method": method})
    records.finalise(by=org.zhang, document=doc)
    return case


def test_removal_and_restoration_need_av_other_execution_methods_do_not(org, tmp_path):
    rule = profiles.get("001").rule("av-removal-restoration")
    assert rule.evaluate(facts_mod.load(execution(org, "late_fine"))).status == "not_applicable"
    case = execution(org, "remove")
    assert rule.evaluate(facts_mod.load(case)).status == "pending"
    clip(org, case, tmp_path, "remove.png", timezone.now() - timedelta(hours=1),
         step=case.steps.get(step="enforce").pk)
    assert rule.evaluate(facts_mod.load(case)).status == "met"


def test_003_counter_recording_must_come_from_the_surveillance_system(org, tmp_path):
    rule = profiles.get("003").rule("counter-video-surveillance")
    case = org.case(procedure="licence", source="application")
    step = case.steps.get(step="apply")
    clip(org, case, tmp_path, "phone.png", timezone.now() - timedelta(hours=1), source="phone", step=step.pk)
    f = rule.evaluate(facts_mod.load(case))
    assert f.status == "pending" and "监控录像导出" in f.message
    clip(org, case, tmp_path, "cctv.png", timezone.now() - timedelta(hours=1), source="surveillance", step=step.pk)
    assert rule.evaluate(facts_mod.load(case)).status == "met"


def test_a_service_left_at_the_residence_needs_av_linked_to_its_receipt_or_the_document(org, tmp_path):
    rule = profiles.get("000").rule("left-at-residence-av")
    case = org.case()
    decision = helpers.document(org, case, "penalty_decision")
    helpers.serve(org, decision, method="direct", carrier="", receipt="")
    assert rule.evaluate(facts_mod.load(case)).status == "not_applicable"
    s = helpers.serve(org, decision, method="left_at_residence", carrier="", receipt="", witnesses=["赵社区主任"])
    f = rule.evaluate(facts_mod.load(case))
    assert f.status == "pending" and f.records == (f"service:{s.pk}",)
    receipt = records.draft_service_receipt(by=org.zhang, service=s)
    clip(org, case, tmp_path, "left.png", timezone.now() - timedelta(hours=1), document=receipt.pk)
    f = rule.evaluate(facts_mod.load(case))
    assert f.status == "met" and f"service:{s.pk}" in f.records
    other = org.case()
    decision = helpers.document(org, other, "penalty_decision")
    helpers.serve(org, decision, method="public_notice", carrier="", receipt="公告栏，30日")
    clip(org, other, tmp_path, "notice.png", timezone.now() - timedelta(hours=1), document=decision.document_id)
    assert profiles.get("000").rule("public-notice-av").evaluate(facts_mod.load(other)).status == "met"


def test_003_a_service_left_at_the_residence_needs_witnesses_or_av(tmp_path):
    org = Org.build(code="mz003", abbr="民宗", profile="003")
    rule = profiles.get("003").rule("left-at-residence-witness-or-av")
    case = org.case()
    decision = helpers.document(org, case, "penalty_decision")
    witnessed = helpers.serve(org, decision, method="left_at_residence", carrier="", receipt="", witnesses=["赵社区主任"])
    f = rule.evaluate(facts_mod.load(case))
    assert f.status == "met" and f.records == (f"service:{witnessed.pk}",)
    filmed = helpers.serve(org, decision, method="left_at_residence", carrier="", receipt="拍照、录像记录留置过程")
    f = rule.evaluate(facts_mod.load(case))
    assert f.status == "pending" and f.records == (f"service:{filmed.pk}",) and "没有见证人，也没有关联的音像记录" in f.message
    clip(org, case, tmp_path, "left.png", timezone.now() - timedelta(hours=1),
         document=records.draft_service_receipt(by=org.zhang, service=filmed).pk)
    assert rule.evaluate(facts_mod.load(case)).status == "met"
    with pytest.raises(ParamError, match="or_witness"):
        KINDS["service_av"]({"methods": ["left_at_residence"], "or_witness": "是"})


@pytest.fixture
def camera(org):
    return media.register_device(by=org.records, serial="DSJ-001", model="执法记录仪")


def test_body_camera_clips_at_one_place_must_not_be_interrupted_and_must_name_the_place(org, tmp_path, camera):
    rule = profiles.get("002").rule("body-camera-conduct")
    case = org.case()
    t = timezone.now() - timedelta(hours=3)
    on_camera = {"source": "body_camera", "device": camera.serial}
    a = clip(org, case, tmp_path, "a.png", t, 10, **on_camera)
    clip(org, case, tmp_path, "b.png", t + timedelta(minutes=10), 10, **on_camera)  # continuous: split file
    clip(org, case, tmp_path, "c.png", t + timedelta(minutes=25), 5, **on_camera, place="金马路 1 号")  # elsewhere
    f = rule.evaluate(facts_mod.load(case))
    assert f.status == "met", f.message
    d = clip(org, case, tmp_path, "d.png", t + timedelta(minutes=40), 5, **on_camera, place="金马路 1 号")
    f = rule.evaluate(facts_mod.load(case))
    assert f.status == "broken" and "同一地点间断10分钟" in f.message and f"av:{d.pk}" in f.records
    assert f"av:{a.pk}" not in f.records

    unplaced = org.case()
    e = clip(org, unplaced, tmp_path, "e.png", t, 5, **on_camera, place="")
    f = rule.evaluate(facts_mod.load(unplaced))
    assert f.status == "broken" and "未标明地点" in f.message and f.records == (f"av:{e.pk}",)
    photos = org.case()
    clip(org, photos, tmp_path, "f.png", t, place="")  # not a body camera: 002 makes the camera optional
    assert rule.evaluate(facts_mod.load(photos)).status == "not_applicable"


def test_the_new_kinds_read_no_more_than_the_facts(org, tmp_path, django_assert_max_num_queries, camera):
    case = org.case()
    decision = helpers.document(org, case, "penalty_decision")
    s = helpers.serve(org, decision, method="left_at_residence", carrier="", receipt="", witnesses=["赵社区主任"])
    records.draft_service_receipt(by=org.zhang, service=s)
    clip(org, case, tmp_path, "a.png", timezone.now() - timedelta(hours=1), source="body_camera", device=camera.serial)
    f = facts_mod.load(case)
    with django_assert_max_num_queries(0):
        for name in ("000", "001", "002", "003", "004"):
            [r.evaluate(f) for r in profiles.get(name).rules]
