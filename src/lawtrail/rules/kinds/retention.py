"""How long AV is kept (保存期限) and when case files are archived: 000 第二十五条 (永久保存), 002 第二十条
and 003 第二十一条 (长期保存), 003 第二十条 (证据影像与案卷同期; 案卷每年底归档).

The circumstances come from people: the records custodian or a handler notes them on an AV record
or on the case (media.retention.note_circumstance), and changes a record's retention class
(set_retention). A wrong class can be corrected until the case is closed: pending while it is open,
broken once it is closed (the file is then archived with the wrong period)."""

from __future__ import annotations

from datetime import datetime

from ..calendar import BEIJING
from ..facts import CaseFacts
from . import Finding, Kind, ParamError, codes, late, register
from .deadline import _at, _facts, _first


@register
class RetentionClass(Kind):
    """The case's AV records are kept in one of ``retention`` (AvRecord.RETENTION codes). With
    ``circumstances`` (media.models.CIRCUMSTANCES codes) only those that record one of them: noted
    on the record itself, or on the case (then every AV record of the case). Without it every AV
    record of the case (003 第二十条: 作为证据使用的影像资料, with ``procedures: [penalty_general]``)."""

    code = "retention_class"
    PARAMS = ("circumstances", "retention")

    def __init__(self, params: dict):
        from lawtrail.media.models import CIRCUMSTANCES, AvRecord

        self.circumstances = codes(params, "circumstances", CIRCUMSTANCES, "情形", required=False)
        self.retention = codes(params, "retention", AvRecord.RETENTION, "保存期限")
        if set(self.retention) == set(AvRecord.RETENTION):
            raise ParamError("retention", "列出了全部保存期限，该规则不可能违反")
        self.labels, self.retention_labels = CIRCUMSTANCES, AvRecord.RETENTION

    def _concerned(self, facts: CaseFacts):
        """[(AV record, the circumstances that concern it)], or a Finding when none is concerned."""
        if not self.circumstances:
            if not facts.av_records:
                return Finding("not_applicable", "本案没有音像记录")
            return [(av, []) for av in facts.av_records]
        noted = [c for c in facts.circumstances if c.circumstance in self.circumstances]
        if not noted:
            return Finding("not_applicable", "本案未记录" + "、".join(self.labels[c] for c in self.circumstances)
                           + "等情形")
        on_case = [c for c in noted if c.case_id is not None]
        out = [(av, on_case + [c for c in noted if c.av_id == av.pk]) for av in facts.av_records]
        out = [(av, why) for av, why in out if why]
        return out or Finding("not_applicable", "记录了该情形，但本案没有音像记录",
                              records=tuple(f"circumstance:{c.pk}" for c in noted))

    def evaluate(self, facts: CaseFacts) -> Finding:
        concerned = self._concerned(facts)
        if isinstance(concerned, Finding):
            return concerned
        allowed = "或".join(f"“{self.retention_labels[r]}”" for r in self.retention)
        wrong = [(av, why) for av, why in concerned if av.retention not in self.retention]
        shown = wrong or concerned
        refs = [f"av:{av.pk}" for av, _ in shown] + list(dict.fromkeys(f"circumstance:{c.pk}" for _, why in shown
                                                                      for c in why))
        if not wrong:
            return Finding("met", f"{len(concerned)}个音像记录的保存期限均为{allowed}", records=tuple(refs))
        parts = []
        for av, why in wrong:
            reason = "（" + "、".join(dict.fromkeys(self.labels[c.circumstance] for c in why)) + "）" if why else ""
            parts.append(f"{av.filename} 保存期限为“{self.retention_labels[av.retention]}”{reason}")
        message = "；".join(parts) + f"，应为{allowed}"
        if facts.case.status == "closed":
            return Finding("broken", "案件已办结，" + message, records=tuple(refs))
        return Finding("pending", message, records=tuple(refs))


@register
class ByYearEnd(Kind):
    """``to`` (one fact, or a list: the first that happened) by the end of the year (24:00 Beijing
    time on 31 December) in which ``from`` happened (003 第二十条 "案卷每年底都要统一归档": a case
    whose act ended in a year is archived with that year's files)."""

    code = "by_year_end"
    PARAMS = ("from", "to")

    def __init__(self, params: dict):
        self.start = _facts(params, "from")[0]
        self.ends = _facts(params, "to")

    def evaluate(self, facts: CaseFacts) -> Finding:
        started, start_ref = facts.value(self.start)
        if started is None:
            return Finding("not_applicable", "尚未起算")
        year = started.astimezone(BEIJING).year
        due = datetime(year + 1, 1, 1, tzinfo=BEIJING)
        done = _first(facts, self.ends)
        if done:
            when, ref = done
            if when <= due:
                return Finding("met", f"于{year}年底前完成", due, (start_ref, ref))
            return Finding("broken", f"应于{year}年底前完成，{_at(when)}才完成（迟 {late(when - due)}）", due,
                           (start_ref, ref))
        if facts.now <= due:
            return Finding("pending", f"须于{year}年12月31日前完成", due, (start_ref,))
        return Finding("overdue", f"应于{year}年底前完成，尚未完成", due, (start_ref,))
