from django.db import migrations

from lawtrail.ledger.appendonly import protect


class Migration(migrations.Migration):
    """A receipt's link to its service record is never changed or deleted."""

    dependencies = [("records", "0005_service_receipt")]
    operations = [protect("records_servicereceipt")]
