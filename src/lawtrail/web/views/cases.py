from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone

from lawtrail.access import policy, roles
from lawtrail.cases import actions, queries
from lawtrail.cases.models import Case, StepRecord
from lawtrail.cases.procedures import ACT_TYPES, STAGES
from lawtrail.digits import is_digits
from lawtrail.prepared import Prepared
from lawtrail.records.models import Document

from ..forms import CaseFilterForm, CaseForm, DecideForm, StepForm, show_errors
from ..templatetags.case_pages import options
from .common import staff_view
from .documents import NewDocumentForm

PAGE_SIZE = 25
_PK = 987654321  # stands for an id in URLs reversed once (the list's rows, _link)


@staff_view(roles.SEES_BUREAU_CASES | roles.SEES_UNIT_CASES)
def case_list(request):
    form = CaseFilterForm(request.GET or None, staff=request.staff)
    filters = queries.Filters()
    if form.is_valid():
        d = form.cleaned_data
        filters = queries.Filters(q=d["q"], act_type=d["act_type"], stage=d["stage"], status=d["status"],
                                  unit=d["unit"].pk if d["unit"] else None, date_from=d["date_from"],
                                  date_to=d["date_to"])
    # Keyset pages (newest first, ?before=<id>): no COUNT over the whole bureau and no OFFSET
    # scan, so page 1 and page 4,000 cost the same.
    before = request.GET.get("before", "")
    below = int(before) if is_digits(before) else None
    if filters == queries.Filters():  # the list as it opens: a statement compiled once
        rows = queries.visible_list_rows(request.staff, PAGE_SIZE + 1, below)
    else:
        qs = queries.search(policy.visible_cases(request.user), filters)
        rows = queries.list_rows(qs if below is None else qs.filter(pk__lt=below), PAGE_SIZE + 1)
    # Each row's labels and link made here once: per-row template filters and {% url %} cost
    # more than the query.
    link = reverse("case", args=[_PK]).replace(str(_PK), "%d")
    for r in rows[:PAGE_SIZE]:
        r["url"] = link % r["id"]
        r["act_label"] = ACT_TYPES.get(r["act_type"], r["act_type"])
        r["stage_label"] = STAGES.get(r["stage"], r["stage"])
        r["status_label"] = Case.STATUSES.get(r["status"], r["status"])
        r["started"] = timezone.localtime(r["started_at"]).strftime("%Y-%m-%d %H:%M")
    query = request.GET.copy()
    query.pop("before", None)
    ctx = {"form": form, "rows": rows[:PAGE_SIZE], "query": query.urlencode(), "first_page": not before,
           "next_before": rows[PAGE_SIZE - 1]["id"] if len(rows) > PAGE_SIZE else None}
    if request.headers.get("HX-Request"):
        return render(request, "web/cases/_rows.html", ctx)
    # The unit filter's options in one query (a ModelChoiceField would count, then select).
    unit = form.fields["unit"]
    unit.choices = [("", unit.empty_label), *unit.queryset.order_by("pk").values_list("pk", "name")]
    return render(request, "web/cases/list.html", ctx)


