from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from lawtrail.access import policy, roles
from lawtrail.cases import actions
from lawtrail.ledger.models import Entry

from ..forms import ComplaintForm, DeclineForm, show_errors
from .common import staff_view


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


@staff_view(roles.SEES_BUREAU_CASES | roles.SEES_UNIT_CASES)
def complaint_detail(request, complaint_id: int):
    c = get_object_or_404(policy.visible_complaints(request.user).select_related("registered_by", "decided_by"),
                          pk=complaint_id)
    form = None
    if request.staff.role in roles.OPENS_CASES and c.status == "registered":
        form = DeclineForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                actions.decline_complaint(by=request.staff, complaint=c, **form.cleaned_data)
            except ValidationError as e:
                show_errors(form, e)
            else:
                return redirect("complaint", complaint_id=c.pk)
    entries = Entry.objects.filter(subject=f"complaint:{c.pk}").order_by("seq")
    return render(request, "web/complaints/detail.html", {
        "complaint": c, "form": form, "entries": entries, "cases": list(c.cases.all())},
        status=400 if form is not None and form.errors else 200)
