from django.db import migrations

from lawtrail.ledger.appendonly import protect


class Migration(migrations.Migration):
    """Service records, like versions and signatures, are never changed or deleted."""

    dependencies = [("records", "0003_service")]
    operations = [protect("records_service")]
