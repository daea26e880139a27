from django.db import migrations, models

from lawtrail.ledger.appendonly import protect


class Migration(migrations.Migration):
    dependencies = [("rules", "0003_stored_findings")]

    operations = [
        migrations.CreateModel(
            name="CalendarYear",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("ledger_seq", models.BigIntegerField(editable=False, null=True, verbose_name="账本条目序号")),
                ("year", models.PositiveSmallIntegerField(unique=True, verbose_name="年度")),
                ("notice", models.CharField(help_text="如“国务院办公厅关于2027年部分节假日安排的通知”（国办发明电〔2026〕×号）",
                                            max_length=200, verbose_name="依据")),
            ],
            options={"verbose_name": "工作日历年度", "verbose_name_plural": "工作日历年度", "ordering": ["-year"]},
        ),
        protect("rules_calendaryear", allow_update=True),
    ]
