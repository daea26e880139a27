from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from lawtrail.access import policy, roles
from lawtrail.cases import actions
from lawtrail.ledger.models import Entry
from lawtrail.media.models import ReceptionRecording

from ..forms import ComplaintForm, DecideForm, DeclineForm, NoticeForm, show_errors
from .common import posted_forms, staff_view


@staff_view(roles.SEES_BUREAU_CASES | roles.SEES_UNIT_CASES)
def complaint_list(request):
    qs = policy.visible_complaints(request.user).select_related("registered_by").order_by("-received_at", "-id")
    status = request.GET.get("status", "")
    if status:
        qs = qs.filter(status=status)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
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


@staff_view(roles.SEES_BUREAU_CASES | roles.SEES_UNIT_CASES)
def complaint_detail(request, complaint_id: int):
    c = get_object_or_404(policy.visible_complaints(request.user)
                          .select_related("registered_by", "proposed_by", "decided_by"), pk=complaint_id)
    forms = {name: cls() for name, (cls, offered, _) in FORMS.items() if offered(c, request.staff)}
    if posted_forms(request, c, FORMS, forms, "该投诉举报当前不能进行此项处理"):
        return redirect("complaint", complaint_id=c.pk)
    entries = Entry.objects.filter(subject=f"complaint:{c.pk}").order_by("seq")
    failed = any(f.errors for f in forms.values())
    return render(request, "web/complaints/detail.html", {
        "complaint": c, "forms": forms, "entries": entries, "cases": list(c.cases.all()),
        "receptions": list(ReceptionRecording.objects.filter(complaint=c).select_related("av")),  # 003 第六条
        "can_start": c.status == "registered" and request.staff.role in roles.OPENS_CASES},
        status=400 if failed else 200)
