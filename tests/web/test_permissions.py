"""Every page and API endpoint, visited as every role: who is let in and who is refused.

Case A is team A's (handlers 张伟, 李娜); case B is team B's with 张伟 as one of its handlers;
case X belongs to another bureau. Each row lists every persona exactly once under the status it
must get, so a new persona or a new page cannot be forgotten silently.
"""

import io
import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

from lawtrail.api.api import api
from lawtrail.access.requests import register_request as register_access_request
from lawtrail.cases import actions
from lawtrail.records import actions as records
from lawtrail.records import catalogue
from tests.factories import Org
from lawtrail.records.examples import sample_values
from lawtrail.media import actions as media
from tests.media.samples import write_jpeg

pytestmark = pytest.mark.django_db

PERSONAS = "anon zhang liu head_a head_b legal chief records supervisor auditor sys_auditor admin other".split()
SEE = "zhang liu head_a head_b legal chief records supervisor other"   # roles that work with cases
OPEN = "zhang liu head_a head_b other"                                  # roles that open cases

# method, path, {status: personas}. Paths use {A}, {B}, {X}, {C} (complaint), {XC}, {R} (A's pending step),
# {D} (a finalised document of A), {S} (a served decision of A), {SV} (its service record) and {Q} (a request to
# read and copy A's records).
TABLE = [
    ("GET", "/", {302: "anon", 200: SEE + " auditor admin"}),
    ("GET", "/ping/", {302: "anon", 200: SEE + " auditor admin"}),
    ("GET", "/cases/", {302: "anon", 200: SEE, 403: "auditor admin"}),
    ("GET", "/cases/new/", {302: "anon", 200: OPEN, 403: "legal chief records supervisor auditor admin"}),
    ("GET", "/cases/{A}/", {302: "anon", 200: "zhang head_a legal chief records supervisor",
                            404: "liu head_b other", 403: "auditor admin"}),
    ("GET", "/cases/{B}/", {302: "anon", 200: "zhang liu head_b legal chief records supervisor",
                            404: "head_a other", 403: "auditor admin"}),
    ("GET", "/cases/{X}/", {302: "anon", 200: "other", 404: "zhang liu head_a head_b legal chief records supervisor",
                            403: "auditor admin"}),
    ("POST", "/cases/{A}/steps/", {302: "anon", 400: "zhang head_a", 404: "liu head_b other",
                                   403: "legal chief records supervisor auditor admin"}),
    ("POST", "/cases/{A}/steps/{R}/decide/", {302: "anon", 400: "chief", 404: "head_b",
                                              403: "zhang liu head_a legal records supervisor auditor admin other"}),
    ("GET", "/cases/{A}/documents/{D}/", {302: "anon", 200: "zhang head_a legal chief records supervisor",
                                          404: "liu head_b other", 403: "auditor admin"}),
    ("GET", "/cases/{A}/documents/{D}/pdf/", {302: "anon", 200: "zhang head_a legal chief records supervisor",
                                              404: "liu head_b other", 403: "auditor admin"}),
    ("GET", "/cases/{A}/documents/{D}/preview/", {302: "anon zhang head_a legal chief records supervisor",
                                                  404: "liu head_b other", 403: "auditor admin"}),
    ("GET", "/cases/{A}/documents/{D}/preview/docx/", {302: "anon zhang head_a legal chief records supervisor",
                                                       404: "liu head_b other", 403: "auditor admin"}),
    ("POST", "/cases/{A}/documents/{S}/services/{SV}/receipt/", {302: "anon zhang head_a", 404: "liu head_b other",
                                                                 403: "legal chief records supervisor auditor admin"}),
    ("POST", "/cases/{A}/documents/new/", {302: "anon zhang head_a", 404: "liu head_b other",
                                           403: "legal chief records supervisor auditor admin"}),
    ("POST", "/cases/{A}/documents/{D}/sign/", {302: "anon zhang", 404: "liu head_b other",
                                                403: "head_a legal chief records supervisor auditor admin"},
     {"role": "handlers", "method": "electronic"}),
    ("POST", "/cases/{A}/documents/{D}/serve/", {302: "anon zhang head_a", 404: "liu head_b other",
                                                 403: "legal chief records supervisor auditor admin"},
     {"method": "direct", "recipient": "王某", "served_at": "2026-01-01T08:00"}),
    ("GET", "/complaints/", {302: "anon", 200: SEE, 403: "auditor admin"}),
    ("GET", "/complaints/new/", {302: "anon", 200: OPEN, 403: "legal chief records supervisor auditor admin"}),
    ("GET", "/complaints/{C}/", {302: "anon", 200: "zhang liu head_a head_b legal chief records supervisor",
                                 404: "other", 403: "auditor admin"}),
    ("GET", "/complaints/{XC}/", {302: "anon", 200: "other", 404: "zhang liu head_a head_b legal chief records supervisor",
                                  403: "auditor admin"}),
    ("GET", "/audit/", {302: "anon", 200: "auditor sys_auditor", 403: SEE + " admin"}),
    # the bureau's auditor reads his bureau's entries only; the installation's reads every bureau's ({XB})
    ("GET", "/audit/?bureau={XB}", {302: "anon", 200: "sys_auditor", 404: "auditor", 403: SEE + " admin"}),
    ("GET", "/audit/?bureau=installation", {302: "anon", 200: "sys_auditor", 404: "auditor", 403: SEE + " admin"}),
    ("GET", "/admin/", {302: "anon " + SEE + " auditor", 200: "admin"}),
    ("GET", "/admin/access/staff/", {302: "anon " + SEE + " auditor", 200: "admin"}),
    ("GET", "/admin/auth/user/", {302: "anon " + SEE + " auditor", 200: "admin"}),
    ("GET", "/admin/ledger/entry/", {302: "anon " + SEE + " auditor", 403: "admin"}),
    ("GET", "/api/v1/openapi.json", {302: "anon", 200: SEE + " auditor admin"}),
    ("GET", "/api/v1/cases", {401: "anon", 200: SEE, 403: "auditor admin"}),
    ("GET", "/api/v1/cases/{A}", {401: "anon", 200: "zhang head_a legal chief records supervisor",
                                  404: "liu head_b other", 403: "auditor admin"}),
    ("GET", "/api/v1/cases/{A}/timeline", {401: "anon", 200: "zhang head_a legal chief records supervisor",
                                           404: "liu head_b other", 403: "auditor admin"}),
    ("GET", "/api/v1/cases/{X}", {401: "anon", 200: "other", 404: "zhang liu head_a head_b legal chief records supervisor",
                                  403: "auditor admin"}),
    ("GET", "/api/v1/cases/{A}/documents/{D}", {401: "anon", 200: "zhang head_a legal chief records supervisor",
                                                404: "liu head_b other", 403: "auditor admin"}),
    ("GET", "/api/v1/cases/{A}/documents/{D}/pdf", {401: "anon", 200: "zhang head_a legal chief records supervisor",
                                                    404: "liu head_b other", 403: "auditor admin"}),
    ("POST", "/api/v1/cases/{A}/documents/{D}/signatures", {401: "anon", 200: "zhang", 404: "liu head_b other",
                                                            403: "head_a legal chief records supervisor auditor admin"},
     {"role": "handlers", "method": "electronic"}),
    ("POST", "/api/v1/cases/{A}/documents/{D}/services", {401: "anon", 422: "zhang head_a", 404: "liu head_b other",
                                                          403: "legal chief records supervisor auditor admin"},
     {"method": "direct", "recipient": "王某", "served_at": "2026-01-01T08:00:00+08:00"}),
    ("GET", "/api/v1/parties", {401: "anon", 200: SEE, 403: "auditor admin"}),
    ("GET", "/api/v1/complaints", {401: "anon", 200: SEE, 403: "auditor admin"}),
    ("POST", "/api/v1/complaints/{C}/decline", {401: "anon", 422: "zhang liu head_a head_b", 404: "other",
                                                403: "legal chief records supervisor auditor admin"}),
    ("POST", "/api/v1/complaints/{C}/decide", {401: "anon", 422: "chief", 404: "other",
                                               403: "zhang liu head_a head_b legal records supervisor auditor admin"},
     {"approve": True}),
    ("POST", "/api/v1/complaints/{C}/notice", {401: "anon", 422: "zhang liu head_a head_b", 404: "other",
                                               403: "legal chief records supervisor auditor admin"},
     {"notified_how": "phone", "notified_at": "2026-01-01T08:00:00+08:00"}),
    ("POST", "/complaints/{C}/", {302: "anon", 403: "zhang liu head_a head_b legal chief records supervisor auditor admin",
                                  404: "other"}, {"form": "decide", "decision": "approve"}),
    # 003 第六条: attaching a recording of no case is offered only with such a recording to attach (none here).
    ("POST", "/complaints/{C}/", {302: "anon", 403: "zhang liu head_a head_b legal chief records supervisor auditor admin",
                                  404: "other"}, {"form": "reception", "record": "1"}),
    # 音像记录: {M} is a photo of case A, {U} an unfinished upload of 张伟's to case A (10 bytes declared).
    ("GET", "/cases/{A}/media/", {302: "anon", 200: "zhang head_a legal chief records supervisor",
                                  404: "liu head_b other", 403: "auditor admin"}),
    ("GET", "/cases/{X}/media/", {302: "anon", 200: "other", 404: "zhang liu head_a head_b legal chief records supervisor",
                                  403: "auditor admin"}),
    ("GET", "/cases/{A}/media/upload/", {302: "anon", 200: "zhang head_a records", 404: "liu head_b other",
                                         403: "legal chief supervisor auditor admin"}),
    ("GET", "/cases/{A}/media/{M}/", {302: "anon", 200: "zhang head_a legal chief records supervisor",
                                      404: "liu head_b other", 403: "auditor admin"}),
    ("GET", "/cases/{B}/media/{M}/", {302: "anon", 404: "zhang liu head_a head_b legal chief records supervisor other",
                                      403: "auditor admin"}),
    ("GET", "/cases/{A}/media/{M}/original/", {302: "anon", 200: "zhang head_a legal chief records supervisor",
                                               404: "liu head_b other", 403: "auditor admin"}),
    ("GET", "/cases/{A}/media/{M}/original/?download=1", {302: "anon", 200: "zhang head_a legal chief records supervisor",
                                                          404: "liu head_b other", 403: "auditor admin"}),
    ("GET", "/cases/{A}/media/{M}/thumbnail/", {302: "anon", 200: "zhang head_a legal chief records supervisor",
                                                404: "liu head_b other", 403: "auditor admin"}),
    ("POST", "/media/uploads/", {401: "anon", 201: "zhang head_a records", 404: "liu head_b other",
                                 403: "legal chief supervisor auditor admin"},
     {"case": "{A}", "filename": "现场照片.jpg", "size": 1000}),
    ("GET", "/media/uploads/{U}/", {401: "anon", 200: "zhang", 404: "liu head_a head_b records other",
                                    403: "legal chief supervisor auditor admin"}),
    ("PUT", "/media/uploads/{U}/?offset=0", {401: "anon", 200: "zhang", 404: "liu head_a head_b records other",
                                             403: "legal chief supervisor auditor admin"}, b"0123456789"),
    ("POST", "/media/uploads/{U}/complete/", {401: "anon", 400: "zhang", 404: "liu head_a head_b records other",
                                              403: "legal chief supervisor auditor admin"}, {"source": "camera"}),
    ("GET", "/media/remote-work/new/", {302: "anon", 200: "zhang liu head_a head_b records other",
                                        403: "legal chief supervisor auditor admin"}),
    ("POST", "/media/remote-work/new/", {302: "anon", 400: "zhang liu head_a head_b records other",
                                         403: "legal chief supervisor auditor admin"}),
]
TABLE += [
    # {DV}: team A's body camera, assigned to 张伟
    ("GET", "/media/records/", {302: "anon", 200: SEE, 403: "auditor admin"}),
    ("GET", "/cases/{A}/media/evidence/", {302: "anon", 200: "zhang head_a records", 403: "legal chief supervisor auditor admin",
                                           404: "liu head_b other"}),
    ("GET", "/media/devices/", {302: "anon", 200: SEE, 403: "auditor admin"}),
    ("GET", "/media/devices/{DV}/", {302: "anon", 200: "zhang head_a legal chief records supervisor",
                                     404: "liu head_b other", 403: "auditor admin"}),
    ("POST", "/media/devices/{DV}/", {302: "anon head_a records", 404: "liu head_b other",
                                      403: "zhang legal chief supervisor auditor admin"},
     {"status": "repair", "unit": "{TEAM_A}", "assigned_to": "{ZHANG}"}),
    ("GET", "/api/v1/cases/{A}/media", {401: "anon", 200: "zhang head_a legal chief records supervisor",
                                        404: "liu head_b other", 403: "auditor admin"}),
    ("GET", "/api/v1/cases/{A}/media/{M}", {401: "anon", 200: "zhang head_a legal chief records supervisor",
                                            404: "liu head_b other", 403: "auditor admin"}),
    ("POST", "/api/v1/cases/{A}/media/uploads", {401: "anon", 201: "zhang head_a records", 404: "liu head_b other",
                                                 403: "legal chief supervisor auditor admin"},
     {"filename": "a.jpg", "size": 4}),
    ("GET", "/api/v1/media/uploads/{U}", {401: "anon", 200: "zhang",
                                          403: "liu head_a head_b legal chief records supervisor auditor admin other"}),
]
TABLE += [
    # the rules' findings (issue #6): a case's section, and the due list of everyone who sees cases
    ("GET", "/cases/{A}/rules/", {302: "anon", 200: "zhang head_a legal chief records supervisor",
                                  404: "liu head_b other", 403: "auditor admin"}),
    ("GET", "/cases/{X}/rules/", {302: "anon", 200: "other", 404: "zhang liu head_a head_b legal chief records supervisor",
                                  403: "auditor admin"}),
    ("GET", "/rules/due/", {302: "anon", 200: SEE, 403: "auditor admin"}),
    # reminders: each person's own (rules.reminders); marking read redirects back to the list
    ("GET", "/reminders/", {302: "anon", 200: SEE, 403: "auditor admin"}),
    ("POST", "/reminders/read/", {302: "anon " + SEE, 403: "auditor admin"}),
    ("GET", "/reminders/read/", {405: "anon " + SEE + " auditor admin"}),
]
TABLE += [
    # 期限记录 (clock suspensions, approved extensions, fine payments): officers record, the agency head extends
    ("GET", "/cases/{A}/clocks/", {302: "anon", 200: "zhang head_a legal chief records supervisor",
                                   404: "liu head_b other", 403: "auditor admin"}),
    ("POST", "/cases/{A}/clocks/", {302: "anon", 400: "zhang head_a", 404: "liu head_b other",
                                    403: "legal chief records supervisor auditor admin"}, {"form": "suspend"}),
    ("POST", "/cases/{A}/clocks/", {302: "anon", 400: "zhang head_a", 404: "liu head_b other",
                                    403: "legal chief records supervisor auditor admin"}, {"form": "payment"}),
    ("POST", "/cases/{A}/clocks/", {302: "anon", 400: "chief",
                                    403: "zhang liu head_a head_b legal records supervisor auditor admin other"},
     {"form": "extend"}),
    ("GET", "/api/v1/cases/{A}/clocks", {401: "anon", 200: "zhang head_a legal chief records supervisor",
                                         404: "liu head_b other", 403: "auditor admin"}),
    ("POST", "/api/v1/cases/{A}/clocks/suspensions", {401: "anon", 422: "zhang head_a", 404: "liu head_b other",
                                                      403: "legal chief records supervisor auditor admin"},
     {"clocks": ["penalty-decision-90-days"], "reason": "检测", "started_at": "2026-01-01T08:00:00+08:00"}),
    ("POST", "/api/v1/cases/{A}/clocks/extensions", {401: "anon", 422: "chief", 404: "liu head_b other",
                                                     403: "zhang head_a legal records supervisor auditor admin"},
     {"clocks": ["penalty-decision-90-days"], "amount": 10, "reason": "复杂"}),
    ("POST", "/api/v1/cases/{A}/fine-payments", {401: "anon", 422: "zhang head_a", 404: "liu head_b other",
                                                 403: "legal chief records supervisor auditor admin"},
     {"amount": "0", "paid_at": "2026-01-01T08:00:00+08:00", "channel": "bank", "reference": "X1"}),
]
TABLE += [
    # the AV record page's retention forms (media.retention): case A's handler 张伟 and the records custodian;
    # the reception form only on a case started from a complaint (case A is not)
    ("POST", "/cases/{A}/media/{M}/", {302: "anon", 400: "zhang records", 404: "liu head_b other",
                                       403: "head_a legal chief supervisor auditor admin"},
     {"form": "retention", "retention": "permanent"}),
    ("POST", "/cases/{A}/media/{M}/", {302: "anon", 400: "zhang records", 404: "liu head_b other",
                                       403: "head_a legal chief supervisor auditor admin"},
     {"form": "circumstance", "circumstance": "incident", "on": "record"}),
    ("POST", "/cases/{A}/media/{M}/", {302: "anon", 404: "liu head_b other",
                                       403: "zhang head_a legal chief records supervisor auditor admin"},
     {"form": "reception"}),
]
TABLE += [
    # 查阅、复制申请: {Q} asks to read and copy records of case A. Whoever sees the case registers and replies;
    # only the agency head consents to the copy and extends the reply.
    ("GET", "/access-requests/", {302: "anon", 200: SEE, 403: "auditor admin"}),
    ("GET", "/access-requests/new/", {302: "anon", 200: SEE, 403: "auditor admin"}),
    ("POST", "/access-requests/new/", {302: "anon", 400: SEE, 403: "auditor admin"}),
    ("GET", "/access-requests/{Q}/", {302: "anon", 200: "zhang head_a legal chief records supervisor",
                                      404: "liu head_b other", 403: "auditor admin"}),
    ("POST", "/access-requests/{Q}/", {302: "anon", 400: "zhang head_a legal chief records supervisor",
                                       404: "liu head_b other", 403: "auditor admin"}, {"form": "reply"}),
    ("POST", "/access-requests/{Q}/", {302: "anon", 400: "chief", 404: "liu head_b other",
                                       403: "zhang head_a legal records supervisor auditor admin"}, {"form": "extend"}),
    ("POST", "/access-requests/{Q}/", {302: "anon chief", 404: "liu head_b other",
                                       403: "zhang head_a legal records supervisor auditor admin"}, {"form": "consent"}),
]
TABLE += [
    # rows added when the table was made to cover every route (test_every_page_and_api_operation_has_a_row_in_the_table).
    # {DR} is a draft of case A with nothing filled in; {SU} a running clock suspension of {L}, team A's licence case.
    ("GET", "/login/", {200: "anon", 302: SEE + " auditor admin"}),
    ("POST", "/logout/", {302: "anon " + SEE + " auditor admin"}),
    ("GET", "/api/v1/", {404: "anon " + SEE + " auditor admin"}),
    # any other path under /api/ answers a JSON 404 to everyone, signed in or not (api/errors.py)
    ("GET", "/api/v2/cases", {404: "anon " + SEE + " auditor admin"}),
    ("GET", "/cases/{A}/steps/form/", {302: "anon", 200: "zhang head_a", 404: "liu head_b other",
                                        403: "legal chief records supervisor auditor admin"}),
    ("POST", "/cases/{A}/documents/{D}/refuse/", {302: "anon zhang head_a", 404: "liu head_b other",
                                                  403: "legal chief records supervisor auditor admin"},
     {"name": "王某", "reason": "", "witnesses": ""}),
    ("POST", "/cases/{A}/documents/{DR}/correct/", {302: "anon zhang head_a", 404: "liu head_b other",
                                                    403: "legal chief records supervisor auditor admin"}),
    ("POST", "/api/v1/cases", {401: "anon", 422: OPEN, 403: "legal chief records supervisor auditor admin"},
     {"procedure": "penalty_general", "source": "ex_officio", "title": "", "summary": "", "handlers": [],
      "parties": []}),
    ("POST", "/api/v1/parties", {401: "anon", 422: OPEN, 403: "legal chief records supervisor auditor admin"},
     {"kind": "person", "name": "", "id_number": "1"}),
    ("POST", "/api/v1/complaints", {401: "anon", 422: OPEN, 403: "legal chief records supervisor auditor admin"},
     {"received_at": "2026-01-01T08:00:00+08:00", "channel": "phone", "content": ""}),
    ("POST", "/api/v1/cases/{A}/documents", {401: "anon", 422: "zhang head_a", 404: "liu head_b other",
                                             403: "legal chief records supervisor auditor admin"},
     {"kind": "no-such-kind"}),
    ("PUT", "/api/v1/cases/{A}/documents/{D}/draft", {401: "anon", 422: "zhang head_a", 404: "liu head_b other",
                                                      403: "legal chief records supervisor auditor admin"},
     {"values": {}}),
    ("POST", "/api/v1/cases/{A}/documents/{DR}/finalise", {401: "anon", 422: "zhang head_a", 404: "liu head_b other",
                                                           403: "legal chief records supervisor auditor admin"},
     {"reason": ""}),
    ("POST", "/api/v1/cases/{A}/documents/{DR}/correction", {401: "anon", 422: "zhang head_a",
                                                             404: "liu head_b other",
                                                             403: "legal chief records supervisor auditor admin"}),
    ("POST", "/api/v1/cases/{A}/documents/{D}/refusals", {401: "anon", 422: "zhang head_a", 404: "liu head_b other",
                                                          403: "legal chief records supervisor auditor admin"},
     {"name": "王某", "reason": ""}),
    ("POST", "/api/v1/cases/{L}/clocks/suspensions/{SU}/end", {401: "anon", 422: "zhang head_a",
                                                               404: "liu head_b other",
                                                               403: "legal chief records supervisor auditor admin"},
     {"ended_at": "2000-01-01T08:00:00+08:00"}),
    ("PUT", "/api/v1/media/uploads/{U}?offset=5", {401: "anon", 422: "zhang",
                                                   403: "liu head_a head_b legal chief records supervisor auditor admin other"},
     b"0123456789"),
    ("POST", "/api/v1/media/uploads/{U}/complete", {401: "anon", 422: "zhang",
                                                    403: "liu head_a head_b legal chief records supervisor auditor admin other"},
     {"source": "camera"}),
]
JSON_PATHS = ("/api/", "/media/uploads/")  # bodies sent as JSON; the others as a form


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LAWTRAIL_MEDIA_STORE = "filesystem"
    org = Org.build()
    other = Org.build(code="sifa", abbr="金普司法", profile="004")
    case_a = org.case()
    case_b = org.case(by=org.liu, handlers=[org.liu, org.zhang])
    case_x = other.case()
    complaint = actions.register_complaint(by=org.zhang, received_at=timezone.now(), channel="phone",
                                           content="反映问题", reporter_name="刘先生")
    other_complaint = actions.register_complaint(by=other.zhang, received_at=timezone.now(), channel="phone",
                                                 content="反映问题", anonymous=True)
    people = {"zhang": org.zhang, "liu": org.liu, "head_a": org.head_a, "head_b": org.head_b, "legal": org.legal,
              "chief": org.chief, "records": org.records, "supervisor": org.supervisor, "auditor": org.auditor,
              "admin": org.admin, "other": other.zhang, "sys_auditor": org.sys_auditor}
    kind = catalogue.get("interview_record")
    doc = records.create_draft(by=org.zhang, case=case_a, kind=kind.code, values=sample_values(kind))
    records.finalise(by=org.zhang, document=doc)
    kind = catalogue.get("penalty_decision")
    decision = records.create_draft(by=org.zhang, case=case_a, kind=kind.code, values=sample_values(kind))
    service = records.record_service(by=org.zhang, version=records.finalise(by=org.zhang, document=decision),
                                     method="direct", recipient="王某", served_at=timezone.now())
    photo = write_jpeg(tmp_path / "photo.jpg").read_bytes()
    u = media.start_upload(by=org.zhang, case=case_a, filename="photo.jpg", size=len(photo))
    media.append_chunk(by=org.zhang, upload_id=u.pk, offset=0, read=io.BytesIO(photo).read, length=len(photo))
    av = media.complete_upload(by=org.zhang, upload_id=u.pk, facts={"source": "camera"})
    pending = media.start_upload(by=org.zhang, case=case_a, filename="clip.mp4", size=10)
    camera = media.register_device(by=org.records, serial="DSJ-A-01", unit=org.team_a, assigned_to=org.zhang)
    blank_draft = records.create_draft(by=org.zhang, case=case_a, kind="interview_record")
    licence = org.case(procedure="licence")
    suspension = actions.suspend_clock(by=org.zhang, case=licence, clocks=["licence-decision-20-days"], reason="检测",
                                       started_at=timezone.now())
    access_request = register_access_request(by=org.zhang, case=case_a, requester_name="王某", requester_is_party=True,
                                             mode="read_copy", scope="询问笔录", channel="in_person",
                                             received_at=timezone.now())
    ids = {"A": case_a.pk, "B": case_b.pk, "X": case_x.pk, "C": complaint.pk, "XC": other_complaint.pk,
           "R": case_a.steps.get().pk, "D": doc.pk, "S": decision.pk, "SV": service.pk, "M": av.pk, "U": pending.pk,
           "DV": camera.pk, "TEAM_A": org.team_a.pk, "ZHANG": org.zhang.pk, "Q": access_request.pk,
           "DR": blank_draft.pk, "L": licence.pk, "SU": suspension.pk, "XB": other.bureau.pk}
    return people, ids


