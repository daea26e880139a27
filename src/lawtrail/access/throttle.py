"""Login throttling and lockout, kept in the database so that every web worker sees the same count.

- A username is locked for LOCK_MINUTES after MAX_USER_FAILURES failures within the window since
  its last successful login (someone guessing one person's password).
- An address is slowed down, never locked: after FREE_IP_FAILURES failures within the window
  (someone trying many usernames), each further attempt waits a delay that doubles with every
  failure, up to MAX_IP_DELAY seconds. A whole office behind one NAT address thus keeps logging
  in, at worst a minute apart, while a guesser gets a few dozen tries in a quarter hour. The
  request is answered at once (“请 N 秒后再试”), never held in a sleeping thread.

An attempt refused by the delay checked no password, so it counts as nothing and is not
written anywhere: a flood of them can neither lengthen the delay for the people behind the
address nor fill the ledger. Every attempt that checks a password is a ledger entry
(web/signals.py), and so is every refusal of a locked account (web/forms.py).
"""

from __future__ import annotations

import math
from datetime import timedelta

from django.utils import timezone

from .models import LoginAttempt

WINDOW = timedelta(minutes=15)
LOCK_MINUTES = 15
MAX_USER_FAILURES = 5
FREE_IP_FAILURES = 10
FIRST_IP_DELAY = 2  # seconds after the first failure beyond the free ones; doubles each time
MAX_IP_DELAY = 60


def locked(username: str) -> str | None:
    """A Chinese message if this account is locked (checked before its password)."""
    since = timezone.now() - WINDOW
    last_ok = (LoginAttempt.objects.filter(username=username, succeeded=True, at__gte=since)
               .order_by("-at").values_list("at", flat=True).first())
    fails = LoginAttempt.objects.filter(username=username, succeeded=False, at__gte=last_ok or since)
    if fails.count() >= MAX_USER_FAILURES:
        return f"该账号连续登录失败次数过多，已暂时锁定，请 {LOCK_MINUTES} 分钟后再试或联系系统管理员。"
    return None


def ip_delay(failures: int) -> int:
    """Seconds an address waits after its ``failures``-th failure within the window."""
    beyond = failures - FREE_IP_FAILURES
    if beyond <= 0:
        return 0
    return min(MAX_IP_DELAY, FIRST_IP_DELAY * 2 ** min(beyond - 1, 16))


def wait_seconds(ip: str) -> int:
    """Whole seconds this address must still wait before its next attempt (0: go ahead)."""
    if not ip:
        return 0
    now = timezone.now()
    fails = list(LoginAttempt.objects.filter(ip=ip, succeeded=False, at__gte=now - WINDOW)
                 .order_by("-at").values_list("at", flat=True)[:FREE_IP_FAILURES + 16])
    delay = ip_delay(len(fails))
    if not delay:
        return 0
    return max(0, math.ceil((fails[0] + timedelta(seconds=delay) - now).total_seconds()))


def slow_down_message(seconds: int) -> str:
    return f"来自本地址的登录失败次数较多，请 {seconds} 秒后再试。"


def note(username: str, ip: str, succeeded: bool) -> None:
    LoginAttempt.objects.create(username=username[:150], ip=ip[:64], at=timezone.now(), succeeded=succeeded)
