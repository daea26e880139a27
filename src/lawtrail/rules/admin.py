"""The administrator maintains the working-day calendar here: a year the package does not cover
is entered once from the State Council's notice (工作日历年度), single days are corrected as overrides. Every save goes through
rules/actions.py (a ledger entry); nothing is deleted (a wrong override is changed, and the ledger
keeps both states). Only the administrator role sees this screen (三员分立)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from lawtrail.access.roles import MANAGES_ACCOUNTS

from . import actions
from .calendar import parse_days
from .models import CalendarOverride, CalendarYear


def _administrator(request) -> bool:
    staff = getattr(request.user, "staff", None)
    return bool(request.user.is_active and staff is not None and staff.active and staff.role in MANAGES_ACCOUNTS)


class _AdministratorOnly:
    def has_module_permission(self, request):
        return _administrator(request)

    def has_view_permission(self, request, obj=None):
        return _administrator(request)

    def has_add_permission(self, request):
        return _administrator(request)

    def has_change_permission(self, request, obj=None):
        return _administrator(request)

    def has_delete_permission(self, request, obj=None):
        return False


class CalendarYearForm(forms.ModelForm):
    holidays = forms.CharField(label="放假日期", widget=forms.Textarea(attrs={"rows": 4}),
                               help_text="按通知逐项录入，如：2027-01-01 2027-02-06至2027-02-13 2027-10-01至2027-10-07")
    workdays = forms.CharField(label="调休上班日期", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                               help_text="通知中调休上班的周六、周日，如：2027-02-14 2027-09-26")

    class Meta:
        model = CalendarYear
        fields = ("year", "notice")

    def clean_holidays(self):
        return self._days("holidays")

    def clean_workdays(self):
        return self._days("workdays")

    def clean(self):
        data = super().clean()
        if data.get("year") and "holidays" in data and "workdays" in data:
            problems = actions.calendar_year_problems(year=data["year"], holidays=data["holidays"],
                                                      workdays=data["workdays"], notice=data.get("notice", ""))
            for name, message in problems.items():
                self.add_error(name, message)
        return data

    def _days(self, name):
        try:
            return parse_days(self.cleaned_data.get(name, ""))
        except ValueError as e:
            raise ValidationError(str(e)) from None


@admin.register(CalendarYear)
class CalendarYearAdmin(_AdministratorOnly, admin.ModelAdmin):
    """Entered once per year; afterwards read-only (single days are corrected as overrides)."""

    list_display = ("year", "notice")
    form = CalendarYearForm

    def has_change_permission(self, request, obj=None):
        return _administrator(request) and obj is None

    def get_fields(self, request, obj=None):
        return ("year", "notice", "holidays", "workdays") if obj is None else ("year", "notice")

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:  # the view of an entered year: no day lists to fill in
            kwargs["form"] = forms.ModelForm
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request, obj, form, change):
        row = actions.enter_calendar_year(by=request.user.staff, year=obj.year, notice=obj.notice,
                                          holidays=form.cleaned_data["holidays"],
                                          workdays=form.cleaned_data["workdays"])
        obj.pk, obj.ledger_seq = row.pk, row.ledger_seq


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(_AdministratorOnly, admin.ModelAdmin):
    list_display = ("date", "is_workday", "reason")
    fields = ("date", "is_workday", "reason")
    readonly_fields = ()
    ordering = ("-date",)

    def get_readonly_fields(self, request, obj=None):
        return ("date",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        row = actions.set_calendar_override(by=request.user.staff, day=obj.date, is_workday=obj.is_workday,
                                            reason=obj.reason)
        obj.pk, obj.ledger_seq = row.pk, row.ledger_seq
