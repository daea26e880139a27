"""Every login, logout and failed login is a ledger entry (who, from where; never the password)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from lawtrail.access import throttle
from lawtrail.ledger.store import append


def _ip(request) -> str:
    return (request.META.get("REMOTE_ADDR") or "")[:64] if request is not None else ""


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    throttle.note(user.get_username(), _ip(request), succeeded=True)
    append(actor=f"user:{user.pk}", action="auth.logged_in", subject=f"user:{user.pk}",
           payload={"username": user.get_username(), "ip": _ip(request)})


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        append(actor=f"user:{user.pk}", action="auth.logged_out", subject=f"user:{user.pk}",
               payload={"username": user.get_username(), "ip": _ip(request)})


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    throttle.note(username, _ip(request), succeeded=False)
    append(actor="anonymous", action="auth.login_failed", subject=f"username:{username}"[:200],
           payload={"username": username, "ip": _ip(request)})
