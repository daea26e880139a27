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


def document(org, case, kind, **values):
    """A document of ``kind`` finalised with sample values (``values`` replacing some)."""
    k = catalogue.get(kind)
    doc = records.create_draft(by=org.zhang, case=case, kind=kind, values=sample_values(k) | values)
    return records.finalise(by=org.zhang, document=doc)


def signed(org, version, party=True, officers=(("zhang", "handlers"), ("li", "handlers"))):
    """``version`` signed by the officers ((persona, role) each) and, with ``party``, by the party 王某."""
    for who, role in officers:
        records.sign(by=getattr(org, who), version=version, role=role, method="electronic")
    if party:
        records.sign(by=org.zhang, version=version, role="party", method="handwriting", name="王某", image=PNG,
                     mime="image/png")
    return version


def signed_interview(org, case, party=True, officers=(("zhang", "handlers"), ("li", "handlers"))):
    return signed(org, document(org, case, "interview_record"), party, officers)


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
    """A 000 penalty case done by the book up to the served decision: filed and approved (立案审批表), interview
    signed by two officers and the party, investigation concluded, advance notice, decision served
    by EMS, 送达回证, one photo uploaded two hours after it was taken."""
    case = org.case()
    approve(org, case, "file_case")
    document(org, case, "filing_approval")
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


def refused_edit(tmp_path, name: str, old: str, new: str):
    """Copy the profiles, replace the one ``old`` line text of ``name`` by ``new`` and load them: the
    ProfileError raised, and the line ``new`` is on (1-based)."""
    import shutil

    import pytest

    from lawtrail.rules import profiles

    d = tmp_path / "profiles"
    shutil.copytree(profiles.PROFILES_DIR, d)
    path = d / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    line = 1 + next(i for i, t in enumerate(text.splitlines()) if new in t)
    with pytest.raises(profiles.ProfileError) as e:
        profiles.load_all(d)
    return e.value, line
