from django.db import migrations

from lawtrail.ledger.appendonly import protect


class Migration(migrations.Migration):
    dependencies = [("rules", "0001_initial")]

    operations = [protect("rules_calendaroverride", allow_update=True)]
