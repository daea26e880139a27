"""Bearer tokens for devices and other systems; browser sessions work too (with CSRF)."""

from __future__ import annotations

from ninja.security import HttpBearer, SessionAuth

from lawtrail.access.actions import token_digest
from lawtrail.access.models import ApiToken

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
