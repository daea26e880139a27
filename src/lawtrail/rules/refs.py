"""Names of the records a finding concerns ("step:12", "document:3" …), made from the facts already
loaded when the finding is computed, and stored with it (rules.stored): a page shows them with
no query. Each name comes with its target — ("case", anchor), ("document", id), ("media", id) or
None — that the page turns into a link."""

from __future__ import annotations

from django.utils import timezone

from lawtrail.records.catalogue import KINDS as DOCUMENT_KINDS

from .facts import CaseFacts


def doc_title(doc) -> str:
    k = DOCUMENT_KINDS.get(doc.kind)
    title = f"《{k.title}》" if k else doc.kind
    return f"{title} {doc.number}" if doc.number else title


def _at(when) -> str:
    return f"{timezone.localtime(when):%Y-%m-%d %H:%M}"


def describe(f: CaseFacts, refs) -> dict[str, tuple[str, list | None]]:
    """{ref: (label, target)} for each reference of ``refs``."""
    docs = {d.pk: d for d in f.documents}
    version_doc = {v.pk: (docs[d_id], v) for d_id, vs in f.versions.items() for v in vs if d_id in docs}
    steps = {s.pk: s for s in f.steps}
    services = {s.pk: s for s in f.services}
    avs = {a.pk: a for a in f.av_records}
    elsewhere = {r.av_id: r.av for r in f.receptions if r.av_id not in avs}  # a reception's AV of no case or another
    circumstances = {c.pk: c for c in f.circumstances}
    access_requests = {r.pk: r for r in f.access_requests}
    out = {}
    for ref in refs:
        if not ref or ref in out:
            continue
        kind, _, raw = ref.partition(":")
        pk = int(raw) if raw.isdigit() else None
        label, target = ref, None
        if kind == "case":
            label, target = f"案件 {f.case.number}", ["case", ""]
        elif kind == "step" and pk in steps:
            r = steps[pk]
            label, target = f"环节：{r.step_def.title}（{_at(r.occurred_at)}）", ["case", f"stage-{r.stage}"]
        elif kind == "document" and pk in docs:
            label, target = f"文书：{doc_title(docs[pk])}", ["document", pk]
        elif kind == "version" and pk in version_doc:
            d, v = version_doc[pk]
            label, target = f"文书：{doc_title(d)} 第{v.version}版", ["document", d.pk]
        elif kind == "service" and pk in services and services[pk].version_id in version_doc:
            s = services[pk]
            d, _ = version_doc[s.version_id]
            label, target = f"送达：{doc_title(d)}（{s.get_method_display()}，{_at(s.served_at)}）", ["document", d.pk]
        elif kind in ("av", "av_record") and pk in avs:
            label, target = f"音像记录：{avs[pk].filename}", ["media", pk]
        elif kind == "av" and pk in elsewhere:
            label = f"音像记录：{elsewhere[pk].filename}"
        elif kind == "circumstance" and pk in circumstances:
            c = circumstances[pk]
            label = f"保存情形：{c.get_circumstance_display()}（{c.noted_by.name}，{_at(c.noted_at)}）"
        elif kind == "complaint" and f.case.complaint_id == pk:
            label = f"投诉举报 #{pk}（{f.case.complaint.get_channel_display()}，{_at(f.case.complaint.received_at)}）"
        elif kind == "access_request" and pk in access_requests:
            r = access_requests[pk]
            label = f"查阅、复制申请 #{pk}（{r.requester_name}，{r.get_mode_display()}，{_at(r.received_at)}收到）"
        out[ref] = (label, target)
    return out
