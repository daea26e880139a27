"""音像记录 in the browser: the case's records (an htmx fragment of the case page), the upload page
and its JSON endpoints (resumable, in chunks: uploader.js), a record's page with its player, the
original served with HTTP ranges, its thumbnail, and the remote-work declaration.

Every change goes through media.actions; every read goes through access.policy.visible_cases.
Every response that carries bytes of an original, whatever its Range or If-Range, is judged by
actions.log_read: a ledger entry unless the ledger already has the same person's same read of
that record from the last few minutes (the other range requests of one playback)."""

from __future__ import annotations

import json
import re
from functools import wraps
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_safe

from lawtrail.access import policy, roles
from lawtrail.access.models import Staff
from lawtrail.digits import is_digits
from lawtrail.media import actions
from lawtrail.media.models import AvRecord, Derivative, Device, Job, RemoteWork
from lawtrail.media.storage import ObjectMissing, RangeNotSatisfiable, get_store

from ..forms import DT, TextPolicy, show_errors
from ..streaming import body_readinto
from . import av_keeping
from .common import staff_view

SEES = roles.SEES_BUREAU_CASES | roles.SEES_UNIT_CASES
STREAM_BLOCK = 256 * 1024
PICTURES = ("poster", "thumbnail")


# --- reading ---------------------------------------------------------------------------------------

def _case(request, case_id):
    return get_object_or_404(policy.visible_cases(request.user), pk=case_id)


def _record(request, case_id, record_id, *related):
    case = _case(request, case_id)
    av = get_object_or_404(AvRecord.objects.select_related("blob", *related), pk=record_id, case=case)
    return case, av


def may_upload(staff) -> bool:
    """The role part of actions.may_upload (the case part: the case is visible, checked by the caller)."""
    try:
        actions.may_upload(staff, None)
    except policy.Denied:
        return False
    return True


def duration_label(ms) -> str:
    if ms is None:
        return ""
    s = round(ms / 1000)
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}小时{m:02d}分{s:02d}秒" if h else f"{m}分{s:02d}秒"


