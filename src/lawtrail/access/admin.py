"""The administrator's screens (Django admin), each scoped to his own bureau: lists, search, filter
choices, foreign-key choices, change, history and password pages see only its units, staff,
accounts and tokens, and another bureau's object answers 404 (the actions refuse it again). Every
save goes through access/actions.py, so each change is a ledger entry; nothing here deletes
(accounts are deactivated, never removed). Bureaus are created by the installation
(`lawtrail bureau create`), not here."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import password_validation, update_session_auth_hash
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import SetPasswordMixin
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from . import actions, policy
from .models import ApiToken, Bureau, Staff, Unit
from .site import is_administrator


def _bureau_id(request) -> int | None:
    s = policy.staff_of(request.user)
    return s.bureau_id if s is not None else None


class OwnBureau:
    """Permissions from the Staff role (not Django's), and only the administrator's own bureau.
    ``bureau_lookup`` leads from the model to its bureau's id."""

    bureau_lookup = "bureau_id"

    def has_module_permission(self, request):
        return is_administrator(request)

    def has_view_permission(self, request, obj=None):
        return is_administrator(request)

    def has_add_permission(self, request):
        return is_administrator(request)

    def has_change_permission(self, request, obj=None):
        return is_administrator(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).filter(**{self.bureau_lookup: _bureau_id(request)})

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:  # Django would redirect to the index saying it does not exist; that tells too much
            raise Http404("没有找到该记录")
        return obj

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Bureau:
            kwargs["queryset"] = Bureau.objects.filter(pk=_bureau_id(request))
            kwargs["initial"], kwargs["empty_label"] = _bureau_id(request), None
        elif db_field.related_model is Unit:
            kwargs["queryset"] = Unit.objects.filter(bureau_id=_bureau_id(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Bureau)
class BureauAdmin(OwnBureau, admin.ModelAdmin):
    bureau_lookup = "pk"
    list_display = ("name", "abbr", "profile", "case_number_format")
    readonly_fields = ("ledger_seq",)

    def has_add_permission(self, request):
        return False  # an installation-level job: `lawtrail bureau create`

    def save_model(self, request, obj, form, change):
        actions.update_organisation(by=request.user, obj=obj)


@admin.register(Unit)
class UnitAdmin(OwnBureau, admin.ModelAdmin):
    list_display = ("name", "bureau", "kind")
    list_filter = ("kind",)
    search_fields = ("name",)
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
            for field, messages_ in e.message_dict.items():
                for m in messages_:
                    self.add_error(field if field in self.fields else None, m)


class StaffForm(StaffChecks, forms.ModelForm):
    class Meta:
        model = Staff
        fields = ("name", "bureau", "unit", "role", "certificate_no", "certificate_valid_from",
                  "certificate_valid_until", "active")


class StaffCreationForm(StaffChecks, forms.ModelForm):
    username = forms.CharField(label="用户名", max_length=150)
    password = forms.CharField(label="初始密码", widget=forms.PasswordInput, strip=False)

    def clean_password(self):
        password_validation.validate_password(self.cleaned_data["password"],
                                              User(username=self.data.get("username", ""), first_name=self.data.get("name", "")))
        return self.cleaned_data["password"]

    class Meta:
        model = Staff
        fields = ("name", "bureau", "unit", "role", "certificate_no", "certificate_valid_from", "certificate_valid_until")


@admin.register(Staff)
class StaffAdmin(OwnBureau, admin.ModelAdmin):
    list_display = ("name", "user", "unit", "role", "certificate_no", "certificate_valid_until", "active")
    list_filter = ("role", "active", ("unit", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "user__username", "certificate_no")
    readonly_fields = ("ledger_seq",)

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = StaffCreationForm if obj is None else StaffForm
        form = super().get_form(request, obj, **kwargs)
        # a bureau's administrator gives only the bureau's roles (actions.GIVEN_BY_BUREAU_ADMINISTRATOR)
        form.base_fields["role"].choices = [c for c in form.base_fields["role"].choices
                                            if c[0] in actions.GIVEN_BY_BUREAU_ADMINISTRATOR or c[0] == ""]
        return form

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("username", "password", *StaffCreationForm.Meta.fields)
        return (*StaffForm.Meta.fields, "ledger_seq")

    def save_model(self, request, obj, form, change):
        d = form.cleaned_data
        if change:
            actions.update_staff(by=request.user, staff=obj, **{f: d[f] for f in form.changed_data if f in Staff.tracked_fields})
        else:
            created = actions.create_staff(by=request.user, username=d["username"], password=d["password"],
                                           **{f: d[f] for f in StaffCreationForm.Meta.fields})
            obj.pk = created.pk

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (policy.Denied, ValidationError) as e:  # e.g. his own role: said on the page, nothing saved
            messages.error(request, "；".join(e.messages) if isinstance(e, ValidationError) else str(e))
            return HttpResponseRedirect(request.get_full_path())


@admin.register(ApiToken)
class ApiTokenAdmin(OwnBureau, admin.ModelAdmin):
    bureau_lookup = "user__staff__bureau_id"
    list_display = ("name", "user", "prefix", "created_at", "revoked_at")
    search_fields = ("name", "prefix", "user__username")
    fields = readonly_fields = ("user", "name", "prefix", "created_at", "revoked_at", "ledger_seq")
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # tokens are issued with `lawtrail token`, which shows the secret once

    def has_change_permission(self, request, obj=None):
        return False  # nothing to edit; revoking is the list's action

    @admin.action(description="吊销所选令牌")
    def revoke(self, request, queryset):
        for t in queryset.select_related("user"):
            actions.revoke_token(by=request.user, token=t)
        messages.success(request, "已吊销所选令牌")


class PasswordForm(SetPasswordMixin, forms.Form):
    """Set a password: the two fields and Django's validators; saved only by actions.set_password."""

    password1, password2 = SetPasswordMixin.create_password_fields(label1="新密码", label2="再次输入新密码")

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        self.validate_passwords()
        self.validate_password_for_user(self.user)
        return super().clean()


class AuditedUserAdmin(OwnBureau, UserAdmin):
    """Accounts of the bureau: username, names, active or not, and the password, each changed
    through an action (the password itself never in the ledger). Accounts are created with their
    staff record (工作人员 → 增加), and no screen offers Django's flags, groups or permissions."""

    bureau_lookup = "staff__bureau_id"
    fieldsets = ((None, {"fields": ("username", "password")}),
                 ("个人信息", {"fields": ("first_name", "last_name", "email")}),
                 ("状态", {"fields": ("is_active", "last_login", "date_joined")}))
    readonly_fields = ("last_login", "date_joined")
    list_display = ("username", "first_name", "is_active", "last_login")
    list_filter = ("is_active",)
    change_user_password_template = "access/password.html"

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        d = form.cleaned_data
        changes = {f: d[f] for f in form.changed_data if f in actions.ACCOUNT_FIELDS}
        if changes:
            actions.update_account(by=request.user, user=obj, **changes)
        if "is_active" in form.changed_data:
            actions.set_account_active(by=request.user, user=obj, active=d["is_active"])

    def save_related(self, request, form, formsets, change):
        pass  # no groups or permissions: the role decides (site.LawtrailAdminSite)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except policy.Denied as e:
            messages.error(request, str(e))
            return HttpResponseRedirect(request.get_full_path())

    def user_change_password(self, request, id, form_url=""):
        """Replaces Django's page: the same template, but the password is set by actions.set_password."""
        user = self.get_object(request, unquote(id))  # another bureau's account: 404
        form = PasswordForm(user, request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                actions.set_password(by=request.user, user=user, password=form.cleaned_data["password1"])
            except ValidationError as e:
                form.add_error("password1", e.message_dict.get("password", e.messages))
            else:
                self.log_change(request, user, "修改了密码")
                user.refresh_from_db()
                update_session_auth_hash(request, user)  # his own password: he stays logged in
                messages.success(request, f"已为“{user.get_username()}”设置新密码")
                return HttpResponseRedirect(reverse("admin:auth_user_change", args=(user.pk,)))
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.change_user_password_template, {
            **self.admin_site.each_context(request), "title": f"设置密码：{user.get_username()}", "form": form,
            "form_url": form_url, "opts": self.opts, "original": user, "is_popup": False})


admin.site.unregister(User)  # Django's own registration, replaced
admin.site.unregister(Group)  # groups grant nothing here
admin.site.register(User, AuditedUserAdmin)
