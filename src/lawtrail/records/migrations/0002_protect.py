from django.db import migrations

from lawtrail.ledger.appendonly import protect


class Migration(migrations.Migration):
    """Finalised versions, signatures, refusals and signature images are never changed or deleted;
    a document row (its status and draft) changes only through actions and is never deleted."""

    dependencies = [("records", "0001_initial")]
    operations = [
        protect("records_version", "records_signature", "records_refusal", "records_signatureimage"),
        protect("records_document", allow_update=True),
    ]
