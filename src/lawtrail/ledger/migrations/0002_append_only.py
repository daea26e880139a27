from django.db import migrations

from lawtrail.ledger.appendonly import protect


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [protect("ledger_entry", "ledger_node", "ledger_tile", "ledger_checkpoint")]
