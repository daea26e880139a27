"""Login throttling and lockout, kept in the database so that every web worker sees the same count.

A username is locked for LOCK_MINUTES after MAX_USER_FAILURES failures within the window since its
last successful login; an address is throttled after MAX_IP_FAILURES failures within the window
(someone trying many usernames). The ledger keeps every attempt for the record (web/signals.py).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from .models import LoginAttempt

WINDOW = timedelta(minutes=15)
LOCK_MINUTES = 15
MAX_USER_FAILURES = 5
MAX_IP_FAILURES = 30


def refusal(username: str, ip: str) -> str | None:
    """A Chinese message if this attempt must be refused before checking the password."""
    since = timezone.now() - WINDOW
    last_ok = (LoginAttempt.objects.filter(username=username, succeeded=True, at__gte=since)
               .order_by("-at").values_list("at", flat=True).first())
    fails = LoginAttempt.objects.filter(username=username, succeeded=False, at__gte=last_ok or since)
    if fails.count() >= MAX_USER_FAILURES:
        return f"该账号连续登录失败次数过多，已暂时锁定，请 {LOCK_MINUTES} 分钟后再试或联系系统管理员。"
    if ip and LoginAttempt.objects.filter(ip=ip, succeeded=False, at__gte=since).count() >= MAX_IP_FAILURES:
        return f"来自本地址的登录失败次数过多，请 {LOCK_MINUTES} 分钟后再试。"
    return None


def note(username: str, ip: str, succeeded: bool) -> None:
    LoginAttempt.objects.create(username=username[:150], ip=ip[:64], at=timezone.now(), succeeded=succeeded)
