"""Body-camera conduct (002 第十五条): what the clips' own facts can show. Whether the recording
was announced and the certificate shown is in the picture, which software cannot see."""

from __future__ import annotations

from datetime import timedelta

from lawtrail.media.continuity import MAX_GAP, between

from ..facts import CaseFacts
from . import Finding, Kind, ParamError, register


@register
class BodyCameraConduct(Kind):
    """Of the case's body-camera clips (来源 执法记录仪, from a registered camera): every clip names
    its place (地点, or a GPS fix: 第四项), and no two consecutive clips of one camera at one place
    have a gap between them (第五项 "在同一执法地点不得断续记录"; media.continuity: a pause up to
    ``max_gap_minutes``, default 30, is an interruption, a longer one another occasion; clips at
    different places may be discontinuous). Broken at once: a clip does not change."""

    code = "body_camera_conduct"
    PARAMS = ("max_gap_minutes",)

    def __init__(self, params: dict):
        minutes = params.get("max_gap_minutes", int(MAX_GAP.total_seconds() // 60))
        if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= 24 * 60:
            raise ParamError("max_gap_minutes", "应为 1 至 1440 之间的整数（分钟）")
        self.max_gap = timedelta(minutes=minutes)

    def evaluate(self, facts: CaseFacts) -> Finding:
        clips = [av for av in facts.av_records if av.source == "body_camera" and av.device_id]
        if not clips:
            return Finding("not_applicable", "本案没有执法记录仪记录")
        problems, refs = [], []
        unplaced = [av for av in clips if not av.place.strip() and (av.gps_lat is None or av.gps_lon is None)]
        if unplaced:
            problems.append(f"{len(unplaced)}段未标明地点（{'、'.join(av.filename for av in unplaced)}）")
            refs += [f"av:{av.pk}" for av in unplaced]
        by_camera: dict[int, list] = {}
        for av in sorted(clips, key=lambda av: (av.capture_start, av.pk)):
            by_camera.setdefault(av.device_id, []).append(av)
        for camera_clips in by_camera.values():
            for g in between(camera_clips, self.max_gap):
                if not g.overlap and g.same_place:
                    minutes = int(g.gap.total_seconds() // 60)
                    problems.append(f"{g.previous.filename} 与 {g.next.filename} 在同一地点间断{minutes}分钟"
                                    f"{int(g.gap.total_seconds()) % 60}秒")
                    refs += [f"av:{g.previous.pk}", f"av:{g.next.pk}"]
        if problems:
            return Finding("broken", "；".join(problems), records=tuple(dict.fromkeys(refs)))
        return Finding("met", f"{len(clips)}段执法记录仪记录均标明地点，同一地点没有间断",
                       records=tuple(f"av:{av.pk}" for av in clips))
