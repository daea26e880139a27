from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "lawtrail.ledger"
    verbose_name = "账本"
    default_auto_field = "django.db.models.BigAutoField"
