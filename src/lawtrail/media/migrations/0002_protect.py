from django.db import migrations

from lawtrail.ledger.appendonly import protect


class Migration(migrations.Migration):
    """Stored objects, derivatives and remote-work declarations are never changed or deleted; AV
    records and devices change only through actions, and are never deleted."""

    dependencies = [("media", "0001_initial")]
    operations = [
        protect("media_blob", "media_derivative", "media_remotework"),
        protect("media_avrecord", "media_device", allow_update=True),
    ]
