"""执法记录仪: the registry (list, register, assign, status) and each camera's page with its clips
and continuity facts (gaps and overlaps between consecutive clips, 002 第十五条(五)). Read through
access.policy.visible_devices; every change through media.actions."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from lawtrail.access import policy, roles
from lawtrail.access.models import Staff, Unit
from lawtrail.media import actions, continuity
from lawtrail.media.models import Device

from ..forms import TextPolicy, show_errors
from .common import staff_view

SEES = roles.SEES_BUREAU_CASES | roles.SEES_UNIT_CASES
CONTINUITY_DAYS = 30


class DeviceForm(TextPolicy, forms.Form):
    serial = forms.CharField(label="设备编号", max_length=60)
    model = forms.CharField(label="型号", max_length=100, required=False)
    unit = forms.ModelChoiceField(label="使用单位", queryset=Unit.objects.none(), required=False)
    assigned_to = forms.ModelChoiceField(label="配发人员", queryset=Staff.objects.none(), required=False)
    status = forms.ChoiceField(label="状态", choices=Device.STATUSES.items(), initial="in_service")

    def __init__(self, *args, staff: Staff, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(bureau_id=staff.bureau_id)
        people = Staff.objects.filter(bureau_id=staff.bureau_id, active=True, role__in=roles.HOLDS_CERTIFICATE)
        if staff.role == "unit_head":  # his own unit's cameras only (media.actions._device_admin)
            units, people = units.filter(pk=staff.unit_id), people.filter(unit_id=staff.unit_id)
            self.fields["unit"].required = True
        self.fields["unit"].queryset = units.order_by("name")
        self.fields["assigned_to"].queryset = people.order_by("name")
        if editing:
            del self.fields["serial"]
        else:
            del self.fields["status"]


@staff_view(SEES)
def device_list(request):
    s = request.staff
    devices = (policy.visible_devices(request.user).select_related("unit", "assigned_to").order_by("serial"))
    can_register = s.role in actions.DEVICE_ADMINS
    form = DeviceForm(request.POST or None, staff=s) if can_register else None
    if request.method == "POST":
        if form is None:
            raise policy.Denied("执法记录仪由音像资料管理专人或承办机构负责人登记")
        if form.is_valid():
            d = form.cleaned_data
            try:
                device = actions.register_device(by=s, serial=d["serial"], model=d["model"], unit=d["unit"],
                                                 assigned_to=d["assigned_to"])
            except ValidationError as e:
                show_errors(form, e)
            else:
                return redirect("device", device_id=device.pk)
    return render(request, "web/media/devices.html", {"devices": devices, "form": form},
                  status=400 if form is not None and form.errors else 200)


@staff_view(SEES)
def device_detail(request, device_id: int):
    s = request.staff
    device = get_object_or_404(policy.visible_devices(request.user).select_related("unit", "assigned_to"),
                               pk=device_id)
    can_edit = s.role in actions.DEVICE_ADMINS
    initial = {"model": device.model, "unit": device.unit_id, "assigned_to": device.assigned_to_id,
               "status": device.status}
    form = DeviceForm(request.POST or None, staff=s, editing=True, initial=initial) if can_edit else None
    if request.method == "POST":
        if form is None:
            raise policy.Denied("执法记录仪由音像资料管理专人或承办机构负责人登记")
        if form.is_valid():
            try:
                actions.update_device(by=s, device=device, **form.cleaned_data)
            except ValidationError as e:
                show_errors(form, e)
            else:
                return redirect("device", device_id=device.pk)
    since = timezone.now() - timedelta(days=CONTINUITY_DAYS)
    clips = list(continuity.clips(device, since, None).select_related("case", "recorded_by"))
    seen = set(policy.visible_cases(request.user).filter(pk__in={c.case_id for c in clips if c.case_id})
               .values_list("pk", flat=True))
    return render(request, "web/media/device.html", {
        "device": device, "form": form, "clips": clips, "visible_cases": seen, "days": CONTINUITY_DAYS,
        "gaps": continuity.gaps(device, since=since), "max_gap": continuity.MAX_GAP,
    }, status=400 if form is not None and form.errors else 200)
