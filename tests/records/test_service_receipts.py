"""送达回证 made from a service record: filled from the record, linked to it once and for good, then
finalised and signed by the 送达人 and the 受送达人 (or with the refusal recorded) like any document
(000 第二十条; 003 第十三条至第十五条)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from lawtrail.access.policy import Denied
from lawtrail.ledger import verify
from lawtrail.ledger.models import Entry
from lawtrail.records import actions, catalogue
from lawtrail.records.examples import sample_values
from lawtrail.records.models import ServiceReceipt

pytestmark = pytest.mark.django_db


@pytest.fixture
def decision(org):
    kind = catalogue.get("penalty_decision")
    doc = actions.create_draft(by=org.zhang, case=org.case(), kind=kind.code, values=sample_values(kind))
    return actions.finalise(by=org.zhang, document=doc)


def served(org, version, **kw):
    fields = {"method": "direct", "served_at": timezone.now(),
              "recipient": "大连星海文化传媒有限公司", "place": "金普新区金马路 1 号"} | kw
    return actions.record_service(by=org.zhang, version=version, **fields)


def test_the_receipt_is_filled_from_the_service_record_and_the_cases_party(org, decision):
    s = served(org, decision)
    receipt = actions.draft_service_receipt(by=org.li, service=s)
    v = receipt.draft_values
    assert receipt.kind == "service_receipt" and receipt.status == "draft"
    assert v["document_title"] == "行政处罚决定书" and v["document_number"] == decision.document.number
    assert v["method"] == "direct" and v["place"] == "金普新区金马路 1 号"
    assert v["served_at"] == timezone.localtime(s.served_at).isoformat(timespec="minutes")
    party = decision.document.case.parties.get()
    assert v["party"]["id"] == party.pk and v["party"]["identifier"] == party.identifier
    e = Entry.objects.get(seq=receipt.ledger_seq)
    assert e.action == "records.service_receipt_drafted" and e.subject == f"case:{decision.document.case_id}"
    assert ServiceReceipt.objects.get(service=s).document == receipt and verify.run().ok


def test_postal_and_left_at_residence_records_carry_their_proof_into_the_receipt(org, decision):
    postal = served(org, decision, method="postal", carrier="ems", receipt="EMS1234567890CN", recipient="王某")
    v = actions.draft_service_receipt(by=org.zhang, service=postal).draft_values
    assert (v["carrier"], v["tracking_number"]) == ("ems", "EMS1234567890CN")
    assert v["party"] == {"name": "王某", "kind": "", "identifier": "", "address": "", "contact": "",
                          "representative": ""}  # not a party of the case: the name as served
    left = served(org, decision, method="left_at_residence", witnesses=["赵社区主任", "钱居民"])
    v = actions.draft_service_receipt(by=org.zhang, service=left).draft_values
    assert v["witness"]["name"] == "赵社区主任、钱居民"


def test_one_service_has_one_receipt(org, decision):
    s = served(org, decision)
    actions.draft_service_receipt(by=org.zhang, service=s)
    with pytest.raises(ValidationError) as e:
        actions.draft_service_receipt(by=org.li, service=s)
    assert "已制作送达回证" in e.value.messages[0]
    assert ServiceReceipt.objects.filter(service=s).count() == 1
    with pytest.raises(DatabaseError), transaction.atomic():  # and the link itself cannot be moved
        ServiceReceipt.objects.filter(service=s).update(document=decision.document)


def test_only_the_cases_officers_make_the_receipt(org, decision):
    s = served(org, decision)
    for outsider in (org.liu, org.legal, org.chief):
        with pytest.raises(Denied):
            actions.draft_service_receipt(by=outsider, service=s)
    assert not ServiceReceipt.objects.exists()


def test_the_server_and_the_recipient_sign_or_the_refusal_is_recorded(org, decision):
    receipt = actions.draft_service_receipt(by=org.zhang, service=served(org, decision))
    v = actions.finalise(by=org.zhang, document=receipt)
    assert actions.missing_signatures(v) == ["server", "party"]
    with pytest.raises(Denied):  # the 送达人 is one of the case's officers
        actions.sign(by=org.legal, version=v, role="server", method="electronic")
    actions.sign(by=org.zhang, version=v, role="server", method="electronic")
    assert actions.missing_signatures(v) == ["party"]
    actions.refuse(by=org.zhang, version=v, name="王某", reason="拒收处罚决定书", witnesses=["赵社区主任"])
    assert actions.missing_signatures(v) == [] and verify.run().ok
