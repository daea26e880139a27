"""A form for any document kind, generated from its catalogue fields, and back to the canonical
values (records/values.py). Structured types get plain inputs a person can fill quickly:
citations one per line, items one per line with "|" between columns, officers picked from the
case's handlers."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone

from lawtrail.records.catalogue import DocumentKind, Field

YES_NO = [("", "—"), ("yes", "是"), ("no", "否")]
DT = {"type": "datetime-local"}


def _form_field(f: Field, case) -> forms.Field:
    common = {"label": f.label + (f"（{f.cite}）" if f.cite else ""), "required": False, "help_text": f.help}
    t = f.type
    if t == "longtext":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=20000, **common)
    if t == "date":
        return forms.DateField(widget=forms.DateInput({"type": "date"}), **common)
    if t == "datetime":
        return forms.DateTimeField(widget=forms.DateTimeInput(DT), **common)
    if t == "money":
        return forms.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal(0), **common)
    if t == "integer":
        return forms.IntegerField(**common)
    if t == "bool":
        return forms.ChoiceField(choices=YES_NO, **common)
    if t == "choice":
        return forms.ChoiceField(choices=[("", "—"), *f.choices], **common)
    if t == "citation":
        common["help_text"] = f.help or "每行一条，如：《中华人民共和国行政处罚法》第五十一条"
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=4000, **common)
    if t == "officers":
        choices = [(h.pk, f"{h.name}（{h.certificate_no}）") for h in case.handlers.all()]
        return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
    if t == "party":
        return forms.ChoiceField(choices=[("", "—"), *[(p.pk, p.name) for p in case.parties.all()]], **common)
    if t == "person":
        common["help_text"] = f.help or "姓名，身份，联系方式（用逗号分隔）"
        return forms.CharField(max_length=300, **common)
    if t == "items":
        common["help_text"] = "每行一项：名称|规格|数量|单位|备注"
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=20000, **common)
    if t == "file":
        common["help_text"] = "已保存文件的 SHA-256（64 位十六进制）"
        return forms.CharField(max_length=64, **common)
    return forms.CharField(max_length=500, **common)


class DocumentForm(forms.Form):
    certificates_shown = forms.BooleanField(label="已向当事人出示执法证件", required=False, initial=True)

    def __init__(self, *args, kind: DocumentKind, case, values: dict | None = None, **kwargs):
        self.kind, self.case = kind, case
        super().__init__(*args, initial=self.initial_from(values or {}) if not args else None, **kwargs)
        for f in kind.fields:
            self.fields[f.name] = _form_field(f, case)
        if not any(f.type == "officers" for f in kind.fields):
            del self.fields["certificates_shown"]
        else:
            self.order_fields([f.name for f in kind.fields] + ["certificates_shown"])

    def initial_from(self, values: dict) -> dict:
        out = {}
        for f in self.kind.fields:
            v = values.get(f.name)
            if v in (None, "", [], {}):
                continue
            if f.type == "bool":
                out[f.name] = "yes" if v else "no"
            elif f.type == "datetime":
                out[f.name] = timezone.localtime(timezone.datetime.fromisoformat(v)).strftime("%Y-%m-%dT%H:%M")
            elif f.type == "citation":
                out[f.name] = "\n".join(f"{c['law']}{c['article']}" for c in v)
            elif f.type == "officers":
                names = {o["name"] for o in v}
                out[f.name] = [h.pk for h in self.case.handlers.all() if h.name in names]
                out["certificates_shown"] = all(o.get("shown") for o in v)
            elif f.type == "party":
                out[f.name] = v.get("id", "")
            elif f.type == "person":
                out[f.name] = "，".join(x for x in (v.get("name"), v.get("role"), v.get("contact")) if x)
            elif f.type == "items":
                out[f.name] = "\n".join("|".join(it.get(k, "") for k in ("name", "spec", "quantity", "unit", "note"))
                                        for it in v)
            elif f.type == "file":
                out[f.name] = v.get("sha256", "")
            else:
                out[f.name] = v
        return out

    def values(self) -> dict:
        """The cleaned form as values for records.actions (which check them against the kind)."""
        d, out = self.cleaned_data, {}
        handlers = {str(h.pk): h for h in self.case.handlers.all()}
        parties = {str(p.pk): p for p in self.case.parties.all()}
        for f in self.kind.fields:
            v = d.get(f.name)
            if v in (None, "", []):
                continue
            if f.type == "bool":
                out[f.name] = v == "yes"
            elif f.type in ("date", "datetime"):
                out[f.name] = v.isoformat()
            elif f.type == "money":
                out[f.name] = f"{v:.2f}"
            elif f.type == "citation":
                out[f.name] = [{"law": line.strip(), "article": ""} for line in v.splitlines() if line.strip()]
            elif f.type == "officers":
                out[f.name] = [{"name": handlers[pk].name, "certificate_no": handlers[pk].certificate_no,
                                "shown": bool(d.get("certificates_shown"))} for pk in v if pk in handlers]
            elif f.type == "party":
                p = parties.get(v)
                if p is not None:
                    out[f.name] = {"id": p.pk, "name": p.name, "kind": p.get_kind_display(), "identifier": p.identifier,
                                   "address": p.address, "contact": p.contact, "representative": p.representative}
            elif f.type == "person":
                parts = [x.strip() for x in v.replace(",", "，").split("，")] + ["", "", ""]
                out[f.name] = {"name": parts[0], "role": parts[1], "contact": parts[2]}
            elif f.type == "items":
                rows = []
                for line in v.splitlines():
                    if line.strip():
                        cols = [c.strip() for c in line.split("|")] + [""] * 5
                        rows.append(dict(zip(("name", "spec", "quantity", "unit", "note"), cols)))
                out[f.name] = rows
            elif f.type == "file":
                out[f.name] = {"sha256": v.strip().lower(), "name": ""}
            else:
                out[f.name] = v
        return out
