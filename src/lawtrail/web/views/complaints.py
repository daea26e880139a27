from functools import partial

from django import forms as django_forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from lawtrail.access import policy, roles
from lawtrail.cases import actions
from lawtrail.ledger.models import Entry
from lawtrail.media import retention
from lawtrail.media.models import AvRecord, ReceptionRecording
from lawtrail.rules.complaints import broken_by_complaint, complaint_findings

from ..forms import ComplaintForm, DecideForm, DeclineForm, NoticeForm, TextPolicy, show_errors
from .common import posted_forms, staff_view
from .rules import finding_row, ordered


@staff_view(roles.SEES_BUREAU_CASES | roles.SEES_UNIT_CASES)
def complaint_list(request):
    qs = policy.visible_complaints(request.user).select_related("registered_by").order_by("-received_at", "-id")
    status = request.GET.get("status", "")
    if status:
        qs = qs.filter(status=status)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    broken = broken_by_complaint(list(page), request.staff.bureau.profile)  # 003 第六条 on declined visits
    for c in page:
        c.broken_rules = broken.get(c.pk, ())
    return render(request, "web/complaints/list.html", {"page": page, "status": status})


@staff_view(roles.OPENS_CASES)
def complaint_new(request):
    form = ComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            c = actions.register_complaint(by=request.staff, **form.cleaned_data)
        except ValidationError as e:
            show_errors(form, e)
        else:
            return redirect("complaint", complaint_id=c.pk)
    return render(request, "web/complaints/new.html", {"form": form}, status=400 if form.errors else 200)


# Which form the complaint page offers, by the complaint's state and the person's role.
FORMS = {
    "decline": (DeclineForm, lambda c, s: c.status == "registered" and s.role in roles.OPENS_CASES,
                lambda s, c, d: actions.propose_decline(by=s, complaint=c, reason=d["reason"])),
    "decide": (DecideForm, lambda c, s: c.status == "decline_proposed" and s.role == "agency_head",
               lambda s, c, d: actions.decide_decline(by=s, complaint=c, approve=d["decision"] == "approve",
                                                      opinion=d["opinion"])),
    "notice": (NoticeForm, lambda c, s: c.awaits_notice and s.role in roles.OPENS_CASES,
               lambda s, c, d: actions.record_notice(by=s, complaint=c, **d)),
}


class ReceptionLinkForm(TextPolicy, django_forms.Form):
    record = django_forms.TypedChoiceField(label="接待录音录像（未归入案件，拍摄时间在收到前后12小时内）", coerce=int)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["record"].choices = [
            (av.pk, f"{av.filename}（{av.get_kind_display()}，{timezone.localtime(av.capture_start):%Y-%m-%d %H:%M}）")
            for av in candidates]


def _attach(s, c, d):
    retention.attach_to_complaint(by=s, record_=AvRecord.objects.get(pk=d["record"]), complaint=c)


@staff_view(roles.SEES_BUREAU_CASES | roles.SEES_UNIT_CASES)
def complaint_detail(request, complaint_id: int):
    c = get_object_or_404(policy.visible_complaints(request.user)
                          .select_related("bureau", "registered_by", "proposed_by", "decided_by"), pk=complaint_id)
    # 003 第六条: a recording of the reception that belongs to no case is attached here (one of a case,
    # from the case's AV page); the records the person may attach are the form's only choices.
    candidates = retention.reception_candidates(request.staff, c)
    table = {**FORMS, "reception": (partial(ReceptionLinkForm, candidates=candidates), lambda c, s: bool(candidates),
                                    _attach)}
    forms = {name: cls() for name, (cls, offered, _) in table.items() if offered(c, request.staff)}
    if posted_forms(request, c, table, forms, "该投诉举报当前不能进行此项处理"):
        return redirect("complaint", complaint_id=c.pk)
    entries = Entry.objects.filter(subject=f"complaint:{c.pk}").order_by("seq")
    failed = any(f.errors for f in forms.values())
    receptions = list(ReceptionRecording.objects.filter(complaint=c).select_related("av"))
    names = {f"complaint:{c.pk}": (f"投诉举报 #{c.pk}", None)} | {
        f"av:{r.av_id}": (r.av.filename, reverse("media_record", args=[r.av.case_id, r.av_id]) if r.av.case_id else None)
        for r in receptions}
    return render(request, "web/complaints/detail.html", {
        "complaint": c, "forms": forms, "entries": entries, "cases": list(c.cases.all()),
        "receptions": receptions,
        "findings": ordered([finding_row(f, [names.get(ref, (ref, None)) for ref in f.records])
                             for f in complaint_findings(c, receptions, c.bureau.profile)
                             if f.status != "not_applicable"]),
        "can_start": c.status == "registered" and request.staff.role in roles.OPENS_CASES},
        status=400 if failed else 200)
