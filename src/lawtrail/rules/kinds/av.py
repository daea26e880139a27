"""Audio-visual records: stored on time."""

from __future__ import annotations

from lawtrail.media.actions import timeliness

from ..facts import CaseFacts
from . import Finding, Kind, late, register


@register
class AvWithin24h(Kind):
    """Every AV record of the case was uploaded within 24 hours of the end of recording, or of the
    return from a declared remote work (media.actions.timeliness)."""

    code = "av_within_24h"
    PARAMS = ()

    def __init__(self, params: dict):
        pass

    def evaluate(self, facts: CaseFacts) -> Finding:
        if not facts.av_records:
            return Finding("not_applicable", "本案没有音像记录")
        overdue = []
        for av in facts.av_records:
            t = timeliness(av, facts.remote.get(av.pk))
            if t["late"]:
                overdue.append((av, t))
        if overdue:
            return Finding("broken", "；".join(f"{av.filename} 迟 {late(t['late_by'])}上传" for av, t in overdue),
                           max(t["due_at"] for _, t in overdue), tuple(f"av:{av.pk}" for av, _ in overdue))
        return Finding("met", f"{len(facts.av_records)}个音像记录均在24小时内存储",
                       records=tuple(f"av:{av.pk}" for av in facts.av_records))
