"""The administrator's screens (Django admin). Every save goes through access/actions.py, so each
change is a ledger entry; nothing here deletes (accounts are deactivated, never removed)."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db import transaction

from lawtrail.ledger.store import append

from . import actions
from .models import ApiToken, Bureau, Staff, Unit


class NoDelete:
    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Bureau)
class BureauAdmin(NoDelete, admin.ModelAdmin):
    list_display = ("name", "abbr", "profile", "case_number_format")
    readonly_fields = ("ledger_seq",)

    def save_model(self, request, obj, form, change):
        if change:
            actions.update_organisation(by=request.user, obj=obj)
        else:
            created = actions.create_bureau(by=request.user, **{f: form.cleaned_data[f] for f in
                                                                ("code", "name", "abbr", "profile", "case_number_format")})
            obj.pk = created.pk


@admin.register(Unit)
class UnitAdmin(NoDelete, admin.ModelAdmin):
    list_display = ("name", "bureau", "kind")
    list_filter = ("bureau",)
    readonly_fields = ("ledger_seq",)

    def save_model(self, request, obj, form, change):
        if change:
            actions.update_organisation(by=request.user, obj=obj)
        else:
            obj.pk = actions.create_unit(by=request.user, bureau=obj.bureau, name=obj.name, kind=obj.kind).pk


class StaffChecks:
    """Run the action's own checks in the form, so the administrator sees them next to the fields."""

    def _post_clean(self):
        super()._post_clean()
        try:
            actions.check_staff(self.instance)
        except ValidationError as e:
            for field, messages in e.message_dict.items():
                for m in messages:
                    self.add_error(field if field in self.fields else None, m)


class StaffForm(StaffChecks, forms.ModelForm):
    class Meta:
        model = Staff
        fields = ("name", "bureau", "unit", "role", "certificate_no", "certificate_valid_from",
                  "certificate_valid_until", "active")


class StaffCreationForm(StaffChecks, forms.ModelForm):
    username = forms.CharField(label="用户名", max_length=150)
    password = forms.CharField(label="初始密码", widget=forms.PasswordInput, min_length=10)

    class Meta:
        model = Staff
        fields = ("name", "bureau", "unit", "role", "certificate_no", "certificate_valid_from", "certificate_valid_until")


@admin.register(Staff)
class StaffAdmin(NoDelete, admin.ModelAdmin):
    list_display = ("name", "user", "bureau", "unit", "role", "certificate_no", "certificate_valid_until", "active")
    list_filter = ("bureau", "role", "active")
    search_fields = ("name", "user__username", "certificate_no")
    readonly_fields = ("ledger_seq",)

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = StaffCreationForm if obj is None else StaffForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("username", "password", *StaffCreationForm.Meta.fields)
        return ("name", "bureau", "unit", "role", "certificate_no", "certificate_valid_from",
                "certificate_valid_until", "active", "ledger_seq")

    def save_model(self, request, obj, form, change):
        d = form.cleaned_data
        if change:
            actions.update_staff(by=request.user, staff=obj, **{f: d[f] for f in form.changed_data if f in Staff.tracked_fields})
        else:
            created = actions.create_staff(by=request.user, username=d["username"], password=d["password"],
                                           **{f: d[f] for f in StaffCreationForm.Meta.fields})
            obj.pk = created.pk


@admin.register(ApiToken)
class ApiTokenAdmin(NoDelete, admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "revoked_at")
    readonly_fields = ("user", "name", "prefix", "created_at", "revoked_at")
    exclude = ("digest",)

    def has_add_permission(self, request):
        return False  # tokens are issued with `lawtrail token`, which shows the secret once


class AuditedUserAdmin(NoDelete, UserAdmin):
    """Accounts: every save is a ledger entry (the password itself never is). Roles and Django
    permissions are set only through Staff (actions.update_staff), so an administrator cannot make
    anyone a superuser or give themselves access to records (三员分立)."""

    fieldsets = ((None, {"fields": ("username", "password")}),
                 ("个人信息", {"fields": ("first_name", "last_name", "email")}),
                 ("状态", {"fields": ("is_active", "last_login", "date_joined")}))
    readonly_fields = ("last_login", "date_joined")
    list_display = ("username", "first_name", "is_active", "last_login")
    list_filter = ("is_active",)

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            append(actor=f"user:{request.user.pk}", action="access.user_saved", subject=f"user:{obj.pk}",
                   payload={"username": obj.username, "changed": sorted(form.changed_data)})


admin.site.unregister(User)
admin.site.unregister(Group)
admin.site.register(User, AuditedUserAdmin)
admin.site.site_header = admin.site.site_title = "行政执法全过程记录系统 · 系统管理"
