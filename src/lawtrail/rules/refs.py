"""Names of the records a finding concerns ("step:12", "document:3" …), made from the facts already
loaded when the finding is computed, and stored with it (rules.stored): a page shows them with
no query. Each name comes with its target — ("case", anchor), ("document", id), ("media", id) or
None — that the page turns into a link."""

from __future__ import annotations

from lawtrail.records.catalogue import KINDS as DOCUMENT_KINDS

from .calendar import BEIJING
from .facts import CaseFacts


def doc_title(doc) -> str:
    k = DOCUMENT_KINDS.get(doc.kind)
    title = f"《{k.title}》" if k else doc.kind
    return f"{title} {doc.number}" if doc.number else title


def _at(when) -> str:
    """2026-01-05 09:30, Beijing time (the time zone of the law's days: rules.calendar)."""
    return when.astimezone(BEIJING).isoformat(" ", "minutes")[:16]


def describe(f: CaseFacts, refs) -> dict[str, tuple[str, list | None]]:
    """{ref: (label, target)} for each reference of ``refs``."""
    # each lookup is built by CaseFacts on first use: most findings name steps or nothing
    out, procedure = {}, f.case.procedure_def
    for ref in refs:
        if not ref or ref in out:
            continue
        kind, _, raw = ref.partition(":")
        pk = int(raw) if raw.isdigit() else None
        label, target = ref, None
        if kind == "case":
            label, target = f"案件 {f.case.number}", ["case", ""]
        elif kind == "step" and pk in f.index("steps"):
            r = f.index("steps")[pk]
            label, target = f"环节：{procedure.step(r.step).title}（{_at(r.occurred_at)}）", ["case", f"stage-{r.stage}"]
        elif kind == "document" and pk in f.index("documents"):
            label, target = f"文书：{doc_title(f.index('documents')[pk])}", ["document", pk]
        elif kind == "version" and pk in f.version_documents:
            d, v = f.version_documents[pk]
            label, target = f"文书：{doc_title(d)} 第{v.version}版", ["document", d.pk]
        elif kind == "service" and (s := f.index("services").get(pk)) and s.version_id in f.version_documents:
            d, _ = f.version_documents[s.version_id]
            label, target = f"送达：{doc_title(d)}（{s.get_method_display()}，{_at(s.served_at)}）", ["document", d.pk]
        elif kind in ("av", "av_record") and pk in f.index("av_records"):
            label, target = f"音像记录：{f.index('av_records')[pk].filename}", ["media", pk]
        elif kind == "av" and pk in f.receptions_elsewhere:
            label = f"音像记录：{f.receptions_elsewhere[pk].filename}"
        elif kind == "circumstance" and pk in f.index("circumstances"):
            c = f.index("circumstances")[pk]
            label = f"保存情形：{c.get_circumstance_display()}（{c.noted_by.name}，{_at(c.noted_at)}）"
        elif kind == "complaint" and f.case.complaint_id == pk:
            label = f"投诉举报 #{pk}（{f.case.complaint.get_channel_display()}，{_at(f.case.complaint.received_at)}）"
        elif kind == "access_request" and pk in f.index("access_requests"):
            r = f.index("access_requests")[pk]
            label = f"查阅、复制申请 #{pk}（{r.requester_name}，{r.get_mode_display()}，{_at(r.received_at)}收到）"
        out[ref] = (label, target)
    return out
