from django.db import migrations

from lawtrail.ledger.appendonly import protect


class Migration(migrations.Migration):
    """Case rows change only through cases/actions.py (proved by verify) and are never deleted."""

    dependencies = [("cases", "0001_initial")]
    operations = [protect("cases_party", "cases_complaint", "cases_case", "cases_steprecord", allow_update=True)]
