"""Acting at a fixed time: ``django.utils.timezone`` as the actions' modules see it, set to ``when``
and running on with the real clock, so what was done in the past is recorded as it happened
(finalised, served, approved, replied then)."""

from contextlib import contextmanager
from datetime import datetime

from django.utils import timezone as dj_timezone


class ShiftedTime:
    def __init__(self, when: datetime):
        self.offset = when - dj_timezone.now()

    def now(self):
        return dj_timezone.now() + self.offset

    def localdate(self, value=None, timezone=None):
        return dj_timezone.localdate(value or self.now(), timezone)

    def __getattr__(self, name):
        return getattr(dj_timezone, name)


def at_factory(monkeypatch, modules):
    """``at(when)``: a context in which each of ``modules`` reads its ``timezone`` shifted to ``when``."""

    @contextmanager
    def at(when: datetime):
        with monkeypatch.context() as m:
            for module in modules:
                m.setattr(module, "timezone", ShiftedTime(when))
            yield

    return at
