"""The admin site (系统管理): entered by the Staff role, never by Django's ``is_staff`` or
``is_superuser`` (nobody has them: actions._no_django_privileges), and logged in through the one
login page, so /admin/ has no second form, throttle or lockout of its own."""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminPasswordChangeForm
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.urls import reverse

from . import policy, roles


def is_administrator(request) -> bool:
    s = policy.staff_of(request.user)
    return bool(request.user.is_active and s is not None and s.role in roles.MANAGES_ACCOUNTS)


class OwnPasswordForm(AdminPasswordChangeForm):
    """The administrator's own password (old one required), set through actions.set_password."""

    def save(self, commit=True):
        from .actions import set_password

        self.user.password = set_password(by=self.user, user=self.user,
                                          password=self.cleaned_data["new_password1"]).password
        return self.user  # with the new hash, so the view keeps his session


class LawtrailAdminSite(admin.AdminSite):
    site_header = site_title = "行政执法全过程记录系统 · 系统管理"
    index_title = "系统管理"

    def has_permission(self, request):
        return is_administrator(request)

    def login(self, request, extra_context=None):
        if request.user.is_authenticated:
            # Sending a signed-in person without the role back to /login/ would bounce to /admin/.
            if self.has_permission(request):
                return HttpResponseRedirect(reverse("admin:index"))
            raise policy.Denied("系统管理只对本机关的系统管理员开放")
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"), settings.LOGIN_URL)

    def password_change(self, request, extra_context=None):
        from django.contrib.auth.views import PasswordChangeView

        request.current_app = self.name
        return PasswordChangeView.as_view(
            form_class=OwnPasswordForm, success_url=reverse("admin:password_change_done", current_app=self.name),
            extra_context={**self.each_context(request), **(extra_context or {})})(request)
