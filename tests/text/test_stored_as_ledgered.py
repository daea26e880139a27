"""What an action writes to a row and what its ledger entry says are the same values, whatever
form the caller sent them in: otherwise `lawtrail verify` reports tampering for ever, because the
ledger is append-only."""

import json
from datetime import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lawtrail.cases import actions
from lawtrail.cases.models import Case, FinePayment
from lawtrail.ledger import verify
from lawtrail.ledger.models import Entry
from lawtrail.ledger.tracked import record

pytestmark = pytest.mark.django_db


def entry_of(row):
    return json.loads(Entry.objects.get(seq=row.ledger_seq).body)["payload"]


@pytest.mark.parametrize("amount", [5000, "5000", Decimal("5000"), "5000.0", Decimal("5E3")])
def test_a_fine_of_5000_in_any_form_is_stored_and_ledgered_as_5000_00_and_verifies_clean(org, amount):
    case = org.case()
    p = actions.record_fine_payment(by=org.zhang, case=case, amount=amount, paid_at=timezone.now(),
                                    channel="bank", reference="POS-2026-0001")
    payload = entry_of(p)
    assert payload["created"]["cases.finepayment"]["amount"] == "5000.00"
    assert payload["amount"] == "5000.00"
    assert FinePayment.objects.get(pk=p.pk).amount == Decimal("5000.00")
    report = verify.run()
    assert report.ok, [x.message for x in report.problems]


def test_a_tracked_row_changed_by_a_queryset_update_is_ledgered_as_the_database_gives_it_back(org):
    case = org.case()
    Case.objects.filter(pk=case.pk).update(year=2025)
    case.year = "2025"  # what a careless caller keeps in memory
    with transaction.atomic():
        record(actor="test", action="cases.year_fixed", subject=f"case:{case.pk}", rows=[case])
    assert entry_of(case)["rows"][f"cases.case:{case.pk}"]["year"] == 2025
    assert verify.run().ok


def test_a_naive_time_is_read_in_the_bureaus_zone_once_for_both_the_row_and_the_entry(org):
    case = org.case()
    naive = datetime(2026, 3, 1, 9, 30)  # 09:30 in Asia/Shanghai
    p = FinePayment(case=case, amount="10", paid_at=naive, channel="bank", reference="A1", recorded_by=org.zhang,
                    recorded_at=timezone.now())
    with transaction.atomic():
        record(actor="test", action="cases.fine_paid", subject=f"case:{case.pk}", create=p)
    assert entry_of(p)["created"]["cases.finepayment"]["paid_at"] == "2026-03-01T01:30:00.000000Z"
    assert verify.run().ok


def test_an_amount_too_large_for_its_column_is_refused_naming_the_field(org):
    case = org.case()
    with pytest.raises(ValidationError) as e:
        actions.record_fine_payment(by=org.zhang, case=case, amount="1" + "0" * 14, paid_at=timezone.now(),
                                    channel="bank", reference="A1")
    assert "amount" in e.value.message_dict
