"""音像记录台账 (002 第十八条: 统计、汇总、考核和查询): every AV record the user may see across cases
(access.policy.visible_av_records), searched by who recorded it, camera, kind, source, case and
date, summed up per person (media/register.py), and listed newest first."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render

from lawtrail.access import policy, roles
from lawtrail.access.models import Staff
from lawtrail.media import register
from lawtrail.media.models import AvRecord

from ..forms import TextPolicy
from .common import staff_view

SEES = roles.SEES_BUREAU_CASES | roles.SEES_UNIT_CASES
PAGE_SIZE = 50


class RegisterFilterForm(TextPolicy, forms.Form):
    recorded_by = forms.ModelChoiceField(label="拍摄（录制）人", required=False, queryset=Staff.objects.none(),
                                         empty_label="全部")
    device = forms.ModelChoiceField(label="执法记录仪", required=False, queryset=None, empty_label="全部")
    kind = forms.ChoiceField(label="类别", required=False, choices=[("", "全部"), *AvRecord.KINDS.items()])
    source = forms.ChoiceField(label="来源", required=False, choices=[("", "全部"), *AvRecord.SOURCES.items()])
    case_number = forms.CharField(label="案号", required=False, max_length=60)
    unassigned = forms.BooleanField(label="只看未归入案件的", required=False)
    date_from = forms.DateField(label="拍摄日期自", required=False, widget=forms.DateInput({"type": "date"}))
    date_to = forms.DateField(label="至", required=False, widget=forms.DateInput({"type": "date"}))

    def __init__(self, *args, user, staff: Staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recorded_by"].queryset = Staff.objects.filter(bureau_id=staff.bureau_id).order_by("name")
        self.fields["device"].queryset = policy.visible_devices(user).order_by("serial")

    def clean(self):
        d = super().clean()
        if d.get("date_from") and d.get("date_to") and d["date_from"] > d["date_to"]:
            self.add_error("date_to", "结束日期不能早于开始日期")
        return d


@staff_view(SEES)
def av_register(request):
    form = RegisterFilterForm(request.GET or None, user=request.user, staff=request.staff)
    filters = register.Filters()
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filters = register.Filters(recorded_by=d["recorded_by"].pk if d["recorded_by"] else None,
                                   device=d["device"].pk if d["device"] else None, kind=d["kind"], source=d["source"],
                                   case_number=d["case_number"], unassigned=d["unassigned"],
                                   date_from=d["date_from"], date_to=d["date_to"])
    failed = form.is_bound and not form.is_valid()
    records = register.search(policy.visible_av_records(request.user), filters)
    if failed:
        records = records.none()  # nothing shown for a query the form refused
    lines, total = register.summary(records)
    page = Paginator(register.page_rows(records), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "web/media/register.html", {
        "form": form, "lines": lines, "total": total, "page": page, "query": query.urlencode(),
        "limit_hours": int(register.UPLOAD_WITHIN.total_seconds() // 3600)}, status=400 if failed else 200)
