"""The administrator maintains the working-day overrides here. Every save goes through
rules/actions.py (a ledger entry); nothing is deleted (a wrong override is changed, and the ledger
keeps both states). Only the administrator role sees this screen (三员分立)."""

from django.contrib import admin

from lawtrail.access.roles import MANAGES_ACCOUNTS

from . import actions
from .models import CalendarOverride


def _administrator(request) -> bool:
    staff = getattr(request.user, "staff", None)
    return bool(request.user.is_active and staff is not None and staff.active and staff.role in MANAGES_ACCOUNTS)


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "is_workday", "reason")
    fields = ("date", "is_workday", "reason")
    readonly_fields = ()
    ordering = ("-date",)

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

    def get_readonly_fields(self, request, obj=None):
        return ("date",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        row = actions.set_calendar_override(by=request.user.staff, day=obj.date, is_workday=obj.is_workday,
                                            reason=obj.reason)
        obj.pk, obj.ledger_seq = row.pk, row.ledger_seq
