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
