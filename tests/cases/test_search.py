"""The case search through its substring indexes (migration 0003: trigram FTS5 on SQLite, pg_trgm on
PostgreSQL): the same answers as the plain scan, rows found the moment they are written, and terms
too short for trigrams still found."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lawtrail.access import policy
from lawtrail.cases import actions, queries
from lawtrail.cases.models import Case, Party
from tests.factories import Org, credit_code, resident_id

pytestmark = pytest.mark.django_db


def found(staff, q: str, **filters) -> set[str]:
    cases = queries.search(policy.visible_cases(staff.user), queries.Filters(q=q, **filters))
    return set(cases.values_list("number", flat=True))


def scanned(staff, q: str, monkeypatch, **filters) -> set[str]:
    """The same search with every term below the indexed length: the plain scan."""
    with monkeypatch.context() as m:
        m.setattr(queries, "INDEXED_TERM", 10**6)
        return found(staff, q, **filters)


def search_sql(staff, q: str) -> str:
    with CaptureQueriesContext(connection) as ctx:
        found(staff, q)
    return " ".join(x["sql"] for x in ctx.captured_queries)


def test_the_index_gives_the_same_answers_as_the_scan(org, monkeypatch):
    person = org.party(kind="person", name="王小明", credit_code="", id_number=resident_id())
    code = credit_code()
    cases = [
        org.case(title="未经许可擅自从事营业性演出", parties=[org.party(name="大连星海文化传媒有限公司", credit_code=code)]),
        org.case(title="网吧接纳未成年人", parties=[org.party(name="极速网络会所")]),
        org.case(procedure="inspection", title="娱乐场所日常检查", parties=[org.party(name="Abc KTV 娱乐有限公司"), person],
                 handlers=[org.zhang, org.li]),
        org.case(by=org.liu, title="旅行社未签订合同（100%_赔付）", parties=[org.party(by=org.liu, name='"海之旅"旅行社')]),
        org.case(title="擅自变更演出内容", parties=[org.party(name="书香书店")]),
    ]
    numbers = [c.number for c in cases]
    terms = ["星海文化", "星海", "海", "有限公司", "KTV", "ktv", "Abc", "未成年", "演出", "网络会所", "张伟", "李娜", "刘洋", "刘",
             "100%", "%_赔", "_", "%", '"海之', '"', "书香书店", "书店", "不存在的名称", code, code.lower(), person.id_number,
             person.id_number[:10], numbers[0], numbers[0][3:], numbers[1][-4:], "罚〔", "〔", "文旅", "  极速网络  "]
    for who in (org.zhang, org.liu, org.chief, org.head_b):
        for q in terms:
            assert found(who, q) == scanned(who, q, monkeypatch), (who.name, q)
        assert found(who, "演出", act_type="penalty") == scanned(who, "演出", monkeypatch, act_type="penalty")
    assert found(org.chief, "星海文化") == {numbers[0]}
    assert found(org.chief, "网络会所") == {numbers[1]}
    assert found(org.chief, code.lower()) == {numbers[0]} and found(org.chief, person.id_number) == {numbers[2]}
    assert found(org.chief, "100%") == {numbers[3]} and found(org.chief, "_") == {numbers[3]}
    assert found(org.chief, '"海之') == {numbers[3]}
    assert found(org.chief, "不存在的名称") == set()


def test_a_new_case_and_a_new_party_are_found_at_once(org):
    assert found(org.chief, "极光演艺") == set()
    party = actions.register_party(by=org.zhang, kind="legal_person", name="大连极光演艺有限公司", credit_code=credit_code())
    case = actions.open_case(by=org.zhang, procedure="penalty_general", source="ex_officio", title="夜间超时营业",
                             summary="检查发现。", handlers=[org.zhang, org.li], parties=[party])
    assert found(org.chief, "极光演艺") == {case.number}  # by the party's name
    assert found(org.chief, "超时营业") == {case.number}  # by the 案由
    assert found(org.chief, case.number) == {case.number}  # by the whole 案号
    assert case.number in found(org.chief, case.number[-5:])


def test_a_changed_name_is_found_by_its_new_text_only(org):
    """The triggers follow every write, also one made past the actions (here a plain UPDATE)."""
    case = org.case(title="擅自从事营业性演出", parties=[org.party(name="大连星海文化传媒有限公司")])
    Party.objects.filter(cases=case).update(name="大连海韵文化传媒有限公司")
    Case.objects.filter(pk=case.pk).update(title="网吧接纳未成年人")
    assert found(org.chief, "海韵文化") == {case.number} and found(org.chief, "星海文化") == set()
    assert found(org.chief, "未成年") == {case.number} and found(org.chief, "营业性演出") == set()


def test_two_character_terms_are_found_without_the_trigram_index(org):
    a = org.case(title="网吧接纳未成年人", parties=[org.party(name="极速网络会所")])
    b = org.case(title="娱乐场所日常检查", parties=[org.party(name="星海娱乐有限公司")])
    assert found(org.chief, "极速") == {a.number}  # part of a party's name
    assert found(org.chief, "网吧") == {a.number}  # part of the 案由
    assert found(org.chief, "星海") == {b.number}
    assert found(org.chief, "张伟") == {a.number, b.number}  # a handler's name
    assert found(org.chief, "网") == {a.number}
    assert "MATCH" not in search_sql(org.chief, "极速")


def test_the_index_is_used_for_three_characters_or_more(org):
    org.case(parties=[org.party(name="极速网络会所")])
    sql = search_sql(org.chief, "极速网络")
    if connection.vendor == "sqlite":
        assert "cases_case_fts" in sql and "cases_party_fts" in sql and "MATCH" in sql
    else:
        assert " UNION " in sql


def test_the_migration_made_the_indexes(org):
    with connection.cursor() as c:
        if connection.vendor == "sqlite":
            c.execute("SELECT name FROM sqlite_master WHERE name LIKE 'cases_%_fts%' AND type IN ('table', 'trigger')")
            names = {row[0] for row in c.fetchall()}
            assert {"cases_case_fts", "cases_party_fts"} <= names
            assert {f"cases_{t}_fts_{s}" for t in ("case", "party") for s in ("ai", "ad", "au")} <= names, (
                "a migration that rebuilt cases_case or cases_party dropped the search triggers: "
                "run migrations 0003's search_index_sql again")
        else:
            c.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'cases_%_trgm'")
            assert {row[0] for row in c.fetchall()} == {"cases_case_number_trgm", "cases_case_title_trgm",
                                                        "cases_party_name_trgm"}


def test_the_search_respects_who_sees_what(org):
    a = org.case(title="营业性演出", parties=[org.party(name="大连星海文化传媒有限公司")])
    b = org.case(by=org.liu, title="营业性演出", parties=[org.party(by=org.liu, name="大连星海演艺有限公司")])
    assert found(org.zhang, "大连星海") == {a.number}
    assert found(org.liu, "大连星海") == {b.number}
    assert found(org.chief, "大连星海") == {a.number, b.number}
    other = Org.build(code="sfj", abbr="金普司法", profile="004")
    assert found(other.chief, "大连星海") == set()
