"""lawtrail.prepared: a queryset compiled once must give, run after run and for other values, what
the queryset itself gives — instances typed as the ORM types them, related rows, annotations —
and must refuse a queryset whose argument it cannot pass through as a parameter."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from lawtrail.cases import actions
from lawtrail.cases.models import Case, Party, StepRecord
from lawtrail.ledger.models import Entry
from lawtrail.prepared import Prepared

pytestmark = pytest.mark.django_db


def _fields(obj) -> dict:
    return {k: v for k, v in vars(obj).items() if not k.startswith("_")}


def test_instances_equal_the_querysets_for_each_value_and_the_queryset_is_built_only_to_compile(org):
    built = []

    def steps(case_id):
        built.append(case_id)
        return StepRecord.objects.filter(case_id=case_id)

    statement = Prepared("cases.StepRecord", steps)
    first, second = org.case(), org.case(by=org.liu)
    actions.decide_step(by=org.chief, record_=first.steps.get(), approve=True, opinion="同意")
    for case in (first, second, first):
        got, want = statement.objects(case.pk), list(StepRecord.objects.filter(case_id=case.pk))
        assert [_fields(x) for x in got] == [_fields(x) for x in want]
        assert [[type(v) for v in _fields(x).values()] for x in got] == [[type(v) for v in _fields(x).values()] for x in want]
        assert all(not x._state.adding and x._state.db == "default" for x in got)
    assert len(built) == 2  # compiled with two sets of placeholders, then only executed


def test_related_rows_and_annotations_come_as_the_orm_gives_them_in_one_query(org):
    statement = Prepared("cases.Case", lambda pk: (
        Case.objects.select_related("unit").annotate(n_parties=Count("parties")).filter(pk=pk)))
    case = org.case(parties=[org.party(), org.party(name="大连远航网络会所")])
    statement.objects(case.pk)  # compiled
    with CaptureQueriesContext(connection) as q:
        got = statement.first(case.pk)
        unit = got.unit
    want = Case.objects.select_related("unit").annotate(n_parties=Count("parties")).get(pk=case.pk)
    assert len(q.captured_queries) == 1
    assert _fields(got) == _fields(want) and got.n_parties == 2
    assert _fields(unit) == _fields(want.unit)
    assert statement.first(case.pk + 1000) is None


def test_rows_are_the_converted_columns_of_a_values_list(org):
    case = org.case()
    statement = Prepared("ledger.Entry", lambda subject: (
        Entry.objects.filter(subject=subject).order_by("seq").values_list("seq", "body", "hash")))
    want = [list(r) for r in Entry.objects.filter(subject=f"case:{case.pk}").order_by("seq")
            .values_list("seq", "body", "hash")]
    got = statement.rows(f"case:{case.pk}")
    assert [[bytes(v) if isinstance(v, memoryview) else v for v in r] for r in got] == \
        [[bytes(v) if isinstance(v, memoryview) else v for v in r] for r in want]
    assert got and statement.rows("case:0") == []


def test_an_argument_of_none_is_compiled_apart_as_the_orm_writes_it(org):
    statement = Prepared("cases.StepRecord", lambda approved_by: StepRecord.objects.filter(approved_by_id=approved_by))
    case = org.case()
    record = case.steps.get()
    assert [r.pk for r in statement.objects(None)] == [record.pk]  # approved_by IS NULL
    actions.decide_step(by=org.chief, record_=record, approve=True)
    assert statement.objects(None) == []
    assert [r.pk for r in statement.objects(org.chief.pk)] == [record.pk]


def test_a_queryset_that_matches_nothing_gives_nothing_without_a_query(org):
    statement = Prepared("cases.Case", lambda pk: Case.objects.none().filter(pk=pk))
    case = org.case()
    with CaptureQueriesContext(connection) as q:
        assert statement.objects(case.pk) == [] and statement.first(case.pk) is None
    assert q.captured_queries == []


def test_an_argument_the_orm_rewrites_is_refused(org):
    statement = Prepared("cases.Party", lambda name: Party.objects.filter(name__contains=name))
    with pytest.raises(ImproperlyConfigured):
        statement.objects("星海")


def test_an_argument_may_reach_the_statement_twice(org):
    statement = Prepared("cases.Case", lambda pk: Case.objects.filter(pk=pk) | Case.objects.filter(pk=pk + 0))
    case = org.case()
    assert [c.pk for c in statement.objects(case.pk)] == [case.pk]