@staff_view(roles.OPENS_CASES)
def case_new(request):
    s = request.staff
    complaint = None
    if request.GET.get("complaint") or request.POST.get("complaint"):
        complaint = get_object_or_404(policy.visible_complaints(request.user),
                                      pk=(request.GET.get("complaint") or request.POST.get("complaint")))
    initial = {"source": request.GET.get("source", "complaint" if complaint else "ex_officio")}
    if complaint:
        initial.update(summary=complaint.content, party_name=complaint.about)
    if initial["source"] == "application":
        initial["procedure"] = "licence"
    form = CaseForm(request.POST or None, staff=s, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            case = _open(s, d, complaint)
        except ValidationError as e:
            show_errors(form, _rename_party_fields(e))
        else:
            return redirect("case", case_id=case.pk)
    return render(request, "web/cases/new.html", {"form": form, "complaint": complaint}, status=400 if form.errors else 200)


def _rename_party_fields(e: ValidationError) -> ValidationError:
    if not hasattr(e, "error_dict"):
        return e
    return ValidationError({CaseForm.PARTY_FIELDS.get(k, k): v for k, v in e.error_dict.items()})


def _open(s, d, complaint) -> Case:
    from django.db import transaction

    with transaction.atomic():  # the party and the case stand or fall together
        party = actions.register_party(by=s, kind=d["party_kind"], name=d["party_name"],
                                       id_number=d["party_id_number"], credit_code=d["party_credit_code"],
                                       address=d["party_address"], contact=d["party_contact"],
                                       representative=d["party_representative"])
        return actions.open_case(by=s, procedure=d["procedure"], source=d["source"], title=d["title"],
                                 summary=d["summary"], handlers=list(d["handlers"]), parties=[party],
                                 unit=d["unit"], source_detail=d["source_detail"], emergency=d["emergency"],
                                 emergency_reason=d["emergency_reason"], started_at=d["started_at"],
                                 complaint=complaint)


def _visible(request, case_id) -> Case:
    qs = policy.visible_cases(request.user).select_related("unit", "bureau", "complaint", "created_by")
    return get_object_or_404(qs, pk=case_id)


@staff_view(roles.SEES_BUREAU_CASES | roles.SEES_UNIT_CASES)
def case_detail(request, case_id: int):
    return _case_page(request, case_id)


def _case_page(request, case_id: int, step_form=None, decide_errors=None):
    # Every read here is a statement compiled once (lawtrail.prepared) or written as SQL: on this
    # page compiling querysets cost more than running them. The people the page names (handlers,
    # recorders, approvers, the timeline's actors) come from queries.case_people: one query
    # whatever the number of steps.
    case = policy.visible_case(request.user, case_id)
    if case is None:
        raise Http404("没有这个案件，或无权查看")
    steps = queries.case_steps(case)
    case._prefetched_objects_cache = {"steps": steps}  # available_steps reads case.steps.all()
    staff, handlers = queries.case_people(case, steps)
    names = {pk: p.name for pk, p in staff.items()}
    case.created_by_name = names.get(case.created_by_id, "")
    for r in steps:
        r.recorded_by_name = names.get(r.recorded_by_id, "")
        r.approved_by_name = names.get(r.approved_by_id, "")
        r.handler_names = "、".join(p.name for p in r.handler_people)
    proc = case.procedure_def
    available = actions.available_steps(case)
    s = request.staff
    stages = []
    for code, label in STAGES.items():
        stages.append({
            "code": code, "label": label, "current": case.stage == code,
            "done": [r for r in steps if r.stage == code],
            "pending": [st for st in available if st.stage == code],
            "planned": [st for st in proc.steps if st.stage == code],
        })
    can_record = bool(s.role in roles.OPENS_CASES and case.bureau_id == s.bureau_id and available)
    if step_form is None and can_record and request.GET.get("form") == "step":
        step_form = StepForm(staff=s, steps=available)
    can_decide = actions.approvable_by(s, case, steps)
    return render(request, "web/cases/detail.html", {
        "case": case, "stages": stages, "steps": steps, "parties": queries.case_parties(case),
        "handlers": handlers, "timeline": queries.timeline(case, names),
        "step_form": step_form, "can_record": can_record,
        "can_decide": can_decide, "decide_form": DecideForm() if can_decide else None,
        "decide_errors": decide_errors or {},
        "proc": proc,
        "case_documents": _DOCUMENTS.objects(case.pk),
        # The page's links (a document's: split where its id goes, put in per row).
        "links": {"clocks": _link("case_clocks", case.pk), "step_form": _link("step_form", case.pk),
                  "access_request_new": f"{_link('access_request_new')}?case={case.pk}",
                  "document_new": _link("document_new", case.pk),
                  "document": _link("document", case.pk, _PK).rsplit(str(_PK), 1),
                  "complaint": _link("complaint", case.complaint_id) if case.complaint_id else ""},
        "document_options": _document_options(case) if s.role in roles.OPENS_CASES else None,
    }, status=400 if (step_form and step_form.errors) or decide_errors else 200)


_link_parts: dict[tuple, list[str]] = {}


def _link(name: str, *ids: int) -> str:
    """reverse(name, args=ids) for URLs of numeric ids, from a reversal made once per process
    (and script prefix) with placeholders: reversing cost more than the rest of a page's links."""
    key = (get_script_prefix(), get_urlconf(), name, len(ids))
    parts = _link_parts.get(key)
    if parts is None:
        parts = reverse(name, args=[_PK] * len(ids)).split(str(_PK))
        if len(parts) != len(ids) + 1:  # the placeholder's digits also elsewhere in the URL
            return reverse(name, args=ids)
        _link_parts[key] = parts
    out = [parts[0]]
    for i, part in zip(ids, parts[1:]):
        out += [str(int(i)), part]
    return "".join(out)


_DOCUMENTS = Prepared("records.Document", lambda case_id: (
    Document.objects.filter(case_id=case_id).annotate(n_versions=Count("versions")).order_by("created_at", "id")))
_document_options_html: dict[str, str] = {}


def _document_options(case) -> str:
    """The <option>s of the page's 制作文书 menu: they depend on the procedure only (the kinds its
    steps name), so each procedure's are written once per process."""
    html = _document_options_html.get(case.procedure)
    if html is None:
        html = _document_options_html[case.procedure] = options(NewDocumentForm(case=case).fields["kind"].choices)
    return html


@staff_view(roles.OPENS_CASES)
def step_form(request, case_id: int):
    """The step form alone, for the case page's htmx request."""
    case = _visible(request, case_id)
    steps = actions.available_steps(case)
    return render(request, "web/cases/_step_form.html",
                  {"case": case, "step_form": StepForm(staff=request.staff, steps=steps)})


@staff_view(roles.OPENS_CASES)
def step_record(request, case_id: int):
    case = _visible(request, case_id)
    if request.method != "POST":
        return redirect("case", case_id=case.pk)
    form = StepForm(request.POST, staff=request.staff, steps=actions.available_steps(case))
    if form.is_valid():
        d = form.cleaned_data
        try:
            actions.record_step(by=request.staff, case=case, step=d["step"], handlers=list(d["handlers"]),
                                note=d["note"], occurred_at=d["occurred_at"])
        except ValidationError as e:
            show_errors(form, e)
        else:
            return redirect("case", case_id=case.pk)
    return _case_page(request, case_id, step_form=form)


@staff_view(roles.APPROVES)
def step_decide(request, case_id: int, record_id: int):
    case = _visible(request, case_id)
    r = get_object_or_404(StepRecord, pk=record_id, case=case)
    if request.method != "POST":
        return redirect("case", case_id=case.pk)
    if r.pk not in actions.approvable_by(request.staff, case, [r]):
        raise policy.Denied(f"该环节须由{roles.ROLES.get(r.step_def.approver, '—')}审批")
    form = DecideForm(request.POST)
    if form.is_valid():
        try:
            actions.decide_step(by=request.staff, record_=r, approve=form.cleaned_data["decision"] == "approve",
                                opinion=form.cleaned_data["opinion"])
        except ValidationError as e:
            return _case_page(request, case_id, decide_errors={r.pk: e.messages})
        return redirect("case", case_id=case.pk)
    return _case_page(request, case_id, decide_errors={r.pk: ["请选择批准或不予批准"]})
