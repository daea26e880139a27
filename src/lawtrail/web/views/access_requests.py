"""查阅、复制申请 (requests to read or copy a case's records): the bureau's list as the user may see
it, the register form, and one page per request with the forms of what comes next (consultation,
the agency head's consent and extension, the notice of the extension, the reply). Every change goes
through access.requests (imported as ``actions``), which checks again who acts and what the law allows."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from lawtrail.access import policy, roles
from lawtrail.access import requests as actions
from lawtrail.access.models import AccessRequest, Staff
from lawtrail.digits import is_digits
from lawtrail.ledger.models import Entry
from lawtrail.rules.calendar import Calendar
from lawtrail.rules.kinds.access_reply import consent_rule, reply_rule

from ..forms import DT, TextPolicy, show_errors
from .common import posted_forms, staff_view

HANDLES = roles.HANDLES_ACCESS_REQUESTS
STATES = {"met": "按期答复", "broken": "超期答复", "pending": "待答复", "overdue": "逾期未答复"}


class RegisterForm(TextPolicy, forms.Form):
    case_number = forms.CharField(label="案号（申请查阅、复制其记录的案件）", max_length=60)
    requester_name = forms.CharField(label="申请人姓名或名称", max_length=100)
    requester_is_party = forms.BooleanField(label="申请人是本案当事人", required=False)
    contact = forms.CharField(label="联系方式", required=False, max_length=100)
    mode = forms.ChoiceField(label="申请事项", choices=AccessRequest.MODES.items())
    scope = forms.CharField(label="申请查阅、复制的记录（文书、音像记录等）", max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    channel = forms.ChoiceField(label="申请方式", choices=AccessRequest.CHANNELS.items())
    received_at = forms.DateTimeField(label="收到申请时间（答复期限自此起算）", widget=forms.DateTimeInput(DT))


class ConsentForm(TextPolicy, forms.Form):
    pass  # the consent is the head's act itself; its time is the server's


class ExtendForm(TextPolicy, forms.Form):
    reason = forms.CharField(label="延长答复期限的理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    told_at = forms.DateTimeField(label="告知申请人的时间（已告知的填写；未告知的，告知后另行记录）", required=False,
                                  widget=forms.DateTimeInput(DT))


class ToldForm(TextPolicy, forms.Form):
    told_at = forms.DateTimeField(label="告知申请人延长的时间", widget=forms.DateTimeInput(DT))


class ConsultForm(TextPolicy, forms.Form):
    consulted = forms.CharField(label="征求意见的第三方或机关", max_length=200)
    started_at = forms.DateTimeField(label="征求意见开始", widget=forms.DateTimeInput(DT))


class ConsultEndForm(TextPolicy, forms.Form):
    ended_at = forms.DateTimeField(label="征求意见结束（收到意见或答复期满）", widget=forms.DateTimeInput(DT))


class ReplyForm(TextPolicy, forms.Form):
    replied_at = forms.DateTimeField(label="答复时间", widget=forms.DateTimeInput(DT))
    outcome = forms.ChoiceField(label="答复结果", choices=AccessRequest.OUTCOMES.items(), widget=forms.RadioSelect)
    withheld_ground = forms.ChoiceField(label="部分同意或不予提供的依据", required=False,
                                        choices=[("", "（全部同意的不填）"), *AccessRequest.GROUNDS.items()])
    withheld_reason = forms.CharField(label="部分同意或不予提供的理由", required=False, max_length=2000,
                                      widget=forms.Textarea(attrs={"rows": 2}))
    method = forms.ChoiceField(label="答复方式", choices=AccessRequest.REPLY_METHODS.items())


def _open(r) -> bool:
    return r.replied_at is None


# form name: (form class, offered to (request, staff), the action with the form's data)
FORMS = {
    "consent": (ConsentForm, lambda r, s: _open(r) and s.role == "agency_head" and r.wants_copy
                and r.copy_consent_at is None,
                lambda s, r, d: actions.approve_copy(by=s, request=r)),
    "extend": (ExtendForm, lambda r, s: _open(r) and s.role == "agency_head" and r.extended_at is None,
               lambda s, r, d: actions.extend_reply(by=s, request=r, **d)),
    "told": (ToldForm, lambda r, s: _open(r) and r.extended_at is not None and r.extension_told_at is None,
             lambda s, r, d: actions.record_extension_told(by=s, request=r, **d)),
    "consult": (ConsultForm, lambda r, s: _open(r) and r.consultation_started_at is None,
                lambda s, r, d: actions.start_consultation(by=s, request=r, **d)),
    "consult_end": (ConsultEndForm, lambda r, s: _open(r) and r.consultation_open,
                    lambda s, r, d: actions.end_consultation(by=s, request=r, **d)),
    "reply": (ReplyForm, lambda r, s: _open(r),
              lambda s, r, d: actions.reply(by=s, request=r, **d)),
}


def _clock(rule, r, calendar, now):
    """(state label, due, message) of the reply clock of one request, or None without the rule."""
    if rule is None:
        return None
    state = rule.kind.state(r, calendar, now)
    return {"status": state.status, "label": STATES[state.status], "due": state.due, "message": state.message}


@staff_view(HANDLES)
def access_request_list(request):
    qs = policy.visible_access_requests(request.user).select_related("case").order_by("-received_at", "-id")
    status = request.GET.get("status", "")
    if status == "open":
        qs = qs.filter(replied_at__isnull=True)
    elif status == "replied":
        qs = qs.filter(replied_at__isnull=False)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    rule, calendar, now = reply_rule(request.staff.bureau.profile), Calendar.from_db(), timezone.now()
    rows = [(r, _clock(rule, r, calendar, now)) for r in page]
    return render(request, "web/access_requests/list.html", {"page": page, "rows": rows, "status": status})


@staff_view(HANDLES)
def access_request_new(request):
    initial = {}
    if request.method == "GET" and is_digits(request.GET.get("case", "")):
        case = policy.visible_cases(request.user).filter(pk=int(request.GET["case"])).first()
        if case is not None:
            initial["case_number"] = case.number
    form = RegisterForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        number = d.pop("case_number").strip()
        case = policy.visible_cases(request.user).filter(number=number).first()
        if case is None:
            form.add_error("case_number", f"没有找到您可查看的案号为“{number}”的案件")
        else:
            try:
                r = actions.register_request(by=request.staff, case=case, **d)
            except ValidationError as e:
                show_errors(form, e)
            else:
                messages.success(request, "申请已登记，并写入账本。")
                return redirect("access_request", request_id=r.pk)
    return render(request, "web/access_requests/new.html", {"form": form}, status=400 if form.errors else 200)


def _history(r) -> list[dict]:
    """The ledger entries of this request (on its case's timeline), with who acted."""
    entries = [e for e in Entry.objects.filter(subject=f"case:{r.case_id}").order_by("seq")
               if e.action.startswith("access.request_") and isinstance(e.payload, dict)
               and e.payload.get("request") == r.pk]
    ids = {int(e.actor.split(":", 1)[1]) for e in entries if e.actor.startswith("user:")}
    names = dict(Staff.objects.filter(user_id__in=ids).values_list("user_id", "name")) if ids else {}
    return [{"entry": e, "who": names.get(int(e.actor.split(":", 1)[1]), e.actor) if e.actor.startswith("user:")
             else e.actor} for e in entries]


@staff_view(HANDLES)
def access_request_detail(request, request_id: int):
    r = get_object_or_404(policy.visible_access_requests(request.user).select_related(
        "case", "bureau", "registered_by", "extended_by", "copy_consent_by", "replied_by"), pk=request_id)
    offered = {name: cls() for name, (cls, shown, _) in FORMS.items() if shown(r, request.staff)}
    if posted_forms(request, r, FORMS, offered, "该申请当前不能由您进行此项处理"):
        messages.success(request, "已记录，并写入账本。")
        return redirect("access_request", request_id=r.pk)
    consent = consent_rule(r.bureau.profile)
    failed = any(f.errors for f in offered.values())
    return render(request, "web/access_requests/detail.html", {
        "r": r, "forms": offered, "history": _history(r),
        "clock": _clock(reply_rule(r.bureau.profile), r, Calendar.from_db(), timezone.now()),
        "consent_rule": consent}, status=400 if failed else 200)
