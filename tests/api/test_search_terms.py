"""Whatever a user types into the case search is searched as text: FTS5 operators, quotes and
any character reach SQLite's MATCH only inside one quoted string, and a NUL never reaches it."""

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from lawtrail.access import policy
from lawtrail.cases import queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def visible(org):
    org.case(title='关于"星海 OR 文化*"的案件')
    org.case(title="星海文化传媒")
    return lambda: policy.visible_cases(org.zhang.user)


def _holds(case, term: str) -> bool:
    """What the search promises, case-insensitively (SQLite's LIKE is, for ASCII)."""
    t = term.casefold()
    texts = [case.number, case.title, *(p.name for p in case.parties.all()), *(h.name for h in case.handlers.all())]
    ids = [i for p in case.parties.all() for i in (p.id_number, p.credit_code) if i]
    return any(t in x.casefold() for x in texts) or any(i.casefold() == t for i in ids)


OPERATORS = ['"', '""', "*", "^", "OR", "NOT", "AND", "NEAR(", ":", "(", ")", "-", "+", "'"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(term=st.text(min_size=1, max_size=12) | st.sampled_from(OPERATORS).flatmap(
    lambda op: st.text(max_size=4).map(lambda t: t + op + t)))
def test_any_typed_term_is_searched_as_text_without_a_database_error(visible, term):
    found = list(queries.search(visible(), queries.Filters(q=term)).prefetch_related("parties", "handlers"))
    stripped = term.strip()[:100]
    if "\x00" in stripped:
        assert found == []
    elif stripped:
        assert all(_holds(c, stripped) for c in found), [c.title for c in found]


def test_a_term_with_a_nul_matches_nothing_and_is_never_sent(visible):
    for term in ("星海\x00", "\x00\x00\x00", "星\x00海文化"):
        assert not queries.search(visible(), queries.Filters(q=term)).exists()


def test_a_quoted_operator_term_finds_the_title_that_holds_it(visible):
    found = queries.search(visible(), queries.Filters(q='"星海 OR 文化*"')).values_list("title", flat=True)
    assert list(found) == ['关于"星海 OR 文化*"的案件']
