from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone

from lawtrail.access import policy, roles
from lawtrail.cases.models import StepRecord
from lawtrail.cases.procedures import ACT_TYPES, STAGES


@login_required
def home(request):
    """我的工作: what waits for this person."""
    s = policy.staff_of(request.user)
    ctx = {"staff": s}
    if s is None:
        return render(request, "web/home.html", ctx)
    if s.role in roles.MANAGES_ACCOUNTS:
        from lawtrail.rules.checks import message, missing_calendar_years

        years = missing_calendar_years()
        ctx["calendar_missing"] = message(years) if years else None
    cases = policy.visible_cases(request.user)
    if s.role in roles.SEES_BUREAU_CASES | roles.SEES_UNIT_CASES:
        mine = cases.filter(status="open")
        if s.role == "officer":
            mine = mine.filter(handlers=s)
        ctx["my_cases"] = list(mine.select_related("unit").prefetch_related("parties").order_by("-created_at")[:20])
    if s.role in roles.APPROVES:
        pending = StepRecord.objects.filter(approval="pending", case__in=cases).select_related("case", "recorded_by")
        ctx["to_approve"] = [r for r in pending.order_by("recorded_at")[:50] if r.step_def.approver == s.role]
    if s.role in roles.SEES_BUREAU_CASES | {"unit_head"}:
        counts = {(r["act_type"], r["stage"]): r["n"] for r in
                  cases.filter(status="open").values("act_type", "stage").annotate(n=Count("id"))}
        ctx["chart"] = {"stages": list(STAGES.values()),
                        "series": [{"name": label, "data": [counts.get((act, st), 0) for st in STAGES]}
                                   for act, label in ACT_TYPES.items()]}
    complaints = policy.visible_complaints(request.user)
    if s.role == "agency_head":
        ctx["declines_to_decide"] = list(complaints.filter(status="decline_proposed")[:20])
    if s.role in roles.OPENS_CASES:
        ctx["open_complaints"] = list(complaints.filter(status="registered")[:20])
        ctx["reporters_to_tell"] = list(complaints.filter(status="declined", anonymous=False, notified_at__isnull=True)[:20])
        left = (s.certificate_valid_until - timezone.localdate()).days if s.certificate_valid_until else None
        ctx["certificate_days_left"] = left
    return render(request, "web/home.html", ctx)


@login_required
def ping(request):
    """The cheapest authenticated page: the baseline the page benchmarks compare with."""
    return HttpResponse("ok", content_type="text/plain")
