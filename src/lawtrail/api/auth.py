"""Bearer tokens for devices and other systems; browser sessions work too (with CSRF)."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from ninja.security import HttpBearer, SessionAuth

from lawtrail.access.actions import token_digest
from lawtrail.access.models import ApiToken

from .errors import json_error

MAX_TOKEN_LENGTH = 100


class BearerToken(HttpBearer):
    def authenticate(self, request, token: str):
        if not token or len(token) > MAX_TOKEN_LENGTH:
            return None
        t = (ApiToken.objects.select_related("user").filter(digest=token_digest(token), revoked_at__isnull=True)
             .first())
        if t is None or not t.user.is_active:
            return None
        request.user = t.user
        return t.user


class Session(SessionAuth):
    """Django's session, for the pages' own htmx calls. SessionAuth checks CSRF on unsafe methods."""


AUTH = [BearerToken(), Session()]


def signed_in(view):
    """The OpenAPI document's guard: a device fetches it with the token it already has; a browser
    without a login is sent to the login page, as for any page."""
    browser = login_required(view)

    @wraps(view)
    def inner(request, *args, **kwargs):
        if "HTTP_AUTHORIZATION" not in request.META:
            return browser(request, *args, **kwargs)
        if BearerToken()(request) is None:
            return json_error(401, "unauthenticated", "未登录或令牌无效")
        return view(request, *args, **kwargs)

    return inner
