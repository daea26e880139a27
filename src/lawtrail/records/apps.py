from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "lawtrail.records"
    verbose_name = "文书"

    def ready(self):
        from lawtrail.ledger import verify

        from . import checks

        verify.register(checks.check_versions)
