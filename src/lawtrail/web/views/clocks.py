"""期限记录 of a case: the periods left out of its statutory clocks (中止), the extensions its agency
head approves, and the payments of its fine. One page, linked from the case page; every change
goes through cases.actions (which re-check who acts and what the law allows)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from lawtrail.access import policy, roles
from lawtrail.cases import actions
from lawtrail.cases.models import ClockExtension, ClockSuspension, FinePayment
from lawtrail.rules.kinds.deadline import clocks_of

from ..forms import DT, TextPolicy, show_errors
from .common import staff_view

SEES = roles.SEES_BUREAU_CASES | roles.SEES_UNIT_CASES
WHO = {"suspend": roles.OPENS_CASES, "end": roles.OPENS_CASES, "payment": roles.OPENS_CASES,
       "extend": frozenset({"agency_head"})}


def _label(rule) -> str:
    return f"{rule.citation}（{rule.id}）"


class SuspensionForm(TextPolicy, forms.Form):
    clocks = forms.MultipleChoiceField(label="中止的期限", widget=forms.CheckboxSelectMultiple)
    reason = forms.CharField(label="中止事由（如委托检测、组织听证、专家评审，已书面告知当事人）", max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    started_at = forms.DateTimeField(label="中止开始", widget=forms.DateTimeInput(DT))
    ended_at = forms.DateTimeField(label="中止结束（尚未结束的不填，结束后再记录）", required=False,
                                   widget=forms.DateTimeInput(DT))

    def __init__(self, *args, rules, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clocks"].choices = [(r.id, f"{_label(r)}：不计入{r.kind.suspension}") for r in rules]


class EndForm(TextPolicy, forms.Form):
    suspension = forms.IntegerField(widget=forms.HiddenInput)
    ended_at = forms.DateTimeField(label="中止结束", widget=forms.DateTimeInput(DT))


class ExtensionForm(TextPolicy, forms.Form):
    clocks = forms.MultipleChoiceField(label="延长的期限", widget=forms.CheckboxSelectMultiple)
    amount = forms.IntegerField(label="延长（按该期限的单位：日或工作日）", min_value=1)
    reason = forms.CharField(label="延长的理由（应告知当事人）", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, rules, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clocks"].choices = [(r.id, f"{_label(r)}：至多延长{r.kind.extension_by}") for r in rules]


class PaymentForm(TextPolicy, forms.Form):
    amount = forms.DecimalField(label="缴纳金额（元）", max_digits=14, decimal_places=2, min_value=0)
    paid_at = forms.DateTimeField(label="缴纳时间", widget=forms.DateTimeInput(DT))
    channel = forms.ChoiceField(label="缴纳方式", choices=FinePayment.CHANNELS.items())
    reference = forms.CharField(label="缴款凭证号（票据号、交易流水号）", max_length=100)


@staff_view(SEES)
def case_clocks(request, case_id: int):
    which = request.POST.get("form") if request.method == "POST" else None
    if which is not None and request.staff.role not in WHO.get(which, ()):
        raise policy.Denied("机关负责人才能批准延长期限" if which == "extend" else "无权记录期限或缴纳情况")
    case = get_object_or_404(policy.visible_cases(request.user).select_related("bureau"), pk=case_id)
    clocks = list(clocks_of(case).values())
    suspendable = [r for r in clocks if r.kind.suspension]
    extendable = [r for r in clocks if r.kind.extendable]
    data = request.POST if which else None
    forms_ = {
        "suspend": SuspensionForm(data if which == "suspend" else None, rules=suspendable),
        "end": EndForm(data if which == "end" else None),
        "extend": ExtensionForm(data if which == "extend" else None, rules=extendable),
        "payment": PaymentForm(data if which == "payment" else None),
    }
    if which in forms_ and forms_[which].is_valid():
        d, s = forms_[which].cleaned_data, request.staff
        try:
            if which == "suspend":
                actions.suspend_clock(by=s, case=case, clocks=d["clocks"], reason=d["reason"],
                                      started_at=d["started_at"], ended_at=d["ended_at"])
            elif which == "end":
                suspension = get_object_or_404(ClockSuspension, pk=d["suspension"], case=case)
                actions.end_suspension(by=s, suspension=suspension, ended_at=d["ended_at"])
            elif which == "extend":
                actions.extend_clock(by=s, case=case, clocks=d["clocks"], amount=d["amount"], reason=d["reason"])
            else:
                actions.record_fine_payment(by=s, case=case, amount=d["amount"], paid_at=d["paid_at"],
                                            channel=d["channel"], reference=d["reference"])
        except ValidationError as e:
            show_errors(forms_[which], e)
        else:
            messages.success(request, "已记录，并写入账本。")
            return redirect("case_clocks", case_id=case.pk)
    names = {r.id: _label(r) for r in clocks}
    suspensions = list(ClockSuspension.objects.filter(case=case).select_related("recorded_by", "ended_by"))
    extensions = list(ClockExtension.objects.filter(case=case).select_related("approved_by"))
    for row in (*suspensions, *extensions):
        row.clock_names = "、".join(names.get(c, c) for c in row.clock_ids)
    s = request.staff
    return render(request, "web/cases/clocks.html", {
        "case": case, "forms": forms_, "suspensions": suspensions, "extensions": extensions,
        "payments": list(FinePayment.objects.filter(case=case).select_related("recorded_by")),
        "can_record": s.role in roles.OPENS_CASES and case.bureau_id == s.bureau_id,
        "can_extend": s.role == "agency_head" and case.bureau_id == s.bureau_id,
        "suspendable": suspendable, "extendable": extendable,
    }, status=400 if which and forms_.get(which) is not None and forms_[which].errors else 200)