def late_label(late_by) -> str:
    minutes = int(late_by.total_seconds() // 60)
    if minutes < 60:
        return f"逾期上传 {max(minutes, 1)} 分钟"
    hours = minutes // 60
    return f"逾期上传 {hours} 小时" + (f"（约 {hours // 24} 天）" if hours >= 48 else "")


def _annotate(av, remote, has_picture: bool) -> None:
    """What the templates show of a record, computed once here."""
    t = actions.timeliness(av, remote)
    av.clock = t
    av.late_text = late_label(t["late_by"]) if t["late"] else ""
    av.duration_text = duration_label(av.duration_ms)
    av.has_picture = has_picture


@staff_view(SEES)
def case_media(request, case_id: int):
    """The case's AV records: the case page loads this fragment with htmx (its own queries, not the
    case page's); without JavaScript, the link in the case page opens it as a page."""
    case = _case(request, case_id)
    records = list(AvRecord.objects.filter(case=case)
                   .select_related("blob", "device", "recorded_by", "uploaded_by").order_by("capture_start", "id"))
    pictured = set(Derivative.objects.filter(original_id__in={av.blob_id for av in records}, purpose__in=PICTURES)
                   .values_list("original_id", flat=True)) if records else set()
    remote = actions.remote_works_for(records)
    for av in records:
        _annotate(av, remote[av.pk], av.blob_id in pictured)
    ctx = {"case": case, "records": records, "can_upload": may_upload(request.staff)}
    if request.headers.get("HX-Request"):
        return render(request, "web/media/_records.html", ctx)
    return render(request, "web/media/case_media.html", ctx)


@require_http_methods(["GET", "HEAD", "POST"])
@staff_view(SEES)
def record_detail(request, case_id: int, record_id: int):
    """The record's page; a POST is one of its retention and reception forms (av_keeping)."""
    case, av = _record(request, case_id, record_id, "device", "recorded_by", "uploaded_by", "step", "document")
    keeping = av_keeping.offered(request.staff, case, av)
    if request.method == "POST":
        done = av_keeping.post(request, case, av, keeping)
        if done:
            messages.success(request, done)
            return redirect("media_record", case_id=case.pk, record_id=av.pk)
    if av.step_id:
        av.step.case = case  # step_title reads the case's procedure
    derived = list(Derivative.objects.filter(original=av.blob).select_related("blob").order_by("purpose"))
    _annotate(av, actions.remote_work_for(av), any(d.purpose in PICTURES for d in derived))
    job = Job.objects.filter(original=av.blob, status__in=("queued", "running", "failed")).first()
    failed = any(f.errors for f in keeping.values())
    return render(request, "web/media/record.html", {"case": case, "av": av, "derived": derived, "job": job,
                                                     "notes": av.note_list, "keeping": keeping,
                                                     **av_keeping.context(case, av)},
                  status=400 if failed else 200)


# --- serving bytes ---------------------------------------------------------------------------------

_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
UNSATISFIABLE = "unsatisfiable"


def parse_range(header: str, size: int):
    """One byte range of ``size`` bytes as a half-open (start, end), None to send the whole object
    (no Range, or one this server ignores as RFC 9110 allows: malformed or several ranges), or
    UNSATISFIABLE."""
    m = _RANGE.fullmatch((header or "").strip())
    if not m or m.group(1) == m.group(2) == "":
        return None
    first, last = m.groups()
    if first == "":  # the last N bytes
        n = int(last)
        return (max(size - n, 0), size) if n > 0 and size > 0 else UNSATISFIABLE
    start = int(first)
    if last and int(last) < start:
        return None
    if start >= size:
        return UNSATISFIABLE
    return start, min(int(last) + 1, size) if last else size


def _blocks(f):
    try:
        while block := f.read(STREAM_BLOCK):
            yield block
    finally:
        f.close()


def content_disposition(filename: str, attachment: bool) -> str:
    """RFC 6266 with an ASCII fallback and the real name RFC 5987-encoded (UTF-8)."""
    fallback = re.sub(r'[^\x20-\x7e]|["\\]', "_", filename).strip() or "download"
    kind = "attachment" if attachment else "inline"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _serve(request, blob, mime: str, *, on_read=None, disposition: str | None = None,
           cache: str = "private, no-cache") -> HttpResponse:
    """The bytes of ``blob``: 200 whole, 206 one range, 416 when unsatisfiable; streamed in blocks.
    ``on_read`` runs before any byte of a GET is sent, for every range (no range can skip it)."""
    size, etag = blob.size, f'"{blob.sha256}"'
    wanted = request.headers.get("Range", "")
    if_range = request.headers.get("If-Range")
    if if_range and if_range.strip() != etag:
        wanted = ""  # the client's copy is of other bytes: send all (cannot happen: objects never change)
    got = parse_range(wanted, size) if wanted else None
    if got == UNSATISFIABLE:
        r = HttpResponse(f"请求的范围无法满足：文件共 {size} 字节".encode(), status=416,
                         content_type="text/plain; charset=utf-8")
        r["Content-Range"] = f"bytes */{size}"
        r["Accept-Ranges"] = "bytes"
        return r
    start, end = got or (0, size)
    try:
        f = get_store().read_range(blob.sha256, start, end)
    except (ObjectMissing, RangeNotSatisfiable) as e:
        return HttpResponse(f"无法读取文件：{e}".encode(), status=404 if isinstance(e, ObjectMissing) else 416,
                            content_type="text/plain; charset=utf-8")
    if on_read and request.method == "GET":
        try:
            on_read()
        except BaseException:
            f.close()
            raise
    r = StreamingHttpResponse(_blocks(f) if request.method == "GET" else iter(()), status=206 if got else 200,
                              content_type=mime or "application/octet-stream")
    if request.method != "GET":
        f.close()
    r["Content-Length"] = str(end - start)
    if got:
        r["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
    r["Accept-Ranges"] = "bytes"
    r["ETag"] = etag
    r["X-Content-Type-Options"] = "nosniff"
    r["Cache-Control"] = cache
    if disposition:
        r["Content-Disposition"] = disposition
    return r


@require_safe
@staff_view(SEES)
def original(request, case_id: int, record_id: int):
    """The original, for the player (ranges) and for download (?download=1)."""
    case, av = _record(request, case_id, record_id)
    download = request.GET.get("download") == "1"

    def log():
        actions.log_read(by=request.staff, record_=av, what="downloaded" if download else "viewed")

    return _serve(request, av.blob, av.mime, on_read=log,
                  disposition=content_disposition(av.filename, attachment=download))


@require_safe
@staff_view(SEES)
def thumbnail(request, case_id: int, record_id: int):
    """The thumbnail (photo) or poster frame (video): its own object, naming its original."""
    case, av = _record(request, case_id, record_id)
    d = (Derivative.objects.filter(original_id=av.blob_id, purpose__in=PICTURES).select_related("blob")
         .order_by("purpose").first())
    if d is None:
        raise Http404("该音像记录没有缩略图")
    return _serve(request, d.blob, d.blob.mime, cache="private, max-age=86400")


# --- upload page and its JSON endpoints ------------------------------------------------------------

@staff_view(SEES)
def upload_page(request, case_id: int):
    case = _case(request, case_id)
    s = request.staff
    actions.may_upload(s, case)  # Denied: 403 with the rule's message
    steps = list(case.steps.order_by("occurred_at", "id"))
    for r in steps:
        r.case = case
    people = list(Staff.objects.filter(bureau_id=s.bureau_id, active=True, role__in=roles.OPENS_CASES)
                  .exclude(pk=s.pk).order_by("name"))
    return render(request, "web/media/upload.html", {
        "case": case, "me": s, "people": people, "steps": steps,
        "documents": list(case.documents.order_by("created_at", "id")),
        "devices": list(Device.objects.filter(bureau_id=s.bureau_id, status="in_service").select_related(
            "assigned_to").order_by("serial")),
        "sources": AvRecord.SOURCES.items(), "retention": AvRecord.RETENTION.items(),
        "chunk_size": 8 * 1024 * 1024,
    })


def _json(data: dict, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def _refused(e: ValidationError, status: int = 400, **extra) -> JsonResponse:
    fields = e.message_dict if hasattr(e, "error_dict") else {"__all__": e.messages}
    fields = {k: "；".join(v) for k, v in fields.items()}
    return _json({"message": "；".join(fields.values()), "fields": fields, **extra}, status)


def json_uploader(view):
    """Session login, an uploader's role, and answers in JSON (401/403/404/400), never a login page."""

    @wraps(view)
    def inner(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return _json({"message": "登录已失效，请重新登录后继续上传（已上传的部分会保留）"}, 401)
        s = policy.staff_of(request.user)
        try:
            actions.may_upload(s, None)
            request.staff = s
            return view(request, *args, **kwargs)
        except policy.Denied as e:
            return _json({"message": str(e)}, 403)
        except ValidationError as e:
            return _refused(e)

    return inner


def _body(request) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise ValidationError({"__all__": "请求格式错误：应为 JSON"}) from None
    if not isinstance(data, dict):
        raise ValidationError({"__all__": "请求格式错误：应为 JSON 对象"})
    return data


def _upload(request, upload_id):
    try:
        return actions.upload_of(request.staff, upload_id)
    except policy.Denied:
        return None


def _progress(u) -> dict:
    return {"id": str(u.pk), "filename": u.filename, "size": u.size, "received": u.received, "record": u.record_id}


NO_UPLOAD = {"message": "没有这个上传任务，或它不属于您"}


@require_http_methods(["POST"])
@json_uploader
def upload_start(request):
    data = _body(request)
    case_id = data.get("case")
    case = policy.visible_cases(request.user).filter(pk=case_id).first() if is_digits(case_id) else None
    if case is None:
        return _json({"message": "没有这个案件，或您无权查看"}, 404)
    size = data.get("size")
    u = actions.start_upload(by=request.staff, case=case, filename=str(data.get("filename") or ""),
                             size=size if isinstance(size, int) and not isinstance(size, bool) else -1,
                             sha256=str(data.get("sha256") or ""))
    return _json(_progress(u), 201)


@require_http_methods(["GET", "PUT"])
@json_uploader
def upload_chunk(request, upload_id):
    """GET: how far the upload stands. PUT ?offset=N: the raw bytes of one chunk at N."""
    u = _upload(request, upload_id)
    if u is None:
        return _json(NO_UPLOAD, 404)
    if request.method == "GET":
        return _json(_progress(u))
    offset = request.GET.get("offset", "")
    if not is_digits(offset):
        return _json({"message": "缺少或无效的 offset 参数（应为非负整数）", "received": u.received,
                      "fields": {"offset": "缺少或无效的 offset 参数（应为非负整数）"}}, 400)
    length = request.META.get("CONTENT_LENGTH") or ""
    if not length:
        return _json({"message": "缺少 Content-Length：请声明分块的字节数", "received": u.received}, 411)
    if not is_digits(length):
        return _json({"message": "Content-Length 无效：应为分块的字节数", "received": u.received,
                      "fields": {"length": "Content-Length 无效：应为分块的字节数"}}, 400)
    try:
        # request.read, never request.body: a chunk of many MB streams to disk instead of into
        # memory (and DATA_UPLOAD_MAX_MEMORY_SIZE would refuse it).
        u = actions.append_chunk(by=request.staff, upload_id=u.pk, offset=int(offset), read=request.read,
                                 readinto=body_readinto(request),
                                 length=int(length))
    except ValidationError as e:
        received = type(u).objects.filter(pk=u.pk).values_list("received", flat=True).first()
        return _refused(e, 409 if "offset" in getattr(e, "error_dict", {}) else 400, received=received)
    return _json({"received": u.received, "size": u.size})


FACT_NAMES = ("source", "device", "recorded_by", "capture_start", "capture_end", "place", "step", "document",
              "retention", "retention_reason")


@require_http_methods(["POST"])
@json_uploader
def upload_complete(request, upload_id):
    u = _upload(request, upload_id)
    if u is None:
        return _json(NO_UPLOAD, 404)
    data = _body(request)
    facts = {k: data[k] for k in FACT_NAMES if data.get(k) not in (None, "")}
    for k in ("recorded_by", "step", "document"):
        if k in facts:
            if not is_digits(facts[k]) or len(str(facts[k])) > 18:  # beyond any 64-bit id
                return _refused(ValidationError({k: "选择无效"}))
            facts[k] = int(facts[k])
    wrong = [k for k, v in facts.items() if k not in ("recorded_by", "step", "document") and not isinstance(v, str)]
    if wrong:  # the page sends text; anything else would reach the action's comparisons as it came
        return _refused(ValidationError({k: "格式不正确" for k in wrong}))
    av = actions.complete_upload(by=request.staff, upload_id=u.pk, facts=facts)
    return _json({"record": av.pk, "url": reverse("media_record", args=[av.case_id, av.pk]),
                  "filename": av.filename, "received": u.size, "size": u.size})


# --- remote work ---------------------------------------------------------------------------------

class RemoteWorkForm(TextPolicy, forms.Form):
    staff = forms.ModelChoiceField(label="执法人员", queryset=Staff.objects.none(), empty_label=None)
    kind = forms.ChoiceField(label="情形", choices=RemoteWork.KINDS.items())
    started_at = forms.DateTimeField(label="开始时间", widget=forms.DateTimeInput(DT))
    returned_at = forms.DateTimeField(label="返回时间", widget=forms.DateTimeInput(DT))
    reason = forms.CharField(label="说明（任务、地点等）", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, staff: Staff, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Staff.objects.filter(pk=staff.pk) if staff.role == "officer" else Staff.objects.filter(
            bureau_id=staff.bureau_id, active=True, role__in=roles.OPENS_CASES).order_by("name")
        self.fields["staff"].queryset = qs
        self.fields["staff"].initial = staff.pk
        self.fields["staff"].label_from_instance = lambda p: p.name


@staff_view(actions.UPLOADERS)
def remote_work_new(request):
    s = request.staff
    back = request.GET.get("next") or request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = ""
    form = RemoteWorkForm(request.POST if request.method == "POST" else None, staff=s)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.declare_remote_work(by=s, staff=d["staff"], kind=d["kind"], started_at=d["started_at"],
                                        returned_at=d["returned_at"], reason=d["reason"])
        except ValidationError as e:
            show_errors(form, e)
        else:
            messages.success(request, "已登记。该期间拍摄的音像记录，上传时限按返回后 24 小时计算。")
            return redirect(back or reverse("remote_work_new"))
    recent = list(RemoteWork.objects.filter(staff__bureau_id=s.bureau_id, **({"staff": s} if s.role == "officer" else {}))
                  .select_related("staff", "declared_by").order_by("-declared_at")[:20])
    return render(request, "web/media/remote_work.html", {"form": form, "next": back, "recent": recent},
                  status=400 if form.errors else 200)
