from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "lawtrail.ledger"
    verbose_name = "账本"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import tracked, verify

        verify.observe(tracked.MARKER, tracked.observe_entry)
        verify.register(tracked.check_rows)
