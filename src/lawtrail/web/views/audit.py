from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from lawtrail.access import policy, roles
from lawtrail.access.models import Bureau, Staff
from lawtrail.digits import is_digits
from lawtrail.ledger import checkpoints, store
from lawtrail.ledger.canonical import dumps

from .common import staff_view

INSTALLATION = "installation"  # the ?bureau= value of the installation's own entries
SUBJECT_KINDS = {"case": "案件", "complaint": "投诉举报", "party": "当事人", "user": "账号", "staff": "工作人员",
                 "bureau": "执法机关", "device": "执法记录仪", "blob": "存储对象", "calendar": "工作日历",
                 "digest": "每日汇总", "username": "登录名"}


@staff_view(roles.READS_AUDIT)
def audit_trail(request):
    """审计日志 (三员分立): the auditor reads his own bureau's entries; the installation's auditor
    (系统审计员) reads them all and may narrow them to one bureau or to the installation's own."""
    s = request.staff
    everything = s.role in roles.READS_EVERY_BUREAUS_AUDIT
    entries = policy.visible_entries(request.user)
    bureaus = dict(Bureau.objects.values_list("pk", "name")) if everything else {s.bureau_id: s.bureau.name}
    chosen = request.GET.get("bureau", "")
    if chosen == INSTALLATION and everything:
        entries = entries.filter(bureau__isnull=True)
    elif chosen:
        if not is_digits(chosen) or int(chosen) not in bureaus:
            raise Http404("没有该执法机关的审计日志")  # another bureau's is not this auditor's to read
        entries = entries.filter(bureau=int(chosen))
    page = Paginator(entries.order_by("-seq"), 50).get_page(request.GET.get("page"))
    rows = list(page)
    names = _people({e.actor for e in rows})
    return render(request, "web/audit.html", {
        "page": page, "query": f"bureau={chosen}" if chosen else "", "everything": everything,
        "bureau_name": bureaus.get(s.bureau_id, ""), "bureaus": sorted(bureaus.items()), "chosen": chosen,
        "installation": INSTALLATION,
        "entries": [{"e": e, "actor": names.get(e.actor, _label(e.actor)), "subject": _label(e.subject),
                     "bureau": bureaus.get(e.bureau, "系统级") if e.bureau is not None else "系统级",
                     "payload": dumps(e.payload)} for e in rows],
        "size": store.size(), "checkpoint": checkpoints.latest()})


def _people(actors: set[str]) -> dict[str, str]:
    """Names of the staff among the page's actors, in one query."""
    ids = {int(a[5:]) for a in actors if a.startswith("user:") and is_digits(a[5:])}
    return {f"user:{pk}": name for pk, name in Staff.objects.filter(pk__in=ids).values_list("pk", "name")} if ids else {}


def _label(ref: str) -> str:
    """``case:12`` → 案件 12, ``system:reminders`` → 系统: no internal codes on the page; the
    exact text stays in the entry's content."""
    kind, _, rest = ref.partition(":")
    if kind == "user" and is_digits(rest):
        return f"账号 {rest}"
    if kind in SUBJECT_KINDS:
        return f"{SUBJECT_KINDS[kind]} {rest}"
    if kind == "system":
        return "系统"
    return "匿名访问者" if ref == "anonymous" else ref