def _auditors_apart(expected: dict) -> dict:
    """A row that does not name the installation's auditor (系统审计员) gives him what it gives the
    bureau's auditor: neither works with cases or accounts. The rows that tell them apart name both."""
    if any("sys_auditor" in who.split() for who in expected.values()):
        return expected
    return {status: who + " sys_auditor" if "auditor" in who.split() else who for status, who in expected.items()}


ROWS = [(row[0], row[1], _auditors_apart(row[2]), (row + (None,))[3]) for row in TABLE]  # method, path, expected, body


def test_the_table_names_every_persona_once_per_row():
    for method, path, expected, _ in ROWS:
        named = [p for who in expected.values() for p in who.split()]
        assert sorted(named) == sorted(PERSONAS), (method, path)


@pytest.mark.parametrize("method,path,expected,body", ROWS, ids=[f"{r[0]} {r[1]}" for r in ROWS])
def test_each_role_gets_exactly_the_access_the_table_gives(world, method, path, expected, body):
    people, ids = world
    url = path.format(**ids)
    got = {}
    for status, who in expected.items():
        for persona in who.split():
            client = Client()
            if persona != "anon":
                client.force_login(people[persona].user)
            if method == "GET":
                r = client.get(url)
            elif method == "PUT" and isinstance(body, bytes):
                r = client.put(url, body, content_type="application/octet-stream")
            elif method == "PUT":
                r = client.put(url, body, content_type="application/json")
            elif url.startswith(JSON_PATHS):
                sent = {k: int(v.format(**ids)) if v in ("{A}", "{B}", "{X}") else v for k, v in (body or {}).items()}
                r = client.post(url, sent or {"reason": ""}, content_type="application/json")
            else:
                r = client.post(url, {k: v.format(**ids) for k, v in (body or {}).items()})
            got[persona] = r.status_code
    want = {p: status for status, who in expected.items() for p in who.split()}
    assert got == want


