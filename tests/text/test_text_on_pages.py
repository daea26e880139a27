"""The one text policy on the pages: what a browser sends from a textarea (CR LF) is kept with LF
line breaks, and characters that are invisible or make a name display as another are refused
with a Chinese message that names the field — before anything is written."""

import pytest

from lawtrail.cases.models import Case, Party
from lawtrail.ledger import verify
from lawtrail.records.models import Document, Version
from tests.factories import credit_code
from tests.web.test_case_pages import case_form, field_errors
from tests.web.test_document_pages import filled, new_document
from tests.web.test_media_pages import start

pytestmark = pytest.mark.django_db

CRLF_ANSWERS = "问：你叫什么名字？\r\n答：王某。\r\n问：当天谁在现场？\r\n答：我和 𠮷 老板。"


@pytest.fixture
def zhang(org):
    return org.client_for(org.zhang)


@pytest.mark.parametrize("bad", ["\x00", "\x1b", "\u202e"], ids=["NUL", "ESC", "RLO"])
def test_a_party_name_with_nul_esc_or_a_direction_override_is_refused_on_the_page_naming_the_field(org, zhang, bad):
    r = zhang.post("/cases/new/", case_form(org, party_name=f"大连星海{bad}传媒有限公司"))
    assert r.status_code == 400
    message = field_errors(r, "party_name")
    assert "当事人姓名/名称" in message and ("控制字符" in message or "隐藏字符" in message)
    assert not Party.objects.exists() and not Case.objects.exists()


def test_a_case_summary_typed_with_crlf_is_stored_and_ledgered_with_lf(org, zhang):
    r = zhang.post("/cases/new/", case_form(org, summary="第一行\r\n第二行\r第三行"))
    assert r.status_code == 302
    assert Case.objects.get().summary == "第一行\n第二行\n第三行"
    assert verify.run().ok


def test_a_zero_width_space_is_refused_in_a_case_title_but_a_tab_is_kept_in_its_summary(org, zhang):
    r = zhang.post("/cases/new/", case_form(org, title="未经许可\u200b演出"))
    assert r.status_code == 400 and "案由" in field_errors(r, "title")
    r = zhang.post("/cases/new/", case_form(org, summary="金额\t5000 元", party_credit_code=credit_code()))
    assert r.status_code == 302 and Case.objects.get().summary == "金额\t5000 元"


def test_an_interview_record_typed_with_crlf_saves_as_draft_and_finalises_with_lf(org, zhang):
    case = org.case()
    doc = new_document(zhang, case)
    r = zhang.post(f"/cases/{case.pk}/documents/{doc.pk}/", {"content": CRLF_ANSWERS})
    assert r.status_code == 302, r.content.decode()
    expected = CRLF_ANSWERS.replace("\r\n", "\n")
    assert Document.objects.get(pk=doc.pk).draft_values["content"] == expected
    r = zhang.post(f"/cases/{case.pk}/documents/{doc.pk}/", filled(org, case, content=CRLF_ANSWERS) | {"finalise": "1"})
    assert r.status_code == 302, r.content.decode()
    assert Version.objects.get(document=doc).values["content"] == expected
    assert verify.run().ok


def test_a_file_name_with_a_direction_override_is_refused_on_upload(org, zhang):
    r = start(zhang, org.case(), "现场\u202e4pm.exe", 10)
    assert r.status_code == 400
    message = r.json()["fields"]["filename"]
    assert "文件名" in message and "隐藏字符" in message


def test_every_form_of_the_pages_applies_the_text_policy():
    """A new page form that forgets ``TextPolicy`` fails here. Two are exempt: the login form (a
    username is compared, not stored) and the document form, whose values pass records/values.py —
    the same policy the API's documents get."""
    import importlib
    import pkgutil

    from django import forms as django_forms

    from lawtrail.web import document_forms, forms, views
    from lawtrail.web.forms import TextPolicy

    modules = [forms, document_forms] + [importlib.import_module(f"lawtrail.web.views.{m.name}")
                                         for m in pkgutil.iter_modules(views.__path__)]
    page_forms = {c for m in modules for c in vars(m).values()
                  if isinstance(c, type) and issubclass(c, django_forms.Form) and c.__module__ == m.__name__}
    assert len(page_forms) > 20
    assert {c.__name__ for c in page_forms if not issubclass(c, TextPolicy)} == {"LoginForm", "DocumentForm"}
