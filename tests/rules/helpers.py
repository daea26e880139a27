"""Building the facts of a penalty case through the apps' own actions."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from lawtrail.cases import actions as cases
from lawtrail.media import actions as media
from lawtrail.records import actions as records
from lawtrail.records import catalogue
from lawtrail.records.examples import handwriting_png, sample_values

PNG = handwriting_png()


def approve(org, case, step):
    r = case.steps.get(step=step)
    by = org.head_a if r.step_def.approver == "unit_head" else org.legal if r.step_def.approver == "legal_reviewer" \
        else org.chief
    return cases.decide_step(by=by, record_=r, approve=True)


def step(org, case, code, handlers=None):
    r = cases.record_step(by=org.zhang, case=case, step=code, handlers=handlers or [org.zhang, org.li])
    if r.approval == "pending":
        approve(org, case, code)
    return r


def document(org, case, kind):
    k = catalogue.get(kind)
    doc = records.create_draft(by=org.zhang, case=case, kind=kind, values=sample_values(k))
    return records.finalise(by=org.zhang, document=doc)


def signed_interview(org, case, party=True, officers=(("zhang", "handlers"), ("li", "handlers"))):
    v = document(org, case, "interview_record")
    for who, role in officers:
        records.sign(by=getattr(org, who), version=v, role=role, method="electronic")
    if party:
        records.sign(by=org.zhang, version=v, role="party", method="handwriting", name="王某", image=PNG,
                     mime="image/png")
    return v


def serve(org, version, **kw):
    fields = {"method": "postal", "carrier": "ems", "receipt": "EMS1234567890CN", "served_at": timezone.now(),
              "recipient": "大连星海文化传媒有限公司", "place": "金普新区金马路 1 号"} | kw
    return records.record_service(by=org.zhang, version=version, **fields)


def av(org, case, tmp_path, hours_ago=2, name="scene.png"):
    path = tmp_path / name
    path.write_bytes(handwriting_png(64 + hours_ago, 40))  # different bytes per record
    when = timezone.localtime() - timedelta(hours=hours_ago)
    return media.ingest_file(by=org.zhang, source=path, case=case,
                             facts={"source": "camera", "capture_start": when.isoformat(), "place": "星海广场"})


def penalty_case_to_decision(org, tmp_path):
    """A 000 penalty case done by the book up to the served decision: filed and approved, interview
    signed by two officers and the party, investigation concluded, advance notice, decision served
    by EMS, 送达回证, one photo uploaded two hours after it was taken."""
    case = org.case()
    approve(org, case, "file_case")
    step(org, case, "interview")
    signed_interview(org, case)
    av(org, case, tmp_path)
    step(org, case, "conclude_investigation", [org.zhang])
    step(org, case, "advance_notice", [org.zhang])
    step(org, case, "decide_penalty", [org.zhang])
    decision = document(org, case, "penalty_decision")
    service = serve(org, decision)
    step(org, case, "serve", [org.zhang])
    receipt = records.draft_service_receipt(by=org.zhang, service=service)
    records.finalise(by=org.zhang, document=receipt)
    return case
