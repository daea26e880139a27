from django.core.paginator import Paginator
from django.shortcuts import render

from lawtrail.access import roles
from lawtrail.ledger import checkpoints, store
from lawtrail.ledger.canonical import dumps
from lawtrail.ledger.models import Entry

from .common import staff_view


@staff_view(roles.READS_AUDIT)
def audit_trail(request):
    """审计日志: the whole ledger, newest first, for the auditor only (三员分立)."""
    page = Paginator(Entry.objects.order_by("-seq"), 50).get_page(request.GET.get("page"))
    return render(request, "web/audit.html", {
        "page": page, "entries": [(e, dumps(e.payload)) for e in page],
        "size": store.size(), "checkpoint": checkpoints.latest()})
