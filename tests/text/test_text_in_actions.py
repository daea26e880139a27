"""The text policy holds whichever way text arrives — page, API, command — because every tracked
and recorded row passes it before it is validated or written (ledger/tracked.py): a single-line
field is a name, a multi-line one free text."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from lawtrail.access import actions as access
from lawtrail.cases import actions as cases
from lawtrail.cases.models import Complaint, Party
from lawtrail.ledger.models import Entry
from tests.factories import credit_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def device(org):
    _, secret = access.issue_token(by=None, user=org.zhang.user, name="执法记录仪采集站 01")
    return Client(headers={"Authorization": f"Bearer {secret}"})


@pytest.mark.parametrize("bad", ["\x00", "\x1b", "\u202e"], ids=["NUL", "ESC", "RLO"])
def test_the_api_refuses_nul_esc_and_a_direction_override_in_a_party_name_with_a_chinese_422(org, device, bad):
    entries = Entry.objects.count()
    r = device.post("/api/v1/parties", {"kind": "legal_person", "name": f"星海{bad}传媒", "credit_code": credit_code()},
                    content_type="application/json")
    assert r.status_code == 422, r.content
    # the API's schema refuses a control character before the action sees it; the action names the
    # field itself for what only a name may not hold (a direction override)
    message = r.json()["fields"]["name"][0]
    assert message.startswith("姓名/名称含有") if bad == "\u202e" else message.startswith("含有不可见的控制字符")
    assert not Party.objects.exists() and Entry.objects.count() == entries


def test_a_party_address_with_a_zero_width_space_is_refused_naming_the_field(org):
    with pytest.raises(ValidationError) as e:
        org.party(address="金马路\u200b1号")
    assert list(e.value.message_dict) == ["address"] and "住所/地址" in e.value.message_dict["address"][0]


def test_complaint_content_typed_with_crlf_is_kept_with_lf_and_a_tab_and_a_direction_mark_in_it_are_kept(org):
    from django.utils import timezone

    c = cases.register_complaint(by=org.zhang, received_at=timezone.now(), channel="phone", reporter_name="王某",
                                 content="第一段\r\n第二段\r\t缩进\u202b")
    assert Complaint.objects.get(pk=c.pk).content == "第一段\n第二段\n\t缩进\u202b"


def test_a_line_break_in_a_single_line_field_is_refused(org):
    with pytest.raises(ValidationError, match="不能换行"):
        org.case(title="未经许可\r\n擅自演出")
