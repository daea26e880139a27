"""Documents on the case page: make a draft, fill it, finalise it, sign or record a refusal,
correct it, download it. Every change goes through records.actions."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.contrib import messages

from lawtrail.access import policy, roles
from lawtrail.digits import is_digits
from lawtrail.ledger.store import append
from lawtrail.records import actions, catalogue
from lawtrail.records.models import Document, Service, ServiceReceipt, Signature

from ..document_forms import DocumentForm
from ..forms import TextPolicy, show_errors
from .common import staff_view

SEES = roles.SEES_BUREAU_CASES | roles.SEES_UNIT_CASES
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class NewDocumentForm(TextPolicy, forms.Form):
    kind = forms.ChoiceField(label="文书种类")

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        seen, choices = set(), []
        for step in case.procedure_def.steps:
            for code in step.documents:
                if code not in seen:
                    seen.add(code)
                    choices.append((code, f"{step.title} · {catalogue.get(code).title}"))
        self.fields["kind"].choices = choices


class SignForm(TextPolicy, forms.Form):
    role = forms.ChoiceField(label="签名身份")
    method = forms.ChoiceField(label="方式", choices=Signature.METHODS.items())
    name = forms.CharField(label="签名人姓名（当事人、见证人）", required=False, max_length=100)
    image = forms.FileField(label="签名或印章图像（PNG/JPEG）", required=False)

    def __init__(self, *args, kind, **kwargs):
        super().__init__(*args, **kwargs)
        labels = catalogue.SIGNERS | {"party": "当事人"}
        self.fields["role"].choices = [(r, labels[r]) for r in actions.required_signers(kind)]


class RefuseForm(TextPolicy, forms.Form):
    name = forms.CharField(label="拒签人", max_length=100)
    reason = forms.CharField(label="拒签情况和理由", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    witnesses = forms.CharField(label="见证人（每行一人）", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                max_length=1000)
    av_record = forms.CharField(label="拒签过程音像记录（编号或说明）", required=False, max_length=100)


class ServiceForm(TextPolicy, forms.Form):
    method = forms.ChoiceField(label="送达方式", choices=Service.METHODS.items())
    carrier = forms.ChoiceField(label="邮寄方式（邮寄送达）", required=False, choices=[("", "—"), *Service.CARRIERS.items()])
    recipient = forms.CharField(label="受送达人", max_length=100)
    place = forms.CharField(label="送达地点", required=False, max_length=200)
    served_at = forms.DateTimeField(label="送达时间", widget=forms.DateTimeInput({"type": "datetime-local"}))
    witnesses = forms.CharField(label="见证人（留置送达，每行一人）", required=False,
                                widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)
    receipt = forms.CharField(label="送达凭证（回执、邮件号、公告载体等）", required=False, max_length=200)


class FinaliseForm(TextPolicy, forms.Form):
    reason = forms.CharField(label="更正理由", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             max_length=2000)


def _case(request, case_id):
    return get_object_or_404(policy.visible_cases(request.user).select_related("bureau", "unit"), pk=case_id)


def _document(request, case_id, document_id):
    case = _case(request, case_id)
    return case, get_object_or_404(Document.objects.select_related("created_by"), pk=document_id, case=case)


@staff_view(roles.OPENS_CASES)
def document_new(request, case_id: int):
    case = _case(request, case_id)
    form = NewDocumentForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        doc = actions.create_draft(by=request.staff, case=case, kind=form.cleaned_data["kind"])
        return redirect("document", case_id=case.pk, document_id=doc.pk)
    return redirect("case", case_id=case.pk)


@staff_view(SEES)
def document_detail(request, case_id: int, document_id: int):
    case, doc = _document(request, case_id, document_id)
    kind = catalogue.get(doc.kind)
    editable = doc.status in ("draft", "correcting") and request.staff.role in roles.OPENS_CASES
    form = DocumentForm(kind=kind, case=case, values=doc.draft_values) if editable else None
    finalise_form = FinaliseForm() if editable else None
    if request.method == "POST":
        if not editable:
            raise policy.Denied("该文书当前不能修改")
        form = DocumentForm(request.POST, kind=kind, case=case)
        finalise_form = FinaliseForm(request.POST)
        if form.is_valid() and finalise_form.is_valid():
            try:
                actions.update_draft(by=request.staff, document=doc, values=form.values())
                if "finalise" in request.POST:
                    actions.finalise(by=request.staff, document=doc, reason=finalise_form.cleaned_data["reason"])
            except ValidationError as e:
                show_errors(finalise_form if "reason" in getattr(e, "error_dict", {}) else form, e)
            else:
                return redirect("document", case_id=case.pk, document_id=doc.pk)
    versions = list(doc.versions.prefetch_related("signatures", "refusals", "services__receipt_link",
                                                  "services__recorded_by").order_by("-version"))
    latest = versions[0] if versions else None
    fields = []
    if latest:
        values = latest.values
        fields = [(f, values.get(f.name)) for f in kind.fields]
    signing = doc.status == "finalised" and latest is not None
    return render(request, "web/documents/detail.html", {
        "case": case, "doc": doc, "kind": kind, "form": form, "finalise_form": finalise_form,
        "versions": versions, "latest": latest, "fields": fields,
        "missing": actions.missing_signatures(latest) if latest else [],
        "sign_form": SignForm(kind=kind) if signing else None,
        "refuse_form": RefuseForm() if signing and kind.party_signs else None,
        "service_form": ServiceForm() if signing and kind.served else None,
        "can_correct": doc.status == "finalised" and request.staff.role in roles.OPENS_CASES,
        "can_handle": request.staff.role in roles.OPENS_CASES,
        "proves": ServiceReceipt.objects.filter(document=doc).select_related("service__version__document").first(),
    }, status=400 if (form is not None and form.errors) or (finalise_form is not None and finalise_form.errors) else 200)


@staff_view(SEES)
def document_sign(request, case_id: int, document_id: int):
    case, doc = _document(request, case_id, document_id)
    kind = catalogue.get(doc.kind)
    form = SignForm(request.POST, request.FILES, kind=kind)
    latest = doc.versions.order_by("-version").first()
    if request.method == "POST" and latest and _valid(request, form):
        d = form.cleaned_data
        image = d["image"]
        with _reported(request, "已签名。"):
            if image is not None and image.size > actions.MAX_IMAGE_BYTES:
                raise ValidationError(f"签名图像过大（最大 {actions.MAX_IMAGE_BYTES // 1024} KB）")
            actions.sign(by=request.staff, version=latest, role=d["role"], method=d["method"], name=d["name"],
                         image=image.read() if image else None, mime=image.content_type if image else "")
    return redirect("document", case_id=case.pk, document_id=doc.pk)


def _valid(request, form) -> bool:
    if form.is_valid():
        return True
    for errors in form.errors.values():
        for e in errors:
            messages.error(request, e)
    return False


class _reported:
    """Run an action; its refusal becomes a message on the document page (after the redirect)."""

    def __init__(self, request, success: str):
        self.request, self.success = request, success

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            messages.success(self.request, self.success)
        elif issubclass(exc_type, ValidationError):
            for m in exc.messages:
                messages.error(self.request, m)
            return True
        return False


@staff_view(roles.OPENS_CASES)
def document_refuse(request, case_id: int, document_id: int):
    case, doc = _document(request, case_id, document_id)
    form = RefuseForm(request.POST)
    latest = doc.versions.order_by("-version").first()
    if request.method == "POST" and latest and _valid(request, form):
        d = form.cleaned_data
        with _reported(request, "已记录拒签。"):
            actions.refuse(by=request.staff, version=latest, name=d["name"], reason=d["reason"],
                           witnesses=d["witnesses"].splitlines(), av_record=d["av_record"])
    return redirect("document", case_id=case.pk, document_id=doc.pk)


@staff_view(roles.OPENS_CASES)
def document_serve(request, case_id: int, document_id: int):
    case, doc = _document(request, case_id, document_id)
    form = ServiceForm(request.POST)
    latest = doc.versions.order_by("-version").first()
    if request.method == "POST" and latest and _valid(request, form):
        d = form.cleaned_data
        with _reported(request, "已记录送达。"):
            actions.record_service(by=request.staff, version=latest, method=d["method"], served_at=d["served_at"],
                                   recipient=d["recipient"], place=d["place"], carrier=d["carrier"],
                                   witnesses=d["witnesses"].splitlines(), receipt=d["receipt"])
    return redirect("document", case_id=case.pk, document_id=doc.pk)


@staff_view(roles.OPENS_CASES)
def document_correct(request, case_id: int, document_id: int):
    case, doc = _document(request, case_id, document_id)
    if request.method == "POST":
        with _reported(request, "已开始更正：修改后定稿将生成新版本，原版本保留。"):
            actions.start_correction(by=request.staff, document=doc)
    return redirect("document", case_id=case.pk, document_id=doc.pk)


@staff_view(SEES)
def document_file(request, case_id: int, document_id: int, fmt: str):
    """The latest version (or ?version=N) as PDF or DOCX; each download is a ledger entry."""
    from lawtrail.records import render as renderer

    case, doc = _document(request, case_id, document_id)
    if fmt not in ("pdf", "docx"):
        return HttpResponse(status=404)
    versions = doc.versions.order_by("-version")
    v = versions.filter(version=request.GET["version"]).first() if is_digits(request.GET.get("version", "")) \
        else versions.first()
    if v is None:
        return HttpResponse("该文书尚未定稿，没有可下载的版本。", status=404, content_type="text/plain; charset=utf-8")
    data = renderer.pdf(v) if fmt == "pdf" else renderer.docx(v)
    append(actor=f"user:{request.user.pk}", action="records.document_downloaded", subject=f"case:{case.pk}",
           payload={"document": doc.pk, "version": v.version, "format": fmt, "sha256": v.sha256})
    mime = "application/pdf" if fmt == "pdf" else DOCX
    name = f"{doc.number or case.number}-{catalogue.get(doc.kind).title}-v{v.version}.{fmt}"
    response = HttpResponse(data, content_type=mime)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}"
    return response


@staff_view(SEES)
def document_preview(request, case_id: int, document_id: int, fmt: str = "pdf"):
    """The draft as it would print (marked 草稿预览; no 文号, no ledger entry, nothing stored)."""
    from lawtrail.records import render as renderer

    case, doc = _document(request, case_id, document_id)
    if doc.status not in ("draft", "correcting"):
        return redirect("document_file", case_id=case.pk, document_id=doc.pk, fmt=fmt)
    if fmt == "docx":
        response = HttpResponse(renderer.draft_docx(doc), content_type=DOCX)
        name = f"{case.number}-{catalogue.get(doc.kind).title}-草稿预览.docx"
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}"
        return response
    response = HttpResponse(renderer.draft_pdf(doc), content_type="application/pdf")
    response["Content-Disposition"] = "inline"
    return response


@staff_view(roles.OPENS_CASES)
def service_receipt(request, case_id: int, document_id: int, service_id: int):
    """送达回证 for one service of this document: made once, then opened like any document."""
    case, doc = _document(request, case_id, document_id)
    service = get_object_or_404(Service.objects.select_related("receipt_link"), pk=service_id, version__document=doc)
    link = getattr(service, "receipt_link", None)
    if link is not None:
        return redirect("document", case_id=case.pk, document_id=link.document_id)
    if request.method == "POST":
        with _reported(request, "已生成送达回证草稿：请核对后定稿并签名。"):
            receipt = actions.draft_service_receipt(by=request.staff, service=service)
            return redirect("document", case_id=case.pk, document_id=receipt.pk)
    return redirect("document", case_id=case.pk, document_id=doc.pk)


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


