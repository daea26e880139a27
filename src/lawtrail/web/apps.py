from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "lawtrail.web"
    verbose_name = "网页"

    def ready(self):
        from . import signals  # noqa: F401  (login/logout events go to the ledger)
