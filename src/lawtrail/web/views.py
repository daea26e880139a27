from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from lawtrail.ledger import checkpoints, store
from lawtrail.ledger.canonical import dumps
from lawtrail.ledger.models import Entry


@login_required
def home(request):
    ctx = {"can_read_ledger": request.user.has_perm("ledger.view_entry")}
    if ctx["can_read_ledger"]:
        recent = list(Entry.objects.order_by("-seq")[:20])
        ctx.update(
            size=store.size(),
            checkpoint=checkpoints.latest(),
            entries=[(e, dumps(e.payload)) for e in recent],
        )
    return render(request, "web/home.html", ctx)
