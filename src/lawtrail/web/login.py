"""The one login page (/login/; /admin/login/ sends here, access/site.py)."""

from django.contrib.auth import views as auth_views

from .forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.retry_after:  # slowed down: the form with "请 N 秒后再试", as 429 Too Many Requests
            response.status_code = 429
            response["Retry-After"] = str(form.retry_after)
        return response
