"""Fields of a case's records that may hold only some values."""

from __future__ import annotations

from ..facts import CaseFacts
from . import Finding, Kind, ParamError, register, require


@register
class AllowedValues(Kind):
    """Each row of ``of`` (``service``: 送达记录) matching ``where`` must have ``field`` in
    ``allowed`` (e.g. 邮寄送达只能用挂号信或 EMS). Values are checked against the model's choices."""

    code = "allowed_values"
    PARAMS = ("of", "where", "field", "allowed")
    TABLES = {"service": "records.Service", "av_record": "media.AvRecord"}

    def __init__(self, params: dict):
        from django.apps import apps

        of = require(params, "of")
        if of not in self.TABLES:
            raise ParamError("of", f"未知的记录种类“{of}”（可用：{'、'.join(self.TABLES)}）")
        self.of, model = of, apps.get_model(self.TABLES[of])
        self.where = params.get("where") or {}
        if not isinstance(self.where, dict):
            raise ParamError("where", "应为 {栏目: 值}")
        self.field = require(params, "field")
        allowed = require(params, "allowed")
        self.allowed = tuple(allowed if isinstance(allowed, list) else [allowed])
        for name, values in [(self.field, self.allowed), *((k, [v]) for k, v in self.where.items())]:
            try:
                f = model._meta.get_field(name)
            except Exception:  # noqa: BLE001 — FieldDoesNotExist
                raise ParamError("field" if name == self.field else "where", f"“{of}”没有栏目“{name}”") from None
            choices = {c for c, _ in f.choices or ()}
            bad = [v for v in values if choices and v not in choices]
            if bad:
                raise ParamError("allowed" if name == self.field else "where",
                                 f"栏目“{name}”没有取值“{bad[0]}”（可用：{'、'.join(sorted(choices))}）")
        self.labels = dict(model._meta.get_field(self.field).choices or ())

    def evaluate(self, facts: CaseFacts) -> Finding:
        rows = facts.services if self.of == "service" else facts.av_records
        rows = [r for r in rows if all(getattr(r, k) == v for k, v in self.where.items())]
        if not rows:
            return Finding("not_applicable", "本案没有需要检查的记录")
        bad = [r for r in rows if getattr(r, self.field) not in self.allowed]
        allowed = "、".join(self.labels.get(a, a) for a in self.allowed)
        if bad:
            used = "、".join(sorted({self.labels.get(getattr(r, self.field), getattr(r, self.field)) or "未填写" for r in bad}))
            return Finding("broken", f"使用了{used}，只允许{allowed}",
                           records=tuple(f"{self.of}:{r.pk}" for r in bad))
        return Finding("met", f"均为{allowed}", records=tuple(f"{self.of}:{r.pk}" for r in rows))
