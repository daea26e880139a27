"""/api/v1/: every endpoint authenticates (bearer token or session), asks access.policy what the
caller may see, and writes only through the apps' actions. Errors are JSON: a stable ``code``, a
Chinese ``message`` and, for bad input, ``fields``."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Query, Status
from ninja.pagination import paginate

from lawtrail.access import policy, roles
from lawtrail.access.models import Staff
from lawtrail.cases import actions, queries
from lawtrail.cases.models import Case, Complaint, Party

from . import errors
from .auth import AUTH, signed_in
from .pages import Page, built_per_page
from .schemas import (CaseDetail, CaseFilters, CaseIn, CaseOut, Code, ComplaintDecide, ComplaintDecline, ComplaintIn,
                      ComplaintNotice, ComplaintOut, EntryOut, PartyIn, PartyOut, PathId, SearchTerm)
from .schemas import errors as fails

# No Swagger UI: it loads from a CDN, and bureaus run on intranets. The OpenAPI document itself
# needs a login (or a token) like everything else.
api = NinjaAPI(title="lawtrail 行政执法全过程记录系统 API", version="1", urls_namespace="api", auth=AUTH,
               docs_url=None, docs_decorator=signed_in)
errors.install(api)


def _staff(request) -> Staff:
    """The caller's staff record; the API serves only roles that work with cases (三员分立)."""
    s = policy.staff_of(request.user)
    if s is None:
        raise policy.Denied("该账号不是任何执法机关的工作人员")
    if s.role not in roles.SEES_BUREAU_CASES | roles.SEES_UNIT_CASES:
        raise policy.Denied(f"{roles.ROLES[s.role]}无权使用案件接口")
    return s


def _case_out(c: Case) -> dict:
    return {"id": c.pk, "number": c.number, "act_type": c.act_type, "procedure": c.procedure, "source": c.source,
            "title": c.title, "status": c.status, "stage": c.stage, "unit": c.unit.name, "started_at": c.started_at,
            "emergency": c.emergency, "created_at": c.created_at}


@api.get("/cases", response={200: list[CaseOut], **fails()}, summary="案件列表（仅限有权查看的案件）")
@paginate(Page)
def list_cases(request, filters: Query[CaseFilters]):
    _staff(request)
    qs = queries.search(policy.visible_cases(request.user), queries.Filters(**filters.dict())).select_related("unit").order_by("-created_at", "-id")
    return built_per_page(qs, _case_out)


def _visible_case(request, case_id: int) -> Case:
    _staff(request)
    return get_object_or_404(policy.visible_cases(request.user).select_related("unit"), pk=case_id)


@api.get("/cases/{case_id}", response={200: CaseDetail, **fails(path=True)}, summary="案件详情")
def get_case(request, case_id: PathId):
    c = _visible_case(request, case_id)
    return {**_case_out(c), "summary": c.summary, "emergency_reason": c.emergency_reason,
            "parties": list(c.parties.all()), "handlers": list(c.handlers.all()), "steps": list(c.steps.all())}


@api.get("/cases/{case_id}/timeline", response={200: list[EntryOut], **fails(path=True)}, summary="案件的全部账本条目")
def case_timeline(request, case_id: PathId):
    c = _visible_case(request, case_id)
    return [{"seq": e.seq, "time": e.time, "actor": e.actor, "action": e.action, "payload": e.payload, "hash": e.hash}
            for e in queries.timeline(c)]


def _pick(model, ids: list[int], qs, label: str):
    found = list(qs.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({label: "包含不存在或不属于本机关的对象"})
    return found


@api.post("/cases", response={201: CaseDetail, **fails(body=True)}, summary="立案或启动执法程序")
def create_case(request, body: CaseIn):
    s = _staff(request)
    handlers = _pick(Staff, body.handlers, Staff.objects.filter(bureau_id=s.bureau_id), "handlers")
    parties = _pick(Party, body.parties, Party.objects.filter(bureau_id=s.bureau_id), "parties")
    unit = s.bureau.units.filter(pk=body.unit).first() if body.unit else None
    if body.unit and unit is None:
        raise ValidationError({"unit": "承办机构不属于本机关"})
    complaint = None
    if body.complaint:
        complaint = get_object_or_404(policy.visible_complaints(request.user), pk=body.complaint)
    c = actions.open_case(by=s, procedure=body.procedure, source=body.source, title=body.title, summary=body.summary,
                          handlers=handlers, parties=parties, unit=unit, source_detail=body.source_detail,
                          emergency=body.emergency, emergency_reason=body.emergency_reason,
                          started_at=body.started_at, complaint=complaint, number=body.number)
    return Status(201, get_case(request, c.pk))


@api.get("/parties", response={200: list[PartyOut], **fails()}, summary="当事人列表")
@paginate(Page)
def list_parties(request, q: SearchTerm = ""):
    _staff(request)
    qs = policy.visible_parties(request.user).order_by("id")
    if q:
        qs = qs.filter(name__icontains=q[:100])
    return qs


@api.post("/parties", response={201: PartyOut, **fails(body=True)}, summary="登记当事人（身份证号码、统一社会信用代码按国家标准校验）")
def create_party(request, body: PartyIn):
    return Status(201, actions.register_party(by=_staff(request), **body.dict()))


@api.get("/complaints", response={200: list[ComplaintOut], **fails()}, summary="投诉举报登记簿")
@paginate(Page)
def list_complaints(request, status: Code = ""):
    _staff(request)
    qs = policy.visible_complaints(request.user)
    return qs.filter(status=status) if status else qs


@api.post("/complaints", response={201: ComplaintOut, **fails(body=True)}, summary="登记投诉举报")
def create_complaint(request, body: ComplaintIn):
    return Status(201, actions.register_complaint(by=_staff(request), **body.dict()))


def _complaint(request, complaint_id: int):
    s = _staff(request)
    return s, get_object_or_404(policy.visible_complaints(request.user), pk=complaint_id)


@api.post("/complaints/{complaint_id}/decline", response={200: ComplaintOut, **fails(path=True, body=True)},
          summary="报请不予启动执法程序（由机关负责人审批）")
def decline_complaint(request, complaint_id: PathId, body: ComplaintDecline):
    s, c = _complaint(request, complaint_id)
    return actions.propose_decline(by=s, complaint=c, reason=body.reason)


@api.post("/complaints/{complaint_id}/decide", response={200: ComplaintOut, **fails(path=True, body=True)},
          summary="机关负责人审批不予启动执法程序")
def decide_complaint(request, complaint_id: PathId, body: ComplaintDecide):
    s, c = _complaint(request, complaint_id)
    return actions.decide_decline(by=s, complaint=c, approve=body.approve, opinion=body.opinion)


@api.post("/complaints/{complaint_id}/notice", response={200: ComplaintOut, **fails(path=True, body=True)},
          summary="记录告知实名投诉举报人的方式和时间")
def complaint_notice(request, complaint_id: PathId, body: ComplaintNotice):
    s, c = _complaint(request, complaint_id)
    return actions.record_notice(by=s, complaint=c, notified_how=body.notified_how, notified_at=body.notified_at)


from .clocks import router as clocks_router  # noqa: E402
from .documents import router as documents_router  # noqa: E402  (after api exists: shares its handlers)
from .media import router as media_router  # noqa: E402

api.add_router("/", documents_router)
api.add_router("/", media_router)
api.add_router("/", clocks_router)
urls = errors.urls(api)
