"""The forms of an AV record's page that say how long it is kept and what it records: its retention
class, a circumstance that makes it be kept permanently or long-term (on the record or on the whole
case), and its attachment as the reception recording of the complaint the case was started from.
Only the forms the person may use are offered (media.retention decides); media.record_detail
shows them and hands a POST here."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from lawtrail.access import policy
from lawtrail.media import actions, retention
from lawtrail.media.models import CIRCUMSTANCES, AvRecord, ReceptionRecording, RetentionCircumstance

from ..forms import TextPolicy, show_errors


class RetentionForm(TextPolicy, forms.Form):
    retention = forms.ChoiceField(label="保存期限", choices=AvRecord.RETENTION.items())
    retention_reason = forms.CharField(label="变更理由", max_length=200)


class CircumstanceForm(TextPolicy, forms.Form):
    circumstance = forms.ChoiceField(label="情形", choices=CIRCUMSTANCES.items())
    on = forms.ChoiceField(label="记录于", choices=(("record", "本音像记录"), ("case", "本案（本案全部音像记录）")))
    note = forms.CharField(label="具体情况（时间、人员、经过）", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ReceptionForm(TextPolicy, forms.Form):
    """No fields: the complaint is the one the case was started from."""


# name → (form, the action: (staff, case, AV record, cleaned data) → …)
FORMS = {
    "retention": (RetentionForm, lambda s, c, av, d: retention.set_retention(
        by=s, record_=av, retention=d["retention"], reason=d["retention_reason"])),
    "circumstance": (CircumstanceForm, lambda s, c, av, d: retention.note_circumstance(
        by=s, circumstance=d["circumstance"], note=d["note"], **({"case": c} if d["on"] == "case" else {"record_": av}))),
    "reception": (ReceptionForm, lambda s, c, av, d: retention.attach_to_complaint(
        by=s, record_=av, complaint=c.complaint)),
}
DONE = {"retention": "已变更保存期限。", "circumstance": "已记录该情形。", "reception": "已关联为投诉举报的接待录音录像。"}


def _allowed(check) -> bool:
    try:
        check()
    except policy.Denied:
        return False
    return True


def offered(staff, case, av) -> dict:
    """{name: unbound form} of the forms ``staff`` may use on ``av``'s page."""
    out = {}
    if _allowed(lambda: retention.may_keep(staff, case, av)):
        out |= {"retention": RetentionForm(), "circumstance": CircumstanceForm()}
    if case.complaint_id and av.kind in retention.RECEPTION_KINDS and _allowed(lambda: actions.may_upload(staff, case)):
        out["reception"] = ReceptionForm()
    return out


def post(request, case, av, forms_: dict) -> str | None:
    """Run the form named by the POST; the message to show when done, or None (errors are on the
    form, now in ``forms_``). A form not offered is refused."""
    name = request.POST.get("form", "")
    if name not in forms_:
        raise policy.Denied("无权对该音像记录进行此项处理")
    cls, act = FORMS[name]
    forms_[name] = form = cls(request.POST)
    if not form.is_valid():
        return None
    try:
        act(request.staff, case, av, form.cleaned_data)
    except ValidationError as e:
        show_errors(form, e)
        return None
    return DONE[name]


def context(case, av) -> dict:
    """What the page shows: the circumstances noted on the record or its case, its reception links."""
    return {
        "circumstances": list(RetentionCircumstance.objects.filter(Q(av=av) | Q(case=case)).select_related("noted_by")),
        "receptions": list(ReceptionRecording.objects.filter(av=av).select_related("complaint", "linked_by")),
    }
