import time

from django.shortcuts import render

from lawtrail.access.policy import Denied


class DeniedMiddleware:
    """An action or view that raises access.policy.Denied answers 403 with the reason, in Chinese."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exc):
        if isinstance(exc, Denied) and not request.path.startswith("/api/"):
            return render(request, "web/denied.html", {"reason": str(exc)}, status=403)
        return None


class IdleSessionMiddleware:
    """Sessions end after SESSION_COOKIE_AGE of inactivity. Renewing the expiry on every request
    would make every page view a database write (an fsync on SQLite); renewing it at most once
    per TOUCH_SECONDS keeps the idle limit exact to within that."""

    TOUCH_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.session_key and request.user.is_authenticated:
            now = int(time.time())
            if now - session.get("_touched", 0) >= self.TOUCH_SECONDS:
                session["_touched"] = now  # marks the session modified: saved with a new expiry
        return self.get_response(request)
