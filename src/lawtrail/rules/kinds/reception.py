"""The reception of a complaint recorded on audio or video (003 第六条: 在接待地点采用同步录音录像系统
进行音像记录), checked on the case started from the complaint, and on a complaint that never became
a case (declined, or still waiting) by ``judge_complaint`` (rules/complaints.py: the complaint's
page and list)."""

from __future__ import annotations

from django.utils import timezone

from ..facts import CaseFacts
from . import Finding, Kind, codes, register
from .av_required import _missing


@register
class ComplaintReceptionAv(Kind):
    """A case started from a complaint received through one of ``channels`` has an audio or video
    record of the reception linked to that complaint (media.retention.attach_to_complaint).

    Other channels are not applicable: the article asks for the recording 在接待地点, and only a
    visit (来访) has a place where the complainant is received; a call, a letter, the network, the
    12345 hotline or a referral from above has none. A profile that wants calls recorded too
    lists ``phone``."""

    code = "complaint_reception_av"
    PARAMS = ("channels",)

    def __init__(self, params: dict):
        from lawtrail.cases.models import Complaint

        self.channels = codes(params, "channels", Complaint.CHANNELS, "投诉举报渠道")
        self.labels = Complaint.CHANNELS

    def evaluate(self, facts: CaseFacts) -> Finding:
        complaint = facts.case.complaint
        if complaint is None:
            return Finding("not_applicable", "本案不是由投诉举报启动的")
        links = [r for r in facts.receptions if r.complaint_id == complaint.pk]
        return self._judge(complaint, links, lambda what, refs: _missing(facts, what, refs))

    def judge_complaint(self, complaint, links) -> Finding:
        """The rule on a complaint by itself, with ``links`` its ReceptionRecording rows: without a
        recording, pending while the complaint waits for a decision (it may still be attached),
        broken once it is declined (no procedure will follow that could still bring it); one that
        started a case is judged as the case's finding is, pending until the case ends."""
        def missing(what, refs):
            if complaint.status == "declined":
                return Finding("broken", f"已决定不予启动执法程序，{what}", records=tuple(refs))
            return Finding("pending", what, records=tuple(refs))

        return self._judge(complaint, links, missing)

    def _judge(self, complaint, links, missing) -> Finding:
        if complaint.channel not in self.channels:
            return Finding("not_applicable", f"投诉举报经{self.labels[complaint.channel]}收到，不是"
                           + "、".join(self.labels[c] for c in self.channels) + "，没有接待地点的录音录像要求",
                           records=(f"complaint:{complaint.pk}",))
        if links:
            return Finding("met", f"投诉举报的接待有{len(links)}个同步录音录像",
                           records=(f"complaint:{complaint.pk}", *(f"av:{r.av_id}" for r in links)))
        received = f"{timezone.localtime(complaint.received_at):%Y-%m-%d %H:%M}"
        return missing(f"{self.labels[complaint.channel]}投诉举报（{received}收到）的接待没有关联的同步录音录像",
                       [f"complaint:{complaint.pk}"])


@register
class ComplaintReporterTold(Kind):
    """A real-name complaint declined (不予启动执法程序, approved) has a record of how and when the
    reporter was told (000 第十条, 001 第八条: 对实名投诉、举报，经审查不启动行政执法程序的，应…告知投诉人、
    举报人，并将相关情况作书面记录; 004 第六条: 将结果告知具名的投诉人、举报人). Judged on the complaint
    (rules/complaints.py); a case is never concerned: a complaint that started one was not declined.
    The seeds set no time for the notice, so a notice not yet recorded is pending, with no due time."""

    code = "complaint_reporter_told"
    PARAMS = ()

    def __init__(self, params: dict):
        pass

    def evaluate(self, facts: CaseFacts) -> Finding:
        return Finding("not_applicable", "案件已启动执法程序；不予启动的投诉举报在投诉举报页面检查")

    def judge_complaint(self, complaint, links) -> Finding:
        ref = (f"complaint:{complaint.pk}",)
        if complaint.status != "declined":
            return Finding("not_applicable", "投诉举报未决定不予启动执法程序", records=ref)
        if complaint.anonymous:
            return Finding("not_applicable", "匿名投诉举报，无须告知", records=ref)
        decided = f"{timezone.localtime(complaint.decided_at):%Y-%m-%d %H:%M}"
        if complaint.notified_at is None:
            return Finding("pending", f"不予启动已于{decided}批准，尚未记录告知投诉举报人的方式和时间", records=ref)
        return Finding("met", f"已于{timezone.localtime(complaint.notified_at):%Y-%m-%d %H:%M}"
                       f"{complaint.get_notified_how_display()}投诉举报人", records=ref)
