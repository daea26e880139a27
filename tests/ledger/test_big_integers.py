"""Integers beyond ±(2⁵³−1) cannot be written to the ledger (RFC 8785): a caller that could receive
one from a user refuses it as a validation error in Chinese instead of failing on the ledger."""

import pytest
from django.core.exceptions import ValidationError

from lawtrail.ledger import store
from lawtrail.records import actions as records
from lawtrail.records import catalogue
from lawtrail.records.examples import sample_values
from lawtrail.records.models import Document

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("party_id", [2**53, 2**63 + 7])
def test_a_document_naming_a_party_by_an_id_beyond_what_the_ledger_holds_is_refused_and_nothing_is_stored(
        org, party_id):
    case = org.case()
    kind = catalogue.get("filing_approval")
    values = sample_values(kind)
    party_field = next(f.name for f in kind.fields if f.type == "party")
    values[party_field] = {**values[party_field], "id": party_id}
    size = store.size()
    with pytest.raises(ValidationError) as refused:
        records.create_draft(by=org.zhang, case=case, kind=kind.code, values=values)
    assert "请改用字符串" in str(refused.value.message_dict["values"])
    assert store.size() == size and not Document.objects.filter(case=case).exists()
