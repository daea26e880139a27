"""Who records a step: "谁执法、谁记录" (001 第五条第二款)."""

from __future__ import annotations

from ..facts import CaseFacts
from . import Finding, Kind, register


@register
class RecorderAmongHandlers(Kind):
    """Each step record that names its 执法人员 (handlers) was recorded by one of them: the officer
    who enforced is the one who records. A record naming nobody (a step that needs no officers)
    is not concerned; a rejected record is, since it was recorded all the same."""

    code = "recorder_among_handlers"
    PARAMS = ()

    def __init__(self, params: dict):
        pass

    def evaluate(self, facts: CaseFacts) -> Finding:
        named = [r for r in facts.steps if facts.handlers.get(r.pk)]
        if not named:
            return Finding("not_applicable", "本案没有写明执法人员的环节记录")
        others = [r for r in named if r.recorded_by_id not in facts.handlers[r.pk]]
        if others:
            return Finding("broken", f"{len(others)}个环节由该环节执法人员以外的人记录（谁执法、谁记录）",
                           records=tuple(f"step:{r.pk}" for r in others))
        return Finding("met", f"{len(named)}个环节均由该环节的执法人员记录")