# ---- the table covers every door ------------------------------------------------------------------

ADMIN = "admin/"  # Django's admin screens are one group: the table's /admin/ rows stand for all of them
EXAMPLE_IDS = {"A": 1, "B": 2, "X": 3, "C": 4, "XC": 5, "R": 6, "D": 7, "S": 8, "SV": 9, "M": 10,
               "U": "6f1c6d3e-8a4b-4c1e-9f7a-2b5d8c9e0a1f", "DV": 11, "TEAM_A": 12, "ZHANG": 13, "Q": 14,
               "DR": 15, "L": 16, "SU": 17, "XB": 18}


def _routes(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _routes(p.url_patterns, prefix + str(p.pattern))
        else:
            yield prefix + str(p.pattern)


def _api_operations() -> set[tuple[str, str]]:
    """(method, route) of every ninja operation, its route spelled as Django's resolver spells it."""
    root = reverse(f"{api.urls_namespace}:api-root")[1:]
    out = set()
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            route = root + re.sub(r"\{(\w+)\}", r"<\1>", (prefix + path).lstrip("/"))
            out |= {(m, route) for op in view.operations for m in op.methods}
    return out


def _doors() -> set:
    """Every page route (the admin as one group) and every API operation with its method."""
    pages = {ADMIN if r.startswith(ADMIN) else r for r in _routes(get_resolver().url_patterns)}
    ninja = _api_operations()
    return {r for r in pages if r not in {route for _, route in ninja}} | ninja


def _door_of(method: str, path: str):
    route = resolve(urlsplit(path.format(**EXAMPLE_IDS)).path).route
    if route.startswith(ADMIN):
        return ADMIN
    return (method, route) if (method, route) in _api_operations() else route


def test_every_api_operation_is_a_route_the_resolver_knows():
    routes = set(_routes(get_resolver().url_patterns))
    assert {route for _, route in _api_operations()} <= routes


def test_every_page_and_api_operation_has_a_row_in_the_table():
    covered = {_door_of(method, path) for method, path, _, _ in ROWS}
    missing = sorted(map(str, _doors() - covered))
    assert not missing, "add a row to TABLE for each of:\n" + "\n".join(missing)
