"""The rules that judge a complaint by itself, for complaints that may never become a case (the
engine's findings are per case): kinds with a ``judge_complaint(complaint, links)`` method, today
003 第六条's recording of the reception (kinds/reception.py). The complaint's page lists them and
the complaint register marks the broken ones; they are computed when shown, from the complaint and
its ReceptionRecording rows, so nothing stored can go stale."""

from __future__ import annotations

from collections import defaultdict

from . import profiles
from .kinds import Finding


def complaint_rules(profile: str) -> list[profiles.Rule]:
    return [r for r in profiles.get(profile).rules if hasattr(r.kind, "judge_complaint")]


def complaint_findings(complaint, links, profile: str) -> list[Finding]:
    """Each complaint rule of ``profile`` on ``complaint`` (``links``: its ReceptionRecording rows)."""
    return [rule.label(rule.kind.judge_complaint(complaint, links)) for rule in complaint_rules(profile)]


def broken_by_complaint(complaints, profile: str) -> dict[int, list[Finding]]:
    """The broken findings of each of ``complaints`` (one bureau's, one query for their links)."""
    from lawtrail.media.models import ReceptionRecording

    if not complaints or not complaint_rules(profile):
        return {}
    links = defaultdict(list)
    for link in ReceptionRecording.objects.filter(complaint__in=[c.pk for c in complaints]):
        links[link.complaint_id].append(link)
    out = {}
    for c in complaints:
        broken = [f for f in complaint_findings(c, links[c.pk], profile) if f.status == "broken"]
        if broken:
            out[c.pk] = broken
    return out
