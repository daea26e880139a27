"""导出为证据 (002 第十九条): a page of the case's AV records to choose from, the storage medium and
what they are to prove; the POST answers with the ZIP (media/evidence.py) and has drafted the case's
视听资料证据说明, which the case page then lists for completing and finalising."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone

from lawtrail.access.policy import Denied
from lawtrail.media import evidence
from lawtrail.media.models import AvRecord

from ..forms import TextPolicy, show_errors
from .common import staff_view
from .media import SEES, _case, may_upload


class EvidenceForm(TextPolicy, forms.Form):
    records = forms.TypedMultipleChoiceField(label="作为证据的音像记录", coerce=int, widget=forms.CheckboxSelectMultiple)
    medium = forms.ChoiceField(label="存储媒介", choices=evidence.MEDIA.items())
    purpose = forms.CharField(label="证明对象（拟证明的事实）", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, records, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["records"].choices = [
            (av.pk, f"{av.filename}（{av.get_kind_display()}，{timezone.localtime(av.capture_start):%Y-%m-%d %H:%M}，"
                    f"{av.recorded_by.name}）")
            for av in records]


class _Removing(FileResponse):
    """The package streamed, then removed from staging (media.evidence step 4)."""

    def __init__(self, package, **kwargs):
        self.package = package
        super().__init__(package.path.open("rb"), as_attachment=True, filename=package.filename,
                         content_type="application/zip", **kwargs)

    def close(self):
        super().close()
        self.package.path.unlink(missing_ok=True)


@staff_view(SEES)
def evidence_export(request, case_id: int):
    case = _case(request, case_id)
    if not may_upload(request.staff):
        raise Denied("无权导出本案的音像记录：需要执法人员、承办机构负责人或音像资料管理专人")
    records = list(AvRecord.objects.filter(case=case).select_related("recorded_by").order_by("capture_start", "id"))
    form = EvidenceForm(request.POST or None, records=records)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        chosen = [av for av in records if av.pk in set(d["records"])]
        try:
            package = evidence.export(by=request.staff, case=case, records=chosen, medium=d["medium"],
                                      purpose=d["purpose"])
        except ValidationError as e:
            show_errors(form, e)
        else:
            response = _Removing(package)
            response["X-Package-SHA256"] = package.sha256
            return response
    return render(request, "web/media/evidence.html", {"case": case, "form": form, "records": records},
                  status=400 if form.errors else 200)
