from django.db import migrations

from lawtrail.ledger.appendonly import protect


class Migration(migrations.Migration):
    """Organisation rows change only through actions (proved by verify) and are never deleted."""

    dependencies = [("access", "0001_initial")]
    operations = [protect("access_bureau", "access_unit", "access_staff", allow_update=True)]
