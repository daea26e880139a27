from django.db import migrations, models

from lawtrail.ledger.appendonly import protect


class Migration(migrations.Migration):
    """API tokens become tracked rows (issue #15): proved by verify against their entries, and
    never deleted (a token is revoked)."""

    dependencies = [("access", "0003_access_requests")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="ledger_seq",
            field=models.BigIntegerField(editable=False, null=True, verbose_name="账本条目序号"),
        ),
        protect("access_apitoken", allow_update=True),
    ]
