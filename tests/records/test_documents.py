"""The life of a document: draft, finalised (immutable, hashed, in the ledger), signed or refused,
corrected by a new version that supersedes the old one."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from lawtrail.access.policy import Denied
from lawtrail.ledger import verify
from lawtrail.ledger.appendonly import unprotect_sql
from lawtrail.ledger.models import Entry
from lawtrail.records import actions, catalogue
from lawtrail.records.checks import digests
from lawtrail.records.models import Document, Signature, Version
from lawtrail.records.examples import handwriting_png, sample_values

pytestmark = pytest.mark.django_db

PNG = handwriting_png()  # a signature as the tablet sends it


@pytest.fixture
def case(org):
    return org.case()


def interview(org, case, **values):
    kind = catalogue.get("interview_record")
    return actions.create_draft(by=org.zhang, case=case, kind=kind.code, values=sample_values(kind) | values)


def test_a_draft_is_prefilled_with_the_cases_officers_and_party(org, case):
    doc = actions.create_draft(by=org.zhang, case=case, kind="penalty_decision")
    party_field = next(f.name for f in catalogue.get("penalty_decision").fields if f.type == "party")
    assert doc.draft_values[party_field]["name"] == case.parties.get().name
    doc = actions.create_draft(by=org.zhang, case=case, kind="interview_record")
    officers = next(f.name for f in catalogue.get("interview_record").fields if f.type == "officers")
    assert {o["name"] for o in doc.draft_values[officers]} == {"张伟", "李娜"}


def test_finalising_with_a_missing_required_field_is_refused_and_names_it(org, case):
    kind = catalogue.get("interview_record")
    values = sample_values(kind)
    missing = next(f for f in kind.fields if f.required and f.type == "longtext")
    values.pop(missing.name)
    doc = actions.create_draft(by=org.zhang, case=case, kind=kind.code, values=values)
    with pytest.raises(ValidationError) as e:
        actions.finalise(by=org.zhang, document=doc)
    assert missing.name in e.value.message_dict and "必填" in e.value.message_dict[missing.name][0]
    assert not Version.objects.exists() and Document.objects.get().status == "draft"


def test_a_finalised_version_is_hashed_into_the_ledger_and_numbered_when_its_kind_is(org, case):
    kind = catalogue.get("penalty_decision")
    doc = actions.create_draft(by=org.zhang, case=case, kind=kind.code, values=sample_values(kind))
    v = actions.finalise(by=org.zhang, document=doc)
    year = timezone.localdate().year
    assert v.document.number == f"金普文旅{kind.number_word}〔{year}〕1号"
    assert (v.sha256, v.sm3) == digests(v.content)
    entry = Entry.objects.get(seq=v.ledger_seq)
    assert entry.action == "records.document_finalised" and entry.subject == f"case:{case.pk}"
    assert entry.payload["created"]["records.version"]["sha256"] == v.sha256
    assert verify.run().ok


def test_document_numbers_run_per_kind_without_gaps(org, case):
    kind = catalogue.get("penalty_decision")
    numbers = []
    for _ in range(3):
        doc = actions.create_draft(by=org.zhang, case=case, kind=kind.code, values=sample_values(kind))
        numbers.append(actions.finalise(by=org.zhang, document=doc).document.number)
    assert [n.split("〕")[1] for n in numbers] == ["1号", "2号", "3号"]


def test_a_finalised_document_cannot_be_edited_by_the_action_or_the_database(org, case):
    v = actions.finalise(by=org.zhang, document=interview(org, case))
    with pytest.raises(ValidationError):
        actions.update_draft(by=org.zhang, document=v.document, values={})
    with pytest.raises(DatabaseError), transaction.atomic():
        Version.objects.filter(pk=v.pk).update(content="{}")
    with pytest.raises(DatabaseError), transaction.atomic():
        Version.objects.filter(pk=v.pk).delete()


def test_content_changed_after_the_triggers_were_dropped_is_named_by_verify(org, case):
    v = actions.finalise(by=org.zhang, document=interview(org, case))
    with connection.cursor() as c:
        for stmt in unprotect_sql(connection.vendor, "records_version"):
            c.execute(stmt)
        c.execute("UPDATE records_version SET content = %s WHERE id = %s", [v.content.replace("张伟", "张三"), v.pk])
    kinds = {p.kind for p in verify.run().problems}
    assert kinds == {"document_content_mismatch"}


def test_officers_sign_the_party_signs_and_nothing_is_missing(org, case):
    v = actions.finalise(by=org.zhang, document=interview(org, case))
    assert set(actions.missing_signatures(v)) == {"handlers", "recorder", "party"}
    actions.sign(by=org.zhang, version=v, role="handlers", method="electronic")
    actions.sign(by=org.li, version=v, role="handlers", method="electronic")
    actions.sign(by=org.li, version=v, role="recorder", method="electronic")
    actions.sign(by=org.zhang, version=v, role="party", method="handwriting", name="王某", image=PNG, mime="image/png")
    assert actions.missing_signatures(v) == []
    assert Signature.objects.filter(version=v).count() == 4 and verify.run().ok


def test_signing_twice_or_without_the_role_is_refused(org, case):
    v = actions.finalise(by=org.zhang, document=interview(org, case))
    actions.sign(by=org.zhang, version=v, role="handlers", method="electronic")
    with pytest.raises(ValidationError):
        actions.sign(by=org.zhang, version=v, role="handlers", method="electronic")
    with pytest.raises(Denied):
        actions.sign(by=org.liu, version=v, role="handlers", method="electronic")  # not a handler of this case
    with pytest.raises(ValidationError):
        actions.sign(by=org.chief, version=v, role="agency_head", method="electronic")  # not a signer of this kind
    with pytest.raises(ValidationError):
        actions.sign(by=org.zhang, version=v, role="party", method="handwriting", name="王某")  # no image


def test_a_refusal_needs_a_reason_and_a_witness_or_av_record(org, case):
    v = actions.finalise(by=org.zhang, document=interview(org, case))
    with pytest.raises(ValidationError) as e:
        actions.refuse(by=org.zhang, version=v, name="王某", reason="")
    assert {"reason", "witnesses"} <= set(e.value.message_dict)
    r = actions.refuse(by=org.zhang, version=v, name="王某", reason="当事人拒绝在笔录上签字", witnesses=["社区工作人员 赵某"])
    assert json.loads(r.witnesses) == ["社区工作人员 赵某"]
    assert "party" not in actions.missing_signatures(v)
    with pytest.raises(ValidationError):
        actions.sign(by=org.zhang, version=v, role="party", method="handwriting", name="王某", image=PNG, mime="image/png")


def test_a_correction_is_a_new_version_with_its_reason_and_the_old_one_stays(org, case):
    kind = catalogue.get("penalty_decision")
    doc = actions.create_draft(by=org.zhang, case=case, kind=kind.code, values=sample_values(kind))
    v1 = actions.finalise(by=org.zhang, document=doc)
    actions.start_correction(by=org.zhang, document=doc)
    with pytest.raises(ValidationError):
        actions.sign(by=org.zhang, version=v1, role=kind.signers[0] if kind.signers else "party", method="electronic")
    with pytest.raises(ValidationError):
        actions.finalise(by=org.zhang, document=doc)  # no reason
    v2 = actions.finalise(by=org.zhang, document=doc, reason="当事人名称笔误")
    assert (v2.version, v2.correction_reason, v2.document.number) == (2, "当事人名称笔误", v1.document.number)
    assert Version.objects.filter(document=doc).count() == 2
    assert Entry.objects.get(seq=v2.ledger_seq).action == "records.document_corrected"


def test_only_the_cases_own_officers_make_its_documents(org, case):
    kind = catalogue.get("interview_record")
    for outsider in (org.liu, org.chief, org.admin, org.auditor):
        with pytest.raises(Denied):
            actions.create_draft(by=outsider, case=case, kind=kind.code)


def test_an_unknown_kind_or_field_is_refused(org, case):
    with pytest.raises(ValidationError):
        actions.create_draft(by=org.zhang, case=case, kind="no_such_kind")
    with pytest.raises(ValidationError) as e:
        actions.create_draft(by=org.zhang, case=case, kind="interview_record", values={"nonsense": "x"})
    assert "nonsense" in e.value.message_dict


def test_money_keeps_fen_and_refuses_floats_and_thirds(org, case):
    kind = catalogue.get("penalty_decision")
    money = next(f.name for f in kind.fields if f.type == "money")
    for bad in (1250.5, "12.345", "-1", "abc"):
        with pytest.raises(ValidationError) as e:
            actions.create_draft(by=org.zhang, case=case, kind=kind.code, values={money: bad})
        assert money in e.value.message_dict
    doc = actions.create_draft(by=org.zhang, case=case, kind=kind.code, values={money: "1,250.5"})
    assert doc.draft_values[money] == "1250.50"


@pytest.mark.parametrize("code", sorted(catalogue.KINDS))
def test_every_kind_can_be_filled_and_finalised(org, case, code):
    kind = catalogue.get(code)
    doc = actions.create_draft(by=org.zhang, case=case, kind=code, values=sample_values(kind, required_only=False))
    v = actions.finalise(by=org.zhang, document=doc)
    assert bool(v.document.number) == kind.numbered


def test_a_signature_image_that_does_not_decode_is_refused(org, case):
    v = actions.finalise(by=org.zhang, document=interview(org, case))
    with pytest.raises(ValidationError) as e:
        actions.sign(by=org.zhang, version=v, role="party", method="handwriting", name="王某",
                     image=b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, mime="image/png")
    assert "无法识别" in e.value.message_dict["image"][0]


def served_decision(org, case):
    kind = catalogue.get("penalty_decision")
    doc = actions.create_draft(by=org.zhang, case=case, kind=kind.code, values=sample_values(kind))
    return actions.finalise(by=org.zhang, document=doc)


def test_service_is_recorded_with_the_proof_its_method_needs(org, case):
    v = served_decision(org, case)
    now = timezone.now()
    with pytest.raises(ValidationError) as e:
        actions.record_service(by=org.zhang, version=v, method="postal", served_at=now, recipient="王某")
    assert {"carrier", "receipt"} <= set(e.value.message_dict)
    with pytest.raises(ValidationError) as e:
        actions.record_service(by=org.zhang, version=v, method="left_at_residence", served_at=now, recipient="王某")
    assert "witnesses" in e.value.message_dict
    s = actions.record_service(by=org.zhang, version=v, method="postal", carrier="ems", receipt="EMS1234567890CN",
                               served_at=now, recipient="大连星海文化传媒有限公司")
    assert Entry.objects.get(seq=s.ledger_seq).action == "records.document_served" and verify.run().ok
    with pytest.raises(DatabaseError), transaction.atomic():
        type(s).objects.filter(pk=s.pk).update(carrier="other")


def test_service_cannot_predate_the_document_or_lie_in_the_future(org, case):
    from datetime import timedelta

    v = served_decision(org, case)
    for when in (v.finalised_at - timedelta(hours=1), timezone.now() + timedelta(days=1)):
        with pytest.raises(ValidationError) as e:
            actions.record_service(by=org.zhang, version=v, method="direct", served_at=when, recipient="王某")
        assert "served_at" in e.value.message_dict


def test_a_document_that_is_not_served_has_no_service(org, case):
    v = actions.finalise(by=org.zhang, document=interview(org, case))
    with pytest.raises(ValidationError):
        actions.record_service(by=org.zhang, version=v, method="direct", served_at=timezone.now(), recipient="王某")


def test_a_cut_off_signature_image_is_refused_even_after_a_pdf_was_rendered(org, case, monkeypatch):
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)  # what importing WeasyPrint does
    v = actions.finalise(by=org.zhang, document=interview(org, case))
    with pytest.raises(ValidationError) as e:
        actions.sign(by=org.zhang, version=v, role="party", method="handwriting", name="王某",
                     image=PNG[: len(PNG) * 2 // 3], mime="image/png")
    assert "无法识别" in e.value.message_dict["image"][0]
