"""The rows a case's findings are computed from, and the mark that makes its stored result stale.

Every model ``facts.load_many`` reads is listed in ``SOURCES`` (a test fails when one is missing:
tests/rules/test_stored.py reads the tables of load_many's queries). A save, a delete or an m2m
change of such a row bumps the ``generation`` of the stored result (rules.models.CaseCheck) of
every case it concerns, by Django signals, so in the transaction of the action that changed it:
the change and the mark commit together or not at all.

Which cases a row concerns: by default the case its foreign keys lead to (a Signature: its
version's document's case), found once from the model's fields. Rows that concern other cases say
so with a function returning a queryset of those cases (a calendar override concerns every case,
a remote-work declaration the cases of that officer's AV records of the period …).

A row never moves from one case to another (the actions refuse it), so the case it names after
the save is the case it concerned before.
"""

from __future__ import annotations

from collections.abc import Callable

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import F, Q, QuerySet, signals

# label → None (the case its foreign keys lead to) or a function(row) → queryset of cases
SOURCES: dict[str, Callable | None] = {}


def register(label: str, cases: Callable | None = None) -> None:
    SOURCES[label] = cases


def _cases():
    return apps.get_model("cases", "Case").objects


def _enforcing(bureau_id) -> QuerySet:
    """Compulsory-execution cases read the services of the decision they enforce, made in another
    case (facts.ENFORCED_BY names the documents that name it): any such case of the bureau may."""
    from . import facts

    documents = apps.get_model("records", "Document").objects.filter(kind__in=facts.ENFORCED_BY)
    return _cases().filter(bureau_id=bureau_id, pk__in=documents.values("case_id"))


def _with_enforcing(path: str) -> Callable:
    def concerned(row):
        own = _cases().filter(pk=type(row)._base_manager.filter(pk=row.pk).values(path)[:1])
        bureau = _cases().filter(pk__in=own).values("bureau_id")[:1]
        return own | _enforcing(bureau)

    return concerned


register("cases.case", lambda row: _cases().filter(pk=row.pk))
register("access.bureau", lambda row: _cases().filter(bureau_id=row.pk))  # its profile
register("access.staff", lambda row: _cases().filter(  # 执法证 of signers and handlers
    Q(pk__in=apps.get_model("records", "Signature").objects.filter(staff_id=row.pk).values("version__document__case_id"))
    | Q(pk__in=apps.get_model("cases", "StepRecord").handlers.through.objects.filter(staff_id=row.pk)
        .values("steprecord__case_id"))))
register("cases.steprecord")
register("cases.steprecord_handlers")
register("records.document", _with_enforcing("case_id"))  # its 文号 names the decision enforced
register("records.version")
register("records.signature")
register("records.refusal")
register("records.service", _with_enforcing("version__document__case_id"))
register("records.servicereceipt")
register("media.avrecord")
register("media.remotework", lambda row: _cases().filter(
    av_records__recorded_by_id=row.staff_id, av_records__capture_end__gte=row.started_at,
    av_records__capture_end__lte=row.returned_at))
register("rules.calendaroverride", lambda row: _cases().all())
register("rules.calendaryear", lambda row: _cases().all())  # its days without an override: the ordinary week
register("cases.clocksuspension")
register("cases.clockextension")
register("cases.finepayment")
register("cases.complaint", lambda row: _cases().filter(complaint_id=row.pk))  # its channel
register("media.retentioncircumstance", lambda row: _cases().filter(  # noted on the case, or on one of its AV records
    Q(pk=row.case_id) | Q(pk__in=apps.get_model("media", "AvRecord").objects.filter(pk=row.av_id).values("case_id"))))
register("media.receptionrecording", lambda row: _cases().filter(complaint_id=row.complaint_id))
register("access.accessrequest")  # 查阅、复制申请: the case whose records it asks for


def case_path(model) -> str:
    """The lookup from ``model`` to its case's id through foreign keys ("version__document__case_id"),
    shortest first."""
    Case = apps.get_model("cases", "Case")
    frontier = [(model, "")]
    for _ in range(4):
        nxt = []
        for m, path in frontier:
            for f in m._meta.concrete_fields:
                if not f.is_relation or not (f.many_to_one or f.one_to_one):
                    continue
                if f.related_model is Case:
                    return f"{path}{f.name}_id"
                nxt.append((f.related_model, f"{path}{f.name}__"))
        frontier = nxt
    raise LookupError(f"{model._meta.label} 与案件没有外键关系：请在 rules/sources.py 中写明它涉及哪些案件")


def models() -> list:
    return [apps.get_model(label) for label in SOURCES]


def concerned(row) -> QuerySet:
    """The cases ``row`` concerns, as a queryset."""
    how = SOURCES[row._meta.label_lower]
    if how is not None:
        return how(row)
    return _cases().filter(pk__in=type(row)._base_manager.filter(pk=row.pk).values(case_path(type(row))))


def mark(cases: QuerySet, using: str = DEFAULT_DB_ALIAS) -> None:
    """Bump the generation of the stored result of every case of ``cases`` (one statement; a case
    without a stored result gets a row, so a result being computed concurrently is refused too)."""
    from .models import CaseCheck

    sql, params = cases.order_by().values(cid=F("pk")).query.sql_with_params()
    table = CaseCheck._meta.db_table
    with connections[using].cursor() as c:
        c.execute(f'INSERT INTO "{table}" ("case_id", "generation") SELECT DISTINCT "s"."cid", 1 FROM ({sql}) "s" '
                  f'WHERE "s"."cid" IS NOT NULL ON CONFLICT ("case_id") DO UPDATE '
                  f'SET "generation" = "{table}"."generation" + 1', params)


def _saved(sender, instance, raw=False, using=DEFAULT_DB_ALIAS, **kw):
    mark(concerned(instance), using)


def _m2m(sender, instance, action, reverse, pk_set, using=DEFAULT_DB_ALIAS, **kw):
    """An m2m link of a source (a step's handlers): the cases of the links added or removed (read
    while they exist: after an add, before a remove or a clear)."""
    if action not in ("post_add", "pre_remove", "pre_clear"):
        return
    own, other = [f for f in sender._meta.concrete_fields if f.is_relation]
    if reverse:
        own, other = other, own
    links = sender._base_manager.using(using).filter(**{own.attname: instance.pk})
    if pk_set is not None and action != "pre_clear":
        links = links.filter(**{f"{other.attname}__in": pk_set})
    mark(_cases().filter(pk__in=links.values(case_path(sender))), using)


def connect() -> None:
    """Connect the signals (RulesConfig.ready)."""
    for model in models():
        if model._meta.auto_created:  # an m2m's table
            signals.m2m_changed.connect(_m2m, sender=model, weak=False, dispatch_uid=f"rules-m2m-{model._meta.label}")
        else:
            signals.post_save.connect(_saved, sender=model, weak=False, dispatch_uid=f"rules-save-{model._meta.label}")
            signals.pre_delete.connect(_saved, sender=model, weak=False, dispatch_uid=f"rules-del-{model._meta.label}")
