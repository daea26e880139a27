"""/api/v1/cases/{id}/documents…: create, save, finalise, sign, refuse, fetch the PDF. Same rules
as the pages: the case must be visible to the caller, changes go through records.actions."""

import base64
import binascii
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from lawtrail.access import policy
from lawtrail.ledger.store import append
from lawtrail.records import actions
from lawtrail.records.models import Document

from .schemas import DocumentIn, DocumentOut, DocumentValues, FinaliseIn, MAX_ID, PathId, RefuseIn, ServiceIn, SignIn
from .schemas import errors as fails

router = Router(tags=["文书"])


def _doc_out(doc: Document) -> dict:
    versions = list(doc.versions.prefetch_related("signatures", "refusals").order_by("version"))
    return {"id": doc.pk, "kind": doc.kind, "number": doc.number, "status": doc.status, "draft": doc.draft_values,
            "versions": [{"version": v.version, "sha256": v.sha256, "sm3": v.sm3, "finalised_at": v.finalised_at,
                          "correction_reason": v.correction_reason, "ledger_seq": v.ledger_seq, "values": v.values,
                          "missing_signatures": actions.missing_signatures(v)} for v in versions]}


def _get(request, case_id: int, document_id: int | None = None):
    from .api import _staff

    s = _staff(request)
    case = get_object_or_404(policy.visible_cases(request.user), pk=case_id)
    doc = get_object_or_404(Document, pk=document_id, case=case) if document_id is not None else None
    return s, case, doc


def _latest(doc: Document):
    v = doc.versions.order_by("-version").first()
    if v is None:
        raise ValidationError({"__all__": "该文书尚未定稿"})
    return v


@router.post("/cases/{case_id}/documents", response={201: DocumentOut, **fails(path=True, body=True)},
             summary="制作文书草稿（按案件信息预填）")
def create_document(request, case_id: PathId, body: DocumentIn):
    s, case, _ = _get(request, case_id)
    return Status(201, _doc_out(actions.create_draft(by=s, case=case, kind=body.kind, values=body.values)))


@router.get("/cases/{case_id}/documents/{document_id}", response={200: DocumentOut, **fails(path=True)},
            summary="文书及其全部版本")
def get_document(request, case_id: PathId, document_id: PathId):
    return _doc_out(_get(request, case_id, document_id)[2])


@router.put("/cases/{case_id}/documents/{document_id}/draft", response={200: DocumentOut, **fails(path=True, body=True)},
            summary="保存草稿")
def save_draft(request, case_id: PathId, document_id: PathId, body: DocumentValues):
    s, _, doc = _get(request, case_id, document_id)
    return _doc_out(actions.update_draft(by=s, document=doc, values=body.values))


@router.post("/cases/{case_id}/documents/{document_id}/finalise", response={200: DocumentOut, **fails(path=True, body=True)},
             summary="定稿（更正时须写明理由）")
def finalise(request, case_id: PathId, document_id: PathId, body: FinaliseIn):
    s, _, doc = _get(request, case_id, document_id)
    actions.finalise(by=s, document=doc, reason=body.reason)
    return _doc_out(doc)


@router.post("/cases/{case_id}/documents/{document_id}/correction", response={200: DocumentOut, **fails(path=True)},
             summary="开始更正")
def correct(request, case_id: PathId, document_id: PathId):
    s, _, doc = _get(request, case_id, document_id)
    return _doc_out(actions.start_correction(by=s, document=doc))


@router.post("/cases/{case_id}/documents/{document_id}/signatures", response={200: DocumentOut, **fails(path=True, body=True)},
             summary="在最新版本上签名")
def sign(request, case_id: PathId, document_id: PathId, body: SignIn):
    s, _, doc = _get(request, case_id, document_id)
    image = None
    if body.image_base64:
        try:
            image = base64.b64decode(body.image_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError({"image_base64": "图像不是有效的 base64"}) from None
    actions.sign(by=s, version=_latest(doc), role=body.role, method=body.method, name=body.name, image=image,
                 mime=body.mime)
    return _doc_out(doc)


@router.post("/cases/{case_id}/documents/{document_id}/refusals", response={200: DocumentOut, **fails(path=True, body=True)},
             summary="记录拒签")
def refuse(request, case_id: PathId, document_id: PathId, body: RefuseIn):
    s, _, doc = _get(request, case_id, document_id)
    actions.refuse(by=s, version=_latest(doc), name=body.name, reason=body.reason, witnesses=body.witnesses,
                   av_record=body.av_record, role=body.role)
    return _doc_out(doc)


@router.post("/cases/{case_id}/documents/{document_id}/services", response={200: DocumentOut, **fails(path=True, body=True)},
             summary="记录送达")
def serve(request, case_id: PathId, document_id: PathId, body: ServiceIn):
    s, _, doc = _get(request, case_id, document_id)
    actions.record_service(by=s, version=_latest(doc), **body.dict())
    return _doc_out(doc)


@router.get("/cases/{case_id}/documents/{document_id}/pdf", summary="最新版本（或 ?version=N）的 PDF",
            response={200: None, **fails(path=True)})
def pdf(request, case_id: PathId, document_id: PathId,
        version: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None):
    from lawtrail.records import render

    _, case, doc = _get(request, case_id, document_id)
    v = doc.versions.filter(version=version).first() if version else doc.versions.order_by("-version").first()
    if v is None:
        raise Http404("没有该版本")
    append(actor=f"user:{request.user.pk}", action="records.document_downloaded", subject=f"case:{case.pk}",
           payload={"document": doc.pk, "version": v.version, "format": "pdf", "sha256": v.sha256})
    return HttpResponse(render.pdf(v), content_type="application/pdf")
